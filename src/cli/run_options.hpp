#pragma once

#include "upgrade/settings.hpp"

#include <string>
#include <vector>

namespace pgu::cli {

// pgupgrade:run / pgupgrade:plan arguments: <app> <image> <version> and run's flags.
// Throws a usage error (exit 2) for anything malformed; checks nothing on the host.
upgrade::Settings parse_run_settings(const std::vector<std::string>& args);

// The text of run's flags for help and usage messages.
std::string run_flags_help();

} // namespace pgu::cli
