#pragma once

#include "pg/database.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace pgu::pg {

// What a copy is expected to move, from the old server's statistics (catalog reads only: the
// data itself is read once, by the copy).
struct CopyEstimate {
  std::uint64_t rows = 0;       // planner estimate (reltuples) over user tables; 0 when unknown
  std::uint64_t heap_bytes = 0; // their on-disk size
};

CopyEstimate estimate_copy(const Database& old_database);

// Rows the restore has written into the new database so far: finished tables from the
// statistics plus the COPY in progress. nullopt when the server cannot say (before 14).
std::optional<std::uint64_t> rows_restored(const Database& new_database);

// One progress line: bytes and rows moved, rate and time left, e.g.
// "412.3 MiB, 1,234,567 of ~2,000,000 rows, 48.2 MiB/s, about 0:00:16 left".
// Time left comes from rows when the estimate has them, else from bytes against the heap size.
std::string progress_line(const CopyEstimate& estimate, std::uint64_t bytes, std::optional<std::uint64_t> rows,
                          std::chrono::duration<double> elapsed);

} // namespace pgu::pg
