#include "host/paths.hpp"

#include <cstdlib>

namespace pgu::host {

namespace {

std::filesystem::path env_or(const char* name, const std::filesystem::path& fallback)
{
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::filesystem::path(value) : fallback;
}

} // namespace

Paths Paths::from_environment()
{
  Paths paths;
  paths.lib_root = env_or("DOKKU_LIB_ROOT", "/var/lib/dokku");
  paths.dokku_root = env_or("DOKKU_ROOT", "/home/dokku");
  paths.plugins_enabled = env_or("PLUGIN_ENABLED_PATH", paths.lib_root / "plugins" / "enabled");
  paths.logs = env_or("DOKKU_LOGS_DIR", "/var/log/dokku");
  paths.postgres_root = env_or("POSTGRES_ROOT", paths.lib_root / "services" / "postgres");
  const auto lib_host_root = env_or("DOKKU_LIB_HOST_ROOT", paths.lib_root);
  paths.postgres_host_root = env_or("POSTGRES_HOST_ROOT", lib_host_root / "services" / "postgres");
  paths.state = paths.lib_root / "data" / "pgupgrade";
  return paths;
}

} // namespace pgu::host
