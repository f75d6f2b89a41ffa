#pragma once

#include "util/command.hpp"

#include <string_view>

#include <sys/types.h>

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

// Sends SIGTERM to every child process group this process started and has not reaped yet.
// Async-signal-safe: a second SIGINT/SIGTERM calls it from the handler.
void terminate_running_children();
void register_child_group(pid_t pid);
void unregister_child_group(pid_t pid);

// When one of two steps running side by side fails, the other must stop too: this terminates
// every running child and makes new ones fail at once (exit 143) until allow_children().
void cancel_children();
void allow_children();
bool children_cancelled();
// The exit status of a child that was cancelled or refused: 128 + SIGTERM, as a shell says.
inline constexpr int cancelled_exit_code = 143;
inline constexpr std::string_view cancelled_message = "cancelled: a step running alongside failed";

} // namespace pgu
