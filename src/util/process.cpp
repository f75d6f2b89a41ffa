#include "util/process.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>

#include <csignal>
#include <future>
#include <array>
#include <atomic>
#include <thread>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bp = boost::process;

namespace pgu {

namespace {

constexpr auto grace_period = std::chrono::seconds(5);
constexpr auto poll_interval = std::chrono::milliseconds(20);

// Process groups of running children, in a fixed array of atomics so that a signal handler
// may walk it (terminate_running_children is async-signal-safe).
constexpr std::size_t most_children = 64;
std::array<std::atomic<pid_t>, most_children> running_groups{};

struct RunningGroup {
  explicit RunningGroup(pid_t pid) : pid_(pid) { register_child_group(pid_); }
  ~RunningGroup() { unregister_child_group(pid_); }
  RunningGroup(const RunningGroup&) = delete;
  RunningGroup& operator=(const RunningGroup&) = delete;

private:
  pid_t pid_;
};

struct NewProcessGroup : bp::extend::handler {
  template<typename Executor>
  void on_exec_setup(Executor& /*executor*/) const
  {
    ::setpgid(0, 0);
    // The helper handles SIGINT itself; children must not inherit an ignored disposition.
    (void)::signal(SIGINT, SIG_DFL);
    (void)::signal(SIGTERM, SIG_DFL);
    (void)::signal(SIGPIPE, SIG_DFL);
  }
};

void terminate_group(pid_t pid, bp::child& child)
{
  ::kill(-pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace_period;
  while (child.running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(poll_interval);
  }
  ::kill(-pid, SIGKILL);
}

int decode_status(int native)
{
  if (WIFEXITED(native)) {
    return WEXITSTATUS(native);
  }
  if (WIFSIGNALED(native)) {
    return 128 + WTERMSIG(native);
  }
  return 1;
}

boost::filesystem::path find_executable(const std::string& name)
{
  if (name.find('/') != std::string::npos) {
    return name;
  }
  return bp::search_path(name);
}

bp::environment child_environment(const Command& command)
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

} // namespace

CommandResult ProcessRunner::run(const Command& command)
{
  CommandResult result;
  const auto started = std::chrono::steady_clock::now();
  if (command.argv.empty()) {
    result.exit_code = 127;
    result.err = "empty command";
    return result;
  }
  const auto executable = find_executable(command.argv.front());
  if (executable.empty()) {
    result.exit_code = 127;
    result.err = command.argv.front() + ": command not found";
    return result;
  }
  const std::vector<std::string> args(command.argv.begin() + 1, command.argv.end());

  boost::asio::io_context io;
  std::future<std::string> out;
  std::future<std::string> err;
  const std::string input = command.input.value_or(std::string());
  auto env = child_environment(command);

  auto launch = [&](auto&& stdin_spec, auto&& stdout_spec) {
    return bp::child(executable,
                     bp::args(args),
                     env,
                     std::forward<decltype(stdin_spec)>(stdin_spec),
                     std::forward<decltype(stdout_spec)>(stdout_spec),
                     bp::std_err > err,
                     io,
                     NewProcessGroup{});
  };
  auto launch_with_stdout = [&](auto&& stdin_spec) {
    if (command.output_file) {
      return launch(std::forward<decltype(stdin_spec)>(stdin_spec),
                    bp::std_out > boost::filesystem::path(command.output_file->string()));
    }
    return launch(std::forward<decltype(stdin_spec)>(stdin_spec), bp::std_out > out);
  };

  bp::child child;
  try {
    if (command.input_file) {
      child = launch_with_stdout(bp::std_in < boost::filesystem::path(command.input_file->string()));
    } else if (command.input) {
      child = launch_with_stdout(bp::std_in < boost::asio::buffer(input));
    } else {
      child = launch_with_stdout(bp::std_in < bp::null);
    }
  } catch (const bp::process_error& e) {
    result.exit_code = 127;
    result.err = e.what();
    return result;
  }
  const pid_t pid = child.id();
  RunningGroup registered(pid);

  const auto deadline = started + command.timeout;
  io.run_for(command.timeout);
  while (child.running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(poll_interval);
  }
  if (child.running() || !io.stopped()) {
    result.timed_out = true;
    terminate_group(pid, child);
    io.restart();
    io.run();
  }
  child.wait();
  result.exit_code = result.timed_out ? 124 : decode_status(child.native_exit_code());
  if (!command.output_file) {
    result.out = out.get();
  }
  result.err = err.get();
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return result;
}

void register_child_group(pid_t pid)
{
  for (auto& slot : running_groups) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, pid)) {
      return;
    }
  }
}

void unregister_child_group(pid_t pid)
{
  for (auto& slot : running_groups) {
    pid_t expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) {
      return;
    }
  }
}

void terminate_running_children()
{
  for (auto& slot : running_groups) {
    const pid_t pid = slot.load();
    if (pid > 0) {
      ::kill(-pid, SIGTERM);
    }
  }
}

} // namespace pgu
