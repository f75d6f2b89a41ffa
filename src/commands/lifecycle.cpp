#include "commands/commands.hpp"
#include "upgrade/session.hpp"
#include "upgrade/upgrade.hpp"

namespace pgu::commands {

int status(cli::Context& context)
{
  return upgrade::upgrade_status(context.out, context.runner,
                                 upgrade::single_app_argument(context.invocation.args, "pgupgrade:status <app>"));
}

int resume(cli::Context& context)
{
  return upgrade::resume_upgrade(context.out, context.runner,
                                 upgrade::single_app_argument(context.invocation.args, "pgupgrade:resume <app>"));
}

int rollback(cli::Context& context)
{
  return upgrade::rollback_upgrade(context.out, context.runner,
                                   upgrade::single_app_argument(context.invocation.args, "pgupgrade:rollback <app>"));
}

int finalize(cli::Context& context)
{
  return upgrade::finalize_upgrade(context.out, context.runner,
                                   upgrade::single_app_argument(context.invocation.args, "pgupgrade:finalize <app>"));
}

} // namespace pgu::commands
