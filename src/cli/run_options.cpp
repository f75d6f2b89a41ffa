#include "cli/run_options.hpp"

#include "host/names.hpp"
#include "pg/image_ref.hpp"
#include "util/error.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <sstream>

#include <unistd.h>

namespace po = boost::program_options;

namespace pgu::cli {

namespace {

constexpr unsigned most_exports_kept = 1000;
constexpr unsigned longest_timeout = 7 * 24 * 3600;

po::options_description run_flags()
{
  po::options_description flags("Flags");
  // clang-format off
  flags.add_options()
    ("service", po::value<std::string>(), "the service to upgrade (default: the one behind DATABASE_URL)")
    ("new-service", po::value<std::string>(), "name of the new service (default: <app>-<image>-<version>-<image date>)")
    ("bucket", po::value<std::string>(), "S3 bucket for backups (default: the old service's backup schedule's)")
    ("schedule", po::value<std::string>(), "backup schedule of the new service (default: the old service's)")
    ("allow-downgrade", "allow a target major lower than the current one")
    ("skip-backup", "upgrade without the S3 backups")
    ("keep-old", "keep the old service until pgupgrade:finalize")
    ("keep-failed", "keep the new service when the upgrade fails")
    ("keep-exports", po::value<unsigned>(), "local safety exports to keep (default 3)")
    ("verify", po::value<std::string>(), "counts (default) or checksums")
    ("dry-run", "check and print the plan, change nothing")
    ("format", po::value<std::string>(), "report format: text (default), json, markdown, junit")
    ("report-file", po::value<std::string>(), "also write the report in --format to this file")
    ("command-timeout", po::value<unsigned>(), "seconds any single command may take (default 3600)");
  // clang-format on
  return flags;
}

std::string required(const po::variables_map& values, const char* name)
{
  return values.count(name) ? values[name].as<std::string>() : std::string();
}

upgrade::VerifyMode parse_verify(const std::string& text)
{
  if (text == "counts") {
    return upgrade::VerifyMode::counts;
  }
  if (text == "checksums") {
    return upgrade::VerifyMode::checksums;
  }
  throw usage_error(fmt::format("Invalid --verify {}: use counts or checksums", host::printable(text)));
}

upgrade::ReportFormat parse_format(const std::string& text)
{
  for (auto format : {upgrade::ReportFormat::text, upgrade::ReportFormat::json, upgrade::ReportFormat::markdown,
                      upgrade::ReportFormat::junit}) {
    if (text == upgrade::to_string(format)) {
      return format;
    }
  }
  throw usage_error(fmt::format("Invalid --format {}: use text, json, markdown or junit", host::printable(text)));
}

// The operator names the report file; its folder must be there and writable before anything
// runs, so a finished upgrade never ends in "cannot write the report".
std::string checked_report_file(const std::string& file)
{
  if (file.empty()) {
    throw usage_error("Invalid --report-file: empty path");
  }
  const std::filesystem::path path(file);
  const auto folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::error_code error;
  if (!std::filesystem::is_directory(folder, error)) {
    throw usage_error(fmt::format("Invalid --report-file {}: the folder {} does not exist", host::printable(file),
                                  host::printable(folder.string())));
  }
  if (std::filesystem::is_directory(path, error)) {
    throw usage_error(fmt::format("Invalid --report-file {}: it is a folder, give a file name", host::printable(file)));
  }
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    throw usage_error(fmt::format("Invalid --report-file {}: the folder {} is not writable by this user", host::printable(file),
                                  host::printable(folder.string())));
  }
  return file;
}

std::string checked_service(const std::string& name, const char* flag)
{
  if (!host::is_valid_service_name(name)) {
    throw usage_error(fmt::format("Invalid {} {}: a service name is letters, digits, '_' and '-' (at most 100)",
                                  flag, host::printable(name)));
  }
  return name;
}

} // namespace

upgrade::Settings parse_run_settings(const std::vector<std::string>& args)
{
  po::options_description hidden;
  hidden.add_options()("app", po::value<std::string>())("image", po::value<std::string>())("version", po::value<std::string>());
  po::positional_options_description positional;
  positional.add("app", 1).add("image", 1).add("version", 1);
  po::options_description all;
  all.add(run_flags()).add(hidden);

  po::variables_map values;
  try {
    po::store(po::command_line_parser(args)
                .options(all)
                .positional(positional)
                .style(po::command_line_style::default_style & ~po::command_line_style::allow_guessing)
                .run(),
              values);
    po::notify(values);
  } catch (const po::too_many_positional_options_error&) {
    throw usage_error("Too many arguments: expected <app> <image> <version> [--flags]");
  } catch (const po::unknown_option& e) {
    // Never e.what(): Boost fills '%canonical_option%'-style placeholders in a loop that never
    // ends when the user's text contains one (found by the fuzzer).
    throw usage_error(fmt::format("unrecognised option '{}'", host::printable(e.get_option_name())));
  } catch (const po::error_with_option_name& e) {
    throw usage_error(fmt::format("Invalid or missing value for {}", host::printable(e.get_option_name())));
  } catch (const po::error&) {
    throw usage_error("Invalid arguments: expected <app> <image> <version> [--flags]");
  }

  upgrade::Settings settings;
  settings.app = required(values, "app");
  if (settings.app.empty()) {
    throw usage_error("Please specify an app to run the command on");
  }
  if (!host::is_valid_app_name(settings.app)) {
    throw usage_error(fmt::format("Invalid app name {}: lowercase letters, digits and '-' (at most 100)",
                                  host::printable(settings.app)));
  }
  const auto image = required(values, "image");
  const auto version = required(values, "version");
  if (image.empty() || version.empty()) {
    throw usage_error("Please specify the image and the version to upgrade to, e.g. postgres 17.10");
  }
  const auto reference = pg::parse_image_ref(image, version);
  settings.image = reference.repository;
  settings.version = reference.tag;

  if (values.count("service")) {
    settings.service = checked_service(values["service"].as<std::string>(), "--service");
  }
  if (values.count("new-service")) {
    settings.new_service = checked_service(values["new-service"].as<std::string>(), "--new-service");
  }
  if (values.count("bucket")) {
    settings.bucket = values["bucket"].as<std::string>();
    if (settings.bucket->empty() || settings.bucket->find_first_of(" \t\n;'\"\\") != std::string::npos) {
      throw usage_error(fmt::format("Invalid --bucket {}", host::printable(*settings.bucket)));
    }
  }
  if (values.count("schedule")) {
    settings.schedule = values["schedule"].as<std::string>();
  }
  settings.allow_downgrade = values.count("allow-downgrade") > 0;
  settings.skip_backup = values.count("skip-backup") > 0;
  settings.keep_old = values.count("keep-old") > 0;
  settings.keep_failed = values.count("keep-failed") > 0;
  settings.dry_run = values.count("dry-run") > 0;
  if (values.count("keep-exports")) {
    settings.keep_exports = values["keep-exports"].as<unsigned>();
    if (settings.keep_exports < 1 || settings.keep_exports > most_exports_kept) {
      throw usage_error("Invalid --keep-exports: keep between 1 and 1000 exports");
    }
  }
  if (values.count("verify")) {
    settings.verify = parse_verify(values["verify"].as<std::string>());
  }
  if (values.count("format")) {
    settings.format = parse_format(values["format"].as<std::string>());
  }
  if (values.count("report-file")) {
    settings.report_file = checked_report_file(values["report-file"].as<std::string>());
  }
  if (values.count("command-timeout")) {
    settings.command_timeout_seconds = values["command-timeout"].as<unsigned>();
    if (settings.command_timeout_seconds < 1 || settings.command_timeout_seconds > longest_timeout) {
      throw usage_error("Invalid --command-timeout: between 1 second and 7 days");
    }
  }
  return settings;
}

std::string run_flags_help()
{
  std::ostringstream text;
  text << run_flags();
  return text.str();
}

} // namespace pgu::cli
