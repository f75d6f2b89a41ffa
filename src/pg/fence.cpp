#include "pg/fence.hpp"

#include <fmt/format.h>

namespace pgu::pg {

namespace {

constexpr const char* maintenance_database = "postgres";

} // namespace

std::string raise_fence_sql(const std::string& database)
{
  return fmt::format("ALTER DATABASE {} SET default_transaction_read_only = on;\n"
                     "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                     " WHERE datname = {} AND pid <> pg_backend_pid();\n",
                     quote_ident(database), quote_literal(database));
}

std::string lift_fence_sql(const std::string& database)
{
  return fmt::format("ALTER DATABASE {} RESET default_transaction_read_only;\n", quote_ident(database));
}

void raise_fence(const Database& database)
{
  database.with_name(maintenance_database).execute(raise_fence_sql(database.name()));
}

void lift_fence(const Database& database)
{
  database.with_name(maintenance_database).execute(lift_fence_sql(database.name()));
}

bool fence_raised(const Database& database)
{
  const auto answer = database.with_name(maintenance_database)
                        .scalar(fmt::format("SELECT count(*) FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase,"
                                            " unnest(s.setconfig) AS c WHERE d.datname = {} AND s.setrole = 0"
                                            " AND c = 'default_transaction_read_only=on';",
                                            quote_literal(database.name())));
  return answer != "0";
}

} // namespace pgu::pg
