#include "upgrade/pipeline.hpp"
#include "util/error.hpp"
#include "util/output.hpp"
#include "util/process.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
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
  ChildStep(std::string name, std::string script, Trace& trace, std::string until = {})
    : name_(std::move(name)), script_(std::move(script)), until_(std::move(until)), trace_(trace)
  {
  }
  std::string name() const override { return name_; }
  std::string title(const Plan& /*plan*/) const override { return "step " + name_; }
  std::vector<Command> commands(Context& /*context*/) const override { return {Command({"sh", "-c", script_})}; }
  std::string in_background_until() const override { return until_; }
  void run(Context& /*context*/) override
  {
    ProcessRunner runner;
    const auto result = runner.run(Command({"sh", "-c", script_}));
    trace_.add(name_ + (result.ok() ? " ok" : " exit " + std::to_string(result.exit_code)));
    if (!result.ok()) {
      throw failure(name_ + " exited " + std::to_string(result.exit_code) + ": " + result.last_error_line());
    }
  }
  void undo(Context& /*context*/) override { trace_.add("undo " + name_); }

private:
  std::string name_;
  std::string script_;
  std::string until_;
  Trace& trace_;
};

struct Fixture {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "pgu-test-pipeline";
  std::ostringstream out;
  std::ostringstream err;
  Output output{out, err};
  ProcessRunner runner;
  Trace trace;
  std::unique_ptr<Context> context;
  std::unique_ptr<Journal> journal;
  std::unique_ptr<Pipeline> pipeline;

  Fixture()
  {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    host::Paths paths;
    paths.postgres_root = dir / "services";
    paths.state = dir / "state";
    context = std::make_unique<Context>(output, paths, runner, std::chrono::seconds(30), Plan{});
  }
  Fixture(const Fixture&) = delete;
  Fixture& operator=(const Fixture&) = delete;
  ~Fixture() { std::filesystem::remove_all(dir); }

  // backup (in the background until retire-old), copy, switch, maintenance-off, retire-old.
  void steps(const std::string& backup, const std::string& copy, const std::string& after_switch = "true")
  {
    std::vector<std::unique_ptr<Step>> list;
    list.push_back(std::make_unique<ChildStep>("backup", backup, trace, "retire-old"));
    list.push_back(std::make_unique<ChildStep>("copy", copy, trace));
    list.push_back(std::make_unique<ChildStep>("switch", "true", trace));
    list.push_back(std::make_unique<ChildStep>("maintenance-off", after_switch, trace));
    list.push_back(std::make_unique<ChildStep>("retire-old", "true", trace));
    JournalRecord record;
    record.steps = pending_records(list);
    journal = std::make_unique<Journal>(dir / "journal.toml", record);
    pipeline = std::make_unique<Pipeline>(*context, *journal, std::move(list));
  }

  std::size_t position(const std::string& event)
  {
    const auto found = std::find(trace.events.begin(), trace.events.end(), event);
    return found == trace.events.end() ? trace.events.size() : static_cast<std::size_t>(found - trace.events.begin());
  }
  bool saw(const std::string& event) { return position(event) < trace.events.size(); }
  std::string story() const { return fmt::format("{}\n{}{}", fmt::join(trace.events, ", "), out.str(), err.str()); }
  StepState state(const std::string& step) const { return journal->record().step(step)->state; }
};

} // namespace

TEST_CASE("a step in the background goes on beside the next steps; the step named for it waits")
{
  Fixture fixture;
  fixture.steps("sleep 1", "sleep 0.7");
  const auto started = std::chrono::steady_clock::now();
  fixture.pipeline->run();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(1600)); // not 1.7 s: side by side
  CHECK(fixture.journal->record().state == "done");
  for (const auto& step : fixture.journal->record().steps) {
    CHECK(step.state == StepState::done);
  }
  CHECK_MESSAGE(fixture.position("switch ok") < fixture.position("backup ok"), fixture.story());
  CHECK(fixture.position("backup ok") < fixture.position("retire-old ok"));
  CHECK(fixture.out.str().find("backup done in") != std::string::npos);
  CHECK(fixture.journal->record().facts.count("helper.peak_rss_kib") == 1);
}

TEST_CASE("a background failure before the switch stops the running step and rolls both back")
{
  Fixture fixture;
  fixture.steps("sleep 0.3; echo no bucket >&2; exit 7", "sleep 30");
  const auto started = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH_AS(fixture.pipeline->run(), doctest::Contains("backup failed: backup exited 7: no bucket. Rolled back"), Error);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
  CHECK(fixture.saw("copy exit 143"));
  CHECK_FALSE(fixture.saw("switch ok"));
  CHECK(fixture.position("undo copy") < fixture.position("undo backup"));
  CHECK(fixture.saw("undo backup"));
  CHECK(fixture.journal->record().state == "rolled-back");
  CHECK(fixture.journal->record().error == "backup failed: backup exited 7: no bucket");
  CHECK(fixture.state("copy") == StepState::undone);
  CHECK(fixture.state("switch") == StepState::pending);
  // children may run again afterwards
  CHECK_FALSE(children_cancelled());
  CHECK(ProcessRunner().run(Command({"true"})).ok());
}

TEST_CASE("a failure in front stops the step in the background and rolls both back")
{
  Fixture fixture;
  fixture.steps("sleep 30", "sleep 0.3; exit 5");
  CHECK_THROWS_WITH_AS(fixture.pipeline->run(), doctest::Contains("copy failed: copy exited 5"), Error);
  CHECK_MESSAGE(fixture.saw("backup exit 143"), fixture.story());
  CHECK(fixture.journal->record().state == "rolled-back");
  CHECK(fixture.journal->record().step("backup")->state == StepState::undone);
}

TEST_CASE("a background failure after the switch lets the switch finish, keeps the rest for resume, which repeats nothing done")
{
  Fixture fixture;
  const auto flag = fixture.dir / "bucket-back";
  fixture.steps("sleep 0.5; test -e " + flag.string(), "true", "sleep 1");
  CHECK_THROWS_WITH_AS(fixture.pipeline->run(), doctest::Contains("backup failed after the switch"), Error);
  CHECK_MESSAGE(fixture.saw("maintenance-off ok"), fixture.story()); // not cancelled: it finishes the switch
  CHECK_FALSE(fixture.saw("retire-old ok"));
  CHECK_FALSE(fixture.saw("undo copy"));
  CHECK(fixture.journal->record().state == "failed");
  CHECK(fixture.state("switch") == StepState::done);
  CHECK(fixture.state("retire-old") == StepState::pending);

  std::ofstream(flag).put('\n');
  fixture.trace.events.clear();
  fixture.pipeline->run(0);
  CHECK(fixture.journal->record().state == "done");
  CHECK(fixture.trace.events == std::vector<std::string>{"backup ok", "retire-old ok"});
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
  CHECK(refused.err == cancelled_message);
  allow_children();
  CHECK(runner.run(Command({"true"})).ok());
}
