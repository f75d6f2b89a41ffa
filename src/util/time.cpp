#include "util/time.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace pgu {

std::string format_utc(Clock::time_point time)
{
  // fmt 9 formats a time_point in the local time zone: convert to UTC explicitly.
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(Clock::to_time_t(time)));
}

std::string now_utc()
{
  return format_utc(Clock::now());
}

std::string format_seconds(std::chrono::duration<double> seconds)
{
  return fmt::format("{:.1f} s", seconds.count());
}

} // namespace pgu
