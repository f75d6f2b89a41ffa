#include "cli/run_options.hpp"
#include "commands/commands.hpp"
#include "util/error.hpp"
#include "util/output.hpp"

namespace pgu::commands {

int run(cli::Context& context)
{
  auto settings = cli::parse_run_settings(context.invocation.args);
  (void)settings;
  throw failure("pgupgrade:run: the upgrade pipeline is not built yet");
}

int plan(cli::Context& context)
{
  auto settings = cli::parse_run_settings(context.invocation.args);
  settings.dry_run = true;
  throw failure("pgupgrade:plan: the upgrade pipeline is not built yet");
}

} // namespace pgu::commands
