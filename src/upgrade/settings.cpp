#include "upgrade/settings.hpp"

namespace pgu::upgrade {

std::string to_string(VerifyMode mode)
{
  return mode == VerifyMode::checksums ? "checksums" : "counts";
}

std::string to_string(ReportFormat format)
{
  switch (format) {
  case ReportFormat::json:
    return "json";
  case ReportFormat::markdown:
    return "markdown";
  case ReportFormat::junit:
    return "junit";
  case ReportFormat::text:
    break;
  }
  return "text";
}

} // namespace pgu::upgrade
