#pragma once

#include "report/report.hpp"

namespace pgu::report {

// The report every format renders: each string passed through the secret mask (registered
// secrets and passwords inside URLs) and made valid UTF-8. Renderers only ever see this.
Report cleaned(const Report& report);

// One string as cleaned() leaves it.
std::string clean_text(std::string_view text);

} // namespace pgu::report
