#include "upgrade/preflight.hpp"

#include "host/names.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include <sys/stat.h>
#include <sys/statvfs.h>

namespace pgu::upgrade {

namespace {

constexpr std::int64_t mebibyte = std::int64_t{1024} * 1024;
// A restore writes its tables, indexes and WAL fresh; leave room above the old size.
constexpr double new_data_factor = 1.3;
constexpr std::int64_t disk_margin = 256 * mebibyte;

CheckResult pass(std::string id, std::string title, std::string reason)
{
  return {std::move(id), std::move(title), CheckStatus::pass, std::move(reason), {}};
}

CheckResult with_status(CheckResult check, CheckStatus status, std::string reason)
{
  check.status = status;
  check.reason = std::move(reason);
  return check;
}

std::string bytes_text(std::int64_t bytes)
{
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / mebibyte);
}

std::optional<std::int64_t> free_bytes(std::filesystem::path path)
{
  while (!path.empty() && !std::filesystem::exists(path)) {
    path = path.parent_path();
  }
  struct statvfs stats {};
  if (path.empty() || ::statvfs(path.c_str(), &stats) != 0) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(stats.f_bavail) * static_cast<std::int64_t>(stats.f_frsize);
}

std::optional<dev_t> device_of(std::filesystem::path path)
{
  while (!path.empty() && !std::filesystem::exists(path)) {
    path = path.parent_path();
  }
  struct stat info {};
  if (path.empty() || ::stat(path.c_str(), &info) != 0) {
    return std::nullopt;
  }
  return info.st_dev;
}

bool plugin_enabled(const Context& context, const std::string& name)
{
  return std::filesystem::exists(context.paths.plugins_enabled / name);
}

CheckResult check_plugins(Context& context)
{
  auto check = pass("plugins", "dokku-postgres and dokku-maintenance are installed", "both enabled");
  std::vector<std::string> missing;
  for (const char* name : {"postgres", "maintenance"}) {
    check.figures.emplace_back(name, plugin_enabled(context, name) ? "enabled" : "missing");
    if (!plugin_enabled(context, name)) {
      missing.emplace_back(name);
    }
  }
  if (!missing.empty()) {
    return with_status(check, CheckStatus::fail,
                       fmt::format("missing plugin {}: sudo dokku plugin:install https://github.com/dokku/dokku-{}.git",
                                   missing.front(), missing.front()));
  }
  return check;
}

CheckResult find_service(Context& context, const std::map<std::string, std::string>& config)
{
  auto& plan = context.plan;
  auto check = pass("service", "the service to upgrade is linked to the app", "");
  const auto scheme = config.find("POSTGRES_DATABASE_SCHEME");
  plan.scheme = scheme == config.end() || scheme->second.empty() ? "postgres" : scheme->second;
  check.figures.emplace_back("scheme", plan.scheme);

  if (plan.settings.service) {
    plan.old_service = *plan.settings.service;
    if (!context.dokku.service_exists(plan.old_service)) {
      return with_status(check, CheckStatus::fail, fmt::format("Postgres service {} does not exist", plan.old_service));
    }
  } else {
    const auto url = config.find("DATABASE_URL");
    if (url == config.end() || url->second.empty()) {
      return with_status(check, CheckStatus::fail,
                         fmt::format("App {} has no DATABASE_URL: link a postgres service or pass --service", plan.settings.app));
    }
    const auto host = url_host(url->second);
    for (const auto& service : context.dokku.services()) {
      if (host::service_dns_host(service) == host) {
        plan.old_service = service;
      }
    }
    if (plan.old_service.empty()) {
      return with_status(check, CheckStatus::fail,
                         fmt::format("DATABASE_URL of {} points at {}, which is no dokku-postgres service; pass --service",
                                     plan.settings.app, host::printable(host)));
    }
  }
  plan.url_variables = variables_pointing_at(config, plan.old_service);
  check.figures.emplace_back("service", plan.old_service);
  if (plan.url_variables.empty()) {
    return with_status(check, CheckStatus::fail,
                       fmt::format("Service {} is not linked to {}", plan.old_service, plan.settings.app));
  }
  std::string names;
  for (const auto& name : plan.url_variables) {
    names += (names.empty() ? "" : " ") + name;
  }
  check.figures.emplace_back("variables", names);
  check.reason = fmt::format("{} is linked as {}", plan.old_service, names);
  return check;
}

CheckResult check_old_service(Context& context)
{
  auto& plan = context.plan;
  auto check = pass("old-service", "the old service is running and readable", "");
  const auto container = host::service_container(plan.old_service);
  if (!context.docker.container_running(container)) {
    return with_status(check, CheckStatus::fail,
                       fmt::format("Service {} is not running: dokku postgres:start {}", plan.old_service, plan.old_service));
  }
  const auto& files = context.old_files();
  plan.old_image = {files.image, files.image_version};
  const auto database = context.old_database();
  const auto rows = database.query("SELECT current_setting('server_version'), current_setting('server_version_num'),"
                                   " pg_database_size(current_database());");
  if (rows.empty() || rows.front().size() < 3) {
    return with_status(check, CheckStatus::fail, "could not read the server version and database size");
  }
  plan.old_server_version = rows.front()[0];
  plan.old_major = static_cast<int>(std::stol(rows.front()[1]) / 10000);
  plan.database_bytes = std::stoll(rows.front()[2]);
  for (const auto& row : database.query("SELECT extname FROM pg_extension ORDER BY 1;")) {
    plan.extensions.push_back(row.at(0));
  }
  check.figures = {{"image", plan.old_image.full()},
                   {"server version", plan.old_server_version},
                   {"database", files.database},
                   {"database size", bytes_text(plan.database_bytes)}};
  check.reason = fmt::format("{} runs PostgreSQL {}, database {} holds {}", plan.old_service, plan.old_server_version,
                             files.database, bytes_text(plan.database_bytes));
  return check;
}

CheckResult check_new_service(Context& context)
{
  auto& plan = context.plan;
  auto check = pass("new-service", "the new service name is valid and free", "");
  if (plan.settings.new_service) {
    plan.new_service = *plan.settings.new_service;
  } else if (!plan.target_created.empty()) {
    plan.new_service = default_new_service_name(plan.settings.app, plan.target, plan.target_created);
    check.reason = "named after the local image's date; the pull may bring a newer image and date";
  } else {
    return with_status(check, CheckStatus::warn,
                       "named after the image's Created date once it is pulled (or pass --new-service)");
  }
  check.figures.emplace_back("name", plan.new_service);
  if (!host::is_valid_service_name(plan.new_service)) {
    return with_status(check, CheckStatus::fail, fmt::format("Invalid service name {}", host::printable(plan.new_service)));
  }
  if (plan.new_service == plan.old_service || context.dokku.service_exists(plan.new_service)) {
    return with_status(check, CheckStatus::fail,
                       fmt::format("Postgres service {} already exists: pass another --new-service", plan.new_service));
  }
  check.reason = check.reason.empty() ? fmt::format("{} is free", plan.new_service)
                                      : fmt::format("{} is free ({})", plan.new_service, check.reason);
  return check;
}

CheckResult check_disk(Context& context)
{
  const auto& plan = context.plan;
  auto check = pass("disk", "free disk for the safety export and the new data", "");
  const auto export_need = plan.database_bytes + disk_margin;
  const auto data_need = static_cast<std::int64_t>(static_cast<double>(plan.database_bytes) * new_data_factor) + disk_margin;
  const auto export_free = free_bytes(context.paths.state);
  const auto data_free = free_bytes(context.paths.postgres_root);
  if (!export_free || !data_free) {
    return with_status(check, CheckStatus::warn, "could not read the free space");
  }
  const bool same_filesystem = device_of(context.paths.state) == device_of(context.paths.postgres_root);
  check.figures = {{"export needs", bytes_text(export_need)},
                   {"new data needs", bytes_text(data_need)},
                   {"free for exports", bytes_text(*export_free)},
                   {"free for services", bytes_text(*data_free)}};
  const bool enough = same_filesystem ? *data_free >= export_need + data_need
                                      : *export_free >= export_need && *data_free >= data_need;
  if (!enough) {
    return with_status(check, CheckStatus::fail,
                       fmt::format("not enough free disk: need {} for the export and {} for the new data",
                                   bytes_text(export_need), bytes_text(data_need)));
  }
  check.reason = fmt::format("{} free, {} needed", bytes_text(std::min(*export_free, *data_free)),
                             bytes_text(same_filesystem ? export_need + data_need : std::max(export_need, data_need)));
  return check;
}

CheckResult check_backup(Context& context)
{
  auto& plan = context.plan;
  auto check = pass("backup", "backup credentials and a bucket exist", "");
  const auto line = context.dokku.backup_schedule_line(plan.old_service);
  std::optional<host::BackupSchedule> schedule;
  if (line) {
    schedule = host::parse_backup_schedule(*line, plan.old_service);
  }
  plan.old_has_backup_auth = context.old_files().backup_auth.has_value();
  host::BackupSchedule effective;
  if (schedule) {
    effective = *schedule;
  }
  if (plan.settings.bucket) {
    effective.bucket = *plan.settings.bucket;
  }
  if (plan.settings.schedule) {
    effective.schedule = *plan.settings.schedule;
  }
  if (!effective.bucket.empty() || !effective.schedule.empty()) {
    plan.backup = effective;
  }
  check.figures = {{"bucket", effective.bucket.empty() ? "-" : effective.bucket},
                   {"schedule", effective.schedule.empty() ? "-" : effective.schedule},
                   {"credentials", plan.old_has_backup_auth ? "yes" : (effective.use_iam ? "IAM" : "no")}};
  if (plan.settings.skip_backup) {
    check.reason = "skipped by --skip-backup";
    return check;
  }
  if (effective.bucket.empty()) {
    return with_status(check, CheckStatus::fail,
                       fmt::format("No backup bucket: {} has no backup schedule; pass --bucket or --skip-backup", plan.old_service));
  }
  if (!plan.old_has_backup_auth && !effective.use_iam) {
    return with_status(check, CheckStatus::fail,
                       fmt::format("No backup credentials on {}: dokku postgres:backup-auth {} …, or pass --skip-backup",
                                   plan.old_service, plan.old_service));
  }
  if (const auto& auth = context.old_files().backup_auth; auth && !effective.use_iam) {
    const auto reached = context.docker.run(context.docker.bucket_check_command(effective.bucket, auth->access_key_id,
                                                                                auth->secret_access_key, auth->region,
                                                                                auth->endpoint_url));
    if (!reached.ok()) {
      return with_status(check, CheckStatus::fail,
                         fmt::format("Bucket {} is not reachable with the backup credentials of {}: {}", effective.bucket,
                                     plan.old_service, reached.last_error_line()));
    }
  }
  check.reason = fmt::format("bucket {} reachable with the credentials of {}", effective.bucket, plan.old_service);
  if (effective.schedule.empty()) {
    return with_status(check, CheckStatus::warn,
                       fmt::format("{}; {} has no backup schedule: the new service gets none (pass --schedule)", check.reason,
                                   plan.old_service));
  }
  return check;
}

CheckResult check_ownership(Context& context)
{
  auto check = pass("ownership", "owners and grants survive --no-owner --no-acl", "everything is owned by postgres");
  const auto rows = context.old_database().query(
    "SELECT r.rolname, count(*) FROM ("
    " SELECT c.relowner AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    "  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
    " UNION ALL SELECT nspowner FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema')"
    "  AND nspname NOT LIKE 'pg\\_%'"
    " UNION ALL SELECT p.proowner FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
    "  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
    " UNION ALL SELECT g.oid FROM information_schema.role_table_grants t JOIN pg_roles g ON g.rolname = t.grantee"
    ") o JOIN pg_roles r ON r.oid = o.owner WHERE r.rolname <> 'postgres' AND r.rolname NOT LIKE 'pg\\_%'"
    " GROUP BY 1 ORDER BY 1;");
  if (rows.empty()) {
    return check;
  }
  std::string roles;
  for (const auto& row : rows) {
    roles += fmt::format("{}{} ({} objects or grants)", roles.empty() ? "" : ", ", row.at(0), row.at(1));
    check.figures.emplace_back("role " + row.at(0), row.at(1));
  }
  return with_status(check, CheckStatus::warn,
                     fmt::format("dropped by --no-owner --no-acl: {}; in the new database postgres owns everything", roles));
}

CheckResult check_maintenance(Context& context)
{
  auto check = pass("maintenance", "maintenance mode can be switched", "");
  context.plan.maintenance_was_enabled = context.dokku.maintenance_enabled(context.plan.settings.app);
  check.figures.emplace_back("enabled now", context.plan.maintenance_was_enabled ? "true" : "false");
  check.reason = context.plan.maintenance_was_enabled ? "already enabled: it stays enabled after the upgrade"
                                                      : "off now: on for the copy, off after the switch";
  return check;
}

CheckResult check_version(Context& context)
{
  auto& plan = context.plan;
  auto check = pass("version", "the target major is not lower than the current one", "");
  const int target = plan.target_major != 0 ? plan.target_major : plan.target.tag_major().value_or(0);
  check.figures = {{"current major", std::to_string(plan.old_major)},
                   {"target major", target != 0 ? std::to_string(target) : "unknown"}};
  if (target == 0) {
    return with_status(check, CheckStatus::warn, fmt::format("the major of {} is read from the image after the pull", plan.target.full()));
  }
  if (target < plan.old_major && !plan.settings.allow_downgrade) {
    return with_status(check, CheckStatus::fail,
                       fmt::format("{} holds PostgreSQL {}, lower than the current {}: pass --allow-downgrade to force it",
                                   plan.target.full(), target, plan.old_major));
  }
  check.reason = target == plan.old_major ? fmt::format("same major {} (image refresh)", target)
                                          : fmt::format("{} → {}", plan.old_major, target);
  return check;
}

} // namespace

std::string url_host(const std::string& url)
{
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    return {};
  }
  auto authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const auto at = authority.rfind('@'); at != std::string::npos) {
    authority = authority.substr(at + 1);
  }
  return authority.substr(0, authority.find(':'));
}

std::vector<std::string> variables_pointing_at(const std::map<std::string, std::string>& config, const std::string& service)
{
  std::vector<std::string> names;
  const auto host = host::service_dns_host(service);
  for (const auto& [name, value] : config) {
    if (url_host(value) == host) {
      names.push_back(name);
    }
  }
  return names;
}

std::vector<CheckResult> image_checks(Context& context)
{
  auto& plan = context.plan;
  std::vector<CheckResult> checks;
  auto image = pass("target-image", "the target image's real server version", "");
  const auto version_text = context.docker.server_version(plan.target.full());
  const auto major = pg::major_from_version_text(version_text);
  image.figures = {{"image", plan.target.full()}, {"created", plan.target_created}, {"server", version_text}};
  if (!major) {
    checks.push_back(with_status(image, CheckStatus::fail, fmt::format("{} is no PostgreSQL image ({})", plan.target.full(),
                                                                       host::printable(version_text))));
    return checks;
  }
  plan.target_major = *major;
  image.reason = fmt::format("{} holds PostgreSQL {}", plan.target.full(), *major);
  checks.push_back(image);

  auto tag = pass("pg18-tag", "a PostgreSQL 18+ tag starts with its major", "");
  if (*major >= 18 && !plan.target.tag_major()) {
    checks.push_back(with_status(tag, CheckStatus::fail,
                                 fmt::format("tag {} has no leading major: dokku-postgres would mount the data where PostgreSQL {} does "
                                             "not look and the service would not start; use a tag such as {}.x",
                                             plan.target.tag, *major, *major)));
  } else {
    tag.reason = *major >= 18 ? fmt::format("tag {} starts with {}", plan.target.tag, *major) : "not an 18+ image";
    checks.push_back(tag);
  }

  auto extensions = pass("extensions", "every installed extension exists in the target image", "");
  const auto available = context.docker.available_extensions(plan.target.full(), *major);
  std::vector<std::string> missing;
  for (const auto& name : plan.extensions) {
    if (!available.contains(name)) {
      missing.push_back(name);
    }
  }
  std::string installed;
  for (const auto& name : plan.extensions) {
    installed += (installed.empty() ? "" : " ") + name;
  }
  extensions.figures = {{"installed", installed}, {"available in target", std::to_string(available.size())}};
  if (!missing.empty()) {
    std::string names;
    for (const auto& name : missing) {
      names += (names.empty() ? "" : ", ") + name;
    }
    checks.push_back(with_status(extensions, CheckStatus::fail,
                                 fmt::format("{} lacks extension{} {} installed in {}", plan.target.full(),
                                             missing.size() > 1 ? "s" : "", names, plan.old_service)));
  } else {
    extensions.reason = fmt::format("all {} available", plan.extensions.size());
    checks.push_back(extensions);
  }
  return checks;
}

void preflight(Context& context)
{
  auto& plan = context.plan;
  const auto& app = plan.settings.app;
  if (!context.dokku.app_exists(app)) {
    throw Error(ExitCode::app_missing, fmt::format("App {} does not exist", app));
  }
  plan.target = {plan.settings.image, plan.settings.version};
  auto& checks = plan.checks;
  checks.push_back(pass("app", "the app exists", fmt::format("{} exists", app)));
  checks.push_back(check_plugins(context));
  if (checks.back().status == CheckStatus::fail) {
    return;
  }
  checks.push_back(find_service(context, context.dokku.config(app)));
  if (checks.back().status == CheckStatus::fail) {
    return;
  }
  checks.push_back(check_old_service(context));
  if (checks.back().status == CheckStatus::fail) {
    return;
  }
  plan.target_created = context.docker.image_created(plan.target.full()).value_or("");
  if (!plan.target_created.empty()) {
    for (auto& check : image_checks(context)) {
      checks.push_back(std::move(check));
    }
  } else {
    checks.push_back(with_status(pass("target-image", "the target image's real server version", ""), CheckStatus::warn,
                                 fmt::format("{} is not on the host yet: it is pulled before any downtime, then its version and "
                                             "extensions are checked before anything else changes",
                                             plan.target.full())));
  }
  checks.push_back(check_version(context));
  checks.push_back(check_new_service(context));
  checks.push_back(check_disk(context));
  checks.push_back(check_backup(context));
  checks.push_back(check_ownership(context));
  checks.push_back(check_maintenance(context));
}

} // namespace pgu::upgrade
