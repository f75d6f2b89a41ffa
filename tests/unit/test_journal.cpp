#include "upgrade/journal.hpp"

#include <doctest/doctest.h>

using namespace pgu::upgrade;

TEST_CASE("a journal reads back as it was written")
{
  JournalRecord record;
  record.app = "web";
  record.state = "failed";
  record.plan.settings.app = "web";
  record.plan.settings.keep_old = true;
  record.plan.old_service = "webdb";
  record.plan.new_service = "webdb17";
  record.plan.target = {"postgis/postgis", "15-3.3"};
  record.plan.backup = pgu::host::BackupSchedule{};
  record.plan.backup->schedule = "0 3 * * *";
  record.plan.backup->bucket = "dokku-postgres";
  record.plan.checks.push_back({"disk", "free disk", CheckStatus::warn, "tight", {{"free", "1 MiB"}}});
  record.steps.push_back({"pull", StepState::done, "t0", "t1", 1.5, ""});
  record.steps.push_back({"copy", StepState::running, "t2", "", 0, ""});
  record.facts["export.file"] = "/x.dump";

  const auto back = journal_from_toml(to_toml(record));
  CHECK(back.app == "web");
  CHECK(back.state == "failed");
  CHECK(back.plan.settings.keep_old);
  CHECK(back.plan.old_service == "webdb");
  CHECK(back.plan.target.full() == "postgis/postgis:15-3.3");
  REQUIRE(back.plan.backup);
  CHECK(back.plan.backup->schedule == "0 3 * * *");
  CHECK(back.plan.backup->bucket == "dokku-postgres");
  REQUIRE(back.plan.checks.size() == 1);
  CHECK(back.plan.checks[0].status == CheckStatus::warn);
  REQUIRE(back.steps.size() == 2);
  CHECK(back.step("copy")->state == StepState::running);
  CHECK(back.facts.at("export.file") == "/x.dump");
}
