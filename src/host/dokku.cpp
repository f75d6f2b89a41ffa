#include "host/dokku.hpp"

#include "util/secrets.hpp"

#include <boost/json.hpp>

namespace pgu::host {

bool Dokku::app_exists(const std::string& app) const
{
  return run(make({"dokku", "apps:exists", app})).ok();
}

std::map<std::string, std::string> Dokku::config(const std::string& app) const
{
  const auto text = run_checked(make({"dokku", "config:export", "--format", "json", app}));
  std::map<std::string, std::string> values;
  const auto parsed = boost::json::parse(text);
  for (const auto& [key, value] : parsed.as_object()) {
    values.emplace(std::string(key), value.is_string() ? std::string(value.as_string()) : boost::json::serialize(value));
  }
  return values;
}

Command Dokku::config_unset_command(const std::string& app, const std::vector<std::string>& keys) const
{
  std::vector<std::string> argv{"dokku", "config:unset", "--no-restart", app};
  argv.insert(argv.end(), keys.begin(), keys.end());
  return make(std::move(argv));
}

bool Dokku::maintenance_enabled(const std::string& app) const
{
  return trim(run_checked(make({"dokku", "maintenance:report", app, "--maintenance-enabled"}))) == "true";
}

std::string Dokku::ps_report(const std::string& app, const std::string& flag) const
{
  return trim(run_checked(make({"dokku", "ps:report", app, flag})));
}

Command Dokku::maintenance_command(const std::string& app, bool enable) const
{
  return make({"dokku", enable ? "maintenance:enable" : "maintenance:disable", app});
}

bool Dokku::service_exists(const std::string& service) const
{
  return run(make({"dokku", "postgres:exists", service})).ok();
}

std::vector<std::string> Dokku::services() const
{
  std::vector<std::string> names;
  for (auto& line : split_lines(run_checked(make({"dokku", "--quiet", "postgres:list"})))) {
    if (!line.empty() && !line.starts_with(" !") && !line.starts_with("=====>")) {
      names.push_back(trim(line));
    }
  }
  return names;
}

std::vector<std::string> Dokku::app_services(const std::string& app) const
{
  return split_lines(run_checked(make({"dokku", "postgres:app-links", app})));
}

std::vector<std::string> Dokku::service_links(const std::string& service) const
{
  return split_lines(run_checked(make({"dokku", "postgres:links", service})));
}

std::string Dokku::service_info(const std::string& service, const std::string& flag) const
{
  return trim(run_checked(make({"dokku", "postgres:info", service, flag})));
}

std::optional<std::string> Dokku::backup_schedule_line(const std::string& service) const
{
  const auto result = run(make({"dokku", "postgres:backup-schedule-cat", service}));
  if (!result.ok()) {
    return std::nullopt;
  }
  return trim(result.out);
}

Command Dokku::create_command(const std::string& service, const ServiceOptions& options) const
{
  // Flags right after the positional, space-separated: dokku-postgres parses with getopts.
  std::vector<std::string> argv{"dokku", "postgres:create", service, "--image", options.image.repository,
                                "--image-version", options.image.tag};
  if (!options.config_options.empty()) {
    argv.insert(argv.end(), {"--config-options", options.config_options});
  }
  if (!options.custom_env.empty()) {
    std::string joined;
    for (const auto& line : options.custom_env) {
      joined += (joined.empty() ? "" : ";") + line;
    }
    argv.insert(argv.end(), {"--custom-env", joined});
  }
  if (options.memory) {
    argv.insert(argv.end(), {"--memory", *options.memory});
  }
  if (options.shm_size) {
    argv.insert(argv.end(), {"--shm-size", *options.shm_size});
  }
  return make(std::move(argv));
}

Command Dokku::export_command(const std::string& service, const std::filesystem::path& file) const
{
  auto command = make({"dokku", "postgres:export", service});
  command.output_file = file;
  return command;
}

Command Dokku::backup_auth_command(const std::string& service, const BackupAuth& auth) const
{
  secrets().add(auth.access_key_id);
  secrets().add(auth.secret_access_key);
  std::vector<std::string> argv{"dokku", "postgres:backup-auth", service, auth.access_key_id, auth.secret_access_key};
  // The optional arguments are positional: an endpoint needs a region and a signature version.
  const std::vector<std::string> optional{auth.region, auth.signature_version, auth.endpoint_url};
  std::size_t last = 0;
  for (std::size_t i = 0; i < optional.size(); ++i) {
    if (!optional[i].empty()) {
      last = i + 1;
    }
  }
  // Empty words in the middle reproduce the old settings exactly: backup-auth skips them.
  argv.insert(argv.end(), optional.begin(), optional.begin() + static_cast<std::ptrdiff_t>(last));
  return make(std::move(argv));
}

Command Dokku::backup_command(const std::string& service, const std::string& bucket, bool use_iam) const
{
  std::vector<std::string> argv{"dokku", "postgres:backup", service, bucket};
  if (use_iam) {
    argv.emplace_back("--use-iam");
  }
  return make(std::move(argv));
}

Command Dokku::backup_schedule_command(const std::string& service, const std::string& schedule, const std::string& bucket,
                                       bool use_iam) const
{
  std::vector<std::string> argv{"dokku", "postgres:backup-schedule", service, schedule, bucket};
  if (use_iam) {
    argv.emplace_back("--use-iam");
  }
  return make(std::move(argv));
}

Command Dokku::backup_unschedule_command(const std::string& service) const
{
  return make({"dokku", "postgres:backup-unschedule", service});
}

Command Dokku::backup_deauth_command(const std::string& service) const
{
  return make({"dokku", "postgres:backup-deauth", service});
}

Command Dokku::link_command(const std::string& service, const std::string& app) const
{
  // The app restarts once, at promote; linking first need not restart it.
  return make({"dokku", "postgres:link", service, app, "--no-restart"});
}

Command Dokku::promote_command(const std::string& service, const std::string& app) const
{
  return make({"dokku", "postgres:promote", service, app});
}

Command Dokku::unlink_command(const std::string& service, const std::string& app) const
{
  // unlink honours --no-restart only through Dokku's global flags.
  return make({"dokku", "--no-restart", "postgres:unlink", service, app});
}

Command Dokku::destroy_command(const std::string& service) const
{
  return make({"dokku", "postgres:destroy", service, "-f"});
}

Command Dokku::start_command(const std::string& service) const
{
  return make({"dokku", "postgres:start", service});
}

Command Dokku::stop_command(const std::string& service) const
{
  return make({"dokku", "postgres:stop", service});
}

} // namespace pgu::host
