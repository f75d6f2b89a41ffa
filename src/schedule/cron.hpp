#pragma once

#include "util/time.hpp"

#include <bitset>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

namespace pgu::schedule {

// One minute on the host's wall clock (cron reads its five fields in the host's time zone).
struct CivilMinute {
  int year = 1970;
  int month = 1; // 1-12
  int day = 1;   // 1-31
  int hour = 0;
  int minute = 0;

  friend bool operator==(const CivilMinute& a, const CivilMinute& b) { return a.tied() == b.tied(); }
  friend bool operator<(const CivilMinute& a, const CivilMinute& b) { return a.tied() < b.tied(); }

private:
  std::tuple<int, int, int, int, int> tied() const { return {year, month, day, hour, minute}; }
};

// A cron schedule as the host's cron (Vixie cron, Debian's `cron`) reads the first part of a
// crontab line: five fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or
// jan-dec, day of week 0-7 or sun-sat with 0 and 7 both Sunday), each a list of `*`, numbers,
// ranges `a-b` and steps `*/n` or `a-b/n`; or one of @hourly, @daily (@midnight), @weekly,
// @monthly, @yearly (@annually). When both day fields are restricted a day matches either
// (the OR rule); a field starting with `*` counts as unrestricted, as in Vixie cron.
class CronExpression {
public:
  // Throws a usage error (exit 2) naming what is wrong: six fields, a value out of range, a
  // step without a range, a `;` or a newline, an expression that never matches...
  static CronExpression parse(std::string_view text);

  // The expression as it goes into the crontab: fields separated by one space, names lowercase.
  const std::string& text() const { return text_; }

  bool matches(const CivilMinute& minute) const;
  // The first matching minute strictly after `start`; none when nothing matches within 28
  // years (the calendar's full cycle), e.g. 30 February.
  std::optional<CivilMinute> next_after(const CivilMinute& start) const;

private:
  CronExpression() = default;
  bool day_matches(int year, int month, int day) const;

  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1-31
  std::bitset<13> months_;   // 1-12
  std::bitset<7> weekdays_;  // 0-6, Sunday 0
  bool days_star_ = false;   // the day-of-month field starts with '*'
  bool weekdays_star_ = false;
  std::string text_;
};

// Civil time of a moment in the host's local time zone, and back (a minute that does not
// exist on the wall clock, skipped by a DST change, comes out as the moment after the jump).
CivilMinute local_minute(Clock::time_point time);
Clock::time_point from_local(const CivilMinute& minute);

// When the host's cron next starts a job on this schedule, strictly after `now`.
std::optional<Clock::time_point> next_run(const CronExpression& expression, Clock::time_point now);

// "2026-11-23 03:00 UTC": the host's local time and zone abbreviation.
std::string format_local(Clock::time_point time);
// "2026-11-23T03:00:00+00:00": RFC 3339 with the host's UTC offset.
std::string format_local_rfc3339(Clock::time_point time);

} // namespace pgu::schedule
