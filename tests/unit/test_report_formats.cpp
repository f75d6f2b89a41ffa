#include "report/clean.hpp"
#include "report/json.hpp"
#include "report/report.hpp"
#include "report_fixtures.hpp"
#include "util/error.hpp"

#include <boost/json/parse.hpp>
#include <doctest/doctest.h>

#include <algorithm>
#include <regex>
#include <sstream>

using namespace pgu;
using report::Report;
using upgrade::ReportFormat;

namespace {

constexpr std::array formats{ReportFormat::text, ReportFormat::json, ReportFormat::markdown, ReportFormat::junit};

std::vector<Report> every_fixture()
{
  return {fixtures::ready_plan(), fixtures::blocked_plan(), fixtures::finished_run(), fixtures::rolled_back_run()};
}

std::size_t occurrences(const std::string& text, const std::string& what)
{
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) {
    ++count;
  }
  return count;
}

boost::json::object json_of(const Report& report)
{
  return boost::json::parse(report::render(report, ReportFormat::json)).as_object();
}

} // namespace

TEST_CASE("no planted secret appears in any format of any report")
{
  fixtures::plant_secrets();
  for (const auto& report : every_fixture()) {
    for (const auto format : formats) {
      const auto text = report::render(report, format);
      CAPTURE(report.kind);
      CAPTURE(report.outcome);
      CAPTURE(upgrade::to_string(format));
      CHECK(!text.empty());
      for (const auto* secret : fixtures::planted_secrets) {
        CHECK(text.find(secret) == std::string::npos);
      }
      // The escaped forms too: a secret must be masked before any escaping.
      CHECK(text.find("planted/secret") == std::string::npos);
      CHECK(text.find("PLANTED0ACCESS") == std::string::npos);
    }
  }
  CHECK(report::render(fixtures::ready_plan(), ReportFormat::json).find("postgres://postgres:********@dokku-postgres-shopdb")
        != std::string::npos);
}

TEST_CASE("JSON of a ready plan: versioned, every check with its figures, ordered commands, the estimate")
{
  const auto json = json_of(fixtures::ready_plan());
  CHECK(json.at("schema_version").as_int64() == report::schema_version);
  CHECK(json.at("kind").as_string() == "plan");
  CHECK(json.at("outcome").as_string() == "ready");
  CHECK(json.at("app").as_string() == "shop");
  CHECK(json.at("old").at("image").as_string() == "postgres:14.23");
  CHECK(json.at("new").at("major").as_int64() == 17);
  const auto& checks = json.at("checks").as_array();
  REQUIRE(checks.size() == 6);
  CHECK(checks[1].at("id").as_string() == "service");
  CHECK(checks[1].at("status").as_string() == "pass");
  CHECK(checks[1].at("figures").at("service").as_string() == "shopdb");
  CHECK(checks[5].at("status").as_string() == "warn");
  CHECK(json.at("summary").at("pass").as_int64() == 5);
  CHECK(json.at("summary").at("warn").as_int64() == 1);
  CHECK(json.at("summary").at("fail").as_int64() == 0);
  const auto& commands = json.at("commands").as_array();
  REQUIRE(commands.size() == 3);
  CHECK(commands[0].as_string() == "docker image pull postgres:17.10");
  CHECK(commands[1].as_string() == "dokku postgres:backup-auth shop-postgres-17_10-2026-11-01 ******** ********");
  CHECK(json.at("estimate").at("copy_bytes").as_int64() == 52428800);
  CHECK(json.at("estimate").at("downtime_seconds").as_double() > 15.0);
  CHECK(json.at("results").is_null());
  CHECK(json.at("steps").as_array().empty());
  CHECK(json.at("error").is_null());
  CHECK(json.at("settings").at("schedule").as_string() == "0 3 * * *");
  CHECK(json.at("settings").at("service").is_null());
}

TEST_CASE("JSON of a blocked plan: three failed checks and no commands")
{
  const auto json = json_of(fixtures::blocked_plan());
  CHECK(json.at("outcome").as_string() == "blocked");
  CHECK(json.at("summary").at("fail").as_int64() == 3);
  CHECK(json.at("commands").as_array().empty());
  std::vector<std::string> failed;
  for (const auto& check : json.at("checks").as_array()) {
    if (check.at("status").as_string() == "fail") {
      failed.emplace_back(check.at("id").as_string());
    }
  }
  CHECK(failed == std::vector<std::string>{"extensions", "backup", "new-service"});
}

TEST_CASE("JSON of a run: steps with start, end, duration and outcome, and the verification figures")
{
  const auto json = json_of(fixtures::finished_run());
  CHECK(json.at("kind").as_string() == "run");
  CHECK(json.at("outcome").as_string() == "done");
  const auto& steps = json.at("steps").as_array();
  REQUIRE(steps.size() == 4);
  CHECK(steps[1].at("name").as_string() == "export");
  CHECK(steps[1].at("outcome").as_string() == "done");
  CHECK(steps[1].at("started").as_string() == "2026-11-22T06:01:02Z");
  CHECK(steps[1].at("ended").as_string() == "2026-11-22T06:01:05Z");
  CHECK(steps[1].at("seconds").as_double() == doctest::Approx(3.25));
  CHECK(steps[1].at("detail").is_null());
  const auto& results = json.at("results").as_object();
  CHECK(results.at("new_server_version").as_string() == "17.10");
  CHECK(results.at("verification").at("rows").as_int64() == 12345);
  CHECK(results.at("verification").at("tables").as_int64() == 6);
  CHECK(results.at("verification").at("objects").at("indexes").as_int64() == 9);
  CHECK(results.at("copy").at("bytes").as_int64() == 52428800);
  CHECK(results.at("copy").at("seconds").as_double() == doctest::Approx(4.5));
  CHECK(results.at("window").at("seconds").as_double() == doctest::Approx(8.4));
  CHECK(results.at("export").at("sha256").as_string().size() == 64);
  CHECK(json.at("facts").at("verify.rows").as_string() == "12345");
}

TEST_CASE("JSON of a rolled-back run: the error, the failed step's detail made valid UTF-8, partial results")
{
  const auto json = json_of(fixtures::rolled_back_run());
  CHECK(json.at("outcome").as_string() == "rolled-back");
  CHECK(json.at("error").as_string().find("copy failed") == 0);
  const auto& steps = json.at("steps").as_array();
  CHECK(steps[1].at("outcome").as_string() == "undone");
  CHECK(steps[2].at("outcome").as_string() == "undone");
  CHECK(json.at("failed_step").as_string() == "copy");
  CHECK(steps[2].at("detail").as_string().find("\xEF\xBF\xBD") != boost::json::string::npos);
  CHECK(steps[3].at("started").is_null());
  CHECK(json.at("results").at("verification").is_null());
  CHECK(json.at("results").at("copy").is_null());
  CHECK(json.at("results").at("window").at("end").is_null());
}

TEST_CASE("a stored report reads back as it was written")
{
  for (const auto& original : every_fixture()) {
    const auto clean = report::cleaned(original);
    const auto text = report::render_json(clean);
    const auto back = report::report_from_json(boost::json::parse(text));
    CHECK(report::render_json(back) == text);
    CHECK(report::render_text(back) == report::render_text(clean));
    CHECK(back.plan.backup->bucket == "dokku-postgres");
    CHECK(back.plan.backup->schedule == "0 3 * * *");
  }
}

TEST_CASE("reading something that is not a report fails with a clear error")
{
  CHECK_THROWS_WITH_AS(report::report_from_json(boost::json::parse("[1, 2]")), doctest::Contains("not a pgupgrade report"), Error);
  CHECK_THROWS_WITH_AS(report::report_from_json(boost::json::parse(R"({"schema_version": 99})")),
                       doctest::Contains("schema_version is not 1"), Error);
  CHECK_THROWS_WITH_AS(report::report_from_json(boost::json::parse(R"({"schema_version": 1, "kind": "other"})")),
                       doctest::Contains("neither plan nor run"), Error);
}

TEST_CASE("Markdown of a ready plan: a checks table, the commands in a code block, the estimate")
{
  const auto md = report::render(fixtures::ready_plan(), ReportFormat::markdown);
  CHECK(md.starts_with("## ✅ Upgrade plan for shop: ready\n"));
  CHECK(md.find("| Status | Check | Reason | Figures |\n| --- | --- | --- | --- |\n") != std::string::npos);
  CHECK(md.find("| ✅ pass | service | shopdb is linked as DATABASE\\_URL | scheme: postgres<br>service: shopdb<br>") != std::string::npos);
  CHECK(md.find("| ⚠️ warn | ownership |") != std::string::npos);
  CHECK(md.find("```sh\ndocker image pull postgres:17.10\n") != std::string::npos);
  CHECK(md.find("### Estimate") != std::string::npos);
  CHECK(md.find("| Copy size | 50.0 MiB |") != std::string::npos);
  // Every row of the checks table has the header's four cells (no border leaks from the content).
  std::istringstream lines(md.substr(md.find("| Status | Check")));
  std::string line;
  std::size_t rows = 0;
  while (std::getline(lines, line) && !line.empty()) {
    const auto unescaped = std::regex_replace(line, std::regex(R"(\\\|)"), "");
    CHECK(std::count(unescaped.begin(), unescaped.end(), '|') == 5);
    ++rows;
  }
  CHECK(rows == 8); // header, separator, six checks
}

TEST_CASE("Markdown of a blocked plan says so and lists no commands")
{
  const auto md = report::render(fixtures::blocked_plan(), ReportFormat::markdown);
  CHECK(md.starts_with("## ❌ Upgrade plan for shop: blocked\n"));
  CHECK(md.find("**The upgrade would not go ahead**: 3 of 7 checks failed.") != std::string::npos);
  CHECK(md.find("| ❌ fail | new-service | Postgres service shopdb already exists: pass another --new-service |") != std::string::npos);
  CHECK(md.find("```") == std::string::npos);
}

TEST_CASE("Markdown of a run: steps with their times and outcomes, results, the error quoted")
{
  const auto done = report::render(fixtures::finished_run(), ReportFormat::markdown);
  CHECK(done.starts_with("## ✅ Upgrade of shop: done\n"));
  CHECK(done.find("| export | ✅ done | 2026-11-22T06:01:02Z | 2026-11-22T06:01:05Z | 3.2 s |  |") != std::string::npos);
  CHECK(done.find("| Verified | 12345 rows in 6 tables, 4 sequences (counts) |") != std::string::npos);
  CHECK(done.find("| Downtime | 8.4 s (maintenance on → off) |") != std::string::npos);
  CHECK(done.find("<details><summary>Preflight checks (5 pass, 1 warn, 0 fail)</summary>") != std::string::npos);
  const auto failed = report::render(fixtures::rolled_back_run(), ReportFormat::markdown);
  CHECK(failed.starts_with("## ↩️ Upgrade of shop: rolled-back\n"));
  CHECK(failed.find("> **Error**: copy failed: pg\\_restore: error:") != std::string::npos);
  CHECK(failed.find("| copy | ❌ failed, undone |") != std::string::npos);
  CHECK(failed.find("| create | ↩️ undone |") != std::string::npos);
  CHECK(failed.find("pg\\_restore: error: \\<bad\\> \\& \"quoted\"") != std::string::npos);
  CHECK(failed.find("| verify | ⏭️ pending |  |  |  |  |") != std::string::npos);
}

TEST_CASE("JUnit of a plan: one testcase per check, fail as failure, warn as skipped with its reason")
{
  const auto ready = report::render(fixtures::ready_plan(), ReportFormat::junit);
  CHECK(ready.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
  CHECK(ready.find(R"(<testsuites name="pgupgrade plan shop: ready" tests="6" failures="0" errors="0" skipped="1")") != std::string::npos);
  CHECK(ready.find(R"(<testsuite name="pgupgrade.shop.preflight" tests="6" failures="0" errors="0" skipped="1" time="0.000" timestamp="2026-11-22T06:00:05">)")
        != std::string::npos);
  CHECK(occurrences(ready, "<testcase ") == 6);
  CHECK(ready.find(R"(<skipped message="role app owns 3 objects: --no-owner gives them to postgres"/>)") != std::string::npos);
  CHECK(ready.find(" 1. docker image pull postgres:17.10\n") != std::string::npos);
  CHECK(ready.ends_with("</testsuites>\n"));

  const auto blocked = report::render(fixtures::blocked_plan(), ReportFormat::junit);
  CHECK(blocked.find(R"(tests="7" failures="3" errors="0" skipped="1")") != std::string::npos);
  CHECK(occurrences(blocked, "<failure ") == 3);
  CHECK(blocked.find(R"(<testcase classname="pgupgrade.shop.preflight" name="new-service" time="0.000">)") != std::string::npos);
  CHECK(blocked.find(R"(<failure message="Postgres service shopdb already exists: pass another --new-service" type="fail">)")
        != std::string::npos);
  CHECK(blocked.find("docker image pull") == std::string::npos);
}

TEST_CASE("JUnit of a run: a testcase per step with its duration, and the outcome")
{
  const auto done = report::render(fixtures::finished_run(), ReportFormat::junit);
  CHECK(done.find(R"(<testsuite name="pgupgrade.shop.run" tests="5" failures="0" errors="0" skipped="0" time="10.750" timestamp="2026-11-22T06:01:00">)")
        != std::string::npos);
  CHECK(done.find(R"(<testcase classname="pgupgrade.shop.run" name="export" time="3.250">)") != std::string::npos);
  CHECK(done.find(R"(<property name="verify.rows" value="12345"/>)") != std::string::npos);
  CHECK(occurrences(done, "<failure ") == 0);

  const auto failed = report::render(fixtures::rolled_back_run(), ReportFormat::junit);
  CHECK(failed.find(R"(<testsuite name="pgupgrade.shop.run" tests="5" failures="2" errors="0" skipped="3")") != std::string::npos);
  CHECK(failed.find(R"(<skipped message="undone by the rollback"/>)") != std::string::npos);
  CHECK(failed.find(R"(<skipped message="not reached"/>)") != std::string::npos);
  // The failed step's detail: markup escaped, control characters and bad bytes replaced.
  CHECK(failed.find("<failure message=\"pg_restore: error: &lt;bad&gt; &amp; &quot;quoted&quot; \xEF\xBF\xBD \xEF\xBF\xBD\" type=\"step failed, undone by the rollback\">")
        != std::string::npos);
  CHECK(failed.find(R"(<testcase classname="pgupgrade.shop.run" name="outcome" time="0.000">)") != std::string::npos);
  CHECK(failed.find("<system-err>copy failed: pg_restore: error: connection to postgres://postgres:********@10.0.0.2/x failed\n</system-err>")
        != std::string::npos);
  CHECK(failed.find('\x01') == std::string::npos);
}

TEST_CASE("text keeps its layout")
{
  const auto plan = report::render(fixtures::ready_plan(), ReportFormat::text);
  CHECK(plan.starts_with("=====> Upgrade plan for shop: postgres:14.23 → postgres:17.10\n"));
  CHECK(plan.find("       pass  service       shopdb is linked as DATABASE_URL\n") != std::string::npos);
  CHECK(plan.find("        1. docker image pull postgres:17.10\n") != std::string::npos);
  const auto run = report::render(fixtures::finished_run(), ReportFormat::text);
  CHECK(run.find("       Verified:           12345 rows in 6 tables, 4 sequences (counts)\n") != std::string::npos);
}

TEST_CASE("the failed step: failed, or undone with its error while the run's error names it")
{
  auto report = fixtures::rolled_back_run();
  CHECK(report::failed_step(report) == "copy");
  CHECK(!report::step_failed(report, report.steps[1])); // create: undone, no error of its own
  report.error = "interrupted by signal 15 before verify";
  CHECK(report::failed_step(report).empty()); // copy's detail alone does not make it the failed one
  report.steps[2].state = upgrade::StepState::failed;
  CHECK(report::failed_step(report) == "copy");
  CHECK(report::render(report, ReportFormat::text).find("       Failed step:        copy\n") != std::string::npos);
  CHECK(json_of(fixtures::finished_run()).at("failed_step").is_null());
  CHECK(json_of(fixtures::ready_plan()).at("failed_step").is_null());
}

TEST_CASE("durations read back to the same figures (to the millisecond) whatever their last bits")
{
  auto report = fixtures::finished_run();
  report.estimated_window_seconds = 15.574235675; // serialised 1.5574235675E1, parsed back one bit off
  for (int i = 0; i < 2000; ++i) {
    report.steps.push_back(fixtures::step("pull", upgrade::StepState::done, "2026-11-22T06:01:00Z", "2026-11-22T06:01:02Z",
                                          i * 0.123456789 + i * 1e-9));
  }
  const auto clean = report::cleaned(report);
  CHECK(clean.estimated_window_seconds == doctest::Approx(15.574));
  const auto text = report::render_json(clean);
  const auto back = report::report_from_json(boost::json::parse(text));
  CHECK(report::render_json(back) == text);
  CHECK(report::render(back, ReportFormat::junit) == report::render(report, ReportFormat::junit));
  CHECK(report::render(back, ReportFormat::markdown) == report::render(report, ReportFormat::markdown));
}
