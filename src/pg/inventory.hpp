#pragma once

#include "pg/database.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pgu::pg {

// What a database holds, as far as an upgrade must preserve it. Objects that belong to
// extensions are left out of the counts: a newer extension version may bring other functions.
struct Inventory {
  std::map<std::string, std::int64_t> rows;     // "schema.table" → row count
  std::map<std::string, std::string> checksums; // "schema.table" → order-independent content hash
  std::map<std::string, std::string> sequences; // "schema.sequence" → last value ("" if never used)
  std::map<std::string, std::string> extensions; // name → version
  std::map<std::string, std::int64_t> counts;   // tables, indexes, views, materialized views, functions, large objects
  std::string large_object_checksum;

  std::int64_t total_rows() const;
};

struct Difference {
  std::string what;
  std::string old_value;
  std::string new_value;
};

Inventory take_inventory(const Database& database, bool with_checksums);

// Everything that must be equal and is not. Extension versions are not compared here: a
// target image may ship a newer version of the same extension (see extension_changes).
std::vector<Difference> compare(const Inventory& before, const Inventory& after);
std::vector<Difference> extension_changes(const Inventory& before, const Inventory& after);

} // namespace pgu::pg
