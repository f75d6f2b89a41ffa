#include "cli/arguments.hpp"
#include "cli/subcommands.hpp"
#include "util/error.hpp"
#include "util/output.hpp"
#include "util/process.hpp"
#include "util/signals.hpp"

#include <fmt/format.h>

#include <iostream>
#include <string>
#include <vector>

namespace {

int dispatch(const std::vector<std::string>& argv, const pgu::Output& out)
{
  // `commands help` (for `dokku help`) asks for the summary lines without the plugin prefix.
  if (argv.size() > 1 && argv[1] == "help-lines") {
    const bool all = argv.size() > 2 && argv[2] == "--all";
    std::cout << pgu::cli::help_lines(all);
    return 0;
  }
  const auto invocation = pgu::cli::parse_invocation(argv);
  const std::string name = invocation.command.empty() || invocation.command == "default" ? "help" : invocation.command;
  const auto* subcommand = pgu::cli::find_subcommand(name);
  if (subcommand == nullptr) {
    throw pgu::usage_error(fmt::format("`pgupgrade:{}` is not a pgupgrade command; see `dokku pgupgrade:help`", name));
  }
  const pgu::Output quiet_aware(std::cout, std::cerr, invocation.flags.quiet);
  pgu::ProcessRunner runner;
  pgu::cli::Context context{quiet_aware, runner, invocation};
  (void)out;
  return subcommand->handler(context);
}

} // namespace

int main(int argc, char** argv)
{
  const std::vector<std::string> arguments(argv, argv + argc);
  const pgu::Output out(std::cout, std::cerr);
  pgu::install_stop_handlers();
  try {
    return dispatch(arguments, out);
  } catch (const pgu::Error& e) {
    out.error(e.what());
    return pgu::to_int(e.code());
  } catch (const std::exception& e) {
    out.error(fmt::format("pgupgrade: unexpected error: {}", e.what()));
    return pgu::to_int(pgu::ExitCode::failure);
  }
}
