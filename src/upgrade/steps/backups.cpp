#include "upgrade/steps/steps.hpp"
#include "util/output.hpp"

#include <fmt/format.h>

namespace pgu::upgrade {

namespace {

// The new service's backups as the old one had them: a first backup (proving the
// credentials copied at create work) and the same schedule.
class BackupsStep final : public Step {
public:
  std::string name() const override { return "backups"; }
  std::string title(const Plan& plan) const override { return fmt::format("Setting up backups of {}", plan.new_service); }

  std::vector<Command> commands(Context& context) const override
  {
    const auto& plan = context.plan;
    std::vector<Command> commands;
    if (!plan.backup || plan.backup->bucket.empty() || (!plan.old_has_backup_auth && !plan.backup->use_iam)) {
      return commands;
    }
    if (!plan.settings.skip_backup) {
      commands.push_back(context.dokku.backup_command(plan.new_service, plan.backup->bucket, plan.backup->use_iam));
    }
    if (!plan.backup->schedule.empty()) {
      commands.push_back(
        context.dokku.backup_schedule_command(plan.new_service, plan.backup->schedule, plan.backup->bucket, plan.backup->use_iam));
    }
    return commands;
  }

  void run(Context& context) override
  {
    const auto planned = commands(context);
    if (planned.empty()) {
      context.out.detail("no backups were configured on the old service");
      return;
    }
    for (const auto& command : planned) {
      const auto out = context.dokku.run_checked(command);
      if (!out.empty()) {
        context.out.detail(out.substr(0, out.find_last_not_of('\n') + 1));
      }
    }
    if (context.plan.backup && !context.plan.backup->schedule.empty()) {
      context.out.detail(fmt::format("scheduled \"{}\" to {}", context.plan.backup->schedule, context.plan.backup->bucket));
    }
  }
};

} // namespace

std::unique_ptr<Step> make_backups_step()
{
  return std::make_unique<BackupsStep>();
}

} // namespace pgu::upgrade
