#include "cli/arguments.hpp"

#include "util/error.hpp"

#include <cstdlib>

namespace pgu::cli {

namespace {

constexpr std::string_view plugin_prefix = "pgupgrade";

bool env_set(const char* name)
{
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0';
}

} // namespace

Invocation parse_invocation(const std::vector<std::string>& argv)
{
  Invocation invocation;
  invocation.flags.quiet = env_set("DOKKU_QUIET_OUTPUT");
  invocation.flags.trace = env_set("DOKKU_TRACE");
  invocation.flags.force = env_set("DOKKU_APPS_FORCE_DELETE");

  std::size_t first = 1;
  if (argv.size() > 1) {
    const std::string& word = argv[1];
    if (word == plugin_prefix) {
      first = 2;
    } else if (word.starts_with(std::string(plugin_prefix) + ":")) {
      invocation.command = word.substr(plugin_prefix.size() + 1);
      first = 2;
    }
  }

  std::string app_flag;
  for (std::size_t i = first; i < argv.size(); ++i) {
    const std::string& word = argv[i];
    if (word == "--quiet") {
      invocation.flags.quiet = true;
    } else if (word == "--trace") {
      invocation.flags.trace = true;
    } else if (word == "--force") {
      invocation.flags.force = true;
    } else if (word == "--app") {
      if (i + 1 >= argv.size()) {
        throw usage_error("--app needs an app name");
      }
      app_flag = argv[++i];
    } else {
      invocation.args.push_back(word);
    }
  }

  // Community plugins must honour --app themselves (Dokku injects it only for core plugins).
  const char* app_env = std::getenv("DOKKU_APP_NAME");
  const std::string app = !app_flag.empty() ? app_flag : (app_env != nullptr ? app_env : "");
  if (!app.empty()) {
    invocation.args.insert(invocation.args.begin(), app);
  }
  return invocation;
}

} // namespace pgu::cli
