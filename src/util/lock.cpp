#include "util/lock.hpp"

#include "util/error.hpp"
#include "util/files.hpp"
#include "util/time.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace pgu {

namespace {

std::string read_holder(int fd)
{
  std::string text(256, '\0');
  const auto n = ::pread(fd, text.data(), text.size(), 0);
  text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) {
    text.pop_back();
  }
  return text;
}

} // namespace

AppLock::AppLock(const std::filesystem::path& file)
{
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    throw failure(fmt::format("cannot open the lock {}: {}", file.string(), std::strerror(errno)));
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const auto holder = read_holder(fd_);
    ::close(fd_);
    fd_ = -1;
    throw Error(ExitCode::busy, fmt::format("Another pgupgrade command is working on this app ({}): wait for it, or see pgupgrade:status",
                                            holder.empty() ? "holder unknown" : holder));
  }
  const auto text = fmt::format("pid {} since {}\n", ::getpid(), now_utc());
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, text.data(), text.size(), 0) < 0) {
    throw failure(fmt::format("cannot write the lock {}: {}", file.string(), std::strerror(errno)));
  }
}

AppLock::~AppLock()
{
  if (fd_ >= 0) {
    (void)::ftruncate(fd_, 0);
    ::close(fd_);
  }
}

std::string AppLock::holder(const std::filesystem::path& file)
{
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return {};
  }
  std::string result;
  if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
    result = read_holder(fd);
    if (result.empty()) {
      result = "holder unknown";
    }
  }
  ::close(fd);
  return result;
}

} // namespace pgu
