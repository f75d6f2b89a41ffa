#pragma once

#include "upgrade/journal.hpp"
#include "upgrade/step.hpp"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace pgu::upgrade {

// Runs the steps in order, journaling each before and after. A failure before the commit
// step undoes every step taken, newest first, and leaves the app on its old service; a failure
// after it stops and leaves the journal for resume. Either way the error names the step and the
// state the app is in.
class Pipeline {
public:
  Pipeline(Context& context, Journal& journal, std::vector<std::unique_ptr<Step>> steps);

  void run(std::size_t first = 0);
  // Undoes every step the journal shows as started, newest first; returns what could not be undone.
  std::vector<std::string> undo_all();

  const std::vector<std::unique_ptr<Step>>& steps() const { return steps_; }
  std::size_t index_of(const std::string& name) const;

private:
  struct Failure {
    std::size_t index;
    std::string what;
  };

  // Facts are left out while steps run side by side: a step may be writing them.
  void save(bool with_facts = true);
  // Runs one step, journaled before and after; the failure, if it failed. Steps run together
  // have their titles printed beforehand, in order.
  std::optional<Failure> attempt(std::size_t index, bool together);
  // Runs steps first..last at the same time; the first failure stops the others.
  std::optional<Failure> attempt_together(std::size_t first, std::size_t last);
  // Before the commit step: undo every step started, newest first. After it: keep the journal for
  // resume. Either way, throw the error that names the step and the app's state.
  [[noreturn]] void fail(const Failure& failed, std::size_t last_started, std::size_t commit);
  std::vector<std::string> undo_from(std::size_t last);
  // A stop signal arrived: undo the first `steps_taken` steps (before the switch) or just stop.
  [[noreturn]] void stop(const std::string& where, bool roll_back, std::size_t steps_taken);

  Context& context_;
  Journal& journal_;
  std::vector<std::unique_ptr<Step>> steps_;
  std::mutex journal_mutex_;
};

std::vector<StepRecord> pending_records(const std::vector<std::unique_ptr<Step>>& steps);

} // namespace pgu::upgrade
