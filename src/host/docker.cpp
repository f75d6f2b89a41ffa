#include "host/docker.hpp"

#include <boost/json.hpp>

namespace pgu::host {

namespace {

// The image dokku-postgres runs its backups with (PLUGIN_S3BACKUP_IMAGE).
constexpr const char* s3backup_image = "dokku/s3backup:0.18.0";

// Official images keep extensions in /usr/share/postgresql/<major>/extension (Debian) or
// /usr/local/share/postgresql/extension (Alpine).
std::string list_extensions_script(int major)
{
  return "for d in /usr/share/postgresql/" + std::to_string(major)
         + R"(/extension /usr/local/share/postgresql/extension; do [ -d "$d" ] && ls "$d"; done; true)";
}

} // namespace

Command Docker::pull_command(const std::string& image) const
{
  return make({"docker", "image", "pull", image});
}

std::optional<std::string> Docker::image_created(const std::string& image) const
{
  const auto result = run(make({"docker", "image", "inspect", "--format", "{{.Created}}", image}));
  if (!result.ok()) {
    return std::nullopt;
  }
  return trim(result.out);
}

std::string Docker::server_version(const std::string& image) const
{
  return trim(run_checked(make({"docker", "container", "run", "--rm", "--entrypoint", "postgres", image, "--version"})));
}

std::set<std::string> Docker::available_extensions(const std::string& image, int major) const
{
  const auto listing = run_checked(
    make({"docker", "container", "run", "--rm", "--entrypoint", "sh", image, "-c", list_extensions_script(major)}));
  std::set<std::string> names;
  constexpr std::string_view suffix = ".control";
  for (const auto& line : split_lines(listing)) {
    const auto name = trim(line);
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      names.insert(name.substr(0, name.size() - suffix.size()));
    }
  }
  return names;
}

Command Docker::bucket_check_command(const std::string& bucket, const std::string& access_key_id, const std::string& secret,
                                     const std::string& region, const std::string& endpoint) const
{
  std::vector<std::string> argv{"docker", "container", "run", "--rm", "--env", "AWS_ACCESS_KEY_ID", "--env", "AWS_SECRET_ACCESS_KEY",
                                "--env", "AWS_DEFAULT_REGION", "--entrypoint", "aws", s3backup_image, "s3api", "head-bucket",
                                "--bucket", bucket.substr(0, bucket.find('/'))};
  if (!endpoint.empty()) {
    argv.insert(argv.end(), {"--endpoint-url", endpoint});
  }
  auto command = make(std::move(argv));
  command.set_env = {{"AWS_ACCESS_KEY_ID", access_key_id},
                     {"AWS_SECRET_ACCESS_KEY", secret},
                     {"AWS_DEFAULT_REGION", region.empty() ? "us-east-1" : region}};
  return command;
}

std::vector<Mount> Docker::container_mounts(const std::string& container) const
{
  const auto text = run_checked(make({"docker", "container", "inspect", "--format", "{{json .Mounts}}", container}));
  std::vector<Mount> mounts;
  const auto parsed = boost::json::parse(text);
  if (!parsed.is_array()) {
    return mounts;
  }
  for (const auto& entry : parsed.as_array()) {
    const auto& object = entry.as_object();
    auto field = [&](const char* name) {
      const auto* value = object.if_contains(name);
      return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
    };
    mounts.push_back({field("Type"), field("Source"), field("Destination")});
  }
  return mounts;
}

bool Docker::container_running(const std::string& container) const
{
  const auto result = run(make({"docker", "container", "inspect", "--format", "{{.State.Running}}", container}));
  return result.ok() && trim(result.out) == "true";
}

Command Docker::exec_command(const std::string& container, const std::vector<std::string>& argv, bool interactive,
                             const std::vector<std::pair<std::string, std::string>>& env) const
{
  std::vector<std::string> words{"docker", "container", "exec"};
  if (interactive) {
    words.emplace_back("-i");
  }
  for (const auto& [name, value] : env) {
    words.insert(words.end(), {"--env", name});
  }
  words.push_back(container);
  words.insert(words.end(), argv.begin(), argv.end());
  auto command = make(std::move(words));
  command.set_env = env;
  return command;
}

} // namespace pgu::host
