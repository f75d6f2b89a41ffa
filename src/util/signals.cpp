#include "util/signals.hpp"

#include "util/process.hpp"

#include <atomic>
#include <csignal>

namespace pgu {

namespace {

std::atomic<int> received_signal{0};
std::atomic<int> received_count{0};

extern "C" void on_stop_signal(int signal)
{
  received_signal = signal;
  if (received_count.fetch_add(1) >= 1) {
    terminate_running_children();
  }
}

} // namespace

void install_stop_handlers()
{
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  for (const int signal : {SIGINT, SIGTERM, SIGHUP}) {
    sigaction(signal, &action, nullptr);
  }
  (void)std::signal(SIGPIPE, SIG_IGN);
}

bool stop_requested()
{
  return received_signal != 0;
}

int stop_signal()
{
  return received_signal;
}

} // namespace pgu
