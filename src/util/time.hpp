#pragma once

#include <chrono>
#include <string>

namespace pgu {

using Clock = std::chrono::system_clock;

// RFC 3339 in UTC to the second: 2026-11-22T06:00:05Z.
std::string format_utc(Clock::time_point time);
std::string now_utc();
// Seconds with one decimal, for step durations: "12.3 s".
std::string format_seconds(std::chrono::duration<double> seconds);

} // namespace pgu
