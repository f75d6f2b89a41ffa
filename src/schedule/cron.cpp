#include "schedule/cron.hpp"

#include "host/names.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <ctime>
#include <span>
#include <vector>

namespace pgu::schedule {

namespace {

namespace chrono = std::chrono;

// 28 years: every combination of leap year and weekday comes round within them.
constexpr int days_searched = 28 * 366;

constexpr std::array<std::string_view, 12> month_names{"jan", "feb", "mar", "apr", "may", "jun",
                                                       "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> weekday_names{"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

struct Macro {
  std::string_view name;
  std::string_view fields;
};

constexpr std::array<Macro, 7> macros{{{"@yearly", "0 0 1 1 *"},
                                       {"@annually", "0 0 1 1 *"},
                                       {"@monthly", "0 0 1 * *"},
                                       {"@weekly", "0 0 * * 0"},
                                       {"@daily", "0 0 * * *"},
                                       {"@midnight", "0 0 * * *"},
                                       {"@hourly", "0 * * * *"}}};

constexpr std::string_view expected =
  "use five fields (minute hour day-of-month month day-of-week) or @hourly, @daily, @weekly, @monthly, @yearly";

struct FieldSpec {
  std::string_view name;
  int low;
  int high;
  std::span<const std::string_view> names; // names[i] stands for low_name + i
  int first_name_value;
};

const std::array<FieldSpec, 5> field_specs{{{"minute", 0, 59, {}, 0},
                                            {"hour", 0, 23, {}, 0},
                                            {"day of month", 1, 31, {}, 0},
                                            {"month", 1, 12, month_names, 1},
                                            {"day of week", 0, 7, weekday_names, 0}}};

class Parser {
public:
  explicit Parser(std::string_view whole) : whole_(whole) {}

  [[noreturn]] void fail(const std::string& detail) const
  {
    throw usage_error(fmt::format("Invalid cron expression '{}': {}", host::printable(whole_), detail));
  }

  // One value: digits or (month, day of week) a three-letter name.
  int value(std::string_view token, const FieldSpec& spec) const
  {
    if (token.empty()) {
      fail(fmt::format("a value is missing in the {} field", spec.name));
    }
    if (std::all_of(token.begin(), token.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
      if (token.size() > 4) {
        fail(fmt::format("{} {} is out of range {}-{}", spec.name, token, spec.low, spec.high));
      }
      const int number = std::stoi(std::string(token));
      if (number < spec.low || number > spec.high) {
        fail(fmt::format("{} {} is out of range {}-{}", spec.name, number, spec.low, spec.high));
      }
      return number;
    }
    std::string lower(token);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    const auto found = std::find(spec.names.begin(), spec.names.end(), lower);
    if (found == spec.names.end()) {
      fail(spec.names.empty() ? fmt::format("'{}' is not a number in the {} field", host::printable(token), spec.name)
                              : fmt::format("'{}' is not a number or a name in the {} field", host::printable(token), spec.name));
    }
    return spec.first_name_value + static_cast<int>(found - spec.names.begin());
  }

  // A comma-separated list; sets bits low..high of `bits` and says whether it starts with '*'.
  std::vector<bool> field(std::string_view text, const FieldSpec& spec, bool& star) const
  {
    std::vector<bool> bits(static_cast<std::size_t>(spec.high) + 1, false);
    star = text.starts_with('*');
    std::size_t start = 0;
    while (true) {
      const auto comma = text.find(',', start);
      item(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start), spec, bits);
      if (comma == std::string_view::npos) {
        break;
      }
      start = comma + 1;
    }
    return bits;
  }

private:
  void item(std::string_view text, const FieldSpec& spec, std::vector<bool>& bits) const
  {
    if (text.empty()) {
      fail(fmt::format("an empty item in the {} field", spec.name));
    }
    const auto slash = text.find('/');
    const auto base = text.substr(0, slash);
    int step = 1;
    if (slash != std::string_view::npos) {
      const auto step_text = text.substr(slash + 1);
      if (step_text.empty() || step_text.size() > 4
          || !std::all_of(step_text.begin(), step_text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
        fail(fmt::format("step '{}' in the {} field is not a number", host::printable(step_text), spec.name));
      }
      step = std::stoi(std::string(step_text));
      if (step < 1 || step > spec.high) {
        fail(fmt::format("step {} in the {} field is out of range 1-{}", step, spec.name, spec.high));
      }
    }
    int low = spec.low;
    int high = spec.high;
    if (base != "*") {
      const auto dash = base.find('-');
      if (dash == std::string_view::npos) {
        if (slash != std::string_view::npos) {
          fail(fmt::format("a step needs * or a range before it ('{}' in the {} field): cron does not read 'n/step'",
                           host::printable(text), spec.name));
        }
        low = high = value(base, spec);
      } else {
        low = value(base.substr(0, dash), spec);
        high = value(base.substr(dash + 1), spec);
        if (high < low) {
          fail(fmt::format("range {} in the {} field goes backwards", host::printable(base), spec.name));
        }
      }
    }
    for (int i = low; i <= high; i += step) {
      bits[static_cast<std::size_t>(i)] = true;
    }
  }

  std::string_view whole_;
};

std::vector<std::string> split_fields(std::string_view text)
{
  std::vector<std::string> fields;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) {
      ++i;
    }
    const auto start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') {
      ++i;
    }
    if (i > start) {
      fields.emplace_back(text.substr(start, i - start));
    }
  }
  return fields;
}

std::string lowercase(std::string text)
{
  std::transform(text.begin(), text.end(), text.begin(), [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return text;
}

template<std::size_t N>
void copy_bits(std::bitset<N>& target, const std::vector<bool>& bits, int low)
{
  for (auto i = static_cast<std::size_t>(low); i < N && i < bits.size(); ++i) {
    target[i] = bits[i];
  }
}

} // namespace

CronExpression CronExpression::parse(std::string_view text)
{
  const Parser parser(text);
  if (text.find(';') != std::string_view::npos) {
    parser.fail("';' is not allowed (Dokku splits its cron entries on ';')");
  }
  if (text.find_first_of("\r\n") != std::string_view::npos) {
    parser.fail("a newline is not allowed");
  }
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (!(std::isalnum(u) != 0 || c == '*' || c == ',' || c == '/' || c == '-' || c == ' ' || c == '\t' || c == '@')) {
      parser.fail(fmt::format("the character '{}' is not allowed", host::printable(std::string_view(&c, 1))));
    }
  }
  auto fields = split_fields(text);
  if (fields.empty()) {
    parser.fail(fmt::format("it is empty; {}", expected));
  }
  std::string normalised;
  if (fields.size() == 1 && fields.front().starts_with('@')) {
    const auto* const found = std::find_if(macros.begin(), macros.end(), [&](const Macro& m) { return m.name == fields.front(); });
    if (found == macros.end()) {
      parser.fail(fields.front() == "@reboot" ? fmt::format("@reboot is not a time; {}", expected)
                                              : fmt::format("unknown macro {}; {}", host::printable(fields.front()), expected));
    }
    normalised = fields.front();
    fields = split_fields(found->fields);
  } else if (fields.size() != field_specs.size()) {
    parser.fail(fields.size() == 6 ? fmt::format("six fields: cron has no seconds or year field; {}", expected)
                                   : fmt::format("{} field{}; {}", fields.size(), fields.size() == 1 ? "" : "s", expected));
  }
  for (const auto& field : fields) {
    if (field.find('@') != std::string::npos) {
      parser.fail(fmt::format("'@' only starts a macro; {}", expected));
    }
  }

  CronExpression expression;
  bool star = false;
  copy_bits(expression.minutes_, parser.field(fields[0], field_specs[0], star), 0);
  copy_bits(expression.hours_, parser.field(fields[1], field_specs[1], star), 0);
  copy_bits(expression.days_, parser.field(fields[2], field_specs[2], expression.days_star_), 1);
  copy_bits(expression.months_, parser.field(fields[3], field_specs[3], star), 1);
  const auto weekdays = parser.field(fields[4], field_specs[4], expression.weekdays_star_);
  copy_bits(expression.weekdays_, weekdays, 0);
  if (weekdays[7]) {
    expression.weekdays_[0] = true; // 7 is Sunday too
  }
  if (normalised.empty()) {
    for (auto& field : fields) {
      normalised += (normalised.empty() ? "" : " ") + lowercase(field);
    }
  }
  expression.text_ = normalised;
  if (!expression.next_after(CivilMinute{2000, 1, 1, 0, 0})) {
    parser.fail("it never matches (no such day in those months)");
  }
  return expression;
}

bool CronExpression::day_matches(int year, int month, int day) const
{
  if (!months_[static_cast<std::size_t>(month)]) {
    return false;
  }
  const chrono::year_month_day date{chrono::year{year}, chrono::month{static_cast<unsigned>(month)},
                                    chrono::day{static_cast<unsigned>(day)}};
  const chrono::weekday weekday{chrono::sys_days{date}};
  const bool by_day = days_[static_cast<std::size_t>(day)];
  const bool by_weekday = weekdays_[weekday.c_encoding()];
  // Vixie cron: when either day field is '*', both must match; otherwise either may.
  return days_star_ || weekdays_star_ ? by_day && by_weekday : by_day || by_weekday;
}

bool CronExpression::matches(const CivilMinute& minute) const
{
  return minutes_[static_cast<std::size_t>(minute.minute)] && hours_[static_cast<std::size_t>(minute.hour)]
         && day_matches(minute.year, minute.month, minute.day);
}

std::optional<CivilMinute> CronExpression::next_after(const CivilMinute& start) const
{
  int first_hour = start.hour;
  int first_minute = start.minute + 1;
  chrono::sys_days day{chrono::year{start.year} / chrono::month{static_cast<unsigned>(start.month)}
                       / chrono::day{static_cast<unsigned>(start.day)}};
  if (first_minute == 60) {
    first_minute = 0;
    ++first_hour;
  }
  if (first_hour == 24) {
    first_hour = 0;
    day += chrono::days{1};
  }
  for (int searched = 0; searched < days_searched; ++searched, day += chrono::days{1}) {
    const chrono::year_month_day date{day};
    const int year = static_cast<int>(date.year());
    const int month = static_cast<int>(static_cast<unsigned>(date.month()));
    const int day_of_month = static_cast<int>(static_cast<unsigned>(date.day()));
    if (day_matches(year, month, day_of_month)) {
      for (int hour = first_hour; hour < 24; ++hour) {
        if (!hours_[static_cast<std::size_t>(hour)]) {
          continue;
        }
        for (int minute = hour == first_hour ? first_minute : 0; minute < 60; ++minute) {
          if (minutes_[static_cast<std::size_t>(minute)]) {
            return CivilMinute{year, month, day_of_month, hour, minute};
          }
        }
      }
    }
    first_hour = 0;
    first_minute = 0;
  }
  return std::nullopt;
}

CivilMinute local_minute(Clock::time_point time)
{
  const std::time_t seconds = Clock::to_time_t(time);
  std::tm local{};
  ::localtime_r(&seconds, &local);
  return CivilMinute{local.tm_year + 1900, local.tm_mon + 1, local.tm_mday, local.tm_hour, local.tm_min};
}

Clock::time_point from_local(const CivilMinute& minute)
{
  std::tm local{};
  local.tm_year = minute.year - 1900;
  local.tm_mon = minute.month - 1;
  local.tm_mday = minute.day;
  local.tm_hour = minute.hour;
  local.tm_min = minute.minute;
  local.tm_isdst = -1;
  return Clock::from_time_t(std::mktime(&local));
}

std::optional<Clock::time_point> next_run(const CronExpression& expression, Clock::time_point now)
{
  auto start = local_minute(now);
  // A DST change can map a wall-clock minute to a moment already past: look further.
  for (int attempt = 0; attempt < 4; ++attempt) {
    const auto minute = expression.next_after(start);
    if (!minute) {
      return std::nullopt;
    }
    const auto time = from_local(*minute);
    if (time > now) {
      return time;
    }
    start = *minute;
  }
  return std::nullopt;
}

namespace {

std::string strftime_local(Clock::time_point time, const char* format)
{
  const std::time_t seconds = Clock::to_time_t(time);
  std::tm local{};
  ::localtime_r(&seconds, &local);
  std::array<char, 64> buffer{};
  const auto size = std::strftime(buffer.data(), buffer.size(), format, &local);
  return {buffer.data(), size};
}

} // namespace

std::string format_local(Clock::time_point time)
{
  return strftime_local(time, "%Y-%m-%d %H:%M %Z");
}

std::string format_local_rfc3339(Clock::time_point time)
{
  auto text = strftime_local(time, "%Y-%m-%dT%H:%M:%S%z"); // ...+0100
  if (text.size() >= 5) {
    text.insert(text.size() - 2, ":");
  }
  return text;
}

} // namespace pgu::schedule
