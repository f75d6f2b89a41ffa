// The schedule store (toml, atomically, in the app's state folder), cron-entries lines, the
// move on apps:rename and the Markdown copies beside kept reports.

#include "host/paths.hpp"
#include "report/store.hpp"
#include "report_fixtures.hpp"
#include "report/clean.hpp"
#include "schedule/entries.hpp"
#include "schedule/run.hpp"
#include "schedule/store.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include <unistd.h>

using namespace pgu;
namespace fs = std::filesystem;

namespace {

struct ScheduleFolder {
  ScheduleFolder()
  {
    std::string pattern = (fs::temp_directory_path() / "pgupgrade-schedule-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    root = pattern;
    paths.lib_root = root;
    paths.state = root / "data" / "pgupgrade";
    paths.logs = root / "log";
  }
  ~ScheduleFolder()
  {
    std::error_code error;
    fs::remove_all(root, error);
  }
  ScheduleFolder(const ScheduleFolder&) = delete;
  ScheduleFolder& operator=(const ScheduleFolder&) = delete;

  fs::path root;
  host::Paths paths;
};

schedule::Schedule sample(const std::string& app, schedule::Kind kind)
{
  schedule::Schedule entry;
  entry.app = app;
  entry.kind = kind;
  entry.cron = "0 3 * * *";
  entry.image = "postgres";
  entry.version = "17.10";
  entry.arguments = {"postgres", "17.10", "--keep-old", "--schedule", "0 4 * * *"};
  entry.created = "2026-11-22T08:00:00Z";
  return entry;
}

} // namespace

TEST_CASE("a schedule reads back as it was written, owner-only, and is removed")
{
  ScheduleFolder folder;
  CHECK(!schedule::load_schedule(folder.paths, "shop"));
  schedule::save_schedule(folder.paths, sample("shop", schedule::Kind::upgrade));
  const auto file = schedule::schedule_file(folder.paths, "shop");
  CHECK((fs::status(file).permissions() & fs::perms::mask) == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK((fs::status(file.parent_path()).permissions() & fs::perms::mask) == fs::perms::owner_all);
  const auto loaded = schedule::load_schedule(folder.paths, "shop");
  REQUIRE(loaded);
  CHECK(loaded->app == "shop");
  CHECK(loaded->kind == schedule::Kind::upgrade);
  CHECK(loaded->cron == "0 3 * * *");
  CHECK(loaded->target() == "postgres:17.10");
  CHECK(loaded->arguments == sample("shop", schedule::Kind::upgrade).arguments);
  CHECK(loaded->created == "2026-11-22T08:00:00Z");
  CHECK(schedule::remove_schedule(folder.paths, "shop"));
  CHECK(!schedule::remove_schedule(folder.paths, "shop"));
  CHECK(!schedule::load_schedule(folder.paths, "shop"));
}

TEST_CASE("every app's schedule, by name; a damaged file is named and skipped")
{
  ScheduleFolder folder;
  schedule::save_schedule(folder.paths, sample("web", schedule::Kind::plan));
  schedule::save_schedule(folder.paths, sample("api", schedule::Kind::upgrade));
  create_private_directory(folder.paths.state / "broken");
  write_file_atomically(folder.paths.state / "broken" / "schedule.toml", "kind = \"plan\"\ncron = ");
  create_private_directory(folder.paths.state / "nothing");
  std::vector<std::string> problems;
  const auto all = schedule::all_schedules(folder.paths, problems);
  REQUIRE(all.size() == 2);
  CHECK(all[0].app == "api");
  CHECK(all[1].app == "web");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].find("broken/schedule.toml is damaged") != std::string::npos);
  CHECK_THROWS_AS(schedule::load_schedule(folder.paths, "broken"), Error);
  // Valid TOML without the keys a schedule needs: damaged too, in one line.
  create_private_directory(folder.paths.state / "partial");
  write_file_atomically(folder.paths.state / "partial" / "schedule.toml", "kind = \"plan\"\ncron = \"0 3 * * *\"\n");
  try {
    (void)schedule::load_schedule(folder.paths, "partial");
    FAIL("a schedule without image, version and arguments was accepted");
  } catch (const Error& e) {
    const std::string message = e.what();
    CHECK(message.find("partial/schedule.toml is damaged") != std::string::npos);
    CHECK(message.find('\n') == std::string::npos);
  }
}

TEST_CASE("cron-entries lines: SCHEDULE;COMMAND;LOGFILE with exactly two semicolons")
{
  ScheduleFolder folder;
  std::string problem;
  const auto line = schedule::entry_line(sample("shop", schedule::Kind::plan), folder.paths, problem);
  REQUIRE(line);
  CHECK(problem.empty());
  CHECK(*line == fmt::format("0 3 * * *;dokku pgupgrade:scheduled-run shop;{}/log/pgupgrade-shop.log", folder.root.string()));
  CHECK(std::count(line->begin(), line->end(), ';') == 2);
  CHECK(line->find('\n') == std::string::npos);

  // A hand-edited file with a bad expression gives no line (Dokku would refuse the crontab).
  auto edited = sample("shop", schedule::Kind::plan);
  edited.cron = "0 3 * * *;rm -rf /";
  CHECK(!schedule::entry_line(edited, folder.paths, problem));
  CHECK(problem.find("';' is not allowed") != std::string::npos);
  edited.cron = "61 * * * *";
  CHECK(!schedule::entry_line(edited, folder.paths, problem));

  // A log folder a crontab line cannot hold: the entry runs without a log file.
  folder.paths.logs = "/var/log/dokku;x";
  problem.clear();
  const auto bare = schedule::entry_line(sample("shop", schedule::Kind::plan), folder.paths, problem);
  REQUIRE(bare);
  CHECK(*bare == "0 3 * * *;dokku pgupgrade:scheduled-run shop");
  CHECK(!problem.empty());
}

TEST_CASE("apps:rename moves the schedule and the last run's record")
{
  ScheduleFolder folder;
  schedule::save_schedule(folder.paths, sample("old", schedule::Kind::plan));
  schedule::LastRun last;
  last.kind = schedule::Kind::plan;
  last.outcome = "blocked";
  last.exit_code = 1;
  last.message = "an extension is missing";
  schedule::save_last_run(folder.paths, "old", last);
  CHECK(schedule::move_schedule(folder.paths, "old", "new"));
  CHECK(!schedule::load_schedule(folder.paths, "old"));
  CHECK(!schedule::load_last_run(folder.paths, "old"));
  const auto moved = schedule::load_schedule(folder.paths, "new");
  REQUIRE(moved);
  CHECK(moved->app == "new");
  const auto record = schedule::load_last_run(folder.paths, "new");
  REQUIRE(record);
  CHECK(record->outcome == "blocked");
  CHECK(record->exit_code == 1);
  CHECK(record->message == "an extension is missing");
  CHECK(!schedule::move_schedule(folder.paths, "old", "new"));
}

TEST_CASE("Markdown copies follow their JSON report out of the store")
{
  ScheduleFolder folder;
  const auto kept = report::store_report(folder.paths, report::cleaned(fixtures::ready_plan()));
  auto markdown = kept;
  markdown.replace_extension(".md");
  write_file_atomically(markdown, "# plan");
  const auto orphan = kept.parent_path() / "plan-20000101T000000.000000Z-1.md";
  write_file_atomically(orphan, "# old plan");
  CHECK(schedule::prune_markdown_copies(folder.paths, "shop") == 1);
  CHECK(fs::exists(markdown));
  CHECK(!fs::exists(orphan));
}
