#!/usr/bin/env bats
# postgres:import (contract §2.4).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
  svc_create src --image-version 15.18
  svc_sql src "create table t (id int primary key, name text); insert into t values (1, 'one'), (2, 'two');" >/dev/null
  dokku postgres:export src >"$BATS_FILE_TMPDIR/src.dump"
}
teardown_file() { svc_teardown_file; }

@test "(postgres:import) error when there are no arguments" {
  run dokku postgres:import
  assert_failure
  assert_contains "${lines[*]}" "Please specify a valid name for the service"
}

@test "(postgres:import) error when service does not exist" {
  run dokku postgres:import not_existing_service
  assert_failure
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}

@test "(postgres:import) error when data is not provided" {
  if [[ -n "$GITHUB_WORKFLOW" ]]; then
    skip "No tty is available on Github Actions"
  fi
  if ! [[ -t 0 ]]; then
    skip "stdin is not a terminal here"
  fi
  run dokku postgres:import l
  assert_failure
  assert_contains "${lines[*]}" "No data provided on stdin"
}

@test "(postgres:import) success" {
  run bash -c "dokku postgres:import l <'$BATS_FILE_TMPDIR/src.dump'"
  assert_success
  run svc_sql l "select name from t order by id;"
  assert_output "one
two"
}

@test "(postgres:import) --clean --if-exists: importing twice works" {
  run bash -c "dokku postgres:import l <'$BATS_FILE_TMPDIR/src.dump'"
  assert_success
  run svc_sql l "select count(*) from t;"
  assert_output "2"
}

@test "(postgres:import) a plain SQL file is rejected by pg_restore" {
  echo "create table plain (id int);" >"$BATS_TEST_TMPDIR/plain.sql"
  run bash -c "dokku postgres:import l <'$BATS_TEST_TMPDIR/plain.sql'"
  assert_exit_status 1
  assert_output_contains "input file does not appear to be a valid archive"
}

@test "(postgres:import) exit 1 when pg_restore ignored errors" {
  svc_sql l "create view v as select * from t;" >/dev/null
  # The view depends on t: dropping t (--clean) fails, and the errors are reported and skipped.
  run bash -c "dokku postgres:import l <'$BATS_FILE_TMPDIR/src.dump'"
  assert_exit_status 1
  assert_output_contains "errors ignored on restore"
}
