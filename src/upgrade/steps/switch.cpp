#include "host/names.hpp"
#include "upgrade/preflight.hpp"
#include "upgrade/steps/steps.hpp"
#include "util/error.hpp"
#include "util/output.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace pgu::upgrade {

namespace {

std::string database_url_host(Context& context)
{
  const auto config = context.dokku.config(context.plan.settings.app);
  const auto url = config.find("DATABASE_URL");
  return url == config.end() ? std::string() : url_host(url->second);
}

// link + promote: the app's DATABASE_URL moves to the new service, with the app's scheme
// (POSTGRES_DATABASE_SCHEME, e.g. postgis) kept by dokku-postgres itself. Linking does not
// restart the app; promote restarts it once, while maintenance mode is still on.
class SwitchStep final : public Step {
public:
  std::string name() const override { return "switch"; }
  std::string title(const Plan& plan) const override { return fmt::format("Switching {} to {}", plan.settings.app, plan.new_service); }
  bool in_window() const override { return true; }

  std::vector<Command> commands(Context& context) const override
  {
    const auto& plan = context.plan;
    return {context.dokku.link_command(plan.new_service, plan.settings.app),
            context.dokku.promote_command(plan.new_service, plan.settings.app)};
  }

  void run(Context& context) override
  {
    const auto& plan = context.plan;
    const auto& app = plan.settings.app;
    if (variables_pointing_at(context.dokku.config(app), plan.new_service).empty()) {
      context.dokku.run_checked(context.dokku.link_command(plan.new_service, app));
    }
    if (database_url_host(context) != host::service_dns_host(plan.new_service)) {
      context.dokku.run_checked(context.dokku.promote_command(plan.new_service, app));
    }
    const auto config = context.dokku.config(app);
    const auto url = config.find("DATABASE_URL");
    if (url == config.end() || url_host(url->second) != host::service_dns_host(plan.new_service)) {
      throw failure(fmt::format("DATABASE_URL of {} does not point at {} after promote", app, plan.new_service));
    }
    if (!url->second.starts_with(plan.scheme + "://")) {
      throw failure(fmt::format("DATABASE_URL of {} lost its scheme {}", app, plan.scheme));
    }
    context.out.detail(fmt::format("DATABASE_URL → {} ({}://)", host::service_dns_host(plan.new_service), plan.scheme));
  }

  void undo(Context& context) override
  {
    const auto& plan = context.plan;
    const auto& app = plan.settings.app;
    if (database_url_host(context) == host::service_dns_host(plan.new_service)) {
      context.dokku.run_checked(context.dokku.promote_command(plan.old_service, app));
      context.out.detail(fmt::format("DATABASE_URL → {} again", plan.old_service));
    }
    if (!variables_pointing_at(context.dokku.config(app), plan.new_service).empty()) {
      context.dokku.run_checked(context.dokku.unlink_command(plan.new_service, app));
    }
    // promote left the old URL under a colour alias as well: remove what was not there before.
    std::vector<std::string> extra;
    for (const auto& name : variables_pointing_at(context.dokku.config(app), plan.old_service)) {
      if (std::find(plan.url_variables.begin(), plan.url_variables.end(), name) == plan.url_variables.end()) {
        extra.push_back(name);
      }
    }
    if (!extra.empty()) {
      context.dokku.run_checked(context.dokku.config_unset_command(app, extra));
    }
  }

  bool done_on_host(Context& context) override
  {
    return database_url_host(context) == host::service_dns_host(context.plan.new_service);
  }
};

} // namespace

std::unique_ptr<Step> make_switch_step()
{
  return std::make_unique<SwitchStep>();
}

} // namespace pgu::upgrade
