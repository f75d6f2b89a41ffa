#!/usr/bin/env bats
# pgupgrade:cleanup-vars: the stale-variable cleanup on its own.

load plugin_helper

setup_file() {
  plugin_setup_file
  app_with_service tidy tidydb postgres 15.18
  dokku postgres:create other --image postgres --image-version 15.18 >/dev/null
}

teardown_file() {
  plugin_teardown_file
}

@test "(pgupgrade:cleanup-vars) removes variables naming gone or unlinked services, keeps the rest" {
  local other
  other="$(dokku postgres:info other --dsn)"
  dokku config:set --no-restart tidy "DOKKU_POSTGRES_BLACK_URL=postgres://postgres:x@dokku-postgres-gone:5432/gone" \
    "REPORTING_URL=${other/postgres:/postgis:}" "API_URL=https://example.com/v1" >/dev/null
  run dokku pgupgrade:cleanup-vars tidy --dry-run
  assert_success
  assert_contains "$output" "Would remove stale postgres variables on tidy"
  assert_contains "$output" "DOKKU_POSTGRES_BLACK_URL names dokku-postgres-gone, which is no service"
  assert_contains "$output" "REPORTING_URL names other, which is not linked to tidy"
  run dokku config:get tidy DOKKU_POSTGRES_BLACK_URL
  assert_success

  run dokku pgupgrade:cleanup-vars tidy
  assert_success
  run dokku config:get tidy DOKKU_POSTGRES_BLACK_URL
  assert_failure
  run dokku config:get tidy REPORTING_URL
  assert_failure
  assert_equal "$(dokku config:get tidy API_URL)" "https://example.com/v1"
  assert_equal "$(database_host tidy)" "dokku-postgres-tidydb"

  run dokku pgupgrade:cleanup-vars tidy
  assert_success
  assert_output "-----> No stale postgres variables on tidy"
}

@test "(pgupgrade:cleanup-vars) never removes DATABASE_URL, warns instead" {
  dokku apps:create broken >/dev/null
  dokku config:set --no-restart broken "DATABASE_URL=postgres://postgres:x@dokku-postgres-vanished:5432/v" >/dev/null
  run dokku pgupgrade:cleanup-vars broken
  assert_success
  assert_contains "$output" "DATABASE_URL names dokku-postgres-vanished, which is no service: left alone"
  run dokku config:get broken DATABASE_URL
  assert_success
}

@test "(pgupgrade:cleanup-vars) bad input" {
  run_stderr dokku pgupgrade:cleanup-vars
  assert_exit_status 2
  run_stderr dokku pgupgrade:cleanup-vars ghost
  assert_exit_status 20
  run_stderr dokku pgupgrade:cleanup-vars tidy --bogus
  assert_exit_status 2
  run_stderr dokku pgupgrade:cleanup-vars tidy extra
  assert_exit_status 2
}
