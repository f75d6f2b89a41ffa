#pragma once

#include <string>
#include <utility>
#include <vector>

namespace pgu::upgrade {

enum class CheckStatus { pass, warn, fail };

std::string to_string(CheckStatus status);

// One preflight check as plans and reports show it: what was checked, the verdict, why, and
// the figures it used (sizes, versions, names).
struct CheckResult {
  std::string id;
  std::string title;
  CheckStatus status = CheckStatus::pass;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> figures;
};

} // namespace pgu::upgrade
