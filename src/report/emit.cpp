#include "report/emit.hpp"

#include "host/paths.hpp"
#include "util/output.hpp"

#include <ostream>

namespace pgu::report {

void emit_plan_report(const Output& out, const host::Paths& /*paths*/, const upgrade::Settings& /*settings*/, const Report& report)
{
  out.out() << render_text(report);
}

void emit_run_report(const Output& out, const host::Paths& /*paths*/, const upgrade::Settings& /*settings*/, const Report& report)
{
  out.out() << render_text(report);
}

} // namespace pgu::report
