#include "host/names.hpp"
#include "upgrade/steps/steps.hpp"
#include "util/error.hpp"
#include "util/output.hpp"

#include <fmt/format.h>

namespace pgu::upgrade {

namespace {

std::string without_trailing_slash(std::string path)
{
  while (path.size() > 1 && path.back() == '/') {
    path.pop_back();
  }
  return path;
}

// The new service on the target image, before any downtime; checked to hold its data in a
// bind mount of its own folder (never inside a container) and to run the expected server. It
// gets the old service's backup credentials now, while they can still be read.
class CreateStep final : public Step {
public:
  std::string name() const override { return "create"; }
  std::string title(const Plan& plan) const override
  {
    return fmt::format("Creating {} on {}", plan.new_service.empty() ? "the new service" : plan.new_service, plan.target.full());
  }

  std::vector<Command> commands(Context& context) const override
  {
    const auto& plan = context.plan;
    const auto name = plan.new_service.empty() ? std::string("<new service>") : plan.new_service;
    std::vector<Command> commands{context.dokku.create_command(name, context.old_files().options_for(plan.target))};
    if (const auto& auth = context.old_files().backup_auth) {
      commands.push_back(context.dokku.backup_auth_command(name, *auth));
    }
    return commands;
  }

  void run(Context& context) override
  {
    const auto& plan = context.plan;
    // The preflight found the name free, so a service of that name now is what an interrupted
    // attempt left, maybe half made (killed while it started): it goes, and creation starts
    // again from nothing.
    if (context.dokku.service_exists(plan.new_service)) {
      context.out.detail(fmt::format("{} is left from an interrupted attempt: destroying it to start again", plan.new_service));
      context.dokku.run_checked(context.dokku.destroy_command(plan.new_service));
    }
    context.dokku.run_checked(context.dokku.create_command(plan.new_service, context.old_files().options_for(plan.target)));
    context.forget_new_service_files();
    check_bind_mount(context);
    const auto version_number = context.new_database().scalar("SHOW server_version_num;");
    const auto major = std::stoi(version_number) / 10000;
    if (major != plan.target_major) {
      throw failure(fmt::format("{} runs PostgreSQL {}, expected {}", plan.new_service, major, plan.target_major));
    }
    context.facts["new.server_version"] = context.new_database().scalar("SHOW server_version;");
    context.out.detail(fmt::format("{} runs PostgreSQL {}", plan.new_service, context.facts["new.server_version"]));
    if (const auto& auth = context.old_files().backup_auth) {
      context.dokku.run_checked(context.dokku.backup_auth_command(plan.new_service, *auth));
      context.out.detail(fmt::format("backup credentials of {} copied", plan.old_service));
    }
  }

  void undo(Context& context) override
  {
    const auto& plan = context.plan;
    if (plan.new_service.empty() || !context.dokku.service_exists(plan.new_service)) {
      return;
    }
    if (plan.settings.keep_failed) {
      context.out.detail(fmt::format("keeping {} (--keep-failed)", plan.new_service));
      return;
    }
    context.dokku.run_checked(context.dokku.destroy_command(plan.new_service));
    context.out.detail(fmt::format("destroyed {}", plan.new_service));
  }

private:
  static void check_bind_mount(Context& context)
  {
    const auto& service = context.plan.new_service;
    const auto expected = without_trailing_slash(context.paths.service_data_source(service).string());
    for (const auto& mount : context.docker.container_mounts(host::service_container(service))) {
      if (mount.type == "bind" && without_trailing_slash(mount.source) == expected
          && mount.destination.starts_with("/var/lib/postgresql")) {
        context.out.detail(fmt::format("data in {} (bind mount at {})", expected, mount.destination));
        return;
      }
    }
    throw failure(fmt::format("{} does not keep its data in a bind mount of {}: refusing to put data in a container", service,
                              expected));
  }
};

} // namespace

std::unique_ptr<Step> make_create_step()
{
  return std::make_unique<CreateStep>();
}

} // namespace pgu::upgrade
