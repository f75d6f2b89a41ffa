#include "host/cli_client.hpp"

#include <fmt/format.h>

namespace pgu::host {

CommandFailed::CommandFailed(const Command& command, const CommandResult& result)
  : std::runtime_error(fmt::format("`{}` {}: {}",
                                   command.display(),
                                   result.timed_out ? "timed out" : fmt::format("failed (exit {})", result.exit_code),
                                   result.last_error_line())),
    result_(result)
{
}

std::string CliClient::run_checked(const Command& command) const
{
  auto result = runner_.run(command);
  if (!result.ok()) {
    throw CommandFailed(command, result);
  }
  return std::move(result.out);
}

Command CliClient::make(std::vector<std::string> argv) const
{
  Command command(std::move(argv));
  command.timeout = timeout_;
  // A plugin must not pass its own --app on: core plugins would inject it again.
  command.unset_env = {"DOKKU_APP_NAME", "DOKKU_QUIET_OUTPUT"};
  return command;
}

std::vector<std::string> split_lines(std::string_view text)
{
  std::vector<std::string> lines;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    auto line = text.substr(0, newline);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    lines.emplace_back(line);
    if (newline == std::string_view::npos) {
      break;
    }
    text.remove_prefix(newline + 1);
  }
  return lines;
}

std::string trim(std::string_view text)
{
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

} // namespace pgu::host
