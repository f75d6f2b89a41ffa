#pragma once

#include <string>
#include <vector>

namespace pgu::cli {

// Dokku passes --quiet, --trace and --force through to plugins wherever they were typed, and
// --app X (as DOKKU_APP_NAME) when given; every subcommand tolerates them.
struct GlobalFlags {
  bool quiet = false;
  bool trace = false;
  bool force = false;
};

struct Invocation {
  std::string command;            // "run" for pgupgrade:run; "" for the bare `dokku pgupgrade`
  std::vector<std::string> args;  // the rest, global flags removed, --app's value prepended
  GlobalFlags flags;
};

// argv as the subcommand script received it: argv[1] is "pgupgrade:run" (or "pgupgrade").
// Environment: DOKKU_QUIET_OUTPUT, DOKKU_TRACE, DOKKU_APPS_FORCE_DELETE, DOKKU_APP_NAME.
Invocation parse_invocation(const std::vector<std::string>& argv);

} // namespace pgu::cli
