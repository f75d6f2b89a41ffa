#include "report/escape.hpp"
#include "report/report.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace pgu::report {

namespace {

// One <testcase>: its verdict (none is a pass) with a message, and what it printed.
struct TestCase {
  std::string classname;
  std::string name;
  double seconds = 0;
  enum class Verdict { passed, failed, skipped } verdict = Verdict::passed;
  std::string message;
  std::string type;
  std::string out;
};

struct TestSuite {
  std::string name;
  std::string timestamp;
  std::vector<std::pair<std::string, std::string>> properties;
  std::vector<TestCase> cases;
  std::string out;
  std::string err;

  std::size_t count(TestCase::Verdict verdict) const
  {
    return static_cast<std::size_t>(std::count_if(cases.begin(), cases.end(), [&](const auto& c) { return c.verdict == verdict; }));
  }
  double seconds() const
  {
    double total = 0;
    for (const auto& c : cases) {
      total += c.seconds;
    }
    return total;
  }
};

// Ant's and Jenkins' schemas want a local date-time without a zone; ours are UTC.
std::string junit_timestamp(const std::string& rfc3339)
{
  auto stamp = rfc3339;
  if (stamp.ends_with('Z')) {
    stamp.pop_back();
  }
  return stamp;
}

std::string figures_text(const upgrade::CheckResult& check)
{
  std::string text;
  for (const auto& [name, value] : check.figures) {
    text += fmt::format("{}: {}\n", name, value);
  }
  return text;
}

TestSuite preflight_suite(const Report& report)
{
  const auto& plan = report.plan;
  TestSuite suite;
  suite.name = fmt::format("pgupgrade.{}.preflight", plan.settings.app);
  suite.timestamp = junit_timestamp(report.generated);
  suite.properties = {{"app", plan.settings.app},
                      {"kind", report.kind},
                      {"outcome", report.outcome},
                      {"old_service", plan.old_service},
                      {"old_image", plan.old_image.repository.empty() ? std::string() : plan.old_image.full()},
                      {"new_service", plan.new_service},
                      {"target_image", plan.target.full()},
                      {"helper_version", report.helper_version}};
  for (const auto& check : plan.checks) {
    TestCase test;
    test.classname = suite.name;
    test.name = check.id;
    test.out = fmt::format("{}: {}\n{}", check.title, check.reason, figures_text(check));
    test.message = check.reason;
    if (check.status == upgrade::CheckStatus::fail) {
      test.verdict = TestCase::Verdict::failed;
      test.type = "fail";
    } else if (check.status == upgrade::CheckStatus::warn) {
      test.verdict = TestCase::Verdict::skipped;
    }
    suite.cases.push_back(std::move(test));
  }
  if (report.kind == "plan" && report.outcome != "blocked") {
    for (std::size_t i = 0; i < report.commands.size(); ++i) {
      suite.out += fmt::format("{:>2}. {}\n", i + 1, report.commands[i]);
    }
    suite.out += fmt::format("estimated copy size: {}\nestimated downtime: {:.0f} s\n", mebibytes(report.estimated_copy_bytes),
                             report.estimated_window_seconds);
  }
  return suite;
}

std::string not_done_message(upgrade::StepState state)
{
  switch (state) {
  case upgrade::StepState::undone:
    return "undone by the rollback";
  case upgrade::StepState::running:
    return "running when the report was written";
  case upgrade::StepState::skipped:
    return "skipped";
  default:
    return "not reached";
  }
}

TestSuite run_suite(const Report& report)
{
  TestSuite suite;
  suite.name = fmt::format("pgupgrade.{}.run", report.plan.settings.app);
  suite.timestamp = junit_timestamp(report.steps.empty() || report.steps.front().started.empty() ? report.generated
                                                                                                  : report.steps.front().started);
  for (const auto& [key, value] : report.facts) {
    suite.properties.emplace_back(key, value);
  }
  for (const auto& step : report.steps) {
    TestCase test;
    test.classname = suite.name;
    test.name = step.name;
    test.seconds = step.seconds;
    test.out = step.started.empty() ? std::string() : fmt::format("started {}, ended {}\n", step.started, step.ended);
    if (!step.detail.empty()) {
      test.out += step.detail + "\n";
    }
    if (step_failed(report, step)) {
      test.verdict = TestCase::Verdict::failed;
      test.type = step.state == upgrade::StepState::undone ? "step failed, undone by the rollback" : "step failed";
      test.message = step.detail.empty() ? report.error : step.detail;
    } else if (step.state != upgrade::StepState::done) {
      test.verdict = TestCase::Verdict::skipped;
      test.message = not_done_message(step.state);
    }
    suite.cases.push_back(std::move(test));
  }
  // The run as a whole: a CI job gates on this one even when no step failed (interrupted).
  TestCase outcome;
  outcome.classname = suite.name;
  outcome.name = "outcome";
  outcome.out = fmt::format("{}\n", report.outcome);
  if (report.outcome != "done") {
    outcome.verdict = TestCase::Verdict::failed;
    outcome.type = report.outcome;
    outcome.message = report.error.empty() ? fmt::format("the upgrade is {}", report.outcome) : report.error;
  }
  suite.cases.push_back(std::move(outcome));
  suite.err = report.error.empty() ? std::string() : report.error + "\n";
  return suite;
}

void write_case(std::string& xml, const TestCase& test)
{
  xml += fmt::format(R"(    <testcase classname="{}" name="{}" time="{:.3f}")", xml_attribute(test.classname), xml_attribute(test.name),
                     test.seconds);
  if (test.verdict == TestCase::Verdict::passed && test.out.empty()) {
    xml += "/>\n";
    return;
  }
  xml += ">\n";
  if (test.verdict == TestCase::Verdict::failed) {
    xml += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", xml_attribute(test.message), xml_attribute(test.type),
                       xml_text(test.message));
  } else if (test.verdict == TestCase::Verdict::skipped) {
    xml += fmt::format("      <skipped message=\"{}\"/>\n", xml_attribute(test.message));
  }
  if (!test.out.empty()) {
    xml += fmt::format("      <system-out>{}</system-out>\n", xml_text(test.out));
  }
  xml += "    </testcase>\n";
}

void write_suite(std::string& xml, const TestSuite& suite)
{
  xml += fmt::format(R"(  <testsuite name="{}" tests="{}" failures="{}" errors="0" skipped="{}" time="{:.3f}" timestamp="{}">)",
                     xml_attribute(suite.name), suite.cases.size(), suite.count(TestCase::Verdict::failed),
                     suite.count(TestCase::Verdict::skipped), suite.seconds(), xml_attribute(suite.timestamp));
  xml += "\n";
  if (!suite.properties.empty()) {
    xml += "    <properties>\n";
    for (const auto& [name, value] : suite.properties) {
      xml += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", xml_attribute(name), xml_attribute(value));
    }
    xml += "    </properties>\n";
  }
  for (const auto& test : suite.cases) {
    write_case(xml, test);
  }
  if (!suite.out.empty()) {
    xml += fmt::format("    <system-out>{}</system-out>\n", xml_text(suite.out));
  }
  if (!suite.err.empty()) {
    xml += fmt::format("    <system-err>{}</system-err>\n", xml_text(suite.err));
  }
  xml += "  </testsuite>\n";
}

} // namespace

std::string render_junit(const Report& report)
{
  std::vector<TestSuite> suites{preflight_suite(report)};
  if (report.kind == "run") {
    suites.push_back(run_suite(report));
  }
  std::size_t tests = 0;
  std::size_t failures = 0;
  std::size_t skipped = 0;
  double seconds = 0;
  for (const auto& suite : suites) {
    tests += suite.cases.size();
    failures += suite.count(TestCase::Verdict::failed);
    skipped += suite.count(TestCase::Verdict::skipped);
    seconds += suite.seconds();
  }
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += fmt::format(R"(<testsuites name="{}" tests="{}" failures="{}" errors="0" skipped="{}" time="{:.3f}">)",
                     xml_attribute(fmt::format("pgupgrade {} {}: {}", report.kind, report.plan.settings.app, report.outcome)), tests,
                     failures, skipped, seconds);
  xml += "\n";
  for (const auto& suite : suites) {
    write_suite(xml, suite);
  }
  return xml + "</testsuites>\n";
}

} // namespace pgu::report
