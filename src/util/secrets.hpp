#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace pgu {

// Every value registered here is replaced by a mask wherever the helper writes text: terminal,
// logs, journals and reports all pass through mask(). Passwords embedded in URLs
// (scheme://user:PASSWORD@host) are masked even when nobody registered them.
class Secrets {
public:
  static constexpr std::string_view mask_text = "********";

  void add(std::string_view secret);
  std::string mask(std::string_view text) const;

private:
  mutable std::mutex mutex_;
  std::vector<std::string> values_;
};

Secrets& secrets();

std::string mask_url_passwords(std::string_view text);

} // namespace pgu
