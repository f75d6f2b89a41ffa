#pragma once

#include "upgrade/context.hpp"
#include "util/command.hpp"

#include <string>
#include <vector>

namespace pgu::upgrade {

// One step of the upgrade: what it runs (for plans), how it runs, how it checks itself, and
// how it is undone. Steps are idempotent or say on the host whether they are done, so a
// resumed upgrade can repeat or skip a step whose outcome is unknown.
class Step {
public:
  virtual ~Step() = default;

  // Journal key, e.g. "export".
  virtual std::string name() const = 0;
  // What an operator reads as the step starts.
  virtual std::string title(const Plan& plan) const = 0;
  // Every command the step would run, in order, for the dry run.
  virtual std::vector<Command> commands(Context& context) const = 0;
  virtual void run(Context& context) = 0;
  // Reverses run(); safe to call when run() got only part of the way.
  virtual void undo(Context& /*context*/) {}
  // True when the host already shows the step's effect (for resume).
  virtual bool done_on_host(Context& /*context*/) { return false; }
  // Whether the step is part of the write-unavailable window (maintenance on → off).
  virtual bool in_window() const { return false; }
  // A step that runs in the background: the steps after it go on, and the step named here
  // waits for it (empty: the step runs in its turn). Before the switch, a failure of either
  // side stops the other and rolls back; after it, a failure is kept for resume.
  virtual std::string in_background_until() const { return {}; }
};

} // namespace pgu::upgrade
