#include "schedule/run.hpp"

#include "cli/run_options.hpp"
#include "host/dokku.hpp"
#include "host/paths.hpp"
#include "host/plugn.hpp"
#include "report/clean.hpp"
#include "report/store.hpp"
#include "schedule/store.hpp"
#include "upgrade/session.hpp"
#include "upgrade/upgrade.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/lock.hpp"
#include "util/output.hpp"
#include "util/time.hpp"

#include <fmt/format.h>

#include <algorithm>

#include <unistd.h>

namespace pgu::schedule {

namespace {

constexpr auto host_timeout = std::chrono::minutes(5);

std::filesystem::path schedule_lock_file(const host::Paths& paths, const std::string& app)
{
  return paths.app_state(app) / "schedule.lock";
}

// The newest report of a kind this process kept (the store names files …-<pid>.json).
std::optional<std::filesystem::path> own_report(const host::Paths& paths, const std::string& app, const std::string& kind)
{
  const auto suffix = fmt::format("-{}.json", ::getpid());
  const auto files = report::stored_reports(paths, app, kind);
  const auto found = std::find_if(files.rbegin(), files.rend(), [&](const auto& file) { return file.filename().string().ends_with(suffix); });
  return found == files.rend() ? std::nullopt : std::optional<std::filesystem::path>(*found);
}

std::string failed_checks(const report::Report& report)
{
  std::string reasons;
  for (const auto& check : report.plan.checks) {
    if (check.status == upgrade::CheckStatus::fail) {
      reasons += fmt::format("{}{}", reasons.empty() ? "" : "; ", check.reason);
    }
  }
  return reasons;
}

// The outcome of the plan or run this process reported, with a Markdown copy kept beside it.
bool record_report(const Output& out, const host::Paths& paths, const std::string& app, LastRun& last)
{
  auto file = own_report(paths, app, "run");
  if (!file) {
    file = own_report(paths, app, "plan");
  }
  if (!file) {
    return false;
  }
  const auto kept = report::load_report(*file);
  last.report = file->filename().string();
  last.outcome = kept.outcome;
  if (kept.kind == "plan" && kept.outcome == "blocked") {
    last.message = failed_checks(kept);
  } else if (!kept.error.empty()) {
    last.message = kept.error;
  }
  try {
    auto markdown = *file;
    markdown.replace_extension(".md");
    write_file_atomically(markdown, report::render(kept, upgrade::ReportFormat::markdown));
    prune_markdown_copies(paths, app);
  } catch (const std::exception& e) {
    out.warn(fmt::format("The Markdown copy of {} could not be written: {}", last.report, e.what()));
  }
  return true;
}

std::string outcome_without_report(int status)
{
  switch (status) {
  case to_int(ExitCode::busy):
    return "busy";
  case to_int(ExitCode::interrupted):
    return "interrupted";
  default:
    return "error";
  }
}

void rewrite_crontab(const Output& out, CommandRunner& runner)
{
  const auto problem = host::Plugn(runner, host_timeout).rewrite_crontab();
  if (!problem.empty()) {
    out.warn(fmt::format("Dokku did not rewrite the crontab: {}", problem));
  }
}

} // namespace

std::size_t prune_markdown_copies(const host::Paths& paths, const std::string& app)
{
  std::size_t removed = 0;
  const auto dir = report::reports_dir(paths, app);
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) {
    return 0;
  }
  std::vector<std::filesystem::path> orphans;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    auto json = entry.path();
    if (json.extension() != ".md") {
      continue;
    }
    json.replace_extension(".json");
    if (!std::filesystem::exists(json, error)) {
      orphans.push_back(entry.path());
    }
  }
  for (const auto& orphan : orphans) {
    removed += std::filesystem::remove(orphan, error) ? 1 : 0;
  }
  return removed;
}

int run_scheduled(const Output& out, CommandRunner& runner, const host::Paths& paths, const std::string& app)
{
  out.section(fmt::format("pgupgrade scheduled run of {} at {}", app, now_utc()));
  const auto schedule = load_schedule(paths, app);
  if (!schedule) {
    out.step(fmt::format("{} has no pgupgrade schedule (removed since the crontab was written): nothing to do", app));
    rewrite_crontab(out, runner);
    return to_int(ExitCode::ok);
  }
  const host::Dokku dokku(runner, host_timeout);
  if (!dokku.app_exists(app)) {
    remove_schedule(paths, app);
    rewrite_crontab(out, runner);
    throw Error(ExitCode::app_missing, fmt::format("App {} does not exist: its schedule is removed", app));
  }

  create_private_directory(paths.app_state(app));
  std::optional<AppLock> schedule_lock;
  try {
    schedule_lock.emplace(schedule_lock_file(paths, app));
  } catch (const Error& e) {
    if (e.code() != ExitCode::busy) {
      throw;
    }
    throw Error(ExitCode::busy, fmt::format("The previous scheduled run of {} is still going ({}): this one does nothing", app,
                                            AppLock::holder(schedule_lock_file(paths, app))));
  }

  LastRun last;
  last.kind = schedule->kind;
  last.cron = schedule->cron;
  last.target = schedule->target();
  last.started = now_utc();
  const auto* const what = schedule->kind == Kind::plan ? "plan" : "upgrade";
  out.step(fmt::format("Scheduled {} of {} to {} ({})", what, app, last.target, schedule->cron));
  if (schedule->kind == Kind::upgrade) {
    // One-shot: gone before it starts, so neither a failure nor a crash runs it twice.
    remove_schedule(paths, app);
    rewrite_crontab(out, runner);
    out.detail("The one-shot schedule is removed: it runs this once");
  }

  int status = to_int(ExitCode::ok);
  std::string message;
  const auto holder = AppLock::holder(upgrade::lock_file(paths, app));
  if (!holder.empty()) {
    status = to_int(ExitCode::busy);
    message = fmt::format("Another pgupgrade command is working on {} ({}): the scheduled {} did not run", app, holder, what);
    out.error(message);
  } else {
    try {
      std::vector<std::string> arguments{app};
      arguments.insert(arguments.end(), schedule->arguments.begin(), schedule->arguments.end());
      auto settings = cli::parse_run_settings(arguments);
      settings.dry_run = schedule->kind == Kind::plan;
      status = upgrade::run_upgrade(out, runner, settings);
    } catch (const Error& e) {
      status = to_int(e.code());
      message = e.what();
      out.error(message);
    } catch (const std::exception& e) {
      status = to_int(ExitCode::failure);
      message = fmt::format("pgupgrade: unexpected error: {}", e.what());
      out.error(message);
    }
  }

  last.exit_code = status;
  bool reported = false;
  try {
    reported = holder.empty() && record_report(out, paths, app, last);
  } catch (const std::exception& e) {
    out.warn(e.what());
  }
  if (!reported) {
    last.outcome = outcome_without_report(status);
  }
  if (last.message.empty()) {
    last.message = message;
  }
  last.message = report::clean_text(last.message);
  last.finished = now_utc();
  save_last_run(paths, app, last);
  out.step(fmt::format("Scheduled {} of {}: {} (exit {}){}", what, app, last.outcome, status,
                       last.report.empty() ? "" : fmt::format(", report {}", last.report)));
  return status;
}

} // namespace pgu::schedule
