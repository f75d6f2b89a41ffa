#include "pg/image_ref.hpp"

#include "host/names.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>

namespace pgu::pg {

namespace {

constexpr std::size_t longest_repository = 255;
constexpr std::size_t longest_tag = 128;
constexpr int largest_major = 99;

} // namespace

std::string ImageRef::short_name() const
{
  const auto slash = repository.rfind('/');
  return slash == std::string::npos ? repository : repository.substr(slash + 1);
}

std::optional<int> ImageRef::tag_major() const
{
  return leading_major(tag);
}

bool is_valid_repository(std::string_view repository)
{
  static const std::regex grammar(
    R"(^(?:(?:localhost|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?::[0-9]+)?/)?)"
    R"([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$)");
  if (repository.empty() || repository.size() > longest_repository) {
    return false;
  }
  // A first component without '.' or ':' that is not localhost is a path, not a registry: the
  // grammar above accepts it either way, and uppercase is only legal in a registry host.
  const std::string text(repository);
  if (!std::regex_match(text, grammar)) {
    return false;
  }
  const auto slash = text.find('/');
  const auto first = text.substr(0, slash);
  const bool first_is_registry = slash != std::string::npos
                                 && (first.find('.') != std::string::npos || first.find(':') != std::string::npos || first == "localhost");
  const auto path = first_is_registry ? text.substr(slash + 1) : text;
  return std::none_of(path.begin(), path.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool is_valid_tag(std::string_view tag)
{
  static const std::regex grammar(R"(^[A-Za-z0-9_][A-Za-z0-9_.-]*$)");
  return !tag.empty() && tag.size() <= longest_tag && std::regex_match(std::string(tag), grammar);
}

ImageRef parse_image_ref(std::string_view repository, std::string_view tag)
{
  if (repository.find(':') != std::string_view::npos && repository.find('/') == std::string_view::npos) {
    throw usage_error(fmt::format("Invalid image {}: give the image and the version as two arguments (postgres 17.10)",
                                  host::printable(repository)));
  }
  if (!is_valid_repository(repository)) {
    throw usage_error(fmt::format("Invalid image name {}: not a Docker image reference", host::printable(repository)));
  }
  if (!is_valid_tag(tag)) {
    throw usage_error(fmt::format("Invalid image version {}: a tag is letters, digits, '_', '.' and '-' (at most 128)",
                                  host::printable(tag)));
  }
  return ImageRef{std::string(repository), std::string(tag)};
}

std::optional<int> leading_major(std::string_view version)
{
  int major = 0;
  std::size_t digits = 0;
  while (digits < version.size() && version[digits] >= '0' && version[digits] <= '9') {
    major = major * 10 + (version[digits] - '0');
    if (major > largest_major) {
      return std::nullopt;
    }
    ++digits;
  }
  if (digits == 0) {
    return std::nullopt;
  }
  return major;
}

std::optional<int> major_from_version_text(std::string_view text)
{
  static const std::regex pattern(R"(PostgreSQL\)?\s+([0-9]+)(?:\.([0-9]+))?)");
  std::match_results<std::string_view::const_iterator> match;
  if (!std::regex_search(text.begin(), text.end(), match, pattern)) {
    return std::nullopt;
  }
  return leading_major(std::string_view(&*match[1].first, static_cast<std::size_t>(match[1].length())));
}

} // namespace pgu::pg
