#include "host/plugn.hpp"

#include <fmt/format.h>

namespace pgu::host {

std::string Plugn::rewrite_crontab() const
{
  std::string problems;
  for (const char* trigger : {"scheduler-cron-write", "cron-write"}) {
    const auto command = make({"plugn", "trigger", trigger});
    const auto result = run(command);
    if (!result.ok()) {
      problems += fmt::format("{}`{}` {}: {}", problems.empty() ? "" : "; ", command.display(),
                              result.timed_out ? "timed out" : fmt::format("failed (exit {})", result.exit_code),
                              result.last_error_line());
    }
  }
  return problems;
}

} // namespace pgu::host
