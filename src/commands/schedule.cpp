#include "cli/run_options.hpp"
#include "commands/commands.hpp"
#include "host/dokku.hpp"
#include "host/names.hpp"
#include "host/paths.hpp"
#include "host/plugn.hpp"
#include "schedule/cron.hpp"
#include "schedule/entries.hpp"
#include "schedule/run.hpp"
#include "schedule/store.hpp"
#include "upgrade/session.hpp"
#include "util/error.hpp"
#include "util/output.hpp"
#include "util/time.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <ostream>

namespace pgu::commands {

namespace {

constexpr auto host_timeout = std::chrono::minutes(5);
constexpr std::string_view schedule_usage = "pgupgrade:schedule <app> \"<cron>\" <image> <version> [--plan-only] [run's flags]";
constexpr std::string_view list_usage = "pgupgrade:schedule-list [--format text|json]";

std::string next_run_text(const std::string& cron, Clock::time_point now)
{
  try {
    const auto next = schedule::next_run(schedule::CronExpression::parse(cron), now);
    return next ? schedule::format_local(*next) : "never";
  } catch (const std::exception&) {
    return "invalid";
  }
}

// Stored, but Dokku could not rewrite the crontab: the entry appears at its next rewrite.
void rewrite_or_fail(CommandRunner& runner, std::string_view done)
{
  const auto problem = host::Plugn(runner, host_timeout).rewrite_crontab();
  if (!problem.empty()) {
    throw failure(fmt::format("{}, but Dokku did not rewrite the crontab ({}); it takes effect at Dokku's next crontab rewrite", done,
                              problem));
  }
}

void require_app(CommandRunner& runner, const std::string& app)
{
  if (!host::Dokku(runner, host_timeout).app_exists(app)) {
    throw Error(ExitCode::app_missing, fmt::format("App {} does not exist", app));
  }
}

std::string checked_app(const std::string& app)
{
  if (!host::is_valid_app_name(app)) {
    throw usage_error(fmt::format("Invalid app name {}", host::printable(app)));
  }
  return app;
}

// Triggers never fail Dokku's command: their problems become warnings.
template<typename Body>
int as_trigger(const Output& out, std::string_view trigger, Body body)
{
  try {
    body();
  } catch (const std::exception& e) {
    out.warn(fmt::format("pgupgrade {}: {}", trigger, e.what()));
  }
  return to_int(ExitCode::ok);
}

boost::json::object schedule_json(const schedule::Schedule& entry, const host::Paths& paths, Clock::time_point now)
{
  boost::json::object object;
  object["app"] = entry.app;
  object["kind"] = schedule::to_string(entry.kind);
  object["cron"] = entry.cron;
  std::optional<Clock::time_point> next;
  try {
    next = schedule::next_run(schedule::CronExpression::parse(entry.cron), now);
  } catch (const std::exception&) {
    next.reset();
  }
  object["next_run"] = next ? boost::json::value(schedule::format_local_rfc3339(*next)) : boost::json::value(nullptr);
  object["next_run_utc"] = next ? boost::json::value(format_utc(*next)) : boost::json::value(nullptr);
  object["image"] = entry.image;
  object["version"] = entry.version;
  object["target"] = entry.target();
  boost::json::array arguments;
  for (const auto& argument : entry.arguments) {
    arguments.emplace_back(argument);
  }
  object["arguments"] = std::move(arguments);
  object["created"] = entry.created;
  object["command"] = schedule::cron_command(entry.app);
  object["log_file"] = schedule::log_file(paths, entry.app).string();
  return object;
}

} // namespace

int schedule(cli::Context& context)
{
  auto args = context.invocation.args;
  const auto plan_flag = std::remove(args.begin(), args.end(), std::string("--plan-only"));
  const bool plan_only = plan_flag != args.end();
  args.erase(plan_flag, args.end());
  for (const auto& arg : args) {
    if (arg.starts_with("--plan-only=")) {
      throw usage_error(fmt::format("--plan-only takes no value: {}", schedule_usage));
    }
    if (arg == "--dry-run") {
      throw usage_error("--dry-run is not for schedules: use --plan-only for a recurring plan");
    }
  }
  if (args.empty()) {
    throw usage_error("Please specify an app to run the command on");
  }
  const auto app = checked_app(args[0]);
  if (args.size() < 2 || args[1].starts_with("--")) {
    throw usage_error(fmt::format("Please give the cron expression, quoted, right after the app: {}", schedule_usage));
  }
  const auto cron = [&] {
    try {
      return schedule::CronExpression::parse(args[1]);
    } catch (const Error& e) {
      // `0 3 * * *` unquoted reaches us as five arguments (or globbed file names).
      if (args[1].find_first_of(" \t") == std::string::npos && !args[1].starts_with('@')) {
        throw usage_error(fmt::format("{} (quote the five fields as one argument, e.g. \"0 3 * * *\")", e.what()));
      }
      throw;
    }
  }();
  std::vector<std::string> run_arguments{app};
  run_arguments.insert(run_arguments.end(), args.begin() + 2, args.end());
  const auto settings = cli::parse_run_settings(run_arguments);
  if (settings.report_file && !std::filesystem::path(*settings.report_file).is_absolute()) {
    throw usage_error(fmt::format("Invalid --report-file {}: a scheduled run needs an absolute path",
                                  host::printable(*settings.report_file)));
  }
  require_app(context.runner, app);

  const auto paths = host::Paths::from_environment();
  std::optional<schedule::Schedule> previous;
  try {
    previous = schedule::load_schedule(paths, app);
  } catch (const Error& e) {
    context.out.warn(fmt::format("{}: it is replaced", e.what()));
  }
  schedule::Schedule entry;
  entry.app = app;
  entry.kind = plan_only ? schedule::Kind::plan : schedule::Kind::upgrade;
  entry.cron = cron.text();
  entry.image = settings.image;
  entry.version = settings.version;
  entry.arguments.assign(args.begin() + 2, args.end());
  entry.created = now_utc();
  schedule::save_schedule(paths, entry);

  const auto now = Clock::now();
  const auto next = schedule::next_run(cron, now);
  context.out.step(plan_only ? fmt::format("Scheduled a recurring plan of {} to {}", app, entry.target())
                             : fmt::format("Scheduled a one-shot upgrade of {} to {}", app, entry.target()));
  context.out.detail(fmt::format("Cron: {} (the host's time zone)", entry.cron));
  context.out.detail(fmt::format("Next run: {}", next ? schedule::format_local(*next) : "never"));
  context.out.detail(fmt::format("Runs: {}", schedule::cron_command(app)));
  context.out.detail(fmt::format("Log: {}", schedule::log_file(paths, app).string()));
  if (previous) {
    context.out.detail(fmt::format("Replaces the previous schedule: {} {} ({})", schedule::to_string(previous->kind),
                                   previous->target(), previous->cron));
  }
  rewrite_or_fail(context.runner, "The schedule is stored");
  return to_int(ExitCode::ok);
}

int unschedule(cli::Context& context)
{
  const auto app = upgrade::single_app_argument(context.invocation.args, "pgupgrade:unschedule <app>");
  const auto paths = host::Paths::from_environment();
  const auto removed = schedule::remove_schedule(paths, app);
  if (!removed) {
    require_app(context.runner, app);
    context.out.step(fmt::format("{} has no pgupgrade schedule", app));
    return to_int(ExitCode::ok);
  }
  context.out.step(fmt::format("Removed the pgupgrade schedule of {}", app));
  rewrite_or_fail(context.runner, "The schedule is removed");
  return to_int(ExitCode::ok);
}

int schedule_list(cli::Context& context)
{
  std::string format = "text";
  const auto& args = context.invocation.args;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--format" && i + 1 < args.size()) {
      format = args[++i];
    } else if (args[i].starts_with("--format=")) {
      format = args[i].substr(std::string_view("--format=").size());
    } else {
      throw usage_error(fmt::format("Unexpected argument {}: {}", host::printable(args[i]), list_usage));
    }
  }
  if (format != "text" && format != "json") {
    throw usage_error(fmt::format("Invalid --format {}: use text or json", host::printable(format)));
  }
  const auto paths = host::Paths::from_environment();
  std::vector<std::string> problems;
  const auto schedules = schedule::all_schedules(paths, problems);
  for (const auto& problem : problems) {
    context.out.warn(problem);
  }
  const auto now = Clock::now();
  if (format == "json") {
    boost::json::array list;
    for (const auto& entry : schedules) {
      list.emplace_back(schedule_json(entry, paths, now));
    }
    context.out.out() << boost::json::serialize(list) << '\n';
    context.out.out().flush();
    return to_int(ExitCode::ok);
  }
  context.out.section("pgupgrade schedules");
  std::vector<std::array<std::string, 5>> rows{{"app", "kind", "cron", "next run", "target"}};
  for (const auto& entry : schedules) {
    rows.push_back({entry.app, schedule::to_string(entry.kind), entry.cron, next_run_text(entry.cron, now), entry.target()});
  }
  std::array<std::size_t, 5> widths{};
  for (const auto& row : rows) {
    for (std::size_t column = 0; column < row.size(); ++column) {
      widths[column] = std::max(widths[column], row[column].size());
    }
  }
  for (const auto& row : rows) {
    auto line = fmt::format("{:<{}}  {:<{}}  {:<{}}  {:<{}}  {}", row[0], widths[0], row[1], widths[1], row[2], widths[2], row[3],
                            widths[3], row[4]);
    context.out.out() << line << '\n';
  }
  context.out.out().flush();
  return to_int(ExitCode::ok);
}

int scheduled_run(cli::Context& context)
{
  const auto app = upgrade::single_app_argument(context.invocation.args, "pgupgrade:scheduled-run <app>");
  return schedule::run_scheduled(context.out, context.runner, host::Paths::from_environment(), app);
}

int trigger_cron_entries(cli::Context& context)
{
  // stdout is Dokku's to parse: entry lines only, each ending in a newline, no blank line.
  return as_trigger(context.out, "cron-entries", [&] {
    const auto& args = context.invocation.args;
    if (args.empty() || args.front() != "docker-local") {
      return;
    }
    const auto paths = host::Paths::from_environment();
    std::vector<std::string> problems;
    std::string lines;
    for (const auto& entry : schedule::all_schedules(paths, problems)) {
      std::string problem;
      if (const auto line = schedule::entry_line(entry, paths, problem)) {
        lines += *line + "\n";
      }
      if (!problem.empty()) {
        problems.push_back(problem);
      }
    }
    for (const auto& problem : problems) {
      context.out.warn(fmt::format("pgupgrade cron-entries: {}", problem));
    }
    std::cout << lines << std::flush;
  });
}

int trigger_post_delete(cli::Context& context)
{
  return as_trigger(context.out, "post-delete", [&] {
    const auto& args = context.invocation.args;
    if (args.empty() || !host::is_valid_app_name(args.front())) {
      return;
    }
    const auto paths = host::Paths::from_environment();
    const bool removed = schedule::remove_schedule(paths, args.front());
    upgrade::remove_app_state(paths, args.front());
    if (removed) {
      context.out.step(fmt::format("Removed the pgupgrade schedule of {}", args.front()));
      const auto problem = host::Plugn(context.runner, host_timeout).rewrite_crontab();
      if (!problem.empty()) {
        context.out.warn(fmt::format("Dokku did not rewrite the crontab: {}", problem));
      }
    }
  });
}

// apps:rename destroys the old app (its post-delete fires) between post-app-rename-setup and
// post-app-rename: the schedule moves in -setup, and post-app-rename moves whatever is left
// and rewrites the crontab.
int trigger_post_app_rename(cli::Context& context)
{
  const bool setup = context.invocation.command == "post-app-rename-setup";
  return as_trigger(context.out, setup ? "post-app-rename-setup" : "post-app-rename", [&] {
    const auto& args = context.invocation.args;
    if (args.size() < 2 || !host::is_valid_app_name(args[0]) || !host::is_valid_app_name(args[1])) {
      return;
    }
    const auto paths = host::Paths::from_environment();
    if (schedule::move_schedule(paths, args[0], args[1])) {
      context.out.step(fmt::format("Moved the pgupgrade schedule of {} to {}", args[0], args[1]));
    }
    if (upgrade::move_app_state(paths, args[0], args[1])) {
      context.out.step(fmt::format("Moved the pgupgrade journal and reports of {} to {}", args[0], args[1]));
    }
    if (!setup && schedule::load_schedule(paths, args[1])) {
      const auto problem = host::Plugn(context.runner, host_timeout).rewrite_crontab();
      if (!problem.empty()) {
        context.out.warn(fmt::format("Dokku did not rewrite the crontab: {}", problem));
      }
    }
  });
}

} // namespace pgu::commands
