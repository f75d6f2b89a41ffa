#include "upgrade/session.hpp"

#include "host/names.hpp"
#include "util/error.hpp"

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

} // namespace pgu::upgrade
