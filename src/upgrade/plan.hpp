#pragma once

#include "host/service_files.hpp"
#include "pg/image_ref.hpp"
#include "upgrade/check.hpp"
#include "upgrade/settings.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pgu::upgrade {

// What preflight found out and decided: everything the steps need, none of it secret, all of
// it kept in the journal so a resumed or rolled-back upgrade acts on the same facts.
struct Plan {
  Settings settings;
  std::string old_service;
  std::string new_service;
  pg::ImageRef old_image;
  pg::ImageRef target;
  int old_major = 0;
  int target_major = 0;         // 0 while unknown (image not pulled yet)
  std::string old_server_version;
  std::string target_created;   // RFC 3339, empty until the image is on the host
  std::string scheme = "postgres"; // the app's POSTGRES_DATABASE_SCHEME
  std::int64_t database_bytes = 0;
  bool maintenance_was_enabled = false;
  std::optional<host::BackupSchedule> backup; // effective bucket, schedule and IAM flag
  bool old_has_backup_auth = false;
  std::vector<std::string> extensions;        // installed in the old database
  std::vector<std::string> url_variables;     // the app's variables pointing at the old service
  std::vector<CheckResult> checks;

  bool blocked() const;
};

// <app>-<image name>-<version with . as _>-<image Created YYYY-MM-DD> (the seed's convention).
std::string default_new_service_name(const std::string& app, const pg::ImageRef& target, const std::string& created);

} // namespace pgu::upgrade
