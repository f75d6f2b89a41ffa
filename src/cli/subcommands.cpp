#include "cli/subcommands.hpp"

#include "commands/commands.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace pgu::cli {

namespace {

constexpr std::string_view plugin_name = "pgupgrade";
constexpr std::string_view plugin_description =
  "Upgrade the Postgres service behind a Dokku app to a new image or major version";

std::string column_line(const Subcommand& subcommand, std::size_t width)
{
  auto left = fmt::format("{}:{} {}", plugin_name, subcommand.name, subcommand.arguments);
  left.erase(left.find_last_not_of(' ') + 1);
  return fmt::format("    {:<{}}  {}\n", left, width, subcommand.description);
}

std::size_t left_width()
{
  std::size_t width = 0;
  for (const auto& subcommand : subcommands()) {
    if (subcommand.listed) {
      width = std::max(width, plugin_name.size() + 2 + subcommand.name.size() + subcommand.arguments.size());
    }
  }
  return width;
}

std::vector<const Subcommand*> listed_sorted()
{
  std::vector<const Subcommand*> listed;
  for (const auto& subcommand : subcommands()) {
    if (subcommand.listed) {
      listed.push_back(&subcommand);
    }
  }
  std::sort(listed.begin(), listed.end(), [](auto* a, auto* b) { return a->name < b->name; });
  return listed;
}

} // namespace

const std::vector<Subcommand>& subcommands()
{
  static const std::vector<Subcommand> table = {
    {"help", "", "Show this help", true, commands::help},
    {"run",
     "<app> <image> <version> [--flags]",
     "Upgrade the app's Postgres service to image:version with checks at every step",
     true,
     commands::run},
    {"plan",
     "<app> <image> <version> [--flags]",
     "Check an upgrade for real and print what it would do without changing anything",
     true,
     commands::plan},
    {"cleanup-vars",
     "<app> [--dry-run]",
     "Remove DOKKU_POSTGRES_*_URL and alias variables naming services that are gone or unlinked",
     true,
     commands::cleanup_vars},
    {"report",
     "<app> [--flags]",
     "Show the plugin's state for an app and its last plan and run; --last plan|run shows one in any --format",
     true,
     commands::report},
    {"status", "<app>", "Show the last upgrade's journal beside the host's state and what to do next", true, commands::status},
    {"resume", "<app>", "Continue an interrupted or failed upgrade from its first unfinished step", true, commands::resume},
    {"rollback", "<app>", "Undo an upgrade step by step while the old service exists", true, commands::rollback},
    {"finalize", "<app>", "Destroy the old service an upgrade run with --keep-old kept", true, commands::finalize},
    {"schedule",
     "<app> <cron> <run's args>",
     "Upgrade once at the next time the cron expression matches (or plan on it with --plan-only) through Dokku's cron",
     true,
     commands::schedule},
    {"unschedule", "<app>", "Remove the app's upgrade or plan schedule", true, commands::unschedule},
    {"schedule-list", "[--format json]", "List every app's schedule with its next run", true, commands::schedule_list},
    // Internal: what the crontab line runs, and the Dokku triggers (thin scripts at the top level).
    {"scheduled-run", "<app>", "Run the app's stored schedule now (what cron runs)", false, commands::scheduled_run},
    {"cron-entries", "<scheduler>", "Trigger: the crontab lines of every schedule", false, commands::trigger_cron_entries},
    {"post-delete", "<app>", "Trigger: remove a destroyed app's schedule", false, commands::trigger_post_delete},
    {"post-app-rename-setup", "<old> <new>", "Trigger: move a renamed app's schedule", false, commands::trigger_post_app_rename},
    {"post-app-rename", "<old> <new>", "Trigger: move a renamed app's schedule", false, commands::trigger_post_app_rename},
  };
  return table;
}

const Subcommand* find_subcommand(const std::string& name)
{
  const auto& table = subcommands();
  const auto found = std::find_if(table.begin(), table.end(), [&](const auto& s) { return s.name == name; });
  return found == table.end() ? nullptr : &*found;
}

std::string plugin_help()
{
  std::string text = fmt::format("Usage: dokku {}[:COMMAND]\n\n{}\n\nAdditional commands:\n", plugin_name, plugin_description);
  const auto width = left_width();
  for (const auto* subcommand : listed_sorted()) {
    text += column_line(*subcommand, width);
  }
  return text;
}

std::string help_lines(bool all)
{
  if (!all) {
    return fmt::format("    {}, {}\n", plugin_name, plugin_description);
  }
  std::string text;
  for (const auto* subcommand : listed_sorted()) {
    const auto left = fmt::format("{}:{} {}", plugin_name, subcommand->name, subcommand->arguments);
    text += fmt::format("    {}, {}\n", left.substr(0, left.find_last_not_of(' ') + 1), subcommand->description);
  }
  return text;
}

} // namespace pgu::cli
