#pragma once

namespace pgu {

// What this process itself has used so far, children excluded (getrusage RUSAGE_SELF).
struct ResourceUsage {
  double cpu_seconds = 0; // user + system
  long peak_rss_kib = 0;
};

ResourceUsage own_resource_usage();

} // namespace pgu
