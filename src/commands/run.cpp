#include "cli/run_options.hpp"
#include "commands/commands.hpp"
#include "upgrade/upgrade.hpp"

namespace pgu::commands {

int run(cli::Context& context)
{
  return upgrade::run_upgrade(context.out, context.runner, cli::parse_run_settings(context.invocation.args));
}

int plan(cli::Context& context)
{
  auto settings = cli::parse_run_settings(context.invocation.args);
  settings.dry_run = true;
  return upgrade::run_upgrade(context.out, context.runner, settings);
}

} // namespace pgu::commands
