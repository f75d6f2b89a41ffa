#pragma once

#include "host/docker.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace pgu::pg {

using Row = std::vector<std::string>;

// One database of a dokku-postgres service, queried with psql inside the service's own
// container (its own client version, its own localhost), the SQL on stdin.
class Database {
public:
  Database(const host::Docker& docker, std::string container, std::string name, std::string password);

  std::vector<Row> query(std::string_view sql) const;
  std::string scalar(std::string_view sql) const;
  void execute(std::string_view sql) const;
  Command psql_command(std::string_view sql) const;

  // The same server, another database (the maintenance database "postgres", say).
  Database with_name(std::string name) const;
  const std::string& name() const { return name_; }
  const std::string& container() const { return container_; }

private:
  const host::Docker* docker_;
  std::string container_;
  std::string name_;
  std::string password_;
};

// SQL literal and identifier quoting for the few values the helper puts into SQL.
std::string quote_literal(std::string_view value);
std::string quote_ident(std::string_view name);

} // namespace pgu::pg
