#include "host/names.hpp"

#include <doctest/doctest.h>

using namespace pgu::host;

TEST_CASE("app names follow Dokku's rules")
{
  CHECK(is_valid_app_name("memo-app-r"));
  CHECK(is_valid_app_name("1app"));
  CHECK_FALSE(is_valid_app_name(""));
  CHECK_FALSE(is_valid_app_name("-app"));
  CHECK_FALSE(is_valid_app_name("App"));
  CHECK_FALSE(is_valid_app_name("my_app"));
  CHECK_FALSE(is_valid_app_name("app;rm -rf /"));
  CHECK_FALSE(is_valid_app_name("../etc"));
  CHECK_FALSE(is_valid_app_name(std::string(101, 'a')));
}

TEST_CASE("service names follow dokku-postgres's rules")
{
  CHECK(is_valid_service_name("memo-app-r-postgis-12-3_0-2020-06-10"));
  CHECK(is_valid_service_name("Test_With_Underscores"));
  CHECK_FALSE(is_valid_service_name("d.erp"));
  CHECK_FALSE(is_valid_service_name(""));
  CHECK_FALSE(is_valid_service_name("a/b"));
}

TEST_CASE("derived names match dokku-postgres")
{
  CHECK(service_container("test_with_underscores") == "dokku.postgres.test_with_underscores");
  CHECK(service_dns_host("test_with_underscores") == "dokku-postgres-test-with-underscores");
  CHECK(service_database("service-with-dashes") == "service_with_dashes");
}

TEST_CASE("untrusted input is printed safely")
{
  CHECK(printable("ok") == "ok");
  CHECK(printable("a\nb") == "a\\x0ab");
  CHECK(printable("\xff") == "\\xff");
  CHECK(printable(std::string(200, 'x')).size() == 83);
}
