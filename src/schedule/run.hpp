#pragma once

#include <string>

namespace pgu {
class Output;
class CommandRunner;
namespace host {
struct Paths;
}
} // namespace pgu

namespace pgu::schedule {

// pgupgrade:scheduled-run <app>, what the crontab line runs (its output goes to the log):
// a plan schedule runs pgupgrade:plan with the stored flags and keeps its report as JSON (the
// report store) and Markdown beside it; an upgrade schedule is removed (and the crontab
// rewritten) as it starts, so it runs once whatever happens, then runs pgupgrade:run. Another
// pgupgrade command working on the app, a blocked plan or a failed run are recorded in the
// last-run record and the log, never retried. Returns the exit status (3: busy).
int run_scheduled(const Output& out, CommandRunner& runner, const host::Paths& paths, const std::string& app);

// Markdown copies of kept reports (<report>.md beside <report>.json) whose JSON the report
// store has pruned are removed. Returns how many were.
std::size_t prune_markdown_copies(const host::Paths& paths, const std::string& app);

} // namespace pgu::schedule
