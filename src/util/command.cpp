#include "util/command.hpp"

#include "util/secrets.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace pgu {

namespace {

bool looks_secret(const std::string& name)
{
  constexpr std::array markers{"PASSWORD", "SECRET", "KEY", "TOKEN"};
  return std::ranges::any_of(markers, [&](const char* marker) { return name.find(marker) != std::string::npos; });
}

} // namespace

std::string shell_quote(const std::string& word)
{
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("@%+=:,./_-").find(c) != std::string_view::npos;
  });
  if (plain) {
    return word;
  }
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string Command::display() const
{
  std::string text;
  for (const auto& [name, value] : set_env) {
    text += name + "=" + (looks_secret(name) ? std::string(Secrets::mask_text) : shell_quote(value)) + " ";
  }
  for (std::size_t i = 0; i < argv.size(); ++i) {
    text += (i ? " " : "") + shell_quote(argv[i]);
  }
  if (input) {
    const auto first_line = input->substr(0, input->find('\n'));
    text += " <<< " + shell_quote(first_line.size() > 120 ? first_line.substr(0, 117) + "..." : first_line);
  }
  if (input_file) {
    text += " < " + shell_quote(input_file->string());
  }
  if (output_file) {
    text += " > " + shell_quote(output_file->string());
  }
  return secrets().mask(text);
}

std::string CommandResult::last_error_line() const
{
  for (const auto* stream : {&err, &out}) {
    auto end = stream->find_last_not_of(" \t\r\n");
    if (end == std::string::npos) {
      continue;
    }
    auto begin = stream->rfind('\n', end);
    begin = begin == std::string::npos ? 0 : begin + 1;
    auto line = stream->substr(begin, end - begin + 1);
    // Dokku prefixes its errors with " !     "; the caller adds its own.
    const auto first = line.find_first_not_of(" !");
    return first == std::string::npos ? line : line.substr(first);
  }
  return timed_out ? "timed out" : "exit status " + std::to_string(exit_code);
}

} // namespace pgu
