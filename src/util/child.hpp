#pragma once

#include "util/command.hpp"

#include <boost/process.hpp>
#include <boost/process/extend.hpp>

#include <csignal>

#include <unistd.h>

// What every child the helper starts shares, for util/process.cpp and util/stream_pipe.cpp.
namespace pgu::child {

// Each child leads its own process group, so a time limit or a stop signal can end it with
// everything it started; it gets default signal dispositions back.
struct NewProcessGroup : boost::process::extend::handler {
  template<typename Executor>
  void on_exec_setup(Executor& /*executor*/) const
  {
    ::setpgid(0, 0);
    (void)::signal(SIGINT, SIG_DFL);
    (void)::signal(SIGTERM, SIG_DFL);
    (void)::signal(SIGPIPE, SIG_DFL);
  }
};

// argv[0] as given when it holds a slash, else found on PATH (empty when not found).
boost::filesystem::path executable(const Command& command);
// This process's environment with the command's changes.
boost::process::environment environment(const Command& command);
std::vector<std::string> arguments(const Command& command);
// A wait status as a shell reports it: the exit code, or 128 + the signal.
int exit_status(int native);

} // namespace pgu::child
