#pragma once

#include "upgrade/journal.hpp"
#include "upgrade/plan.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pgu::report {

// A plan (dry run) or a run, as every report format shows it. Built from the plan, the
// journal and the commands; holds nothing secret (commands are already masked).
struct Report {
  std::string kind;    // "plan" or "run"
  std::string outcome; // plan: "ready" or "blocked"; run: "done", "rolled-back", "failed", "running"
  std::string generated;
  std::string helper_version;
  upgrade::Plan plan;
  std::vector<std::string> commands;
  std::vector<upgrade::StepRecord> steps;
  std::map<std::string, std::string> facts;
  std::string error;
  double estimated_window_seconds = 0;
  std::int64_t estimated_copy_bytes = 0;
};

Report plan_report(const upgrade::Plan& plan, const std::vector<std::string>& commands);
Report run_report(const upgrade::JournalRecord& journal);

// The window a plan expects: backup and copy of the database, verification, a restart.
double estimate_window_seconds(std::int64_t database_bytes, bool with_backup);

// Whether this step is the one that failed: a rollback marks the failed step undone too, so it
// is also an undone step that kept its error while the run's error names it.
bool step_failed(const Report& report, const upgrade::StepRecord& step);
// The name of the step that failed, empty if none did.
std::string failed_step(const Report& report);

// "12.3 MiB".
std::string mebibytes(std::int64_t bytes);
std::size_t count_checks(const upgrade::Plan& plan, upgrade::CheckStatus status);

// The formats of --format. Each expects a cleaned report (see clean.hpp); render() cleans it.
std::string render_text(const Report& report);
std::string render_markdown(const Report& report); // GitHub Flavored Markdown, for CI job summaries
std::string render_junit(const Report& report);    // JUnit XML (docs/junit.xsd)
std::string render(const Report& report, upgrade::ReportFormat format);

} // namespace pgu::report
