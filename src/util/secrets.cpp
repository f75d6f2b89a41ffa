#include "util/secrets.hpp"

#include <algorithm>

namespace pgu {

namespace {

// Short values would mask ordinary words; a real credential is never this short.
constexpr std::size_t minimum_secret_length = 4;

void replace_all(std::string& text, std::string_view from, std::string_view to)
{
  std::size_t position = 0;
  while ((position = text.find(from, position)) != std::string::npos) {
    text.replace(position, from.size(), to);
    position += to.size();
  }
}

} // namespace

void Secrets::add(std::string_view secret)
{
  if (secret.size() < minimum_secret_length) {
    return;
  }
  std::lock_guard lock(mutex_);
  if (std::find(values_.begin(), values_.end(), secret) == values_.end()) {
    values_.emplace_back(secret);
    // Longest first, so a secret that contains another is masked whole.
    std::sort(values_.begin(), values_.end(), [](const auto& a, const auto& b) {
      return a.size() > b.size();
    });
  }
}

std::string Secrets::mask(std::string_view text) const
{
  std::string result(text);
  {
    std::lock_guard lock(mutex_);
    for (const auto& value : values_) {
      replace_all(result, value, mask_text);
    }
  }
  return mask_url_passwords(result);
}

Secrets& secrets()
{
  static Secrets instance;
  return instance;
}

std::string mask_url_passwords(std::string_view text)
{
  std::string result;
  result.reserve(text.size());
  std::size_t position = 0;
  while (position < text.size()) {
    const auto scheme_end = text.find("://", position);
    if (scheme_end == std::string_view::npos) {
      break;
    }
    const auto authority_begin = scheme_end + 3;
    const auto authority_end = text.find_first_of("/ \t\n\"'?#", authority_begin);
    const auto authority = text.substr(authority_begin,
                                       authority_end == std::string_view::npos
                                         ? std::string_view::npos
                                         : authority_end - authority_begin);
    const auto at = authority.rfind('@');
    const auto colon = authority.find(':');
    result.append(text.substr(position, authority_begin - position));
    if (at != std::string_view::npos && colon != std::string_view::npos && colon < at) {
      result.append(authority.substr(0, colon + 1));
      result.append(Secrets::mask_text);
      result.append(authority.substr(at));
    } else {
      result.append(authority);
    }
    position = authority_begin + authority.size();
  }
  if (position < text.size()) {
    result.append(text.substr(position));
  }
  return result;
}

} // namespace pgu
