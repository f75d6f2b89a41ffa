#include "pg/inventory.hpp"

#include <fmt/format.h>

#include <numeric>

namespace pgu::pg {

namespace {

// User objects: not in system schemas, not members of an extension.
constexpr const char* user_relation = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
                                      " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
                                      " AND d.objid = c.oid AND d.deptype = 'e')";

// Row text depends on these settings; pin them so both servers print rows alike.
constexpr const char* stable_output = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres';"
                                      " SET extra_float_digits = 1; SET bytea_output = 'hex';\n";

// An order-independent 64-bit hash sum of a set of texts.
std::string hash_sum(const std::string& text_expression)
{
  return fmt::format("coalesce(sum(('x' || substr(md5({}), 1, 16))::bit(64)::bigint::numeric), 0)", text_expression);
}

std::int64_t to_int(const std::string& text)
{
  return text.empty() ? 0 : std::stoll(text);
}

std::vector<std::string> tables(const Database& database)
{
  std::vector<std::string> names;
  const auto rows = database.query(fmt::format(
    "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind IN ('r', 'm') AND {} AND (c.relkind <> 'm' OR c.relispopulated) ORDER BY 1;",
    user_relation));
  names.reserve(rows.size());
  for (const auto& row : rows) {
    names.push_back(row.at(0));
  }
  return names;
}

void count_rows(const Database& database, const std::vector<std::string>& names, bool with_checksums, Inventory& inventory)
{
  constexpr std::size_t batch = 200;
  for (std::size_t first = 0; first < names.size(); first += batch) {
    std::string sql = with_checksums ? stable_output : "";
    for (std::size_t i = first; i < std::min(names.size(), first + batch); ++i) {
      sql += i == first ? "" : " UNION ALL\n";
      sql += fmt::format("SELECT {}, count(*), {} FROM ONLY {} AS t", quote_literal(names[i]),
                         with_checksums ? hash_sum("t::text") : std::string("0"), names[i]);
    }
    sql += ";\n";
    for (const auto& row : database.query(sql)) {
      inventory.rows[row.at(0)] = to_int(row.at(1));
      if (with_checksums) {
        inventory.checksums[row.at(0)] = row.at(2);
      }
    }
  }
}

void count_objects(const Database& database, Inventory& inventory)
{
  const auto sql = fmt::format(
    "SELECT 'tables', count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND {0}\n"
    "UNION ALL SELECT 'indexes', count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " JOIN pg_index i ON i.indexrelid = c.oid WHERE {0} AND NOT EXISTS (SELECT 1 FROM pg_depend d"
    " WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indrelid AND d.deptype = 'e')\n"
    "UNION ALL SELECT 'views', count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'v' AND {0}\n"
    "UNION ALL SELECT 'materialized views', count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind = 'm' AND {0}\n"
    "UNION ALL SELECT 'sequences', count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind = 'S' AND {0}\n"
    "UNION ALL SELECT 'functions', count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
    " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
    " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')\n"
    "UNION ALL SELECT 'large objects', count(*) FROM pg_largeobject_metadata;\n",
    user_relation);
  for (const auto& row : database.query(sql)) {
    inventory.counts[row.at(0)] = to_int(row.at(1));
  }
}

} // namespace

std::int64_t Inventory::total_rows() const
{
  return std::accumulate(rows.begin(), rows.end(), std::int64_t{0}, [](auto sum, const auto& entry) { return sum + entry.second; });
}

Inventory take_inventory(const Database& database, bool with_checksums)
{
  Inventory inventory;
  count_rows(database, tables(database), with_checksums, inventory);
  count_objects(database, inventory);
  for (const auto& row : database.query("SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename),"
                                        " coalesce(last_value::text, '') FROM pg_sequences ORDER BY 1;")) {
    inventory.sequences[row.at(0)] = row.at(1);
  }
  for (const auto& row : database.query("SELECT extname, extversion FROM pg_extension ORDER BY 1;")) {
    inventory.extensions[row.at(0)] = row.at(1);
  }
  if (with_checksums) {
    inventory.large_object_checksum = database.scalar(
      fmt::format("SELECT {} FROM pg_largeobject_metadata;", hash_sum("lo_get(oid)")));
  }
  return inventory;
}

std::vector<Difference> compare(const Inventory& before, const Inventory& after)
{
  std::vector<Difference> differences;
  auto compare_maps = [&](const auto& left, const auto& right, const std::string& kind) {
    for (const auto& [name, value] : left) {
      const auto found = right.find(name);
      if (found == right.end()) {
        differences.push_back({fmt::format("{} {}", kind, name), fmt::format("{}", value), "missing"});
      } else if (found->second != value) {
        differences.push_back({fmt::format("{} {}", kind, name), fmt::format("{}", value), fmt::format("{}", found->second)});
      }
    }
    for (const auto& [name, value] : right) {
      if (!left.contains(name)) {
        differences.push_back({fmt::format("{} {}", kind, name), "missing", fmt::format("{}", value)});
      }
    }
  };
  compare_maps(before.rows, after.rows, "rows of");
  compare_maps(before.checksums, after.checksums, "checksum of");
  compare_maps(before.sequences, after.sequences, "sequence");
  compare_maps(before.counts, after.counts, "number of");
  std::map<std::string, std::string> names_before;
  std::map<std::string, std::string> names_after;
  for (const auto& entry : before.extensions) {
    names_before[entry.first] = "installed";
  }
  for (const auto& entry : after.extensions) {
    names_after[entry.first] = "installed";
  }
  compare_maps(names_before, names_after, "extension");
  if (before.large_object_checksum != after.large_object_checksum) {
    differences.push_back({"large object contents", before.large_object_checksum, after.large_object_checksum});
  }
  return differences;
}

std::vector<Difference> extension_changes(const Inventory& before, const Inventory& after)
{
  std::vector<Difference> changes;
  for (const auto& [name, version] : before.extensions) {
    const auto found = after.extensions.find(name);
    if (found != after.extensions.end() && found->second != version) {
      changes.push_back({"extension " + name, version, found->second});
    }
  }
  return changes;
}

} // namespace pgu::pg
