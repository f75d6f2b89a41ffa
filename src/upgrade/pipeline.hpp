#pragma once

#include "upgrade/journal.hpp"
#include "upgrade/step.hpp"

#include <memory>
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
  void save();
  std::vector<std::string> undo_from(std::size_t last);
  // A stop signal arrived: undo the first `steps_taken` steps (before the switch) or just stop.
  [[noreturn]] void stop(const std::string& where, bool roll_back, std::size_t steps_taken);

  Context& context_;
  Journal& journal_;
  std::vector<std::unique_ptr<Step>> steps_;
};

std::vector<StepRecord> pending_records(const std::vector<std::unique_ptr<Step>>& steps);

} // namespace pgu::upgrade
