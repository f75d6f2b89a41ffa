#include "upgrade/pipeline.hpp"
#include "util/error.hpp"
#include "util/output.hpp"
#include "util/process.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <thread>

using namespace pgu;
using namespace pgu::upgrade;

namespace {

struct Trace {
  std::mutex mutex;
  std::vector<std::string> events;
  void add(std::string event)
  {
    const std::scoped_lock lock(mutex);
    events.push_back(std::move(event));
  }
};

// A step that runs a real child (so that cancellation has something to end) and logs its undo.
class ChildStep final : public Step {
public:
  ChildStep(std::string name, std::vector<std::string> argv, bool alongside, Trace& trace)
    : name_(std::move(name)), argv_(std::move(argv)), alongside_(alongside), trace_(trace)
  {
  }
  std::string name() const override { return name_; }
  std::string title(const Plan& /*plan*/) const override { return "step " + name_; }
  std::vector<Command> commands(Context& /*context*/) const override { return {Command(argv_)}; }
  bool alongside_next() const override { return alongside_; }
  void run(Context& /*context*/) override
  {
    ProcessRunner runner;
    const auto result = runner.run(Command(argv_));
    trace_.add(name_ + (result.ok() ? " ok" : " exit " + std::to_string(result.exit_code)));
    if (!result.ok()) {
      throw failure(name_ + " exited " + std::to_string(result.exit_code));
    }
  }
  void undo(Context& /*context*/) override { trace_.add("undo " + name_); }

private:
  std::string name_;
  std::vector<std::string> argv_;
  bool alongside_;
  Trace& trace_;
};

struct Fixture {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "pgu-test-pipeline";
  std::ostringstream out;
  std::ostringstream err;
  Output output{out, err};
  ProcessRunner runner;
  Trace trace;

  Fixture()
  {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  ~Fixture() { std::filesystem::remove_all(dir); }

  host::Paths paths() const
  {
    host::Paths result;
    result.postgres_root = dir / "services";
    result.state = dir / "state";
    return result;
  }
};

} // namespace

TEST_CASE("steps that run alongside each other take as long as the slower one, not their sum")
{
  Fixture fixture;
  Context context(fixture.output, fixture.paths(), fixture.runner, std::chrono::seconds(30), Plan{});
  std::vector<std::unique_ptr<Step>> steps;
  steps.push_back(std::make_unique<ChildStep>("backup", std::vector<std::string>{"sleep", "1"}, true, fixture.trace));
  steps.push_back(std::make_unique<ChildStep>("copy", std::vector<std::string>{"sleep", "1"}, false, fixture.trace));
  steps.push_back(std::make_unique<ChildStep>("verify", std::vector<std::string>{"true"}, false, fixture.trace));
  JournalRecord record;
  record.steps = pending_records(steps);
  Journal journal(fixture.dir / "journal.toml", record);
  Pipeline pipeline(context, journal, std::move(steps));
  const auto started = std::chrono::steady_clock::now();
  pipeline.run();
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(took < std::chrono::milliseconds(1900));
  CHECK(journal.record().state == "done");
  for (const auto& step : journal.record().steps) {
    CHECK(step.state == StepState::done);
  }
  // verify started only after both had finished
  REQUIRE(fixture.trace.events.size() == 3);
  CHECK(fixture.trace.events.back() == "verify ok");
  CHECK(fixture.output.quiet() == false);
  CHECK(fixture.out.str().find("backup done in") != std::string::npos);
  CHECK(fixture.out.str().find("copy done in") != std::string::npos);
  CHECK(journal.record().facts.count("helper.peak_rss_kib") == 1);
}

TEST_CASE("a failure of one of two steps side by side stops the other and rolls both back")
{
  Fixture fixture;
  Context context(fixture.output, fixture.paths(), fixture.runner, std::chrono::seconds(30), Plan{});
  std::vector<std::unique_ptr<Step>> steps;
  steps.push_back(std::make_unique<ChildStep>("backup", std::vector<std::string>{"sh", "-c", "sleep 0.3; exit 7"}, true, fixture.trace));
  steps.push_back(std::make_unique<ChildStep>("copy", std::vector<std::string>{"sleep", "30"}, false, fixture.trace));
  steps.push_back(std::make_unique<ChildStep>("verify", std::vector<std::string>{"true"}, false, fixture.trace));
  JournalRecord record;
  record.steps = pending_records(steps);
  Journal journal(fixture.dir / "journal.toml", record);
  Pipeline pipeline(context, journal, std::move(steps));
  const auto started = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH_AS(pipeline.run(), doctest::Contains("backup failed: backup exited 7. Rolled back"), Error);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
  const auto& events = fixture.trace.events;
  CHECK(std::find(events.begin(), events.end(), "backup exit 7") != events.end());
  CHECK(std::find(events.begin(), events.end(), "copy exit 143") != events.end());
  CHECK(std::find(events.begin(), events.end(), "verify ok") == events.end());
  // undone newest first
  const auto undo_copy = std::find(events.begin(), events.end(), "undo copy");
  const auto undo_backup = std::find(events.begin(), events.end(), "undo backup");
  CHECK(undo_copy < undo_backup);
  CHECK(undo_backup != events.end());
  CHECK(journal.record().state == "rolled-back");
  CHECK(journal.record().error == "backup failed: backup exited 7");
  CHECK(journal.record().step("copy")->state == StepState::undone);
  CHECK(journal.record().step("verify")->state == StepState::pending);
  // and children may run again afterwards
  CHECK_FALSE(children_cancelled());
  CHECK(ProcessRunner().run(Command({"true"})).ok());
}

TEST_CASE("cancelled children end at once and new ones are refused until allowed again")
{
  ProcessRunner runner;
  std::atomic<int> exit_code{-1};
  std::thread sleeper([&] { exit_code = runner.run(Command({"sleep", "30"})).exit_code; });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  cancel_children();
  sleeper.join();
  CHECK(exit_code == cancelled_exit_code);
  const auto refused = runner.run(Command({"true"}));
  CHECK(refused.exit_code == cancelled_exit_code);
  CHECK(refused.err.find("cancelled") != std::string::npos);
  allow_children();
  CHECK(runner.run(Command({"true"})).ok());
}
