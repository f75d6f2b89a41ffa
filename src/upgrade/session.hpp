#pragma once

#include "upgrade/context.hpp"
#include "upgrade/journal.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace pgu {
class CommandRunner;
}

namespace pgu::upgrade {

std::filesystem::path journal_file(const host::Paths& paths, const std::string& app);
std::filesystem::path lock_file(const host::Paths& paths, const std::string& app);

// Checks the app argument (usage error, exit 20) and returns the app's journal, or fails with
// a clear line when there is none.
JournalRecord load_journal(const host::Paths& paths, host::Dokku& dokku, const std::string& app);

// A context on the facts of a journaled upgrade (plan, settings, facts), to resume or undo it.
std::unique_ptr<Context> context_from(const Output& out, const host::Paths& paths, CommandRunner& runner, const JournalRecord& record);

// Dokku's post-delete: the app's pgupgrade state (journal, reports, exports) goes with it.
void remove_app_state(const host::Paths& paths, const std::string& app);
// Dokku's post-app-rename-setup: what the old name holds moves to the new one, entry by entry,
// never over something the new name already has. Returns whether anything moved.
bool move_app_state(const host::Paths& paths, const std::string& old_app, const std::string& new_app);

// The app argument of status/resume/rollback/finalize: exactly one valid app name.
std::string single_app_argument(const std::vector<std::string>& args, const std::string& usage);

} // namespace pgu::upgrade
