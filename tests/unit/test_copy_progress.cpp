#include "pg/copy_progress.hpp"

#include <doctest/doctest.h>

using namespace pgu::pg;
using namespace std::chrono_literals;

TEST_CASE("a copy's progress line gives bytes, rows against the estimate, rate and time left")
{
  const CopyEstimate estimate{2'000'000, 512ULL * 1024 * 1024};
  CHECK(progress_line(estimate, 100ULL * 1024 * 1024, 500'000, 10s) == "100.0 MiB, 500,000 of ~2,000,000 rows, 10.0 MiB/s, about 0:00:30 left");
  CHECK(progress_line(estimate, 100ULL * 1024 * 1024, 1'000, 4000s)
        == "100.0 MiB, 1,000 of ~2,000,000 rows, 0.0 MiB/s, about 2221:06:40 left");
}

TEST_CASE("without row figures the time left comes from bytes against the tables' size")
{
  const CopyEstimate estimate{0, 400ULL * 1024 * 1024};
  CHECK(progress_line(estimate, 100ULL * 1024 * 1024, std::nullopt, 20s) == "100.0 MiB, 5.0 MiB/s, about 0:01:00 left");
  CHECK(progress_line(estimate, 100ULL * 1024 * 1024, 1234, 20s) == "100.0 MiB, 1,234 rows, 5.0 MiB/s, about 0:01:00 left");
}

TEST_CASE("past the estimate, or with nothing to go by, no time left is promised")
{
  CHECK(progress_line({10, 1024}, 4096, 20, 1s) == "0.0 MiB, 20 of ~10 rows, 0.0 MiB/s");
  CHECK(progress_line({}, 0, std::nullopt, 0s) == "0.0 MiB, 0.0 MiB/s");
}
