#pragma once

#include "host/cli_client.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pgu::host {

struct Mount {
  std::string type;
  std::string source;
  std::string destination;
};

// The typed client for `docker`, limited to what an upgrade needs on a Dokku host.
class Docker : public CliClient {
public:
  using CliClient::CliClient;

  Command pull_command(const std::string& image) const;
  // The image's Created time (RFC 3339), or nothing when the image is not on the host.
  std::optional<std::string> image_created(const std::string& image) const;
  // `postgres --version` run in the image: the server the image really holds.
  std::string server_version(const std::string& image) const;
  // Extension names whose control files the image (of that server major) ships.
  std::set<std::string> available_extensions(const std::string& image, int major) const;

  // `aws s3api head-bucket` in dokku-postgres's own s3backup image, with the service's keys
  // passed by name (never in argv): whether the bucket exists and the keys reach it.
  Command bucket_check_command(const std::string& bucket, const std::string& access_key_id, const std::string& secret,
                               const std::string& region, const std::string& endpoint) const;

  std::vector<Mount> container_mounts(const std::string& container) const;
  bool container_running(const std::string& container) const;

  // `docker container exec [-i] --env NAME… CONTAINER argv…`: variables are passed by name,
  // their values set in docker's own environment, so they never show in a process list.
  Command exec_command(const std::string& container, const std::vector<std::string>& argv, bool interactive,
                       const std::vector<std::pair<std::string, std::string>>& env = {}) const;
};

} // namespace pgu::host
