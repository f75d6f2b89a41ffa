#pragma once

#include "host/docker.hpp"
#include "host/dokku.hpp"
#include "host/paths.hpp"
#include "host/service_files.hpp"
#include "pg/database.hpp"
#include "upgrade/plan.hpp"

#include <map>
#include <optional>
#include <string>

namespace pgu {
class Output;
}

namespace pgu::upgrade {

// What every step works with: the host clients, the plan, and the facts steps record for
// later steps and for the report (export file, bytes copied, rows verified, window times).
struct Context {
  Context(const Output& output, host::Paths host_paths, CommandRunner& runner, std::chrono::seconds timeout, Plan upgrade_plan)
    : out(output),
      paths(std::move(host_paths)),
      dokku(runner, timeout),
      docker(runner, timeout),
      plan(std::move(upgrade_plan))
  {
  }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const Output& out;
  host::Paths paths;
  host::Dokku dokku;
  host::Docker docker;
  Plan plan;
  std::map<std::string, std::string> facts;

  // Secrets live only here, read from the services' folders, never journaled.
  const host::ServiceFiles& old_files();
  const host::ServiceFiles& new_files();
  pg::Database old_database();
  pg::Database new_database();
  // Files read before a service existed (or changed) are read again on next use.
  void forget_new_service_files() { new_files_.reset(); }

  std::string fact(const std::string& key) const;

private:
  std::optional<host::ServiceFiles> old_files_;
  std::optional<host::ServiceFiles> new_files_;
};

} // namespace pgu::upgrade
