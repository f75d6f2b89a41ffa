#pragma once

#include "host/cli_client.hpp"

#include <string>

namespace pgu::host {

// The typed client for `plugn`: the Dokku triggers the plugin fires itself.
class Plugn : public CliClient {
public:
  using CliClient::CliClient;

  // Ask Dokku to regenerate the dokku user's crontab from every plugin's cron-entries:
  // `scheduler-cron-write` (Dokku 0.36+) and `cron-write` (0.23.2-0.35); each is a no-op where
  // nothing implements it (plugin contract §3.3). Returns "" or what went wrong (one line).
  std::string rewrite_crontab() const;
};

} // namespace pgu::host
