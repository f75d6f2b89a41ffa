#include "host/service_files.hpp"

#include "host/names.hpp"
#include "util/secrets.hpp"

#include <fstream>
#include <sstream>

namespace pgu::host {

namespace {

std::optional<std::string> read_file(const std::filesystem::path& file)
{
  std::ifstream stream(file);
  if (!stream) {
    return std::nullopt;
  }
  std::ostringstream text;
  text << stream.rdbuf();
  return trim(text.str());
}

std::string read_or_empty(const std::filesystem::path& file)
{
  return read_file(file).value_or(std::string());
}

std::vector<std::string> words(const std::string& line)
{
  std::istringstream stream(line);
  std::vector<std::string> result;
  for (std::string word; stream >> word;) {
    result.push_back(word);
  }
  return result;
}

} // namespace

ServiceFiles ServiceFiles::read(const Paths& paths, const std::string& service)
{
  const auto dir = paths.service_dir(service);
  ServiceFiles files;
  files.name = service;
  files.password = read_or_empty(dir / "PASSWORD");
  secrets().add(files.password);
  files.image = read_or_empty(dir / "IMAGE");
  files.image_version = read_or_empty(dir / "IMAGE_VERSION");
  files.database = read_file(dir / "DATABASE_NAME").value_or(service_database(service));
  files.config_options = read_or_empty(dir / "CONFIG_OPTIONS");
  for (auto& line : split_lines(read_or_empty(dir / "ENV"))) {
    if (!trim(line).empty()) {
      const auto equals = line.find('=');
      if (equals != std::string::npos) {
        secrets().add(line.substr(equals + 1));
      }
      files.custom_env.push_back(trim(line));
    }
  }
  files.memory = read_file(dir / "SERVICE_MEMORY");
  files.shm_size = read_file(dir / "SHM_SIZE");
  const auto backup = dir / "backup";
  auto key_id = read_file(backup / "AWS_ACCESS_KEY_ID");
  auto secret = read_file(backup / "AWS_SECRET_ACCESS_KEY");
  if (key_id && secret) {
    BackupAuth auth{*key_id, *secret, read_or_empty(backup / "AWS_DEFAULT_REGION"),
                    read_or_empty(backup / "AWS_SIGNATURE_VERSION"), read_or_empty(backup / "ENDPOINT_URL")};
    secrets().add(auth.access_key_id);
    secrets().add(auth.secret_access_key);
    files.backup_auth = std::move(auth);
  }
  return files;
}

ServiceOptions ServiceFiles::options_for(const pg::ImageRef& image) const
{
  ServiceOptions options;
  options.image = image;
  options.config_options = config_options;
  options.custom_env = custom_env;
  // SERVICE_MEMORY holds "--memory=Nm" style values in some versions; keep just the number.
  if (memory) {
    auto value = *memory;
    if (const auto equals = value.find('='); equals != std::string::npos) {
      value = value.substr(equals + 1);
    }
    if (!value.empty() && value.back() == 'm') {
      value.pop_back();
    }
    options.memory = value;
  }
  if (shm_size) {
    auto value = *shm_size;
    if (const auto equals = value.find('='); equals != std::string::npos) {
      value = value.substr(equals + 1);
    }
    options.shm_size = value;
  }
  return options;
}

std::optional<BackupSchedule> parse_backup_schedule(const std::string& line, const std::string& service)
{
  const auto tokens = words(line);
  std::size_t user = 0;
  while (user < tokens.size() && tokens[user] != "dokku") {
    ++user;
  }
  for (std::size_t i = user; i + 2 < tokens.size(); ++i) {
    if (tokens[i] == "postgres:backup" && tokens[i + 1] == service) {
      BackupSchedule schedule;
      for (std::size_t j = 0; j < user; ++j) {
        schedule.schedule += (j ? " " : "") + tokens[j];
      }
      schedule.bucket = tokens[i + 2];
      schedule.use_iam = i + 3 < tokens.size() && (tokens[i + 3] == "--use-iam" || tokens[i + 3] == "-u");
      if (schedule.schedule.empty()) {
        return std::nullopt;
      }
      return schedule;
    }
  }
  return std::nullopt;
}

} // namespace pgu::host
