#include "cli/subcommands.hpp"
#include "commands/commands.hpp"
#include "util/output.hpp"

#include <ostream>

namespace pgu::commands {

int help(cli::Context& context)
{
  context.out.out() << cli::plugin_help();
  return 0;
}

} // namespace pgu::commands
