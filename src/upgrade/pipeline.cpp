#include "upgrade/pipeline.hpp"

#include "upgrade/steps/steps.hpp"
#include "util/error.hpp"
#include "util/output.hpp"
#include "util/process.hpp"
#include "util/resources.hpp"
#include "util/signals.hpp"
#include "util/time.hpp"

#include <fmt/format.h>

#include <mutex>
#include <thread>

namespace pgu::upgrade {

Pipeline::Pipeline(Context& context, Journal& journal, std::vector<std::unique_ptr<Step>> steps)
  : context_(context),
    journal_(journal),
    steps_(std::move(steps))
{
}

std::size_t Pipeline::index_of(const std::string& name) const
{
  for (std::size_t i = 0; i < steps_.size(); ++i) {
    if (steps_[i]->name() == name) {
      return i;
    }
  }
  return steps_.size();
}

void Pipeline::save(bool with_facts)
{
  const std::scoped_lock lock(journal_mutex_);
  journal_.record().plan = context_.plan;
  auto& facts = journal_.record().facts;
  if (with_facts) {
    facts = context_.facts;
  }
  // The helper's own cost (children excluded), for the report and the benchmark.
  const auto usage = own_resource_usage();
  facts["helper.cpu_seconds"] = fmt::format("{:.2f}", usage.cpu_seconds);
  facts["helper.peak_rss_kib"] = std::to_string(usage.peak_rss_kib);
  journal_.save();
}

bool Pipeline::switched()
{
  const std::scoped_lock lock(journal_mutex_);
  const auto* entry = journal_.record().step(commit_step);
  return entry != nullptr && entry->state == StepState::done;
}

void Pipeline::run(std::size_t first)
{
  auto& record = journal_.record();
  record.state = "running";
  record.error.clear();
  save();
  for (std::size_t i = first; i < steps_.size(); ++i) {
    const auto state = record.step(steps_[i]->name())->state;
    if (state == StepState::done || state == StepState::skipped) {
      continue; // a resumed upgrade never repeats a finished step
    }
    if (background_ && background_->until == i) {
      if (auto failed = end_background(false)) {
        fail(*failed, i);
      }
    }
    if (auto failed = background_failure()) {
      end_background(!switched());
      fail(*failed, i);
    }
    if (stop_requested()) {
      end_background(true);
      stop(fmt::format("before {}", steps_[i]->name()), !switched(), i);
    }
    const auto until = index_of(steps_[i]->in_background_until());
    if (until < steps_.size() && until > i) {
      start_background(i, until);
      continue;
    }
    if (auto failed = attempt(i, false)) {
      auto root = background_failure().value_or(*failed);
      end_background(!switched());
      fail(root, i);
    }
  }
  if (auto failed = end_background(false)) {
    fail(*failed, steps_.size() - 1);
  }
  record.state = "done";
  save();
}

std::optional<Pipeline::Failure> Pipeline::attempt(std::size_t index, bool in_background)
{
  auto& step = *steps_[index];
  auto* entry = journal_.record().step(step.name());
  context_.out.step(step.title(context_.plan));
  {
    const std::scoped_lock lock(journal_mutex_);
    entry->state = StepState::running;
    entry->started = now_utc();
    entry->detail.clear();
    save(!in_background);
  }
  const auto started = std::chrono::steady_clock::now();
  std::optional<Failure> failed;
  try {
    step.run(context_);
  } catch (const std::exception& e) {
    failed = Failure{index, e.what()};
  }
  const std::scoped_lock lock(journal_mutex_);
  entry->ended = now_utc();
  entry->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  entry->state = failed ? StepState::failed : StepState::done;
  entry->detail = failed ? failed->what : std::string();
  save(!in_background);
  if (!failed) {
    const auto took = format_seconds(std::chrono::duration<double>(entry->seconds));
    context_.out.detail(in_background ? fmt::format("{} done in {}", step.name(), took) : fmt::format("done in {}", took));
  }
  return failed;
}

void Pipeline::start_background(std::size_t index, std::size_t until)
{
  // Service files (and the secrets in them) are read here, not by two threads at once; a
  // service that cannot be read fails the steps that need it.
  try {
    context_.old_files();
    context_.new_files();
  } catch (const std::exception&) {
  }
  background_.emplace(index, until);
  background_->thread = std::jthread([this, index] {
    auto failed = attempt(index, true);
    if (!failed) {
      return;
    }
    const std::scoped_lock lock(journal_mutex_);
    background_->failure = std::move(failed);
    // Before the switch the upgrade is lost anyway: stop the step running beside it now.
    // After it, the steps that finish the switch must go on; the failure waits for its turn.
    const auto* commit = journal_.record().step(commit_step);
    if (commit == nullptr || commit->state == StepState::pending) {
      cancel_children();
    }
  });
}

std::optional<Pipeline::Failure> Pipeline::background_failure()
{
  const std::scoped_lock lock(journal_mutex_);
  return background_ ? background_->failure : std::nullopt;
}

std::optional<Pipeline::Failure> Pipeline::end_background(bool cancel)
{
  if (!background_) {
    return std::nullopt;
  }
  if (cancel) {
    cancel_children();
  }
  background_->thread.join();
  allow_children();
  auto failed = background_->failure;
  background_.reset();
  return failed;
}

void Pipeline::fail(const Failure& failed, std::size_t last_started)
{
  auto& record = journal_.record();
  const auto& name = steps_[failed.index]->name();
  const auto& plan = context_.plan;
  record.error = fmt::format("{} failed: {}", name, failed.what);
  // Steps stopped because of it say so rather than show their killed commands.
  for (const auto& step : steps_) {
    auto* entry = record.step(step->name());
    if (step->name() != name && entry->state == StepState::failed && entry->detail.find(cancelled_message) != std::string::npos) {
      entry->detail = fmt::format("stopped: {} failed", name);
    }
  }
  save();
  if (switched()) {
    record.state = "failed";
    save();
    const auto* retire = record.step("retire-old");
    const bool old_gone = retire != nullptr && retire->state == StepState::done && !plan.settings.keep_old;
    throw failure(fmt::format("{} failed after the switch: {}. {} runs on {}; {} is {}. Fix the cause, then: dokku "
                              "pgupgrade:resume {}",
                              name, failed.what, plan.settings.app, plan.new_service, plan.old_service, old_gone ? "destroyed" : "kept",
                              plan.settings.app));
  }
  if (stop_requested()) {
    // A second stop signal ended the step's children: this is the interruption, not a bug.
    stop(name, true, last_started + 1);
  }
  context_.out.warn(fmt::format("{} failed: {}", name, failed.what));
  context_.out.step("Rolling back");
  const auto leftovers = undo_from(last_started);
  record.state = leftovers.empty() ? "rolled-back" : "failed";
  save();
  if (!leftovers.empty()) {
    std::string text;
    for (const auto& leftover : leftovers) {
      text += (text.empty() ? "" : "; ") + leftover;
    }
    throw failure(fmt::format("{} failed: {}. The rollback left: {}. See dokku pgupgrade:status {}", name, failed.what, text,
                              plan.settings.app));
  }
  throw failure(fmt::format("{} failed: {}. Rolled back: {} runs on {} with maintenance {}; nothing else changed", name, failed.what,
                            plan.settings.app, plan.old_service, plan.maintenance_was_enabled ? "on as before" : "off"));
}

void Pipeline::stop(const std::string& where, bool roll_back, std::size_t steps_taken)
{
  auto& record = journal_.record();
  const auto& plan = context_.plan;
  const auto signal = fmt::format("signal {}", stop_signal());
  record.error = fmt::format("interrupted by {} ({})", signal, where);
  if (roll_back) {
    context_.out.warn(fmt::format("Interrupted by {}: rolling back", signal));
    const auto leftovers = steps_taken > 0 ? undo_from(steps_taken - 1) : std::vector<std::string>{};
    record.state = leftovers.empty() ? "rolled-back" : "interrupted";
    save();
    throw Error(ExitCode::interrupted,
                leftovers.empty() ? fmt::format("Interrupted by {}; rolled back: {} runs on {}", signal, plan.settings.app, plan.old_service)
                                  : fmt::format("Interrupted by {}; the rollback was incomplete: see dokku pgupgrade:status {}", signal,
                                                plan.settings.app));
  }
  record.state = "interrupted";
  save();
  throw Error(ExitCode::interrupted, fmt::format("Interrupted by {} after the switch: {} runs on {}; finish with dokku pgupgrade:resume {}",
                                                 signal, plan.settings.app, plan.new_service, plan.settings.app));
}

std::vector<std::string> Pipeline::undo_all()
{
  std::size_t last = 0;
  bool any = false;
  for (std::size_t i = 0; i < steps_.size(); ++i) {
    const auto* entry = journal_.record().step(steps_[i]->name());
    if (entry != nullptr && entry->state != StepState::pending && entry->state != StepState::skipped) {
      last = i;
      any = true;
    }
  }
  return any ? undo_from(last) : std::vector<std::string>{};
}

std::vector<std::string> Pipeline::undo_from(std::size_t last)
{
  std::vector<std::string> leftovers;
  for (std::size_t i = last + 1; i-- > 0;) {
    auto& step = *steps_[i];
    auto* entry = journal_.record().step(step.name());
    if (entry == nullptr || entry->state == StepState::pending || entry->state == StepState::undone
        || entry->state == StepState::skipped) {
      continue;
    }
    try {
      step.undo(context_);
      entry->state = StepState::undone;
    } catch (const std::exception& e) {
      leftovers.push_back(fmt::format("undo of {}: {}", step.name(), e.what()));
      context_.out.warn(leftovers.back());
    }
    save();
  }
  return leftovers;
}

std::vector<StepRecord> pending_records(const std::vector<std::unique_ptr<Step>>& steps)
{
  std::vector<StepRecord> records;
  records.reserve(steps.size());
  for (const auto& step : steps) {
    records.push_back({step->name(), StepState::pending, "", "", 0, ""});
  }
  return records;
}

} // namespace pgu::upgrade
