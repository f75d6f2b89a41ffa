#pragma once

#include "cli/arguments.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pgu {
class Output;
class CommandRunner;
} // namespace pgu

namespace pgu::cli {

struct Context {
  const Output& out;
  CommandRunner& runner;
  const Invocation& invocation;
};

struct Subcommand {
  std::string name;        // "run" for pgupgrade:run
  std::string arguments;   // "<app> <image> <version> [--flags]"
  std::string description; // one line, no commas (Dokku columnises help on commas)
  bool listed;             // internal commands (called by cron) are not in help
  std::function<int(Context&)> handler;
};

const std::vector<Subcommand>& subcommands();
const Subcommand* find_subcommand(const std::string& name);

// `dokku pgupgrade:help` and the bare `dokku pgupgrade`: Dokku's plugin help layout.
std::string plugin_help();
// What `commands help` prints for `dokku help`: one summary line, or every command with --all.
std::string help_lines(bool all);

} // namespace pgu::cli
