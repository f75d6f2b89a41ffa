#include "upgrade/plan.hpp"

#include <algorithm>

namespace pgu::upgrade {

std::string to_string(CheckStatus status)
{
  switch (status) {
  case CheckStatus::warn:
    return "warn";
  case CheckStatus::fail:
    return "fail";
  case CheckStatus::pass:
    break;
  }
  return "pass";
}

bool Plan::blocked() const
{
  return std::any_of(checks.begin(), checks.end(), [](const auto& check) { return check.status == CheckStatus::fail; });
}

std::string default_new_service_name(const std::string& app, const pg::ImageRef& target, const std::string& created)
{
  auto version = target.tag;
  std::replace(version.begin(), version.end(), '.', '_');
  return app + "-" + target.short_name() + "-" + version + "-" + created.substr(0, 10);
}

} // namespace pgu::upgrade
