#pragma once

namespace pgu {

// The helper's exit codes. Dokku's own are 0, 1 and 20; 2 follows the usual usage-error code,
// 3 lets a scheduler tell "someone else is upgrading" from a real failure; 130 is the shell's
// code for a command stopped by SIGINT.
enum class ExitCode : int {
  ok = 0,
  failure = 1,
  usage = 2,
  busy = 3,
  app_missing = 20,
  interrupted = 130,
};

constexpr int to_int(ExitCode code) { return static_cast<int>(code); }

} // namespace pgu
