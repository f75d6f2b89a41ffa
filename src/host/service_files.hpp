#pragma once

#include "host/dokku.hpp"
#include "host/paths.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pgu::host {

// A dokku-postgres service as its folder describes it (contract §1.6). Read directly: the
// dokku user owns these files and dokku-postgres offers no command for most of them.
struct ServiceFiles {
  std::string name;
  std::string password;
  std::string image;
  std::string image_version;
  std::string database;
  std::string config_options;
  std::vector<std::string> custom_env;
  std::optional<std::string> memory;
  std::optional<std::string> shm_size;
  std::optional<BackupAuth> backup_auth; // present when both key files exist

  static ServiceFiles read(const Paths& paths, const std::string& service);
  ServiceOptions options_for(const pg::ImageRef& image) const;
};

// One line of /etc/cron.d/dokku-postgres-<S>: `<schedule> dokku <dokku> postgres:backup <S> <bucket> [--use-iam]`.
struct BackupSchedule {
  std::string schedule;
  std::string bucket;
  bool use_iam = false;
};

std::optional<BackupSchedule> parse_backup_schedule(const std::string& line, const std::string& service);

} // namespace pgu::host
