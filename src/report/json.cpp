#include "report/json.hpp"

#include "report/clean.hpp"
#include "util/error.hpp"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>

namespace pgu::report {

namespace json = boost::json;

namespace {

constexpr std::array check_statuses{upgrade::CheckStatus::pass, upgrade::CheckStatus::warn, upgrade::CheckStatus::fail};

json::value text_or_null(const std::string& text)
{
  return text.empty() ? json::value(nullptr) : json::value(text);
}

json::value text_or_null(const std::optional<std::string>& text)
{
  return text && !text->empty() ? json::value(*text) : json::value(nullptr);
}

json::value major_or_null(int major)
{
  return major > 0 ? json::value(major) : json::value(nullptr);
}

std::optional<std::string> fact(const Report& report, const std::string& key)
{
  const auto found = report.facts.find(key);
  if (found == report.facts.end() || found->second.empty()) {
    return std::nullopt;
  }
  return found->second;
}

json::value integer_fact(const Report& report, const std::string& key)
{
  const auto text = fact(report, key);
  std::int64_t number = 0;
  if (!text || std::from_chars(text->data(), text->data() + text->size(), number).ec != std::errc()) {
    return nullptr;
  }
  return number;
}

json::value number_fact(const Report& report, const std::string& key)
{
  const auto text = fact(report, key);
  double number = 0;
  if (!text || std::from_chars(text->data(), text->data() + text->size(), number).ec != std::errc()) {
    return nullptr;
  }
  return number;
}

json::array strings(const std::vector<std::string>& values)
{
  json::array array;
  for (const auto& value : values) {
    array.emplace_back(value);
  }
  return array;
}

json::object settings_json(const upgrade::Settings& settings)
{
  return {
    {"image", settings.image},
    {"version", settings.version},
    {"service", text_or_null(settings.service)},
    {"new_service", text_or_null(settings.new_service)},
    {"bucket", text_or_null(settings.bucket)},
    {"schedule", text_or_null(settings.schedule)},
    {"allow_downgrade", settings.allow_downgrade},
    {"skip_backup", settings.skip_backup},
    {"keep_old", settings.keep_old},
    {"keep_failed", settings.keep_failed},
    {"dry_run", settings.dry_run},
    {"keep_exports", settings.keep_exports},
    {"verify", upgrade::to_string(settings.verify)},
    {"command_timeout_seconds", settings.command_timeout_seconds},
  };
}

json::object check_json(const upgrade::CheckResult& check)
{
  json::object figures;
  for (const auto& [name, value] : check.figures) {
    figures[name] = value;
  }
  return {
    {"id", check.id},
    {"title", check.title},
    {"status", upgrade::to_string(check.status)},
    {"reason", check.reason},
    {"figures", std::move(figures)},
  };
}

json::object summary_json(const upgrade::Plan& plan)
{
  json::object summary;
  for (const auto status : check_statuses) {
    summary[upgrade::to_string(status)] = std::count_if(plan.checks.begin(), plan.checks.end(),
                                                        [&](const auto& check) { return check.status == status; });
  }
  return summary;
}

json::object step_json(const upgrade::StepRecord& step)
{
  return {
    {"name", step.name},
    {"outcome", upgrade::to_string(step.state)},
    {"started", text_or_null(step.started)},
    {"ended", text_or_null(step.ended)},
    {"seconds", step.seconds},
    {"detail", text_or_null(step.detail)},
  };
}

// The figures a run recorded, by subject; null where the run did not get that far.
json::object results_json(const Report& report)
{
  json::object results;
  results["new_server_version"] = text_or_null(fact(report, "new.server_version"));
  results["export"] = fact(report, "export.file") ? json::value(json::object{{"file", *fact(report, "export.file")},
                                                                              {"bytes", integer_fact(report, "export.bytes")},
                                                                              {"sha256", text_or_null(fact(report, "export.sha256"))}})
                                                  : json::value(nullptr);
  results["copy"] = fact(report, "copy.bytes")
                      ? json::value(json::object{{"bytes", integer_fact(report, "copy.bytes")}, {"seconds", number_fact(report, "copy.seconds")}})
                      : json::value(nullptr);
  if (fact(report, "verify.mode")) {
    json::object objects;
    constexpr std::string_view prefix = "verify.count.";
    for (const auto& [key, value] : report.facts) {
      if (key.starts_with(prefix)) {
        objects[key.substr(prefix.size())] = integer_fact(report, key);
      }
    }
    results["verification"] = json::object{{"mode", *fact(report, "verify.mode")},
                                           {"tables", integer_fact(report, "verify.tables")},
                                           {"rows", integer_fact(report, "verify.rows")},
                                           {"sequences", integer_fact(report, "verify.sequences")},
                                           {"objects", std::move(objects)}};
  } else {
    results["verification"] = nullptr;
  }
  results["window"] = fact(report, "window.start") ? json::value(json::object{{"start", *fact(report, "window.start")},
                                                                               {"end", text_or_null(fact(report, "window.end"))},
                                                                               {"seconds", number_fact(report, "window.seconds")}})
                                                   : json::value(nullptr);
  if (fact(report, "helper.cpu_seconds")) {
    results["helper"] = json::object{{"cpu_seconds", number_fact(report, "helper.cpu_seconds")},
                                     {"peak_rss_kib", integer_fact(report, "helper.peak_rss_kib")}};
  }
  return results;
}

// --- reading back -------------------------------------------------------------------------

const json::object& object_at(const json::object& object, std::string_view key)
{
  const auto* found = object.if_contains(key);
  if (found == nullptr || !found->is_object()) {
    throw failure(fmt::format("no object \"{}\"", key));
  }
  return found->as_object();
}

std::string text_at(const json::object& object, std::string_view key)
{
  const auto* found = object.if_contains(key);
  return found != nullptr && found->is_string() ? std::string(found->as_string()) : std::string();
}

std::optional<std::string> optional_text_at(const json::object& object, std::string_view key)
{
  const auto* found = object.if_contains(key);
  return found != nullptr && found->is_string() ? std::optional<std::string>(found->as_string()) : std::nullopt;
}

template<typename Number>
Number number_at(const json::object& object, std::string_view key, Number fallback = 0)
{
  const auto* found = object.if_contains(key);
  if (found == nullptr || !found->is_number()) {
    return fallback;
  }
  if constexpr (std::is_floating_point_v<Number>) {
    return static_cast<Number>(found->to_number<double>());
  } else {
    return static_cast<Number>(found->to_number<std::int64_t>());
  }
}

bool bool_at(const json::object& object, std::string_view key)
{
  const auto* found = object.if_contains(key);
  return found != nullptr && found->is_bool() && found->as_bool();
}

std::vector<std::string> strings_at(const json::object& object, std::string_view key)
{
  std::vector<std::string> values;
  const auto* found = object.if_contains(key);
  if (found != nullptr && found->is_array()) {
    for (const auto& value : found->as_array()) {
      if (value.is_string()) {
        values.emplace_back(value.as_string());
      }
    }
  }
  return values;
}

const json::array& array_at(const json::object& object, std::string_view key)
{
  static const json::array empty;
  const auto* found = object.if_contains(key);
  return found != nullptr && found->is_array() ? found->as_array() : empty;
}

pg::ImageRef image_from(const std::string& text)
{
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || text.find('/', colon) != std::string::npos) {
    return {text, ""};
  }
  return {text.substr(0, colon), text.substr(colon + 1)};
}

upgrade::Settings settings_from(const json::object& object, std::string app)
{
  upgrade::Settings settings;
  settings.app = std::move(app);
  settings.image = text_at(object, "image");
  settings.version = text_at(object, "version");
  settings.service = optional_text_at(object, "service");
  settings.new_service = optional_text_at(object, "new_service");
  settings.bucket = optional_text_at(object, "bucket");
  settings.schedule = optional_text_at(object, "schedule");
  settings.allow_downgrade = bool_at(object, "allow_downgrade");
  settings.skip_backup = bool_at(object, "skip_backup");
  settings.keep_old = bool_at(object, "keep_old");
  settings.keep_failed = bool_at(object, "keep_failed");
  settings.dry_run = bool_at(object, "dry_run");
  settings.keep_exports = number_at<unsigned>(object, "keep_exports", settings.keep_exports);
  settings.verify = text_at(object, "verify") == "checksums" ? upgrade::VerifyMode::checksums : upgrade::VerifyMode::counts;
  settings.command_timeout_seconds = number_at<unsigned>(object, "command_timeout_seconds", settings.command_timeout_seconds);
  return settings;
}

upgrade::CheckStatus status_from(const std::string& text)
{
  for (const auto status : check_statuses) {
    if (text == upgrade::to_string(status)) {
      return status;
    }
  }
  throw failure(fmt::format("unknown check status \"{}\"", text));
}

upgrade::CheckResult check_from(const json::value& value)
{
  const auto& object = value.as_object();
  upgrade::CheckResult check;
  check.id = text_at(object, "id");
  check.title = text_at(object, "title");
  check.status = status_from(text_at(object, "status"));
  check.reason = text_at(object, "reason");
  for (const auto& [name, figure] : object_at(object, "figures")) {
    check.figures.emplace_back(std::string(name), figure.is_string() ? std::string(figure.as_string()) : json::serialize(figure));
  }
  return check;
}

upgrade::StepRecord step_from(const json::value& value)
{
  const auto& object = value.as_object();
  return {text_at(object, "name"),      upgrade::step_state_from(text_at(object, "outcome")),
          text_at(object, "started"),   text_at(object, "ended"),
          to_milliseconds(number_at<double>(object, "seconds")), text_at(object, "detail")};
}

} // namespace

json::object to_json(const Report& report)
{
  const auto& plan = report.plan;
  json::object object;
  object["schema_version"] = schema_version;
  object["kind"] = report.kind;
  object["outcome"] = report.outcome;
  object["generated"] = report.generated;
  object["helper_version"] = report.helper_version;
  object["app"] = plan.settings.app;
  object["old"] = json::object{{"service", text_or_null(plan.old_service)},
                               {"image", plan.old_image.repository.empty() ? json::value(nullptr) : json::value(plan.old_image.full())},
                               {"server_version", text_or_null(plan.old_server_version)},
                               {"major", major_or_null(plan.old_major)}};
  object["new"] = json::object{{"service", text_or_null(plan.new_service)},
                               {"image", plan.target.full()},
                               {"image_created", text_or_null(plan.target_created)},
                               {"major", major_or_null(plan.target_major)}};
  object["scheme"] = plan.scheme;
  object["database_bytes"] = plan.database_bytes;
  object["maintenance_was_enabled"] = plan.maintenance_was_enabled;
  object["extensions"] = strings(plan.extensions);
  object["url_variables"] = strings(plan.url_variables);
  object["backup"] = plan.backup ? json::value(json::object{{"bucket", text_or_null(plan.backup->bucket)},
                                                            {"schedule", text_or_null(plan.backup->schedule)},
                                                            {"use_iam", plan.backup->use_iam},
                                                            {"old_has_backup_auth", plan.old_has_backup_auth}})
                                 : json::value(nullptr);
  object["settings"] = settings_json(plan.settings);
  object["summary"] = summary_json(plan);
  json::array checks;
  for (const auto& check : plan.checks) {
    checks.emplace_back(check_json(check));
  }
  object["checks"] = std::move(checks);
  object["commands"] = strings(report.commands);
  object["estimate"] = json::object{{"downtime_seconds", report.estimated_window_seconds}, {"copy_bytes", report.estimated_copy_bytes}};
  json::array steps;
  for (const auto& step : report.steps) {
    steps.emplace_back(step_json(step));
  }
  object["steps"] = std::move(steps);
  object["failed_step"] = text_or_null(failed_step(report));
  object["results"] = report.kind == "run" ? json::value(results_json(report)) : json::value(nullptr);
  json::object facts;
  for (const auto& [key, value] : report.facts) {
    facts[key] = value;
  }
  object["facts"] = std::move(facts);
  object["error"] = text_or_null(report.error);
  return object;
}

Report report_from_json(const json::value& value)
{
  try {
    const auto& object = value.as_object();
    if (number_at<std::int64_t>(object, "schema_version") != schema_version) {
      throw failure(fmt::format("schema_version is not {}", schema_version));
    }
    Report report;
    report.kind = text_at(object, "kind");
    if (report.kind != "plan" && report.kind != "run") {
      throw failure(fmt::format("kind \"{}\" is neither plan nor run", report.kind));
    }
    report.outcome = text_at(object, "outcome");
    report.generated = text_at(object, "generated");
    report.helper_version = text_at(object, "helper_version");
    auto& plan = report.plan;
    plan.settings = settings_from(object_at(object, "settings"), text_at(object, "app"));
    const auto& old = object_at(object, "old");
    plan.old_service = text_at(old, "service");
    plan.old_image = image_from(text_at(old, "image"));
    plan.old_server_version = text_at(old, "server_version");
    plan.old_major = number_at<int>(old, "major");
    const auto& target = object_at(object, "new");
    plan.new_service = text_at(target, "service");
    plan.target = image_from(text_at(target, "image"));
    plan.target_created = text_at(target, "image_created");
    plan.target_major = number_at<int>(target, "major");
    plan.scheme = text_at(object, "scheme");
    plan.database_bytes = number_at<std::int64_t>(object, "database_bytes");
    plan.maintenance_was_enabled = bool_at(object, "maintenance_was_enabled");
    plan.extensions = strings_at(object, "extensions");
    plan.url_variables = strings_at(object, "url_variables");
    if (const auto* backup = object.if_contains("backup"); backup != nullptr && backup->is_object()) {
      const auto& fields = backup->as_object();
      plan.backup = host::BackupSchedule{text_at(fields, "schedule"), text_at(fields, "bucket"), bool_at(fields, "use_iam")};
      plan.old_has_backup_auth = bool_at(fields, "old_has_backup_auth");
    }
    for (const auto& check : array_at(object, "checks")) {
      plan.checks.push_back(check_from(check));
    }
    report.commands = strings_at(object, "commands");
    const auto& estimate = object_at(object, "estimate");
    report.estimated_window_seconds = to_milliseconds(number_at<double>(estimate, "downtime_seconds"));
    report.estimated_copy_bytes = number_at<std::int64_t>(estimate, "copy_bytes");
    for (const auto& step : array_at(object, "steps")) {
      report.steps.push_back(step_from(step));
    }
    for (const auto& [key, fact] : object_at(object, "facts")) {
      if (fact.is_string()) {
        report.facts.emplace(std::string(key), std::string(fact.as_string()));
      }
    }
    report.error = text_at(object, "error");
    return report;
  } catch (const std::exception& e) {
    // Boost.JSON's accessors throw boost::system::system_error for a value of the wrong kind.
    throw failure(fmt::format("not a pgupgrade report: {}", e.what()));
  }
}

std::string render_json(const Report& report)
{
  return json::serialize(to_json(report)) + "\n";
}

} // namespace pgu::report
