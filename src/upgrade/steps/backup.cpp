#include "upgrade/steps/steps.hpp"
#include "util/output.hpp"

#include <fmt/format.h>

namespace pgu::upgrade {

namespace {

bool backing_up(const Plan& plan)
{
  return !plan.settings.skip_backup && plan.backup && !plan.backup->bucket.empty();
}

// The old service's final state, frozen by the fence, to S3.
class BackupStep final : public Step {
public:
  std::string name() const override { return "backup"; }
  std::string title(const Plan& plan) const override
  {
    return backing_up(plan) ? fmt::format("Backing up {} to {}", plan.old_service, plan.backup->bucket)
                            : fmt::format("Skipping the S3 backup of {} (--skip-backup)", plan.old_service);
  }
  // The old database is fenced from here until it is destroyed, so the backup reads the same
  // data as the copy whenever it runs: it goes on alongside the copy, the verification and the
  // switch, out of the window, and only the old service's retirement waits for it.
  std::string in_background_until() const override { return "retire-old"; }

  std::vector<Command> commands(Context& context) const override
  {
    const auto& plan = context.plan;
    if (!backing_up(plan)) {
      return {};
    }
    return {context.dokku.backup_command(plan.old_service, plan.backup->bucket, plan.backup->use_iam)};
  }

  void run(Context& context) override
  {
    for (const auto& command : commands(context)) {
      const auto out = context.dokku.run_checked(command);
      if (!out.empty()) {
        context.out.detail(out.substr(0, out.find_last_not_of('\n') + 1));
      }
    }
  }
};

} // namespace

std::unique_ptr<Step> make_backup_step()
{
  return std::make_unique<BackupStep>();
}

} // namespace pgu::upgrade
