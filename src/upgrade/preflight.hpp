#pragma once

#include "upgrade/context.hpp"

namespace pgu::upgrade {

// Runs every read-only check for real and fills context.plan: which service, versions, sizes,
// names, backup settings, extensions. Changes nothing on the host. A missing app ends it at
// once (exit 20); every other problem becomes a failed check in plan.checks.
void preflight(Context& context);

// After the image is on the host: its real server major, the 18+ tag rule, the extensions it
// ships. Used by preflight when the image is already pulled and by the pull step otherwise.
std::vector<CheckResult> image_checks(Context& context);

// Variables of the app whose value is a URL naming the service's host, under any scheme.
std::vector<std::string> variables_pointing_at(const std::map<std::string, std::string>& config,
                                               const std::string& service);

// The host part of a URL (postgres://u:p@HOST:5432/db → HOST), empty if none.
std::string url_host(const std::string& url);

} // namespace pgu::upgrade
