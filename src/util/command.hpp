#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pgu {

// One child process to run: an argv vector (never a shell string), its environment changes,
// where its stdin comes from and stdout goes, and how long it may take.
struct Command {
  Command() = default;
  explicit Command(std::vector<std::string> arguments) : argv(std::move(arguments)) {}

  std::vector<std::string> argv;
  std::vector<std::pair<std::string, std::string>> set_env;
  std::vector<std::string> unset_env;
  std::optional<std::string> input;
  std::optional<std::filesystem::path> input_file;
  std::optional<std::filesystem::path> output_file;
  std::chrono::seconds timeout{std::chrono::minutes(10)};

  // For humans only (plans, logs, errors): shell-quoted and secret-masked.
  std::string display() const;
};

struct CommandResult {
  int exit_code = 0;
  std::string out;
  std::string err;
  bool timed_out = false;
  std::chrono::milliseconds elapsed{0};

  bool ok() const { return exit_code == 0 && !timed_out; }
  // The last non-empty line of stderr (or stdout), for one-line error messages.
  std::string last_error_line() const;
};

std::string shell_quote(const std::string& word);

} // namespace pgu
