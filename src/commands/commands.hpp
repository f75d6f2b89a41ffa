#pragma once

#include "cli/subcommands.hpp"

// One entry point per subcommand; each returns the process exit status.
namespace pgu::commands {

int help(cli::Context& context);
int run(cli::Context& context);
int plan(cli::Context& context);
int cleanup_vars(cli::Context& context);
int report(cli::Context& context);
int status(cli::Context& context);
int resume(cli::Context& context);
int rollback(cli::Context& context);
int finalize(cli::Context& context);
int schedule(cli::Context& context);
int unschedule(cli::Context& context);
int schedule_list(cli::Context& context);
int scheduled_run(cli::Context& context);
// Dokku triggers (cron-entries, post-delete, post-app-rename-setup, post-app-rename): always exit 0.
int trigger_cron_entries(cli::Context& context);
int trigger_post_delete(cli::Context& context);
int trigger_post_app_rename(cli::Context& context);

} // namespace pgu::commands
