#include "report/report.hpp"

#include "report/clean.hpp"
#include "report/json.hpp"
#include "util/time.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace pgu::report {

namespace {

// Conservative rates for the estimate, from the anchors' local measurements: an uncompressed
// dump streamed into a restore moves ~50 MB/s of table data including index builds; a
// compressed backup ~25 MB/s (gzip-bound); verification scans both sides; a restart with
// health checks takes seconds.
constexpr double copy_bytes_per_second = 50e6;
constexpr double backup_bytes_per_second = 25e6;
constexpr double verify_bytes_per_second = 400e6;
constexpr double fixed_seconds = 15;

} // namespace

std::string mebibytes(std::int64_t bytes)
{
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

std::size_t count_checks(const upgrade::Plan& plan, upgrade::CheckStatus status)
{
  return static_cast<std::size_t>(
    std::count_if(plan.checks.begin(), plan.checks.end(), [&](const auto& check) { return check.status == status; }));
}

bool step_failed(const Report& report, const upgrade::StepRecord& step)
{
  if (step.state == upgrade::StepState::failed) {
    return true;
  }
  return step.state == upgrade::StepState::undone && !step.detail.empty() && report.error.starts_with(step.name + " failed");
}

std::string failed_step(const Report& report)
{
  const auto found = std::find_if(report.steps.begin(), report.steps.end(), [&](const auto& step) { return step_failed(report, step); });
  return found == report.steps.end() ? std::string() : found->name;
}

std::string render(const Report& report, upgrade::ReportFormat format)
{
  const auto clean = cleaned(report);
  switch (format) {
  case upgrade::ReportFormat::json:
    return render_json(clean);
  case upgrade::ReportFormat::markdown:
    return render_markdown(clean);
  case upgrade::ReportFormat::junit:
    return render_junit(clean);
  case upgrade::ReportFormat::text:
    break;
  }
  return render_text(clean);
}

double estimate_window_seconds(std::int64_t database_bytes, bool with_backup)
{
  const auto bytes = static_cast<double>(database_bytes);
  // The backup runs alongside the copy: the slower of the two counts.
  const auto copy_seconds = bytes / copy_bytes_per_second;
  return fixed_seconds + std::max(copy_seconds, with_backup ? bytes / backup_bytes_per_second : 0.0) + 2 * bytes / verify_bytes_per_second;
}

Report plan_report(const upgrade::Plan& plan, const std::vector<std::string>& commands)
{
  Report report;
  report.kind = "plan";
  report.outcome = plan.blocked() ? "blocked" : "ready";
  report.generated = now_utc();
  report.helper_version = PGUPGRADE_VERSION;
  report.plan = plan;
  report.commands = commands;
  report.estimated_copy_bytes = plan.database_bytes;
  report.estimated_window_seconds = estimate_window_seconds(plan.database_bytes, !plan.settings.skip_backup);
  return report;
}

Report run_report(const upgrade::JournalRecord& journal)
{
  Report report;
  report.kind = "run";
  report.outcome = journal.state;
  report.generated = now_utc();
  report.helper_version = PGUPGRADE_VERSION;
  report.plan = journal.plan;
  report.steps = journal.steps;
  report.facts = journal.facts;
  report.error = journal.error;
  report.estimated_copy_bytes = journal.plan.database_bytes;
  report.estimated_window_seconds = estimate_window_seconds(journal.plan.database_bytes, !journal.plan.settings.skip_backup);
  return report;
}

} // namespace pgu::report
