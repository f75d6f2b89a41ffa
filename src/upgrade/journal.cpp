#include "upgrade/journal.hpp"

#include "util/error.hpp"
#include "util/files.hpp"
#include "util/secrets.hpp"
#include "util/time.hpp"

#include <fmt/format.h>
#include <toml.hpp>

#include <array>
#include <sstream>

namespace pgu::upgrade {

namespace {

constexpr std::array step_state_names{"pending", "running", "done", "failed", "undone", "skipped"};

template<typename T>
T find_or(const toml::value& table, const char* key, T fallback)
{
  return toml::find_or<T>(table, key, fallback);
}

std::string optional_text(const std::optional<std::string>& value)
{
  return value.value_or("");
}

std::optional<std::string> text_or_none(const toml::value& table, const char* key)
{
  auto text = find_or<std::string>(table, key, "");
  return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

toml::value settings_to_toml(const Settings& settings)
{
  return toml::table{
    {"app", settings.app},
    {"image", settings.image},
    {"version", settings.version},
    {"service", optional_text(settings.service)},
    {"new_service", optional_text(settings.new_service)},
    {"bucket", optional_text(settings.bucket)},
    {"schedule", optional_text(settings.schedule)},
    {"allow_downgrade", settings.allow_downgrade},
    {"skip_backup", settings.skip_backup},
    {"keep_old", settings.keep_old},
    {"keep_failed", settings.keep_failed},
    {"keep_exports", static_cast<std::int64_t>(settings.keep_exports)},
    {"verify", to_string(settings.verify)},
    {"command_timeout", static_cast<std::int64_t>(settings.command_timeout_seconds)},
  };
}

Settings settings_from_toml(const toml::value& table)
{
  Settings settings;
  settings.app = find_or<std::string>(table, "app", "");
  settings.image = find_or<std::string>(table, "image", "");
  settings.version = find_or<std::string>(table, "version", "");
  settings.service = text_or_none(table, "service");
  settings.new_service = text_or_none(table, "new_service");
  settings.bucket = text_or_none(table, "bucket");
  settings.schedule = text_or_none(table, "schedule");
  settings.allow_downgrade = find_or<bool>(table, "allow_downgrade", false);
  settings.skip_backup = find_or<bool>(table, "skip_backup", false);
  settings.keep_old = find_or<bool>(table, "keep_old", false);
  settings.keep_failed = find_or<bool>(table, "keep_failed", false);
  settings.keep_exports = static_cast<unsigned>(find_or<std::int64_t>(table, "keep_exports", 3));
  settings.verify = find_or<std::string>(table, "verify", "counts") == "checksums" ? VerifyMode::checksums : VerifyMode::counts;
  settings.command_timeout_seconds = static_cast<unsigned>(find_or<std::int64_t>(table, "command_timeout", 3600));
  return settings;
}

toml::array strings_to_toml(const std::vector<std::string>& values)
{
  toml::array array;
  for (const auto& value : values) {
    array.emplace_back(value);
  }
  return array;
}

std::vector<std::string> strings_from_toml(const toml::value& table, const char* key)
{
  return toml::find_or<std::vector<std::string>>(table, key, {});
}

toml::value plan_to_toml(const Plan& plan)
{
  toml::table table{
    {"old_service", plan.old_service},
    {"new_service", plan.new_service},
    {"old_image", plan.old_image.full()},
    {"target_image", plan.target.full()},
    {"old_major", plan.old_major},
    {"target_major", plan.target_major},
    {"old_server_version", plan.old_server_version},
    {"target_created", plan.target_created},
    {"scheme", plan.scheme},
    {"database_bytes", plan.database_bytes},
    {"maintenance_was_enabled", plan.maintenance_was_enabled},
    {"old_has_backup_auth", plan.old_has_backup_auth},
    {"extensions", strings_to_toml(plan.extensions)},
    {"url_variables", strings_to_toml(plan.url_variables)},
    {"settings", settings_to_toml(plan.settings)},
  };
  if (plan.backup) {
    table.emplace("backup", toml::table{{"bucket", plan.backup->bucket},
                                        {"schedule", plan.backup->schedule},
                                        {"use_iam", plan.backup->use_iam}});
  }
  toml::array checks;
  for (const auto& check : plan.checks) {
    toml::table figures;
    for (const auto& [name, value] : check.figures) {
      figures.emplace(name, value);
    }
    checks.emplace_back(toml::table{{"id", check.id},
                                    {"title", check.title},
                                    {"status", to_string(check.status)},
                                    {"reason", check.reason},
                                    {"figures", figures}});
  }
  table.emplace("checks", checks);
  return table;
}

pg::ImageRef image_from(const std::string& text)
{
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || text.find('/', colon) != std::string::npos) {
    return {text, ""};
  }
  return {text.substr(0, colon), text.substr(colon + 1)};
}

Plan plan_from_toml(const toml::value& table)
{
  Plan plan;
  plan.settings = settings_from_toml(toml::find_or(table, "settings", toml::value(toml::table{})));
  plan.old_service = find_or<std::string>(table, "old_service", "");
  plan.new_service = find_or<std::string>(table, "new_service", "");
  plan.old_image = image_from(find_or<std::string>(table, "old_image", ""));
  plan.target = image_from(find_or<std::string>(table, "target_image", ""));
  plan.old_major = static_cast<int>(find_or<std::int64_t>(table, "old_major", 0));
  plan.target_major = static_cast<int>(find_or<std::int64_t>(table, "target_major", 0));
  plan.old_server_version = find_or<std::string>(table, "old_server_version", "");
  plan.target_created = find_or<std::string>(table, "target_created", "");
  plan.scheme = find_or<std::string>(table, "scheme", "postgres");
  plan.database_bytes = find_or<std::int64_t>(table, "database_bytes", 0);
  plan.maintenance_was_enabled = find_or<bool>(table, "maintenance_was_enabled", false);
  plan.old_has_backup_auth = find_or<bool>(table, "old_has_backup_auth", false);
  plan.extensions = strings_from_toml(table, "extensions");
  plan.url_variables = strings_from_toml(table, "url_variables");
  if (table.contains("backup")) {
    const auto& backup = toml::find(table, "backup");
    plan.backup = host::BackupSchedule{};
    plan.backup->schedule = find_or<std::string>(backup, "schedule", "");
    plan.backup->bucket = find_or<std::string>(backup, "bucket", "");
    plan.backup->use_iam = find_or<bool>(backup, "use_iam", false);
  }
  if (table.contains("checks")) {
    for (const auto& entry : toml::find<toml::array>(table, "checks")) {
      CheckResult check;
      check.id = find_or<std::string>(entry, "id", "");
      check.title = find_or<std::string>(entry, "title", "");
      const auto status = find_or<std::string>(entry, "status", "pass");
      check.status = status == "fail" ? CheckStatus::fail : status == "warn" ? CheckStatus::warn : CheckStatus::pass;
      check.reason = find_or<std::string>(entry, "reason", "");
      if (entry.contains("figures")) {
        for (const auto& [name, value] : toml::find<toml::table>(entry, "figures")) {
          check.figures.emplace_back(name, value.is_string() ? value.as_string().str : toml::format(value));
        }
      }
      plan.checks.push_back(std::move(check));
    }
  }
  return plan;
}

} // namespace

std::string to_string(StepState state)
{
  return step_state_names.at(static_cast<std::size_t>(state));
}

StepState step_state_from(const std::string& text)
{
  for (std::size_t i = 0; i < step_state_names.size(); ++i) {
    if (text == step_state_names.at(i)) {
      return static_cast<StepState>(i);
    }
  }
  return StepState::pending;
}

StepRecord* JournalRecord::step(const std::string& name)
{
  for (auto& record : steps) {
    if (record.name == name) {
      return &record;
    }
  }
  return nullptr;
}

const StepRecord* JournalRecord::step(const std::string& name) const
{
  return const_cast<JournalRecord*>(this)->step(name);
}

std::string to_toml(const JournalRecord& record)
{
  toml::array steps;
  for (const auto& step : record.steps) {
    steps.emplace_back(toml::table{{"name", step.name},
                                   {"state", to_string(step.state)},
                                   {"started", step.started},
                                   {"ended", step.ended},
                                   {"seconds", step.seconds},
                                   {"detail", step.detail}});
  }
  toml::table facts;
  for (const auto& [key, value] : record.facts) {
    facts.emplace(key, value);
  }
  const toml::value document(toml::table{
    {"format", record.format},
    {"app", record.app},
    {"run_id", record.run_id},
    {"pid", static_cast<std::int64_t>(record.pid)},
    {"helper_version", record.helper_version},
    {"started", record.started},
    {"updated", record.updated},
    {"state", record.state},
    {"error", record.error},
    {"plan", plan_to_toml(record.plan)},
    {"steps", steps},
    {"facts", facts},
  });
  std::ostringstream text;
  text << "# pgupgrade journal: written by the helper; do not edit while an upgrade runs.\n" << document;
  // Belt and braces: nothing secret is ever put in, and the mask catches what slips through.
  return secrets().mask(text.str());
}

JournalRecord journal_from_toml(const std::string& text)
{
  std::istringstream stream(text);
  const auto document = toml::parse(stream, "journal.toml");
  JournalRecord record;
  record.format = static_cast<int>(find_or<std::int64_t>(document, "format", 1));
  record.app = find_or<std::string>(document, "app", "");
  record.run_id = find_or<std::string>(document, "run_id", "");
  record.pid = static_cast<long>(find_or<std::int64_t>(document, "pid", 0));
  record.helper_version = find_or<std::string>(document, "helper_version", "");
  record.started = find_or<std::string>(document, "started", "");
  record.updated = find_or<std::string>(document, "updated", "");
  record.state = find_or<std::string>(document, "state", "");
  record.error = find_or<std::string>(document, "error", "");
  if (document.contains("plan")) {
    record.plan = plan_from_toml(toml::find(document, "plan"));
  }
  if (document.contains("steps")) {
    for (const auto& entry : toml::find<toml::array>(document, "steps")) {
      record.steps.push_back({find_or<std::string>(entry, "name", ""), step_state_from(find_or<std::string>(entry, "state", "")),
                              find_or<std::string>(entry, "started", ""), find_or<std::string>(entry, "ended", ""),
                              find_or<double>(entry, "seconds", 0.0), find_or<std::string>(entry, "detail", "")});
    }
  }
  if (document.contains("facts")) {
    for (const auto& [key, value] : toml::find<toml::table>(document, "facts")) {
      record.facts[key] = value.is_string() ? value.as_string().str : toml::format(value);
    }
  }
  return record;
}

std::optional<JournalRecord> Journal::load(const std::filesystem::path& file)
{
  if (!std::filesystem::exists(file)) {
    return std::nullopt;
  }
  try {
    return journal_from_toml(read_text_file(file));
  } catch (const toml::exception& e) {
    throw failure(fmt::format("The journal {} is damaged: {}", file.string(), e.what()));
  }
}

void Journal::save()
{
  record_.updated = now_utc();
  write_file_atomically(file_, to_toml(record_));
}

} // namespace pgu::upgrade
