#include "upgrade/session.hpp"

#include "host/names.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <fmt/format.h>

namespace pgu::upgrade {

std::filesystem::path journal_file(const host::Paths& paths, const std::string& app)
{
  return paths.app_state(app) / "journal.toml";
}

std::filesystem::path lock_file(const host::Paths& paths, const std::string& app)
{
  return paths.app_state(app) / "lock";
}

JournalRecord load_journal(const host::Paths& paths, host::Dokku& dokku, const std::string& app)
{
  auto record = Journal::load(journal_file(paths, app));
  if (!record) {
    if (!dokku.app_exists(app)) {
      throw Error(ExitCode::app_missing, fmt::format("App {} does not exist", app));
    }
    throw failure(fmt::format("No upgrade of {} is recorded", app));
  }
  return *record;
}

std::unique_ptr<Context> context_from(const Output& out, const host::Paths& paths, CommandRunner& runner, const JournalRecord& record)
{
  auto context = std::make_unique<Context>(out, paths, runner, std::chrono::seconds(record.plan.settings.command_timeout_seconds),
                                           record.plan);
  context->facts = record.facts;
  return context;
}

std::string single_app_argument(const std::vector<std::string>& args, const std::string& usage)
{
  for (const auto& arg : args) {
    if (arg.starts_with("--")) {
      throw usage_error(fmt::format("Unknown flag {}: {}", host::printable(arg), usage));
    }
  }
  if (args.empty()) {
    throw usage_error("Please specify an app to run the command on");
  }
  if (args.size() > 1) {
    throw usage_error(fmt::format("Too many arguments: {}", usage));
  }
  if (!host::is_valid_app_name(args.front())) {
    throw usage_error(fmt::format("Invalid app name {}", host::printable(args.front())));
  }
  return args.front();
}

void remove_app_state(const host::Paths& paths, const std::string& app)
{
  std::filesystem::remove_all(paths.app_state(app));
}

bool move_app_state(const host::Paths& paths, const std::string& old_app, const std::string& new_app)
{
  const auto from = paths.app_state(old_app);
  const auto to = paths.app_state(new_app);
  std::error_code missing;
  if (!std::filesystem::is_directory(from, missing)) {
    return false;
  }
  create_private_directory(to);
  bool moved = false;
  for (const auto& entry : std::filesystem::directory_iterator(from)) {
    const auto target = to / entry.path().filename();
    if (!std::filesystem::exists(target)) {
      std::filesystem::rename(entry.path(), target);
      moved = true;
    }
  }
  // The journal names its app: it is the new name's now.
  if (auto record = Journal::load(journal_file(paths, new_app)); record && record->app == old_app) {
    record->app = new_app;
    record->plan.settings.app = new_app;
    Journal(journal_file(paths, new_app), *record).save();
  }
  return moved;
}

} // namespace pgu::upgrade
