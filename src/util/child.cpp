#include "util/child.hpp"

#include <sys/wait.h>

namespace bp = boost::process;

namespace pgu::child {

boost::filesystem::path executable(const Command& command)
{
  const auto& name = command.argv.front();
  return name.find('/') != std::string::npos ? boost::filesystem::path(name) : bp::search_path(name);
}

bp::environment environment(const Command& command)
{
  bp::environment env = boost::this_process::environment();
  for (const auto& name : command.unset_env) {
    env.erase(name);
  }
  for (const auto& [name, value] : command.set_env) {
    env[name] = value;
  }
  return env;
}

std::vector<std::string> arguments(const Command& command)
{
  return {command.argv.begin() + 1, command.argv.end()};
}

int exit_status(int native)
{
  if (WIFEXITED(native)) {
    return WEXITSTATUS(native);
  }
  return WIFSIGNALED(native) ? 128 + WTERMSIG(native) : 1;
}

} // namespace pgu::child
