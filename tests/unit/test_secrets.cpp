#include "util/secrets.hpp"

#include <doctest/doctest.h>

using pgu::mask_url_passwords;
using pgu::Secrets;

TEST_CASE("registered secrets are masked wherever they appear")
{
  Secrets secrets;
  secrets.add("s3cr3t-key-value");
  CHECK(secrets.mask("key=s3cr3t-key-value and again s3cr3t-key-value") == "key=******** and again ********");
  CHECK(secrets.mask("nothing here") == "nothing here");
}

TEST_CASE("short values are not registered, so ordinary words survive")
{
  Secrets secrets;
  secrets.add("ab");
  CHECK(secrets.mask("ab cab") == "ab cab");
}

TEST_CASE("a secret containing another is masked whole")
{
  Secrets secrets;
  secrets.add("abcd");
  secrets.add("xxabcdxx");
  CHECK(secrets.mask("[xxabcdxx]") == "[********]");
}

TEST_CASE("passwords inside URLs are masked without registration")
{
  CHECK(mask_url_passwords("postgres://postgres:0123abcd@dokku-postgres-db:5432/db")
        == "postgres://postgres:********@dokku-postgres-db:5432/db");
  CHECK(mask_url_passwords("a postgis://u:p@h/x and http://host/path") == "a postgis://u:********@h/x and http://host/path");
  CHECK(mask_url_passwords("http://user@host/") == "http://user@host/");
  CHECK(mask_url_passwords("no url") == "no url");
}
