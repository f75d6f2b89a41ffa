#pragma once

#include "report/report.hpp"
#include "upgrade/settings.hpp"

namespace pgu {
class Output;
namespace host {
struct Paths;
}
} // namespace pgu

namespace pgu::report {

// Where a finished plan or run goes: the terminal (text, or the chosen --format), the
// --report-file, and the app's state folder (kept for pgupgrade:report).
void emit_plan_report(const Output& out, const host::Paths& paths, const upgrade::Settings& settings, const Report& report);
void emit_run_report(const Output& out, const host::Paths& paths, const upgrade::Settings& settings, const Report& report);

} // namespace pgu::report
