#pragma once

#include "report/report.hpp"

namespace pgu::report {

// The report every format renders: each string passed through the secret mask (registered
// secrets and passwords inside URLs) and made valid UTF-8. Renderers only ever see this.
Report cleaned(const Report& report);

// One string as cleaned() leaves it.
std::string clean_text(std::string_view text);

// Seconds to the millisecond, as cleaned() leaves durations: a kept report then reads back
// to the same figures (Boost.JSON's parser may miss a double's last bit; the rounding absorbs
// it) and renders the same in every format.
double to_milliseconds(double seconds);

} // namespace pgu::report
