#pragma once

#include "host/cli_client.hpp"
#include "pg/image_ref.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pgu::host {

// How a new service is created: the target image and what it keeps from the old service.
struct ServiceOptions {
  pg::ImageRef image;
  std::string config_options;          // CONFIG_OPTIONS (server arguments)
  std::vector<std::string> custom_env; // ENV lines, K=V
  std::optional<std::string> memory;   // SERVICE_MEMORY (MB)
  std::optional<std::string> shm_size; // SHM_SIZE
};

// S3 settings of a service, from its backup/ folder. The secret never leaves this struct
// except as an argument of backup-auth, which is masked wherever it is shown.
struct BackupAuth {
  std::string access_key_id;
  std::string secret_access_key;
  std::string region;
  std::string signature_version;
  std::string endpoint_url;
};

// The typed client for `dokku`: every dokku command the plugin runs is built here, as an argv
// vector. Mutating commands are also available unrun (…_command) so a plan can list them.
class Dokku : public CliClient {
public:
  using CliClient::CliClient;

  bool app_exists(const std::string& app) const;
  std::map<std::string, std::string> config(const std::string& app) const;
  Command config_unset_command(const std::string& app, const std::vector<std::string>& keys) const;

  bool maintenance_enabled(const std::string& app) const;
  // ps:report's --deployed and --running values ("true", "false", "mixed").
  std::string ps_report(const std::string& app, const std::string& flag) const;
  Command maintenance_command(const std::string& app, bool enable) const;

  bool service_exists(const std::string& service) const;
  std::vector<std::string> services() const;
  std::vector<std::string> app_services(const std::string& app) const;
  std::vector<std::string> service_links(const std::string& service) const;
  std::string service_info(const std::string& service, const std::string& flag) const;
  std::optional<std::string> backup_schedule_line(const std::string& service) const;

  Command create_command(const std::string& service, const ServiceOptions& options) const;
  Command export_command(const std::string& service, const std::filesystem::path& file) const;
  Command backup_auth_command(const std::string& service, const BackupAuth& auth) const;
  Command backup_command(const std::string& service, const std::string& bucket, bool use_iam) const;
  Command backup_schedule_command(const std::string& service, const std::string& schedule, const std::string& bucket,
                                  bool use_iam) const;
  Command backup_unschedule_command(const std::string& service) const;
  Command backup_deauth_command(const std::string& service) const;
  Command link_command(const std::string& service, const std::string& app) const;
  Command promote_command(const std::string& service, const std::string& app) const;
  Command unlink_command(const std::string& service, const std::string& app) const;
  Command destroy_command(const std::string& service) const;
  Command start_command(const std::string& service) const;
  Command stop_command(const std::string& service) const;
};

} // namespace pgu::host
