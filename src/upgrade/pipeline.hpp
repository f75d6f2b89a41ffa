#pragma once

#include "upgrade/journal.hpp"
#include "upgrade/step.hpp"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
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

  // A step running on its own thread while the steps after it go on (the final backup).
  struct Background {
    Background(std::size_t step, std::size_t waited_for_by) : index(step), until(waited_for_by) {}
    std::size_t index;
    std::size_t until; // the step that waits for it
    std::jthread thread;
    std::optional<Failure> failure; // guarded by journal_mutex_
  };

  // Facts are left out by a step in the background: the step in front may be writing them.
  void save(bool with_facts = true);
  bool switched();
  // Runs one step, journaled before and after; the failure, if it failed.
  std::optional<Failure> attempt(std::size_t index, bool in_background);
  void start_background(std::size_t index, std::size_t until);
  std::optional<Failure> background_failure();
  // Waits for the step in the background (first ending its children when cancel is set).
  std::optional<Failure> end_background(bool cancel);
  // Before the switch: undo every step started, newest first. After it: keep the journal for
  // resume. Either way, throw the error that names the step and the app's state.
  [[noreturn]] void fail(const Failure& failed, std::size_t last_started);
  std::vector<std::string> undo_from(std::size_t last);
  // A stop signal arrived: undo the first `steps_taken` steps (before the switch) or just stop.
  [[noreturn]] void stop(const std::string& where, bool roll_back, std::size_t steps_taken);

  Context& context_;
  Journal& journal_;
  std::vector<std::unique_ptr<Step>> steps_;
  std::recursive_mutex journal_mutex_;
  std::optional<Background> background_;
};

std::vector<StepRecord> pending_records(const std::vector<std::unique_ptr<Step>>& steps);

} // namespace pgu::upgrade
