#include "util/resources.hpp"

#include <sys/resource.h>

namespace pgu {

ResourceUsage own_resource_usage()
{
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) {
    return {};
  }
  const auto seconds = [](const timeval& time) { return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) / 1e6; };
  // On Linux ru_maxrss is in KiB.
  return {seconds(usage.ru_utime) + seconds(usage.ru_stime), usage.ru_maxrss};
}

} // namespace pgu
