#include "upgrade/preflight.hpp"
#include "upgrade/steps/steps.hpp"
#include "util/error.hpp"
#include "util/output.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace pgu::upgrade {

namespace {

std::string joined(const std::vector<std::string>& names)
{
  std::string text;
  for (const auto& name : names) {
    text += (text.empty() ? "" : " ") + name;
  }
  return text;
}

// unlink, then every variable still naming the old service under any scheme (unlink misses
// those written before a scheme change: the seed's DOKKU_POSTGRES_BLACK_URL), then destroy,
// unless --keep-old keeps it (fenced) for pgupgrade:finalize.
class RetireStep final : public Step {
public:
  std::string name() const override { return "retire-old"; }
  std::string title(const Plan& plan) const override
  {
    return plan.settings.keep_old ? fmt::format("Unlinking {} (kept until pgupgrade:finalize)", plan.old_service)
                                  : fmt::format("Unlinking and destroying {}", plan.old_service);
  }

  std::vector<Command> commands(Context& context) const override
  {
    const auto& plan = context.plan;
    std::vector<Command> commands{context.dokku.unlink_command(plan.old_service, plan.settings.app),
                                  context.dokku.config_unset_command(plan.settings.app, {"<variables still naming " + plan.old_service + ">"})};
    if (plan.settings.keep_old) {
      commands.push_back(context.dokku.backup_unschedule_command(plan.old_service));
    } else {
      commands.push_back(context.dokku.destroy_command(plan.old_service));
    }
    return commands;
  }

  void run(Context& context) override
  {
    const auto& plan = context.plan;
    const auto& app = plan.settings.app;
    if (!context.dokku.service_exists(plan.old_service)) {
      return;
    }
    if (!variables_pointing_at(context.dokku.config(app), plan.old_service).empty()) {
      const auto result = context.dokku.run(context.dokku.unlink_command(plan.old_service, app));
      if (!result.ok()) {
        context.out.detail(fmt::format("unlink: {}", result.last_error_line()));
      }
    }
    const auto stale = variables_pointing_at(context.dokku.config(app), plan.old_service);
    if (!stale.empty()) {
      context.dokku.run_checked(context.dokku.config_unset_command(app, stale));
      context.out.detail(fmt::format("removed stale {}", joined(stale)));
      context.facts["retire.stale_variables"] = joined(stale);
    }
    if (plan.settings.keep_old) {
      context.dokku.run_checked(context.dokku.backup_unschedule_command(plan.old_service));
      context.out.detail(fmt::format("{} kept, fenced read-only: pgupgrade:finalize {} destroys it", plan.old_service, app));
      return;
    }
    const auto links = context.dokku.service_links(plan.old_service);
    if (std::any_of(links.begin(), links.end(), [](const auto& line) { return !line.empty(); })) {
      context.out.warn(fmt::format("{} is still linked to {}: kept", plan.old_service, joined(links)));
      return;
    }
    context.dokku.run_checked(context.dokku.destroy_command(plan.old_service));
    context.out.detail(fmt::format("{} destroyed", plan.old_service));
  }

  // Only possible while the old service exists (--keep-old): link it again and give it back
  // its backup schedule; the switch's undo then promotes it.
  void undo(Context& context) override
  {
    const auto& plan = context.plan;
    const auto& app = plan.settings.app;
    if (!context.dokku.service_exists(plan.old_service)) {
      throw failure(fmt::format("{} was destroyed: restore it from {} or the S3 backup", plan.old_service,
                                context.fact("export.file").empty() ? "the safety export" : context.fact("export.file")));
    }
    if (variables_pointing_at(context.dokku.config(app), plan.old_service).empty()) {
      context.dokku.run_checked(context.dokku.link_command(plan.old_service, app));
    }
    if (plan.settings.keep_old && plan.backup && !plan.backup->schedule.empty() && !plan.backup->bucket.empty()) {
      context.dokku.run_checked(
        context.dokku.backup_schedule_command(plan.old_service, plan.backup->schedule, plan.backup->bucket, plan.backup->use_iam));
    }
  }

  bool done_on_host(Context& context) override
  {
    const auto& plan = context.plan;
    if (!context.dokku.service_exists(plan.old_service)) {
      return true;
    }
    return plan.settings.keep_old && variables_pointing_at(context.dokku.config(plan.settings.app), plan.old_service).empty();
  }
};

} // namespace

std::unique_ptr<Step> make_retire_step()
{
  return std::make_unique<RetireStep>();
}

} // namespace pgu::upgrade
