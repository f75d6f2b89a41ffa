#include "host/names.hpp"
#include "pg/fence.hpp"
#include "report/emit.hpp"
#include "upgrade/pipeline.hpp"
#include "upgrade/preflight.hpp"
#include "upgrade/session.hpp"
#include "upgrade/steps/steps.hpp"
#include "upgrade/upgrade.hpp"
#include "util/error.hpp"
#include "util/lock.hpp"
#include "util/output.hpp"
#include "util/time.hpp"

#include <fmt/format.h>

#include <ostream>

#include <unistd.h>

namespace pgu::upgrade {

namespace {

bool switched(const JournalRecord& record)
{
  const auto* entry = record.step(commit_step);
  return entry != nullptr && entry->state == StepState::done;
}

bool unfinished(const JournalRecord& record)
{
  return record.state == "running" || record.state == "failed" || record.state == "interrupted";
}

std::string app_points_at(Context& context)
{
  const auto config = context.dokku.config(context.plan.settings.app);
  const auto url = config.find("DATABASE_URL");
  if (url == config.end()) {
    return "nothing (no DATABASE_URL)";
  }
  auto host = url_host(url->second);
  for (const auto* service : {&context.plan.old_service, &context.plan.new_service}) {
    if (!service->empty() && host::service_dns_host(*service) == host) {
      return *service;
    }
  }
  return host;
}

} // namespace

int resume_upgrade(const Output& out, CommandRunner& runner, const std::string& app)
{
  const auto paths = host::Paths::from_environment();
  host::Dokku dokku(runner, std::chrono::minutes(5));
  auto record = load_journal(paths, dokku, app);
  const AppLock lock(lock_file(paths, app));
  record = *Journal::load(journal_file(paths, app));
  if (!unfinished(record)) {
    throw failure(fmt::format("Nothing to resume: the last upgrade of {} is {}", app, record.state));
  }
  auto context = context_from(out, paths, runner, record);
  Journal journal(journal_file(paths, app), record);
  Pipeline pipeline(*context, journal, upgrade_steps());
  std::size_t first = pipeline.steps().size();
  for (std::size_t i = 0; i < pipeline.steps().size(); ++i) {
    auto& step = *pipeline.steps()[i];
    auto* entry = journal.record().step(step.name());
    if (entry->state == StepState::done || entry->state == StepState::skipped) {
      continue;
    }
    if (entry->state == StepState::undone) {
      throw failure(fmt::format("The upgrade of {} was partly rolled back ({} undone): see dokku pgupgrade:status {}", app,
                                step.name(), app));
    }
    if (entry->state == StepState::running && step.done_on_host(*context)) {
      // The helper stopped after the step's effect but before journaling it.
      entry->state = StepState::done;
      entry->detail = "found done on the host when resuming";
      out.step(fmt::format("{}: already done on the host", step.name()));
      continue;
    }
    first = i;
    break;
  }
  out.section(fmt::format("Resuming the upgrade of {}: {} → {} from {}", app, record.plan.old_service, record.plan.new_service,
                          first < pipeline.steps().size() ? pipeline.steps()[first]->name() : std::string("the end")));
  journal.record().pid = static_cast<long>(::getpid());
  try {
    pipeline.run(first);
  } catch (const Error&) {
    report::emit_run_report(out, paths, record.plan.settings, report::run_report(journal.record()));
    throw;
  }
  report::emit_run_report(out, paths, record.plan.settings, report::run_report(journal.record()));
  return 0;
}

int rollback_upgrade(const Output& out, CommandRunner& runner, const std::string& app)
{
  const auto paths = host::Paths::from_environment();
  host::Dokku dokku(runner, std::chrono::minutes(5));
  load_journal(paths, dokku, app);
  const AppLock lock(lock_file(paths, app));
  auto record = *Journal::load(journal_file(paths, app));
  if (record.state == "rolled-back") {
    throw failure(fmt::format("The last upgrade of {} is already rolled back", app));
  }
  if (record.state == "finalized" || !dokku.service_exists(record.plan.old_service)) {
    throw failure(fmt::format("Cannot roll back: the old service {} has been destroyed. Restore from {} or its S3 backup into a new "
                              "service instead",
                              record.plan.old_service, record.facts.contains("export.file") ? record.facts.at("export.file")
                                                                                             : std::string("the safety export")));
  }
  auto context = context_from(out, paths, runner, record);
  Journal journal(journal_file(paths, app), record);
  Pipeline pipeline(*context, journal, upgrade_steps());
  out.section(fmt::format("Rolling back the upgrade of {}: back to {}", app, record.plan.old_service));
  if (switched(record)) {
    // Writes made since the switch live only in the new service: keep it, never destroy them.
    context->plan.settings.keep_failed = true;
    out.warn(fmt::format("{} gets back its state at the switch; writes made since then stay in {}, which is kept (unlinked)",
                         record.plan.old_service, record.plan.new_service));
  }
  const auto leftovers = pipeline.undo_all();
  journal.record().state = leftovers.empty() ? "rolled-back" : "failed";
  journal.record().error = leftovers.empty() ? std::string() : leftovers.front();
  journal.save();
  if (!leftovers.empty()) {
    throw failure(fmt::format("The rollback of {} is incomplete: {}", app, leftovers.front()));
  }
  out.step(fmt::format("{} runs on {} again", app, record.plan.old_service));
  return 0;
}

int finalize_upgrade(const Output& out, CommandRunner& runner, const std::string& app)
{
  const auto paths = host::Paths::from_environment();
  host::Dokku dokku(runner, std::chrono::minutes(10));
  load_journal(paths, dokku, app);
  const AppLock lock(lock_file(paths, app));
  auto record = *Journal::load(journal_file(paths, app));
  if (record.state != "done" || !record.plan.settings.keep_old) {
    throw failure(fmt::format("Nothing to finalize: the last upgrade of {} is {}{}", app, record.state,
                              record.plan.settings.keep_old ? "" : " and did not keep the old service"));
  }
  const auto& old = record.plan.old_service;
  if (dokku.service_exists(old)) {
    auto context = context_from(out, paths, runner, record);
    if (!variables_pointing_at(dokku.config(app), old).empty()) {
      throw failure(fmt::format("{} still has variables naming {}: see dokku pgupgrade:status {}", app, old, app));
    }
    out.step(fmt::format("Destroying {}", old));
    dokku.run_checked(dokku.destroy_command(old));
  }
  Journal journal(journal_file(paths, app), record);
  journal.record().state = "finalized";
  journal.record().facts["finalized"] = now_utc();
  journal.save();
  out.step(fmt::format("Upgrade of {} finalized: {} is gone, rollback is no longer possible", app, old));
  return 0;
}

int upgrade_status(const Output& out, CommandRunner& runner, const std::string& app)
{
  const auto paths = host::Paths::from_environment();
  host::Dokku dokku(runner, std::chrono::minutes(5));
  const auto record = load_journal(paths, dokku, app);
  auto context = context_from(out, paths, runner, record);
  const auto& plan = record.plan;
  const auto holder = AppLock::holder(lock_file(paths, app));
  const bool old_exists = !plan.old_service.empty() && dokku.service_exists(plan.old_service);
  const bool new_exists = !plan.new_service.empty() && dokku.service_exists(plan.new_service);

  std::string steps;
  for (const auto& step : record.steps) {
    if (step.state != StepState::pending) {
      steps += fmt::format("{}{} {}", steps.empty() ? "" : ", ", step.name, to_string(step.state));
    }
  }
  std::string fence = "-";
  if (old_exists) {
    try {
      fence = pg::fence_raised(context->old_database()) ? "raised (read-only)" : "lifted";
    } catch (const std::exception& e) {
      fence = fmt::format("unknown ({})", e.what());
    }
  }
  std::string next;
  if (!holder.empty()) {
    next = fmt::format("wait: a pgupgrade command is running ({})", holder);
  } else if (unfinished(record)) {
    next = switched(record) ? fmt::format("dokku pgupgrade:resume {} (finish), or dokku pgupgrade:rollback {}", app, app)
                            : fmt::format("dokku pgupgrade:resume {}, or dokku pgupgrade:rollback {}", app, app);
    if (!old_exists) {
      next = fmt::format("dokku pgupgrade:resume {} (the old service is gone: no rollback)", app);
    }
  } else if (record.state == "done" && plan.settings.keep_old && old_exists) {
    next = fmt::format("dokku pgupgrade:finalize {} destroys {}; dokku pgupgrade:rollback {} until then", app, plan.old_service, app);
  } else {
    next = "nothing: no upgrade is in progress";
  }

  auto line = [&](const std::string& label, const std::string& value) {
    out.out() << fmt::format("       {:<24}{}\n", label + ":", value);
  };
  out.out() << fmt::format("=====> {} pgupgrade status\n", app);
  line("Upgrade", fmt::format("{} → {} ({})", plan.old_service, plan.new_service.empty() ? "?" : plan.new_service, plan.target.full()));
  line("Journal state", holder.empty() && record.state == "running" ? "running, but no helper holds the lock (it stopped)" : record.state);
  line("Started", record.started);
  line("Updated", record.updated);
  if (!record.error.empty()) {
    line("Error", record.error);
  }
  line("Steps", steps.empty() ? "-" : steps);
  line("App points at", app_points_at(*context));
  line("Maintenance", dokku.maintenance_enabled(app) ? "enabled" : "disabled");
  line("Old service", fmt::format("{} ({})", plan.old_service, old_exists ? "exists" : "gone"));
  line("Write fence on old", fence);
  line("New service", plan.new_service.empty() ? "-" : fmt::format("{} ({})", plan.new_service, new_exists ? "exists" : "gone"));
  line("Next", next);
  return 0;
}

} // namespace pgu::upgrade
