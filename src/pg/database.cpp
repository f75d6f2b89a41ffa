#include "pg/database.hpp"

#include "util/secrets.hpp"

namespace pgu::pg {

Database::Database(const host::Docker& docker, std::string container, std::string name, std::string password)
  : docker_(&docker),
    container_(std::move(container)),
    name_(std::move(name)),
    password_(std::move(password))
{
  secrets().add(password_);
}

Command Database::psql_command(std::string_view sql) const
{
  auto command = docker_->exec_command(
    container_,
    {"psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-h", "localhost", "-U", "postgres", "-d", name_},
    true,
    {{"PGPASSWORD", password_}});
  command.input = std::string(sql);
  return command;
}

std::vector<Row> Database::query(std::string_view sql) const
{
  std::vector<Row> rows;
  for (const auto& line : host::split_lines(docker_->run_checked(psql_command(sql)))) {
    if (line.empty()) {
      continue;
    }
    Row row;
    std::string_view rest = line;
    while (true) {
      const auto tab = rest.find('\t');
      row.emplace_back(rest.substr(0, tab));
      if (tab == std::string_view::npos) {
        break;
      }
      rest.remove_prefix(tab + 1);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string Database::scalar(std::string_view sql) const
{
  return host::trim(docker_->run_checked(psql_command(sql)));
}

void Database::execute(std::string_view sql) const
{
  docker_->run_checked(psql_command(sql));
}

Database Database::with_name(std::string name) const
{
  return {*docker_, container_, std::move(name), password_};
}

std::string quote_literal(std::string_view value)
{
  std::string quoted = "'";
  for (const char c : value) {
    quoted += c;
    if (c == '\'') {
      quoted += '\'';
    }
  }
  return quoted + "'";
}

std::string quote_ident(std::string_view name)
{
  std::string quoted = "\"";
  for (const char c : name) {
    quoted += c;
    if (c == '"') {
      quoted += '"';
    }
  }
  return quoted + "\"";
}

} // namespace pgu::pg
