#pragma once

#include "report/report.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pgu::host {
struct Paths;
}

namespace pgu::report {

// Reports kept per app and kind (plans, runs) in the app's state folder.
constexpr std::size_t reports_kept = 30;

// DOKKU_LIB_ROOT/data/pgupgrade/<app>/reports: owner-only (0700), one JSON file per report.
std::filesystem::path reports_dir(const host::Paths& paths, const std::string& app);

// Writes a cleaned report as <kind>-<UTC time to the microsecond>-<pid>.json (0600,
// atomically), then removes all but the newest reports_kept of that kind. Returns the file.
std::filesystem::path store_report(const host::Paths& paths, const Report& report);

// The stored reports of one kind ("plan" or "run"), oldest first (names sort by time).
std::vector<std::filesystem::path> stored_reports(const host::Paths& paths, const std::string& app, const std::string& kind);

// The newest stored report of a kind, if any; throws a failure naming a damaged file.
std::optional<Report> last_report(const host::Paths& paths, const std::string& app, const std::string& kind);

Report load_report(const std::filesystem::path& file);

} // namespace pgu::report
