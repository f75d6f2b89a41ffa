#include "host/names.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace pgu::host {

namespace {

constexpr std::size_t longest_name = 100;
constexpr std::size_t longest_printed = 80;

bool is_lower_alnum(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

std::string replace_chars(std::string_view text, std::string_view from, char to)
{
  std::string result(text);
  std::replace_if(result.begin(), result.end(), [&](char c) { return from.find(c) != std::string_view::npos; }, to);
  return result;
}

} // namespace

bool is_valid_app_name(std::string_view name)
{
  // Dokku: lowercase alphanumerics and dashes, starting with a letter or digit.
  return !name.empty() && name.size() <= longest_name && is_lower_alnum(name.front())
         && std::all_of(name.begin(), name.end(), [](char c) { return is_lower_alnum(c) || c == '-'; });
}

bool is_valid_service_name(std::string_view name)
{
  // dokku-postgres: ^[A-Za-z0-9_-]+$
  return !name.empty() && name.size() <= longest_name && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

std::string service_container(std::string_view service)
{
  return fmt::format("dokku.postgres.{}", service);
}

std::string service_dns_host(std::string_view service)
{
  return replace_chars(service_container(service), "._", '-');
}

std::string service_database(std::string_view service)
{
  return replace_chars(service, ".-", '_');
}

std::string printable(std::string_view input)
{
  std::string result;
  for (const char c : input.substr(0, longest_printed)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f) {
      result += fmt::format("\\x{:02x}", byte);
    } else {
      result += c;
    }
  }
  if (input.size() > longest_printed) {
    result += "...";
  }
  return result;
}

} // namespace pgu::host
