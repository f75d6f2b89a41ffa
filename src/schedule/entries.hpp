#pragma once

#include "schedule/store.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace pgu::schedule {

// What the host's cron runs for an app's schedule: a dokku command, run on the host as the
// dokku user with the crontab's PATH (plugin contract §3.2).
std::string cron_command(const std::string& app);

// DOKKU_LOGS_DIR/pgupgrade-<app>.log (/var/log/dokku, rotated by Dokku's logrotate file).
std::filesystem::path log_file(const host::Paths& paths, const std::string& app);

// The schedule's `cron-entries` line, SCHEDULE;COMMAND;LOGFILE (SCHEDULE;COMMAND when the log
// path cannot be written into a crontab line). None, with `problem` set, when the stored
// schedule would break Dokku's parser or the crontab (a damaged or hand-edited file).
std::optional<std::string> entry_line(const Schedule& schedule, const host::Paths& paths, std::string& problem);

} // namespace pgu::schedule
