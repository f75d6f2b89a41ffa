#pragma once

#include "report/report.hpp"
#include "schedule/store.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pgu::host {
struct Paths;
}

namespace pgu::report {

// What pgupgrade:report shows for one app: the plugin's state for it and its last plan and run.
struct AppInfo {
  std::string app;
  std::string generated;
  std::filesystem::path state_folder;
  std::optional<Report> last_plan;
  std::optional<Report> last_run;
  std::optional<upgrade::JournalRecord> journal;
  std::size_t plans_kept = 0;
  std::size_t runs_kept = 0;
  std::size_t exports_kept = 0;
  std::optional<schedule::Schedule> schedule;   // pgupgrade:schedule
  std::optional<schedule::LastRun> schedule_last; // what the last scheduled run did
  std::vector<std::string> problems; // damaged files, shown as warnings
};

AppInfo load_app_info(const host::Paths& paths, const std::string& app);

// One `Label:` line of Dokku's :report layout and its --pgupgrade-<key> flag. The value is
// null when there is nothing to show (printed empty, as Dokku does).
struct InfoRow {
  std::string key;   // "last-run-outcome": flag --pgupgrade-last-run-outcome, JSON last_run_outcome
  std::string label; // "Pgupgrade last run outcome"
  boost::json::value value;
};

std::vector<InfoRow> info_rows(const AppInfo& info);

// A row's value as text: strings as they are, null as nothing, numbers as JSON writes them.
std::string row_text(const InfoRow& row);

// `=====> <app> pgupgrade information`, the rows, then the last plan and run as text.
std::string render_app_text(const AppInfo& info);

// {"schema_version", "kind": "app", "app", "generated", "info": {...}, "last_plan", "last_run"}
// (docs/report-schema.json).
boost::json::object app_json(const AppInfo& info);

} // namespace pgu::report
