#pragma once

#include "util/command.hpp"
#include "util/process.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace pgu::host {

// What a failed host command becomes: the step that ran it names it in the error line.
class CommandFailed : public std::runtime_error {
public:
  CommandFailed(const Command& command, const CommandResult& result);

  const CommandResult& result() const { return result_; }

private:
  CommandResult result_;
};

// Shared by the typed dokku and docker clients: builds argv commands with the common time
// limit and environment, runs them, and turns failures into CommandFailed.
class CliClient {
public:
  CliClient(CommandRunner& runner, std::chrono::seconds timeout) : runner_(runner), timeout_(timeout) {}

  CommandResult run(const Command& command) const { return runner_.run(command); }
  // Runs the command and returns its stdout; throws CommandFailed unless it exits 0.
  std::string run_checked(const Command& command) const;

protected:
  Command make(std::vector<std::string> argv) const;

private:
  CommandRunner& runner_;
  std::chrono::seconds timeout_;
};

std::vector<std::string> split_lines(std::string_view text);
std::string trim(std::string_view text);

} // namespace pgu::host
