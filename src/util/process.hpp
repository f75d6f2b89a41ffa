#pragma once

#include "util/command.hpp"

namespace pgu {

// Runs commands. Steps depend on this interface, so unit tests can answer for the host.
class CommandRunner {
public:
  virtual ~CommandRunner() = default;
  virtual CommandResult run(const Command& command) = 0;
};

// Runs real child processes with Boost.Process: captured stdout and stderr, exit status, and a
// time limit after which the child's whole process group is terminated (each child leads its
// own group, so `dokku` and everything it starts go together).
class ProcessRunner final : public CommandRunner {
public:
  CommandResult run(const Command& command) override;
};

// Terminates every process group this process started and has not reaped yet (SIGTERM, then
// SIGKILL after a grace period). Used on SIGINT/SIGTERM.
void terminate_running_children();

} // namespace pgu
