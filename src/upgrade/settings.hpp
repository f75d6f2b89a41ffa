#pragma once

#include <optional>
#include <string>

namespace pgu::upgrade {

enum class VerifyMode { counts, checksums };
enum class ReportFormat { text, json, markdown, junit };

// Everything the operator chose for one upgrade (pgupgrade:run / plan / schedule). No secrets.
struct Settings {
  std::string app;
  std::string image;   // repository, e.g. "postgres" or "postgis/postgis"
  std::string version; // tag, e.g. "17.10" or "15-3.3"
  std::optional<std::string> service;     // --service: the old service (default: behind DATABASE_URL)
  std::optional<std::string> new_service; // --new-service
  std::optional<std::string> bucket;      // --bucket (default: from the old service's backup schedule)
  std::optional<std::string> schedule;    // --schedule (default: the old service's)
  bool allow_downgrade = false;
  bool skip_backup = false;
  bool keep_old = false;
  bool keep_failed = false;
  bool dry_run = false;
  unsigned keep_exports = 3;
  VerifyMode verify = VerifyMode::counts;
  ReportFormat format = ReportFormat::text;
  std::optional<std::string> report_file;
  unsigned command_timeout_seconds = 3600; // any single child process
};

std::string to_string(VerifyMode mode);
std::string to_string(ReportFormat format);

} // namespace pgu::upgrade
