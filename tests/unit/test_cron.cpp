// Cron expressions as the host's cron (Vixie cron) reads them: a table of valid expressions
// with their next run from fixed start minutes, and of invalid ones with their error.

#include "schedule/cron.hpp"
#include "util/error.hpp"
#include "util/time.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

using namespace pgu;
using schedule::CivilMinute;
using schedule::CronExpression;

namespace {

std::string text(const std::optional<CivilMinute>& minute)
{
  if (!minute) {
    return "none";
  }
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}", minute->year, minute->month, minute->day, minute->hour, minute->minute);
}

CivilMinute following(const CivilMinute& minute)
{
  namespace chrono = std::chrono;
  const auto day = chrono::sys_days{chrono::year{minute.year} / chrono::month{static_cast<unsigned>(minute.month)}
                                    / chrono::day{static_cast<unsigned>(minute.day)}};
  const auto time = day + chrono::hours{minute.hour} + chrono::minutes{minute.minute + 1};
  const auto next_day = chrono::floor<chrono::days>(time);
  const chrono::year_month_day date{next_day};
  const chrono::hh_mm_ss clock{time - next_day};
  return CivilMinute{static_cast<int>(date.year()), static_cast<int>(static_cast<unsigned>(date.month())),
                     static_cast<int>(static_cast<unsigned>(date.day())), static_cast<int>(clock.hours().count()),
                     static_cast<int>(clock.minutes().count())};
}

CivilMinute at(int year, int month, int day, int hour, int minute)
{
  return CivilMinute{year, month, day, hour, minute};
}

struct Valid {
  const char* expression;
  const char* normalised;
  CivilMinute start;
  const char* next;
};

struct Invalid {
  const char* expression;
  const char* error; // a part of the message
};

// Sets TZ for one test and puts the old value back.
class TimeZone {
public:
  explicit TimeZone(const char* zone)
  {
    if (const char* old = std::getenv("TZ")) {
      old_ = old;
    }
    ::setenv("TZ", zone, 1);
    ::tzset();
  }
  ~TimeZone()
  {
    if (old_) {
      ::setenv("TZ", old_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }
  TimeZone(const TimeZone&) = delete;
  TimeZone& operator=(const TimeZone&) = delete;

private:
  std::optional<std::string> old_;
};

} // namespace

TEST_CASE("valid cron expressions and their next run (strictly after the start minute)")
{
  // 2026-11-22 is a Sunday; 2024-02-29 a Thursday; 2027-01-01 a Friday; 2027-02-01 a Monday.
  const std::vector<Valid> table = {
    {"* * * * *", "* * * * *", at(2026, 11, 22, 8, 45), "2026-11-22 08:46"},
    {"0 3 * * *", "0 3 * * *", at(2026, 11, 22, 8, 45), "2026-11-23 03:00"},
    {"0 3 * * *", "0 3 * * *", at(2026, 11, 22, 2, 59), "2026-11-22 03:00"},
    {"0 3 * * *", "0 3 * * *", at(2026, 11, 22, 3, 0), "2026-11-23 03:00"},
    {"59 23 * * *", "59 23 * * *", at(2026, 12, 31, 23, 59), "2027-01-01 23:59"},
    {"30 23 31 12 *", "30 23 31 12 *", at(2026, 12, 31, 23, 30), "2027-12-31 23:30"},
    // Month ends: April has no 31st.
    {"0 0 31 * *", "0 0 31 * *", at(2026, 4, 15, 10, 0), "2026-05-31 00:00"},
    {"0 0 31 4,5 *", "0 0 31 4,5 *", at(2026, 1, 1, 0, 0), "2026-05-31 00:00"},
    // 29 February: only in leap years.
    {"0 12 29 2 *", "0 12 29 2 *", at(2026, 3, 1, 0, 0), "2028-02-29 12:00"},
    {"0 12 29 2 *", "0 12 29 2 *", at(2024, 2, 28, 13, 0), "2024-02-29 12:00"},
    // Both day fields restricted: either matches (the 13th or a Friday).
    {"0 0 13 * 5", "0 0 13 * 5", at(2026, 11, 22, 0, 0), "2026-11-27 00:00"},
    {"0 0 13 * 5", "0 0 13 * 5", at(2026, 12, 12, 0, 0), "2026-12-13 00:00"},
    {"0 0 29 2 1", "0 0 29 2 1", at(2026, 3, 1, 0, 0), "2027-02-01 00:00"},
    // A day field starting with '*' is unrestricted: both must match (odd days that are Mondays).
    {"0 0 */2 * 1", "0 0 */2 * 1", at(2026, 11, 24, 0, 0), "2026-12-07 00:00"},
    {"0 0 * * 1", "0 0 * * 1", at(2026, 11, 22, 0, 0), "2026-11-23 00:00"},
    // Sunday is 0 and 7.
    {"0 9 * * 0", "0 9 * * 0", at(2026, 11, 22, 10, 0), "2026-11-29 09:00"},
    {"0 9 * * 7", "0 9 * * 7", at(2026, 11, 22, 10, 0), "2026-11-29 09:00"},
    {"0 9 * * 7", "0 9 * * 7", at(2026, 11, 22, 8, 0), "2026-11-22 09:00"},
    {"0 0 * * 5-7", "0 0 * * 5-7", at(2026, 11, 22, 0, 0), "2026-11-27 00:00"},
    // Month and day names, any case, in lists and ranges.
    {"15 6 * jan,jul mon-fri", "15 6 * jan,jul mon-fri", at(2026, 11, 22, 0, 0), "2027-01-01 06:15"},
    {"0 0 1 JAN *", "0 0 1 jan *", at(2026, 11, 22, 0, 0), "2027-01-01 00:00"},
    {"0 9 * * Sun", "0 9 * * sun", at(2026, 11, 22, 10, 0), "2026-11-29 09:00"},
    {"0 0 1 feb-apr/2 *", "0 0 1 feb-apr/2 *", at(2026, 2, 1, 0, 0), "2026-04-01 00:00"},
    // Steps, ranges and lists.
    {"*/15 9-17/4 * * *", "*/15 9-17/4 * * *", at(2026, 11, 22, 9, 50), "2026-11-22 13:00"},
    {"5-20/5 * * * *", "5-20/5 * * * *", at(2026, 11, 22, 8, 21), "2026-11-22 09:05"},
    {"0,30 8,20 1,15 * *", "0,30 8,20 1,15 * *", at(2026, 11, 22, 8, 45), "2026-12-01 08:00"},
    {"*/7 * * * *", "*/7 * * * *", at(2026, 11, 22, 8, 56), "2026-11-22 09:00"},
    // Whitespace is normalised to one space.
    {"  0\t3  * *   * ", "0 3 * * *", at(2026, 11, 22, 8, 45), "2026-11-23 03:00"},
    // Macros.
    {"@hourly", "@hourly", at(2026, 11, 22, 8, 45), "2026-11-22 09:00"},
    {"@daily", "@daily", at(2026, 11, 22, 8, 45), "2026-11-23 00:00"},
    {"@midnight", "@midnight", at(2026, 11, 22, 8, 45), "2026-11-23 00:00"},
    {"@weekly", "@weekly", at(2026, 11, 22, 8, 45), "2026-11-29 00:00"},
    {"@monthly", "@monthly", at(2026, 11, 22, 8, 45), "2026-12-01 00:00"},
    {"@yearly", "@yearly", at(2026, 11, 22, 8, 45), "2027-01-01 00:00"},
    {"@annually", "@annually", at(2026, 12, 31, 23, 59), "2027-01-01 00:00"},
  };
  for (const auto& row : table) {
    CAPTURE(row.expression);
    const auto expression = CronExpression::parse(row.expression);
    CHECK(expression.text() == row.normalised);
    const auto next = expression.next_after(row.start);
    CHECK(text(next) == row.next);
    REQUIRE(next);
    CHECK(expression.matches(*next));
    // No minute in between matches (brute force over spans up to 40 days, through matches()).
    int checked = 0;
    for (auto minute = following(row.start); minute < *next && checked < 40 * 24 * 60; minute = following(minute), ++checked) {
      REQUIRE_MESSAGE(!expression.matches(minute), text(minute));
    }
  }
}

TEST_CASE("invalid cron expressions are usage errors that say what is wrong")
{
  const std::vector<Invalid> table = {
    {"", "it is empty"},
    {"   ", "it is empty"},
    {"0 0 * * * *", "six fields: cron has no seconds or year field"},
    {"0 0 * *", "4 fields"},
    {"garbage", "1 field"},
    {"60 * * * *", "minute 60 is out of range 0-59"},
    {"* 24 * * *", "hour 24 is out of range 0-23"},
    {"* * 0 * *", "day of month 0 is out of range 1-31"},
    {"* * 32 * *", "day of month 32 is out of range 1-31"},
    {"* * * 13 *", "month 13 is out of range 1-12"},
    {"* * * 0 *", "month 0 is out of range 1-12"},
    {"* * * * 8", "day of week 8 is out of range 0-7"},
    {"99999 * * * *", "out of range"},
    {"0 3 * * *; rm -rf /", "';' is not allowed"},
    {"0 3 * * *;", "';' is not allowed"},
    {"0 3 * * *\n* * * * *", "a newline is not allowed"},
    {"0 3 * * *\r", "a newline is not allowed"},
    {"0 3 * * $", "the character '$' is not allowed"},
    {"0 3 * * * %", "the character '%' is not allowed"},
    {"@reboot", "@reboot is not a time"},
    {"@every 5m", "2 fields"},
    {"@fortnightly", "unknown macro @fortnightly"},
    {"@Daily", "unknown macro @Daily"},
    {"0 @daily * * *", "'@' only starts a macro"},
    {"*/0 * * * *", "step 0 in the minute field is out of range 1-59"},
    {"*/60 * * * *", "step 60 in the minute field is out of range 1-59"},
    {"*/x * * * *", "step 'x' in the minute field is not a number"},
    {"5/10 * * * *", "a step needs * or a range before it"},
    {"10-5 * * * *", "range 10-5 in the minute field goes backwards"},
    {"1,,2 * * * *", "an empty item in the minute field"},
    {"0 0 * * mon-", "a value is missing in the day of week field"},
    {"-1 * * * *", "a value is missing in the minute field"},
    {"* * * foo *", "'foo' is not a number or a name in the month field"},
    {"* * * * january", "'january' is not a number or a name in the day of week field"},
    {"mon * * * *", "'mon' is not a number in the minute field"},
    {"0 0 30 2 *", "it never matches"},
    {"0 0 31 4,6,9,11 *", "it never matches"},
  };
  for (const auto& row : table) {
    CAPTURE(row.expression);
    try {
      (void)CronExpression::parse(row.expression);
      FAIL("accepted: ", row.expression);
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::usage);
      const std::string message = e.what();
      CHECK_MESSAGE(message.find(row.error) != std::string::npos, message);
      CHECK(message.starts_with("Invalid cron expression '"));
      // One line, whatever the input held.
      CHECK(message.find('\n') == std::string::npos);
    }
  }
}

TEST_CASE("next runs are computed in the host's time zone")
{
  {
    const TimeZone utc("UTC");
    const auto now = schedule::from_local(at(2026, 11, 22, 8, 45));
    CHECK(format_utc(now) == "2026-11-22T08:45:00Z");
    const auto next = schedule::next_run(CronExpression::parse("0 3 * * *"), now + std::chrono::seconds(30));
    REQUIRE(next);
    CHECK(format_utc(*next) == "2026-11-23T03:00:00Z");
    CHECK(schedule::format_local(*next) == "2026-11-23 03:00 UTC");
    CHECK(schedule::format_local_rfc3339(*next) == "2026-11-23T03:00:00+00:00");
    // Exactly on a matching minute: that run is under way, the next is tomorrow's.
    const auto three = schedule::from_local(at(2026, 11, 23, 3, 0));
    CHECK(format_utc(*schedule::next_run(CronExpression::parse("0 3 * * *"), three)) == "2026-11-24T03:00:00Z");
  }
  {
    // A fixed zone one hour east of UTC (POSIX TZ, no tzdata needed).
    const TimeZone east("XYZ-1");
    const auto now = schedule::from_local(at(2026, 11, 22, 9, 45));
    CHECK(format_utc(now) == "2026-11-22T08:45:00Z");
    const auto next = schedule::next_run(CronExpression::parse("0 3 * * *"), now);
    REQUIRE(next);
    CHECK(format_utc(*next) == "2026-11-23T02:00:00Z");
    CHECK(schedule::format_local(*next) == "2026-11-23 03:00 XYZ");
    CHECK(schedule::format_local_rfc3339(*next) == "2026-11-23T03:00:00+01:00");
  }
}
