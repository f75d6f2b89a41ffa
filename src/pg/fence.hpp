#pragma once

#include "pg/database.hpp"

namespace pgu::pg {

// The write fence: maintenance mode only stops web traffic, so workers, cron jobs and
// `dokku run` could still write after the final snapshot. Raising the fence makes every new
// session of the database read-only by default and ends the existing ones; it is set and
// lifted from the server's maintenance database, since a fenced session cannot lift it.
void raise_fence(const Database& database);
void lift_fence(const Database& database);
bool fence_raised(const Database& database);

std::string raise_fence_sql(const std::string& database);
std::string lift_fence_sql(const std::string& database);

} // namespace pgu::pg
