#include "report/app_info.hpp"

#include "host/paths.hpp"
#include "report/clean.hpp"
#include "report/json.hpp"
#include "report/store.hpp"
#include "schedule/cron.hpp"
#include "util/time.hpp"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <algorithm>

namespace pgu::report {

namespace json = boost::json;

namespace {

// Dokku's :report lines: printf "%-30s %-25s" "Label:" value, after seven spaces.
constexpr std::size_t label_width = 30;

json::value text_or_null(const std::string& text)
{
  return text.empty() ? json::value(nullptr) : json::value(text);
}

std::size_t count_files(const std::filesystem::path& dir, std::string_view extension)
{
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) {
    return 0;
  }
  return static_cast<std::size_t>(std::count_if(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator(),
                                                [&](const auto& entry) { return entry.path().extension() == extension; }));
}

template<typename Load>
void load_or_note(AppInfo& info, Load load)
{
  try {
    load();
  } catch (const std::exception& e) {
    info.problems.push_back(clean_text(e.what()));
  }
}

void add_report_rows(std::vector<InfoRow>& rows, const std::string& kind, const std::optional<Report>& report)
{
  const auto key = fmt::format("last-{}", kind);
  const auto label = fmt::format("Pgupgrade last {}", kind);
  rows.push_back({key + "-outcome", label + " outcome", report ? json::value(report->outcome) : json::value(nullptr)});
  rows.push_back({key + "-at", label + " at", report ? text_or_null(report->generated) : json::value(nullptr)});
  rows.push_back({key + "-target", label + " target", report ? json::value(report->plan.target.full()) : json::value(nullptr)});
}

// pgupgrade:schedule: the stored schedule and its next run, then what the last scheduled run did
// (kept after a one-shot upgrade removed its schedule).
void add_schedule_rows(std::vector<InfoRow>& rows, const AppInfo& info)
{
  const auto& entry = info.schedule;
  json::value next = nullptr;
  if (entry) {
    try {
      const auto time = schedule::next_run(schedule::CronExpression::parse(entry->cron), Clock::now());
      next = time ? json::value(schedule::format_local_rfc3339(*time)) : json::value(nullptr);
    } catch (const std::exception&) {
      next = nullptr;
    }
  }
  rows.push_back({"schedule", "Pgupgrade schedule", entry ? json::value(entry->cron) : json::value(nullptr)});
  rows.push_back({"schedule-kind", "Pgupgrade schedule kind", entry ? json::value(schedule::to_string(entry->kind)) : json::value(nullptr)});
  rows.push_back({"schedule-target", "Pgupgrade schedule target", entry ? json::value(entry->target()) : json::value(nullptr)});
  rows.push_back({"schedule-next-run", "Pgupgrade schedule next run", next});
  const auto& last = info.schedule_last;
  rows.push_back({"scheduled-run-at", "Pgupgrade scheduled run at", last ? text_or_null(last->started) : json::value(nullptr)});
  rows.push_back(
    {"scheduled-outcome", "Pgupgrade scheduled outcome", last ? text_or_null(last->outcome) : json::value(nullptr)});
  rows.push_back(
    {"scheduled-message", "Pgupgrade scheduled message", last ? text_or_null(last->message) : json::value(nullptr)});
}

std::string json_key(const std::string& key)
{
  auto name = key;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

} // namespace

AppInfo load_app_info(const host::Paths& paths, const std::string& app)
{
  AppInfo info;
  info.app = app;
  info.generated = now_utc();
  info.state_folder = paths.app_state(app);
  load_or_note(info, [&] { info.last_plan = last_report(paths, app, "plan"); });
  load_or_note(info, [&] { info.last_run = last_report(paths, app, "run"); });
  load_or_note(info, [&] { info.journal = upgrade::Journal::load(info.state_folder / "journal.toml"); });
  info.plans_kept = stored_reports(paths, app, "plan").size();
  info.runs_kept = stored_reports(paths, app, "run").size();
  info.exports_kept = count_files(info.state_folder / "exports", ".dump");
  load_or_note(info, [&] { info.schedule = schedule::load_schedule(paths, app); });
  load_or_note(info, [&] { info.schedule_last = schedule::load_last_run(paths, app); });
  return info;
}

std::vector<InfoRow> info_rows(const AppInfo& info)
{
  std::vector<InfoRow> rows;
  rows.push_back({"state-folder", "Pgupgrade state folder", json::string(info.state_folder.string())});
  add_report_rows(rows, "plan", info.last_plan);
  add_report_rows(rows, "run", info.last_run);
  rows.push_back({"last-run-error", "Pgupgrade last run error",
                  info.last_run ? text_or_null(info.last_run->error) : json::value(nullptr)});
  rows.push_back({"journal-state", "Pgupgrade journal state", info.journal ? text_or_null(info.journal->state) : json::value(nullptr)});
  rows.push_back(
    {"journal-updated", "Pgupgrade journal updated", info.journal ? text_or_null(info.journal->updated) : json::value(nullptr)});
  rows.push_back({"exports-kept", "Pgupgrade exports kept", info.exports_kept});
  rows.push_back({"plans-kept", "Pgupgrade plans kept", info.plans_kept});
  rows.push_back({"runs-kept", "Pgupgrade runs kept", info.runs_kept});
  add_schedule_rows(rows, info);
  for (auto& row : rows) {
    if (row.value.is_string()) {
      row.value = clean_text(row.value.as_string());
    }
  }
  return rows;
}

std::string row_text(const InfoRow& row)
{
  if (row.value.is_null()) {
    return {};
  }
  if (row.value.is_string()) {
    return std::string(row.value.as_string());
  }
  return json::serialize(row.value);
}

std::string render_app_text(const AppInfo& info)
{
  std::string text = fmt::format("=====> {} pgupgrade information\n", info.app);
  for (const auto& row : info_rows(info)) {
    auto line = fmt::format("       {:<{}} {}", row.label + ":", label_width, row_text(row));
    line.erase(line.find_last_not_of(' ') + 1);
    text += line + "\n";
  }
  if (info.last_plan) {
    text += render(*info.last_plan, upgrade::ReportFormat::text);
  }
  if (info.last_run) {
    text += render(*info.last_run, upgrade::ReportFormat::text);
  }
  return text;
}

json::object app_json(const AppInfo& info)
{
  json::object fields;
  for (const auto& row : info_rows(info)) {
    fields[json_key(row.key)] = row.value;
  }
  json::object object;
  object["schema_version"] = schema_version;
  object["kind"] = "app";
  object["app"] = info.app;
  object["generated"] = info.generated;
  object["helper_version"] = PGUPGRADE_VERSION;
  object["info"] = std::move(fields);
  object["last_plan"] = info.last_plan ? json::value(to_json(cleaned(*info.last_plan))) : json::value(nullptr);
  object["last_run"] = info.last_run ? json::value(to_json(cleaned(*info.last_run))) : json::value(nullptr);
  return object;
}

} // namespace pgu::report
