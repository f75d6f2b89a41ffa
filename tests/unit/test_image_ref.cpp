#include "pg/image_ref.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

using namespace pgu::pg;

TEST_CASE("repositories follow Docker's reference grammar")
{
  for (const char* good : {"postgres", "postgis/postgis", "pgvector/pgvector", "ghcr.io/team/pg", "localhost:5000/pg", "my-registry.example:443/a/b_c"}) {
    CAPTURE(good);
    CHECK(is_valid_repository(good));
  }
  for (const char* bad : {"", "Postgres", "postgres:17", "/postgres", "postgres/", "a//b", "pg;rm", "pg$(x)", "../pg"}) {
    CAPTURE(bad);
    CHECK_FALSE(is_valid_repository(bad));
  }
}

TEST_CASE("tags follow Docker's grammar")
{
  CHECK(is_valid_tag("17.10"));
  CHECK(is_valid_tag("15-3.3"));
  CHECK(is_valid_tag("pg18"));
  CHECK_FALSE(is_valid_tag(""));
  CHECK_FALSE(is_valid_tag(".17"));
  CHECK_FALSE(is_valid_tag("17 10"));
  CHECK_FALSE(is_valid_tag(std::string(129, '1')));
}

TEST_CASE("the major dokku-postgres sees is the tag's leading digits")
{
  CHECK(leading_major("17.10") == 17);
  CHECK(leading_major("15-3.3") == 15);
  CHECK(leading_major("9.6") == 9);
  CHECK_FALSE(leading_major("pg18"));
  CHECK_FALSE(leading_major("latest"));
  CHECK_FALSE(leading_major("123456789012"));
}

TEST_CASE("server version text gives the real major")
{
  CHECK(major_from_version_text("postgres (PostgreSQL) 17.10") == 17);
  CHECK(major_from_version_text("PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64") == 15);
  CHECK(major_from_version_text("postgres (PostgreSQL) 18beta1") == 18);
  CHECK_FALSE(major_from_version_text("nothing"));
}

TEST_CASE("parse_image_ref refuses a combined image:tag and bad parts with a usage error")
{
  CHECK(parse_image_ref("postgis/postgis", "15-3.3").full() == "postgis/postgis:15-3.3");
  CHECK(parse_image_ref("postgis/postgis", "15-3.3").short_name() == "postgis");
  CHECK_THROWS_AS(parse_image_ref("postgres:17", "17"), pgu::Error);
  CHECK_THROWS_AS(parse_image_ref("postgres", "17;rm"), pgu::Error);
  try {
    parse_image_ref("Bad", "1");
  } catch (const pgu::Error& e) {
    CHECK(e.code() == pgu::ExitCode::usage);
  }
}
