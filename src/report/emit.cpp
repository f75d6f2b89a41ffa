#include "report/emit.hpp"

#include "host/paths.hpp"
#include "report/clean.hpp"
#include "report/store.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/output.hpp"

#include <fmt/format.h>

#include <ostream>

namespace pgu::report {

namespace {

// A report file the operator asked for is theirs to read: 0644, like any file they write.
constexpr auto report_file_mode = std::filesystem::perms::owner_read | std::filesystem::perms::owner_write
                                  | std::filesystem::perms::group_read | std::filesystem::perms::others_read;

enum class Kind { plan, run };

// With --report-file the terminal keeps the text and the file gets --format (text by
// default); without, the terminal gets --format. The report is also kept in the state folder.
// A plan's report file is its point (CI reads it), so failing to write it fails the plan; a
// run's outcome stands whatever happens to its report, which then only warns.
void emit(const Output& out, const host::Paths& paths, const upgrade::Settings& settings, const Report& report, Kind kind)
{
  const auto clean = cleaned(report);
  out.out() << render(clean, settings.report_file ? upgrade::ReportFormat::text : settings.format);
  out.out().flush();
  try {
    store_report(paths, clean);
  } catch (const std::exception& e) {
    out.warn(fmt::format("The {} report could not be kept in {}: {}", clean.kind, reports_dir(paths, clean.plan.settings.app).string(),
                         e.what()));
  }
  if (!settings.report_file) {
    return;
  }
  try {
    write_file_atomically(*settings.report_file, render(clean, settings.format), report_file_mode);
  } catch (const std::exception& e) {
    const auto message = fmt::format("Cannot write the report file {}: {}", *settings.report_file, e.what());
    if (kind == Kind::plan) {
      throw failure(message);
    }
    out.warn(message);
  }
}

} // namespace

void emit_plan_report(const Output& out, const host::Paths& paths, const upgrade::Settings& settings, const Report& report)
{
  emit(out, paths, settings, report, Kind::plan);
}

void emit_run_report(const Output& out, const host::Paths& paths, const upgrade::Settings& settings, const Report& report)
{
  emit(out, paths, settings, report, Kind::run);
}

} // namespace pgu::report
