#include "pg/copy_progress.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace pgu::pg {

namespace {

constexpr double mebibyte = 1024.0 * 1024.0;

std::uint64_t to_count(const std::string& text)
{
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  return std::from_chars(text.data(), end, value).ptr == end ? value : 0;
}

std::string grouped(std::uint64_t value)
{
  const auto digits = std::to_string(value);
  std::string text;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) {
      text += ',';
    }
    text += digits[i];
  }
  return text;
}

std::string time_left(double done, double total, std::chrono::duration<double> elapsed)
{
  if (done <= 0 || total <= done) {
    return "";
  }
  const auto left = std::chrono::seconds(std::llround(elapsed.count() * (total - done) / done));
  return fmt::format(", about {}:{:%M:%S} left", std::chrono::duration_cast<std::chrono::hours>(left).count(), left);
}

} // namespace

CopyEstimate estimate_copy(const Database& old_database)
{
  const auto rows = old_database.query("SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint,"
                                       " coalesce(sum(pg_relation_size(c.oid)), 0)::bigint"
                                       " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                                       " WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                                       " AND n.nspname NOT LIKE 'pg\\_%';");
  if (rows.empty() || rows.front().size() < 2) {
    return {};
  }
  return {to_count(rows.front()[0]), to_count(rows.front()[1])};
}

std::optional<std::uint64_t> rows_restored(const Database& new_database)
{
  try {
    const auto value = new_database.scalar("SELECT (SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_user_tables)"
                                           " + (SELECT coalesce(sum(tuples_processed), 0) FROM pg_stat_progress_copy);");
    const auto* end = value.data() + value.size();
    std::uint64_t rows = 0;
    if (std::from_chars(value.data(), end, rows).ptr == end) {
      return rows;
    }
  } catch (const std::exception&) {
    // Progress is a courtesy: a server that cannot say leaves rows out of the line.
  }
  return std::nullopt;
}

std::string progress_line(const CopyEstimate& estimate, std::uint64_t bytes, std::optional<std::uint64_t> rows,
                          std::chrono::duration<double> elapsed)
{
  const auto mib = static_cast<double>(bytes) / mebibyte;
  auto line = fmt::format("{:.1f} MiB", mib);
  if (rows) {
    line += estimate.rows > 0 ? fmt::format(", {} of ~{} rows", grouped(*rows), grouped(estimate.rows))
                              : fmt::format(", {} rows", grouped(*rows));
  }
  line += fmt::format(", {:.1f} MiB/s", mib / std::max(elapsed.count(), 0.001));
  if (rows && estimate.rows > 0) {
    line += time_left(static_cast<double>(*rows), static_cast<double>(estimate.rows), elapsed);
  } else if (estimate.heap_bytes > 0) {
    line += time_left(static_cast<double>(bytes), static_cast<double>(estimate.heap_bytes), elapsed);
  }
  return line;
}

} // namespace pgu::pg
