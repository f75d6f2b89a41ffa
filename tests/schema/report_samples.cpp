// Writes every report format of the fixtures (ready plan, blocked plan, finished run,
// rolled-back run) and a pgupgrade:report JSON into a folder, for tests/schema/validate.

#include "../unit/report_fixtures.hpp"
#include "host/paths.hpp"
#include "report/app_info.hpp"
#include "report/clean.hpp"
#include "report/store.hpp"
#include "schedule/store.hpp"
#include "util/files.hpp"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

int main(int argc, char** argv)
{
  if (argc != 2) {
    std::cerr << "usage: report-samples FOLDER\n";
    return 2;
  }
  const std::filesystem::path folder(argv[1]);
  std::filesystem::create_directories(folder);
  pgu::fixtures::plant_secrets();
  const std::vector<std::pair<std::string, pgu::report::Report>> samples{{"ready-plan", pgu::fixtures::ready_plan()},
                                                                        {"blocked-plan", pgu::fixtures::blocked_plan()},
                                                                        {"finished-run", pgu::fixtures::finished_run()},
                                                                        {"rolled-back-run", pgu::fixtures::rolled_back_run()}};
  for (const auto& [name, report] : samples) {
    const std::vector<std::pair<const char*, pgu::upgrade::ReportFormat>> formats{{"json", pgu::upgrade::ReportFormat::json},
                                                                                  {"md", pgu::upgrade::ReportFormat::markdown},
                                                                                  {"xml", pgu::upgrade::ReportFormat::junit},
                                                                                  {"txt", pgu::upgrade::ReportFormat::text}};
    for (const auto& [extension, format] : formats) {
      pgu::write_file_atomically(folder / fmt::format("{}.{}", name, extension), pgu::report::render(report, format));
    }
  }
  // pgupgrade:report --format json of an app with a stored plan and run.
  pgu::host::Paths paths;
  paths.state = folder / "state";
  pgu::report::store_report(paths, pgu::report::cleaned(pgu::fixtures::blocked_plan()));
  pgu::report::store_report(paths, pgu::report::cleaned(pgu::fixtures::finished_run()));
  // ... and a plan schedule whose last run was blocked (pgupgrade:schedule).
  pgu::schedule::Schedule schedule;
  schedule.app = "shop";
  schedule.kind = pgu::schedule::Kind::plan;
  schedule.cron = "0 3 * * 1-5";
  schedule.image = "postgres";
  schedule.version = "17.10";
  schedule.arguments = {"postgres", "17.10", "--keep-old"};
  schedule.created = "2026-11-22T06:00:00Z";
  pgu::schedule::save_schedule(paths, schedule);
  pgu::schedule::LastRun last;
  last.cron = schedule.cron;
  last.target = schedule.target();
  last.started = "2026-11-23T03:00:00Z";
  last.finished = "2026-11-23T03:00:09Z";
  last.outcome = "blocked";
  last.exit_code = 1;
  last.message = "postgis is not available in postgres:17.10";
  pgu::schedule::save_last_run(paths, "shop", last);
  pgu::write_file_atomically(folder / "app.json", boost::json::serialize(pgu::report::app_json(pgu::report::load_app_info(paths, "shop"))) + "\n");
  auto empty = pgu::report::load_app_info(paths, "other");
  pgu::write_file_atomically(folder / "app-empty.json", boost::json::serialize(pgu::report::app_json(empty)) + "\n");
  std::filesystem::remove_all(paths.state);
  return 0;
}
