#include "util/process.hpp"

#include "util/child.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>

#include <csignal>
#include <future>
#include <array>
#include <atomic>
#include <thread>

#include <fcntl.h>
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
std::atomic<bool> cancelled{false};

struct RunningGroup {
  explicit RunningGroup(pid_t pid) : pid_(pid) { register_child_group(pid_); }
  ~RunningGroup() { unregister_child_group(pid_); }
  RunningGroup(const RunningGroup&) = delete;
  RunningGroup& operator=(const RunningGroup&) = delete;

private:
  pid_t pid_;
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
  const auto executable = child::executable(command);
  if (executable.empty()) {
    result.exit_code = 127;
    result.err = command.argv.front() + ": command not found";
    return result;
  }
  if (children_cancelled()) {
    result.exit_code = cancelled_exit_code;
    result.err = std::string(cancelled_message);
    return result;
  }
  const auto args = child::arguments(command);

  // The child is not given the io_context: Boost.Process would then wait for its exit through
  // a SIGCHLD signal_set, and two io_contexts on two threads (a step in the background) miss
  // each other's signals. The pipes carry the output; the exit is polled.
  boost::asio::io_context io;
  bp::async_pipe out_pipe(io);
  bp::async_pipe err_pipe(io);
  bp::async_pipe in_pipe(io);
  for (const auto* pipe : {&out_pipe, &err_pipe, &in_pipe}) {
    ::fcntl(pipe->native_source(), F_SETFD, FD_CLOEXEC);
    ::fcntl(pipe->native_sink(), F_SETFD, FD_CLOEXEC);
  }
  const auto env = child::environment(command);

  auto launch = [&](auto&& stdin_spec, auto&& stdout_spec) {
    return bp::child(executable, bp::args(args), env, std::forward<decltype(stdin_spec)>(stdin_spec),
                     std::forward<decltype(stdout_spec)>(stdout_spec), bp::std_err > err_pipe, child::NewProcessGroup{});
  };
  auto launch_with_stdout = [&](auto&& stdin_spec) {
    if (command.output_file) {
      return launch(std::forward<decltype(stdin_spec)>(stdin_spec), bp::std_out > boost::filesystem::path(command.output_file->string()));
    }
    return launch(std::forward<decltype(stdin_spec)>(stdin_spec), bp::std_out > out_pipe);
  };

  bp::child child;
  try {
    if (command.input_file) {
      child = launch_with_stdout(bp::std_in < boost::filesystem::path(command.input_file->string()));
    } else if (command.input) {
      child = launch_with_stdout(bp::std_in < in_pipe);
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
  if (children_cancelled()) {
    // Cancelled between the launch and the registration: nobody else will end it.
    ::kill(-pid, SIGTERM);
  }

  // Boost.Process closed our copies of the ends the child uses; the unused pipes go too.
  boost::system::error_code ignored;
  if (command.output_file) {
    out_pipe.close(ignored);
  }
  const std::string input = command.input.value_or(std::string());
  if (command.input) {
    boost::asio::async_write(in_pipe, boost::asio::buffer(input), [&](const boost::system::error_code&, std::size_t) { in_pipe.close(ignored); });
  } else {
    in_pipe.close(ignored);
  }
  std::string out_text;
  std::string err_text;
  if (!command.output_file) {
    boost::asio::async_read(out_pipe, boost::asio::dynamic_buffer(out_text), [](const boost::system::error_code&, std::size_t) {});
  }
  boost::asio::async_read(err_pipe, boost::asio::dynamic_buffer(err_text), [](const boost::system::error_code&, std::size_t) {});

  const auto deadline = started + command.timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!io.stopped()) {
      io.run_for(poll_interval);
    } else {
      std::this_thread::sleep_for(poll_interval);
    }
    if (io.stopped() && !child.running()) {
      break;
    }
  }
  if (child.running() || !io.stopped()) {
    result.timed_out = true;
    terminate_group(pid, child);
    out_pipe.close(ignored);
    err_pipe.close(ignored);
    in_pipe.close(ignored);
    io.restart();
    io.run();
  }
  child.wait();
  result.exit_code = result.timed_out ? 124 : child::exit_status(child.native_exit_code());
  result.out = std::move(out_text);
  result.err = std::move(err_text);
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

void cancel_children()
{
  cancelled = true;
  terminate_running_children();
}

void allow_children()
{
  cancelled = false;
}

bool children_cancelled()
{
  return cancelled;
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
