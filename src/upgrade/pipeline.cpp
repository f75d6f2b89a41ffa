#include "upgrade/pipeline.hpp"

#include "upgrade/steps/steps.hpp"
#include "util/error.hpp"
#include "util/output.hpp"
#include "util/signals.hpp"
#include "util/time.hpp"

#include <fmt/format.h>

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

void Pipeline::save()
{
  journal_.record().plan = context_.plan;
  journal_.record().facts = context_.facts;
  journal_.save();
}

void Pipeline::run(std::size_t first)
{
  auto& record = journal_.record();
  const auto commit = index_of(commit_step);
  record.state = "running";
  record.error.clear();
  save();
  for (std::size_t i = first; i < steps_.size(); ++i) {
    auto& step = *steps_[i];
    auto* entry = record.step(step.name());
    if (stop_requested()) {
      stop(fmt::format("before {}", step.name()), i <= commit, i);
    }
    context_.out.step(step.title(context_.plan));
    entry->state = StepState::running;
    entry->started = now_utc();
    entry->detail.clear();
    save();
    const auto started = std::chrono::steady_clock::now();
    try {
      step.run(context_);
    } catch (const std::exception& e) {
      entry->state = StepState::failed;
      entry->ended = now_utc();
      entry->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      entry->detail = e.what();
      record.error = fmt::format("{} failed: {}", step.name(), e.what());
      save();
      const auto& plan = context_.plan;
      if (i > commit) {
        record.state = "failed";
        save();
        throw failure(fmt::format("{} failed after the switch: {}. {} runs on {}; {} is kept. Fix the cause, then: dokku "
                                  "pgupgrade:resume {}",
                                  step.name(), e.what(), plan.settings.app, plan.new_service, plan.old_service, plan.settings.app));
      }
      if (stop_requested()) {
        // A second stop signal ended the step's children: this is the interruption, not a bug.
        stop(step.name(), i <= commit, i + 1);
      }
      context_.out.warn(fmt::format("{} failed: {}", step.name(), e.what()));
      context_.out.step("Rolling back");
      const auto leftovers = undo_from(i);
      record.state = leftovers.empty() ? "rolled-back" : "failed";
      save();
      if (!leftovers.empty()) {
        std::string text;
        for (const auto& leftover : leftovers) {
          text += (text.empty() ? "" : "; ") + leftover;
        }
        throw failure(fmt::format("{} failed: {}. The rollback left: {}. See dokku pgupgrade:status {}", step.name(), e.what(), text,
                                  plan.settings.app));
      }
      throw failure(fmt::format("{} failed: {}. Rolled back: {} runs on {} with maintenance {}; nothing else changed", step.name(),
                                e.what(), plan.settings.app, plan.old_service, plan.maintenance_was_enabled ? "on as before" : "off"));
    }
    entry->state = StepState::done;
    entry->ended = now_utc();
    entry->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    save();
    context_.out.detail(fmt::format("done in {}", format_seconds(std::chrono::duration<double>(entry->seconds))));
  }
  record.state = "done";
  save();
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
