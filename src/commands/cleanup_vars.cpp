#include "commands/commands.hpp"
#include "host/dokku.hpp"
#include "host/names.hpp"
#include "upgrade/preflight.hpp"
#include "util/error.hpp"
#include "util/output.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace pgu::commands {

namespace {

constexpr auto command_timeout = std::chrono::minutes(5);

struct StaleVariable {
  std::string name;
  std::string why;
};

// A *_URL variable naming a dokku-postgres host is stale when its service is gone or no longer
// linked to the app: what unlink leaves behind after a scheme change (the seed's BLACK_URL).
std::vector<StaleVariable> stale_variables(const host::Dokku& dokku, const std::string& app, const Output& out)
{
  const auto services = dokku.services();
  std::vector<StaleVariable> stale;
  for (const auto& [name, value] : dokku.config(app)) {
    const auto host = upgrade::url_host(value);
    if (!host.starts_with("dokku-postgres-")) {
      continue;
    }
    const auto service = std::find_if(services.begin(), services.end(), [&](const auto& s) { return host::service_dns_host(s) == host; });
    std::string why;
    if (service == services.end()) {
      why = fmt::format("{} names {}, which is no service", name, host);
    } else {
      const auto links = dokku.service_links(*service);
      if (std::find(links.begin(), links.end(), app) == links.end()) {
        why = fmt::format("{} names {}, which is not linked to {}", name, *service, app);
      }
    }
    if (why.empty()) {
      continue;
    }
    if (name == "DATABASE_URL") {
      out.warn(fmt::format("{}: left alone, the app uses it (link a service and promote it)", why));
      continue;
    }
    stale.push_back({name, why});
  }
  return stale;
}

} // namespace

int cleanup_vars(cli::Context& context)
{
  const auto& args = context.invocation.args;
  bool dry_run = false;
  std::vector<std::string> positional;
  for (const auto& arg : args) {
    if (arg == "--dry-run") {
      dry_run = true;
    } else if (arg.starts_with("--")) {
      throw usage_error(fmt::format("Unknown flag {}: pgupgrade:cleanup-vars <app> [--dry-run]", host::printable(arg)));
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.empty()) {
    throw usage_error("Please specify an app to run the command on");
  }
  if (positional.size() > 1) {
    throw usage_error("Too many arguments: pgupgrade:cleanup-vars <app> [--dry-run]");
  }
  const auto& app = positional.front();
  if (!host::is_valid_app_name(app)) {
    throw usage_error(fmt::format("Invalid app name {}", host::printable(app)));
  }
  host::Dokku dokku(context.runner, command_timeout);
  if (!dokku.app_exists(app)) {
    throw Error(ExitCode::app_missing, fmt::format("App {} does not exist", app));
  }
  const auto stale = stale_variables(dokku, app, context.out);
  if (stale.empty()) {
    context.out.step(fmt::format("No stale postgres variables on {}", app));
    return 0;
  }
  context.out.step(fmt::format("{} stale postgres variables on {}", dry_run ? "Would remove" : "Removing", app));
  std::vector<std::string> names;
  for (const auto& variable : stale) {
    context.out.detail(variable.why);
    names.push_back(variable.name);
  }
  if (!dry_run) {
    dokku.run_checked(dokku.config_unset_command(app, names));
  }
  return 0;
}

} // namespace pgu::commands
