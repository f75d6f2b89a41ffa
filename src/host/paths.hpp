#pragma once

#include <filesystem>
#include <string>

namespace pgu::host {

// Where things live on a Dokku host, from the environment the dokku dispatcher exports.
struct Paths {
  std::filesystem::path lib_root;        // DOKKU_LIB_ROOT (/var/lib/dokku)
  std::filesystem::path dokku_root;      // DOKKU_ROOT (/home/dokku)
  std::filesystem::path plugins_enabled; // PLUGIN_ENABLED_PATH
  std::filesystem::path logs;            // DOKKU_LOGS_DIR (/var/log/dokku)
  std::filesystem::path postgres_root;   // POSTGRES_ROOT or DOKKU_LIB_ROOT/services/postgres
  std::filesystem::path postgres_host_root; // POSTGRES_HOST_ROOT / DOKKU_LIB_HOST_ROOT (bind-mount sources)
  std::filesystem::path state;           // DOKKU_LIB_ROOT/data/pgupgrade

  static Paths from_environment();

  std::filesystem::path app_state(const std::string& app) const { return state / app; }
  std::filesystem::path service_dir(const std::string& service) const { return postgres_root / service; }
  std::filesystem::path service_data_source(const std::string& service) const
  {
    return postgres_host_root / service / "data";
  }
};

} // namespace pgu::host
