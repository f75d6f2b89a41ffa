#pragma once

#include <filesystem>
#include <string>

namespace pgu {

// One upgrade per app: an exclusive flock on the app's lock file, held by this process only
// (close-on-exec, so children never keep it). The kernel drops it when the process dies, so a
// crash cannot leave it held. The file names the holder for whoever is refused.
class AppLock {
public:
  // Throws Error(busy) naming the holder's pid and start time when another process holds it.
  explicit AppLock(const std::filesystem::path& file);
  ~AppLock();
  AppLock(const AppLock&) = delete;
  AppLock& operator=(const AppLock&) = delete;

  // Who holds the lock now, or "" when nobody does (for status).
  static std::string holder(const std::filesystem::path& file);

private:
  int fd_ = -1;
};

} // namespace pgu
