#pragma once

#include "upgrade/settings.hpp"

namespace pgu {
class Output;
class CommandRunner;
} // namespace pgu

namespace pgu::upgrade {

// pgupgrade:run (and, with settings.dry_run, pgupgrade:plan): preflight, then either the plan
// or the whole pipeline. Returns the exit status; throws pgu::Error for failures.
int run_upgrade(const Output& out, CommandRunner& runner, const Settings& settings);

} // namespace pgu::upgrade
