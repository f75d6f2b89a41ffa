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

namespace pgu::upgrade {

// pgupgrade:resume: continue an interrupted or failed upgrade from the first step not known to
// be done, checking on the host a step whose outcome the journal does not know.
int resume_upgrade(const Output& out, CommandRunner& runner, const std::string& app);
// pgupgrade:rollback: undo every step taken, newest first, while the old service exists.
int rollback_upgrade(const Output& out, CommandRunner& runner, const std::string& app);
// pgupgrade:finalize: destroy the old service a --keep-old upgrade kept.
int finalize_upgrade(const Output& out, CommandRunner& runner, const std::string& app);
// pgupgrade:status: the journal and the host side by side, and what to do next.
int upgrade_status(const Output& out, CommandRunner& runner, const std::string& app);

} // namespace pgu::upgrade
