#include "upgrade/upgrade.hpp"

#include "report/emit.hpp"
#include "upgrade/pipeline.hpp"
#include "upgrade/preflight.hpp"
#include "upgrade/session.hpp"
#include "upgrade/steps/steps.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/lock.hpp"
#include "util/output.hpp"
#include "util/time.hpp"

#include <fmt/format.h>

#include <ostream>
#include <unistd.h>

namespace pgu::upgrade {

namespace {

void refuse_unfinished(const host::Paths& paths, const std::string& app)
{
  const auto previous = Journal::load(journal_file(paths, app));
  if (previous && (previous->state == "running" || previous->state == "failed")) {
    throw failure(fmt::format("An upgrade of {} is unfinished ({} since {}): see dokku pgupgrade:status {}", app, previous->state,
                              previous->updated, app));
  }
}

std::vector<std::string> planned_commands(Context& context, const std::vector<std::unique_ptr<Step>>& steps)
{
  std::vector<std::string> commands;
  for (const auto& step : steps) {
    for (const auto& command : step->commands(context)) {
      commands.push_back(command.display());
    }
  }
  return commands;
}

} // namespace

int run_upgrade(const Output& out, CommandRunner& runner, const Settings& settings)
{
  const auto paths = host::Paths::from_environment();
  Plan initial;
  initial.settings = settings;
  Context context(out, paths, runner, std::chrono::seconds(settings.command_timeout_seconds), initial);

  preflight(context);
  auto steps = upgrade_steps();
  if (settings.dry_run || context.plan.blocked()) {
    if (context.plan.new_service.empty()) {
      context.plan.new_service = default_new_service_name(settings.app, context.plan.target, "YYYY-MM-DD");
    }
    const auto commands = context.plan.blocked() ? std::vector<std::string>{} : planned_commands(context, steps);
    report::emit_plan_report(out, paths, settings, report::plan_report(context.plan, commands));
    for (const auto& check : context.plan.checks) {
      if (check.status == CheckStatus::fail) {
        out.error(check.reason);
      }
    }
    return context.plan.blocked() ? to_int(ExitCode::failure) : to_int(ExitCode::ok);
  }

  create_private_directory(paths.app_state(settings.app));
  const AppLock lock(lock_file(paths, settings.app));
  refuse_unfinished(paths, settings.app);
  JournalRecord record;
  record.app = settings.app;
  record.run_id = now_utc();
  record.pid = static_cast<long>(::getpid());
  record.helper_version = PGUPGRADE_VERSION;
  record.started = now_utc();
  record.plan = context.plan;
  record.steps = pending_records(steps);
  Journal journal(journal_file(paths, settings.app), record);
  journal.save();

  out.section(fmt::format("Upgrading {}: {} ({}) → {}", settings.app, context.plan.old_service, context.plan.old_image.full(),
                          context.plan.target.full()));
  for (const auto& check : context.plan.checks) {
    if (check.status == CheckStatus::warn) {
      out.warn(fmt::format("{}: {}", check.id, check.reason));
    }
  }
  Pipeline pipeline(context, journal, std::move(steps));
  try {
    pipeline.run();
  } catch (const Error&) {
    // A failed or rolled-back run is reported as much as a finished one.
    report::emit_run_report(out, paths, settings, report::run_report(journal.record()));
    throw;
  }
  report::emit_run_report(out, paths, settings, report::run_report(journal.record()));
  return to_int(ExitCode::ok);
}

} // namespace pgu::upgrade
