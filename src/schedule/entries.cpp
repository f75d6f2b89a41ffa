#include "schedule/entries.hpp"

#include "host/names.hpp"
#include "host/paths.hpp"
#include "schedule/cron.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace pgu::schedule {

namespace {

// Dokku writes `SCHEDULE COMMAND &>> LOGFILE` for bash: the path must be one plain word.
bool plain_path(const std::string& path)
{
  return !path.empty() && std::all_of(path.begin(), path.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) != 0 || c == '/' || c == '.' || c == '_' || c == '-' || c == '+' || c == ',' || c == '@';
  });
}

} // namespace

std::string cron_command(const std::string& app)
{
  return fmt::format("dokku pgupgrade:scheduled-run {}", app);
}

std::filesystem::path log_file(const host::Paths& paths, const std::string& app)
{
  return paths.logs / fmt::format("pgupgrade-{}.log", app);
}

std::optional<std::string> entry_line(const Schedule& schedule, const host::Paths& paths, std::string& problem)
{
  if (!host::is_valid_app_name(schedule.app)) {
    problem = fmt::format("skipped the schedule of {}: not an app name", host::printable(schedule.app));
    return std::nullopt;
  }
  std::string cron;
  try {
    cron = CronExpression::parse(schedule.cron).text();
  } catch (const std::exception& e) {
    problem = fmt::format("skipped the schedule of {}: {}", schedule.app, e.what());
    return std::nullopt;
  }
  const auto log = log_file(paths, schedule.app).string();
  if (!plain_path(log)) {
    problem = fmt::format("the schedule of {} runs without a log file: {} cannot be written in a crontab line", schedule.app,
                          host::printable(log));
    return fmt::format("{};{}", cron, cron_command(schedule.app));
  }
  return fmt::format("{};{};{}", cron, cron_command(schedule.app), log);
}

} // namespace pgu::schedule
