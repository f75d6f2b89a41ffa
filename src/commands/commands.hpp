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

} // namespace pgu::commands
