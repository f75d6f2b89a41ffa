#!/usr/bin/env bats
# postgres:connect (contract §2.21).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
}
teardown_file() { svc_teardown_file; }

@test "(postgres:connect) error when there are no arguments" {
  run dokku postgres:connect
  assert_failure
  assert_contains "${lines[*]}" "Please specify a valid name for the service"
}

@test "(postgres:connect) error when service does not exist" {
  run dokku postgres:connect not_existing_service
  assert_failure
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}

@test "(postgres:connect) success: SQL on stdin, as postgres, into the service database" {
  run bash -c "echo 'select current_user, current_database();' | dokku postgres:connect l"
  assert_success
  assert_output_contains "postgres"
  assert_output_contains " l"
  assert_output_contains "(1 row)"
}

@test "(postgres:connect) psql's status: 3 on a SQL error (ON_ERROR_STOP)" {
  run bash -c "echo 'select * from no_such_table;' | dokku postgres:connect l"
  assert_exit_status 3
  assert_output_contains 'relation "no_such_table" does not exist'
}
