#include "schedule/store.hpp"

#include "host/names.hpp"
#include "host/paths.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/secrets.hpp"

#include <fmt/format.h>
#include <toml.hpp>

#include <algorithm>
#include <sstream>

namespace pgu::schedule {

namespace {

constexpr std::int64_t file_format = 1;

// toml11's messages span several lines (a caret diagram): keep the first, printable.
std::string first_line(std::string_view text)
{
  return host::printable(text.substr(0, text.find('\n')));
}

Kind kind_from(const std::string& text, const std::filesystem::path& file)
{
  if (text == "plan") {
    return Kind::plan;
  }
  if (text == "upgrade") {
    return Kind::upgrade;
  }
  throw failure(fmt::format("The schedule file {} is damaged: unknown kind '{}'", file.string(), host::printable(text)));
}

toml::value parse_file(const std::filesystem::path& file)
{
  std::istringstream stream(read_text_file(file));
  try {
    return toml::parse(stream, file.filename().string());
  } catch (const std::exception& e) {
    throw failure(fmt::format("The schedule file {} is damaged: {}", file.string(), first_line(e.what())));
  }
}

void write_toml(const std::filesystem::path& file, const std::string& comment, const toml::value& document)
{
  create_private_directory(file.parent_path());
  std::ostringstream text;
  text << comment << document;
  write_file_atomically(file, secrets().mask(text.str()));
}

template<typename T>
T find_or(const toml::value& table, const char* key, T fallback)
{
  return toml::find_or<T>(table, key, fallback);
}

} // namespace

std::string to_string(Kind kind)
{
  return kind == Kind::plan ? "plan" : "upgrade";
}

std::filesystem::path schedule_file(const host::Paths& paths, const std::string& app)
{
  return paths.app_state(app) / "schedule.toml";
}

std::filesystem::path last_run_file(const host::Paths& paths, const std::string& app)
{
  return paths.app_state(app) / "schedule-last-run.toml";
}

std::optional<Schedule> load_schedule(const host::Paths& paths, const std::string& app)
{
  const auto file = schedule_file(paths, app);
  std::error_code error;
  if (!std::filesystem::exists(file, error)) {
    return std::nullopt;
  }
  const auto document = parse_file(file);
  try {
    Schedule schedule;
    schedule.app = app;
    schedule.kind = kind_from(find_or<std::string>(document, "kind", ""), file);
    schedule.cron = toml::find<std::string>(document, "cron");
    schedule.image = toml::find<std::string>(document, "image");
    schedule.version = toml::find<std::string>(document, "version");
    schedule.arguments = toml::find<std::vector<std::string>>(document, "arguments");
    schedule.created = find_or<std::string>(document, "created", "");
    return schedule;
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    // toml::find throws std::out_of_range for a missing key, toml::type_error for a wrong type.
    throw failure(fmt::format("The schedule file {} is damaged: {}", file.string(), first_line(e.what())));
  }
}

void save_schedule(const host::Paths& paths, const Schedule& schedule)
{
  toml::array arguments;
  for (const auto& argument : schedule.arguments) {
    arguments.emplace_back(argument);
  }
  const toml::value document(toml::table{
    {"format", file_format},
    {"kind", to_string(schedule.kind)},
    {"cron", schedule.cron},
    {"image", schedule.image},
    {"version", schedule.version},
    {"arguments", arguments},
    {"created", schedule.created},
  });
  write_toml(schedule_file(paths, schedule.app), "# pgupgrade schedule: written by dokku pgupgrade:schedule.\n", document);
}

bool remove_schedule(const host::Paths& paths, const std::string& app)
{
  return std::filesystem::remove(schedule_file(paths, app));
}

std::vector<Schedule> all_schedules(const host::Paths& paths, std::vector<std::string>& problems)
{
  std::vector<Schedule> schedules;
  std::error_code error;
  if (!std::filesystem::is_directory(paths.state, error)) {
    return schedules;
  }
  for (const auto& entry : std::filesystem::directory_iterator(paths.state, error)) {
    const auto app = entry.path().filename().string();
    if (!entry.is_directory(error) || !host::is_valid_app_name(app)) {
      continue;
    }
    try {
      if (auto schedule = load_schedule(paths, app)) {
        schedules.push_back(std::move(*schedule));
      }
    } catch (const std::exception& e) {
      problems.emplace_back(e.what());
    }
  }
  std::sort(schedules.begin(), schedules.end(), [](const auto& a, const auto& b) { return a.app < b.app; });
  return schedules;
}

std::optional<LastRun> load_last_run(const host::Paths& paths, const std::string& app)
{
  const auto file = last_run_file(paths, app);
  std::error_code error;
  if (!std::filesystem::exists(file, error)) {
    return std::nullopt;
  }
  const auto document = parse_file(file);
  LastRun run;
  run.kind = kind_from(find_or<std::string>(document, "kind", ""), file);
  run.cron = find_or<std::string>(document, "cron", "");
  run.target = find_or<std::string>(document, "target", "");
  run.started = find_or<std::string>(document, "started", "");
  run.finished = find_or<std::string>(document, "finished", "");
  run.outcome = find_or<std::string>(document, "outcome", "");
  run.exit_code = static_cast<int>(find_or<std::int64_t>(document, "exit_code", 0));
  run.message = find_or<std::string>(document, "message", "");
  run.report = find_or<std::string>(document, "report", "");
  return run;
}

void save_last_run(const host::Paths& paths, const std::string& app, const LastRun& run)
{
  const toml::value document(toml::table{
    {"format", file_format},
    {"kind", to_string(run.kind)},
    {"cron", run.cron},
    {"target", run.target},
    {"started", run.started},
    {"finished", run.finished},
    {"outcome", run.outcome},
    {"exit_code", static_cast<std::int64_t>(run.exit_code)},
    {"message", run.message},
    {"report", run.report},
  });
  write_toml(last_run_file(paths, app), "# pgupgrade: what the last scheduled run did.\n", document);
}

bool move_schedule(const host::Paths& paths, const std::string& old_app, const std::string& new_app)
{
  auto schedule = load_schedule(paths, old_app);
  auto last = load_last_run(paths, old_app);
  if (schedule) {
    schedule->app = new_app;
    save_schedule(paths, *schedule);
    remove_schedule(paths, old_app);
  }
  if (last) {
    save_last_run(paths, new_app, *last);
    std::filesystem::remove(last_run_file(paths, old_app));
  }
  return schedule.has_value();
}

} // namespace pgu::schedule
