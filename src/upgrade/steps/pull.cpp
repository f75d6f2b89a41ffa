#include "upgrade/preflight.hpp"
#include "upgrade/steps/steps.hpp"
#include "util/error.hpp"
#include "util/output.hpp"

#include <fmt/format.h>

namespace pgu::upgrade {

namespace {

// Before any downtime: the image on the host, then the checks that need it.
class PullStep final : public Step {
public:
  std::string name() const override { return "pull"; }
  std::string title(const Plan& plan) const override { return fmt::format("Pulling {}", plan.target.full()); }

  std::vector<Command> commands(Context& context) const override
  {
    return {context.docker.pull_command(context.plan.target.full())};
  }

  void run(Context& context) override
  {
    auto& plan = context.plan;
    context.docker.run_checked(context.docker.pull_command(plan.target.full()));
    plan.target_created = context.docker.image_created(plan.target.full()).value_or("");
    if (plan.target_created.empty()) {
      throw failure(fmt::format("{} is not on the host after the pull", plan.target.full()));
    }
    context.out.detail(fmt::format("image created {}", plan.target_created));
    for (const auto& check : image_checks(context)) {
      if (check.status == CheckStatus::fail) {
        throw failure(check.reason);
      }
    }
    if (plan.target_major < plan.old_major && !plan.settings.allow_downgrade) {
      throw failure(fmt::format("{} holds PostgreSQL {}, lower than the current {}: pass --allow-downgrade to force it",
                                plan.target.full(), plan.target_major, plan.old_major));
    }
    // The name carries the image's date, which only the pull makes final: a tag re-published
    // upstream (the seed's postgis refresh) gets a newer date than the local copy had.
    if (!plan.settings.new_service) {
      plan.new_service = default_new_service_name(plan.settings.app, plan.target, plan.target_created);
      if (context.dokku.service_exists(plan.new_service)) {
        throw failure(fmt::format("Postgres service {} already exists: pass another --new-service", plan.new_service));
      }
      context.out.detail(fmt::format("new service: {}", plan.new_service));
    }
    context.facts["target.server_major"] = std::to_string(plan.target_major);
  }
};

} // namespace

std::unique_ptr<Step> make_pull_step()
{
  return std::make_unique<PullStep>();
}

} // namespace pgu::upgrade
