#include "cli/run_options.hpp"
#include "host/paths.hpp"
#include "report/app_info.hpp"
#include "report/clean.hpp"
#include "report/store.hpp"
#include "report_fixtures.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <filesystem>
#include <string>

#include <unistd.h>

using namespace pgu;
namespace fs = std::filesystem;

namespace {

// A fresh folder under TMPDIR, removed at the end of the test.
struct TemporaryFolder {
  TemporaryFolder()
  {
    std::string pattern = (fs::temp_directory_path() / "pgupgrade-report-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TemporaryFolder()
  {
    std::error_code error;
    fs::remove_all(path, error);
  }
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;

  fs::path path;
};

host::Paths paths_in(const fs::path& root)
{
  host::Paths paths;
  paths.lib_root = root;
  paths.state = root / "data" / "pgupgrade";
  return paths;
}

fs::perms mode_of(const fs::path& path)
{
  return fs::status(path).permissions() & fs::perms::mask;
}

int usage_code(const std::vector<std::string>& args)
{
  try {
    cli::parse_run_settings(args);
  } catch (const Error& e) {
    return static_cast<int>(e.code());
  }
  return 0;
}

} // namespace

TEST_CASE("reports are kept private in the app's state folder, newest reports_kept of each kind")
{
  TemporaryFolder folder;
  const auto paths = paths_in(folder.path);
  const auto plan = report::cleaned(fixtures::ready_plan());
  const auto file = report::store_report(paths, plan);
  CHECK(file.parent_path() == paths.state / "shop" / "reports");
  CHECK(file.filename().string().starts_with("plan-"));
  CHECK(file.extension() == ".json");
  CHECK(mode_of(file) == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(mode_of(file.parent_path()) == fs::perms::owner_all);
  CHECK(mode_of(paths.state / "shop") == fs::perms::owner_all);

  for (std::size_t i = 0; i < report::reports_kept + 5; ++i) {
    report::store_report(paths, plan);
  }
  report::store_report(paths, report::cleaned(fixtures::finished_run()));
  CHECK(report::stored_reports(paths, "shop", "plan").size() == report::reports_kept);
  CHECK(report::stored_reports(paths, "shop", "run").size() == 1);
  CHECK(report::stored_reports(paths, "other", "run").empty());
}

TEST_CASE("the last plan and run are the newest stored, read back whole")
{
  TemporaryFolder folder;
  const auto paths = paths_in(folder.path);
  CHECK(!report::last_report(paths, "shop", "plan"));
  report::store_report(paths, report::cleaned(fixtures::ready_plan()));
  report::store_report(paths, report::cleaned(fixtures::blocked_plan()));
  report::store_report(paths, report::cleaned(fixtures::rolled_back_run()));
  const auto plan = report::last_report(paths, "shop", "plan");
  REQUIRE(plan);
  CHECK(plan->outcome == "blocked");
  const auto run = report::last_report(paths, "shop", "run");
  REQUIRE(run);
  CHECK(run->outcome == "rolled-back");
  CHECK(run->steps.size() == 4);
}

TEST_CASE("a damaged stored report is named, not trusted")
{
  TemporaryFolder folder;
  const auto paths = paths_in(folder.path);
  create_private_directory(paths.state / "shop" / "reports");
  write_file_atomically(paths.state / "shop" / "reports" / "run-20261122T060000.000000Z-1.json", "{\"truncated\": ");
  CHECK_THROWS_WITH_AS(report::last_report(paths, "shop", "run"), doctest::Contains("run-20261122T060000.000000Z-1.json is damaged"), Error);
  const auto info = report::load_app_info(paths, "shop");
  REQUIRE(info.problems.size() == 1);
  CHECK(info.problems.front().find("is damaged") != std::string::npos);
  CHECK(!info.last_run);
}

TEST_CASE("pgupgrade:report rows follow Dokku's :report layout and keys")
{
  TemporaryFolder folder;
  const auto paths = paths_in(folder.path);
  auto empty = report::load_app_info(paths, "shop");
  empty.generated = "2026-11-22T07:00:00Z";
  const auto text = report::render_app_text(empty);
  CHECK(text.starts_with("=====> shop pgupgrade information\n"));
  CHECK(text.find(fmt::format("       Pgupgrade state folder:        {}\n", (paths.state / "shop").string())) != std::string::npos);
  CHECK(text.find("       Pgupgrade last run outcome:\n") != std::string::npos);
  CHECK(text.find("       Pgupgrade exports kept:        0\n") != std::string::npos);

  report::store_report(paths, report::cleaned(fixtures::ready_plan()));
  report::store_report(paths, report::cleaned(fixtures::finished_run()));
  create_private_directory(paths.state / "shop" / "exports");
  write_file_atomically(paths.state / "shop" / "exports" / "shopdb-1.dump", "x");
  write_file_atomically(paths.state / "shop" / "exports" / "shopdb-1.dump.sha256", "x");
  const auto info = report::load_app_info(paths, "shop");
  const auto rows = report::info_rows(info);
  std::map<std::string, std::string> values;
  for (const auto& row : rows) {
    CHECK(row.label == "Pgupgrade " + [&] {
      auto words = row.key;
      std::replace(words.begin(), words.end(), '-', ' ');
      return words;
    }());
    values[row.key] = report::row_text(row);
  }
  CHECK(values.at("last-plan-outcome") == "ready");
  CHECK(values.at("last-plan-at") == "2026-11-22T06:00:05Z");
  CHECK(values.at("last-plan-target") == "postgres:17.10");
  CHECK(values.at("last-run-outcome") == "done");
  CHECK(values.at("last-run-error").empty());
  CHECK(values.at("journal-state").empty());
  CHECK(values.at("exports-kept") == "1");
  CHECK(values.at("plans-kept") == "1");
  CHECK(values.at("runs-kept") == "1");

  const auto full = report::render_app_text(info);
  CHECK(full.find("=====> Upgrade plan for shop: postgres:14.23 → postgres:17.10\n") != std::string::npos);
  CHECK(full.find("=====> Upgrade of shop: done\n") != std::string::npos);

  const auto json = boost::json::parse(boost::json::serialize(report::app_json(info))).as_object();
  CHECK(json.at("kind").as_string() == "app");
  CHECK(json.at("info").at("exports_kept").as_int64() == 1);
  CHECK(json.at("info").at("journal_state").is_null());
  CHECK(json.at("last_plan").at("outcome").as_string() == "ready");
  CHECK(json.at("last_run").at("results").at("verification").at("rows").as_int64() == 12345);
}

TEST_CASE("--report-file must name a file in an existing, writable folder (usage error otherwise)")
{
  TemporaryFolder folder;
  const std::vector<std::string> base{"web", "postgres", "17"};
  const auto with = [&](std::vector<std::string> extra) {
    auto args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  const auto good = (folder.path / "plan.json").string();
  CHECK(usage_code(with({"--report-file", good})) == 0);
  CHECK(cli::parse_run_settings(with({"--report-file", good, "--format", "junit"})).report_file == good);
  CHECK(usage_code(with({"--report-file", (folder.path / "missing" / "plan.json").string()})) == 2);
  CHECK(usage_code(with({"--report-file", folder.path.string()})) == 2);
  CHECK(usage_code(with({"--report-file", folder.path.string() + "/"})) == 2);
  CHECK(usage_code(with({"--report-file", ""})) == 2);
  CHECK_THROWS_WITH_AS(cli::parse_run_settings(with({"--report-file", "/no/such/folder/plan.json"})),
                       "Invalid --report-file /no/such/folder/plan.json: the folder /no/such/folder does not exist", Error);
  if (::geteuid() != 0) {
    fs::permissions(folder.path, fs::perms::owner_read | fs::perms::owner_exec);
    CHECK(usage_code(with({"--report-file", good})) == 2);
    fs::permissions(folder.path, fs::perms::owner_all);
  }
}
