#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pgu::host {
struct Paths;
}

namespace pgu::schedule {

// plan: a recurring pgupgrade:plan; upgrade: one pgupgrade:run at the next matching time.
enum class Kind { plan, upgrade };

std::string to_string(Kind kind);

// One app's schedule, kept in DOKKU_LIB_ROOT/data/pgupgrade/<app>/schedule.toml. No secrets:
// run's flags name services, buckets and files, never credentials.
struct Schedule {
  std::string app;
  Kind kind = Kind::plan;
  std::string cron;                   // normalised (CronExpression::text())
  std::string image;                  // repository, e.g. postgres
  std::string version;                // tag, e.g. 17.10
  std::vector<std::string> arguments; // <image> <version> and run's flags as given, read again by each run
  std::string created;                // UTC, RFC 3339

  std::string target() const { return image + ":" + version; }
};

// What the last scheduled run did; kept beside the schedule and after a one-shot upgrade
// removed it, so that pgupgrade:report can say what happened.
struct LastRun {
  Kind kind = Kind::plan;
  std::string cron;
  std::string target;
  std::string started;  // UTC
  std::string finished; // UTC
  // plan: ready, blocked; upgrade: done, rolled-back, failed, interrupted, blocked;
  // both: busy (another pgupgrade command held the app), error (it could not start)
  std::string outcome;
  int exit_code = 0;
  std::string message; // one line, secrets masked
  std::string report;  // the kept report's file name, if one was written
};

std::filesystem::path schedule_file(const host::Paths& paths, const std::string& app);
std::filesystem::path last_run_file(const host::Paths& paths, const std::string& app);

// Throws a failure naming the file when it is damaged.
std::optional<Schedule> load_schedule(const host::Paths& paths, const std::string& app);
// Atomically (util/files), owner-only, in the app's state folder (created 0700 if missing).
void save_schedule(const host::Paths& paths, const Schedule& schedule);
// Whether there was one to remove.
bool remove_schedule(const host::Paths& paths, const std::string& app);

// Every app's schedule, by app name; damaged files are skipped and named in `problems`.
std::vector<Schedule> all_schedules(const host::Paths& paths, std::vector<std::string>& problems);

std::optional<LastRun> load_last_run(const host::Paths& paths, const std::string& app);
void save_last_run(const host::Paths& paths, const std::string& app, const LastRun& run);

// apps:rename: the schedule and the last run's record follow the app. Returns whether a
// schedule moved. A schedule already kept for the new name is replaced.
bool move_schedule(const host::Paths& paths, const std::string& old_app, const std::string& new_app);

} // namespace pgu::schedule
