#!/usr/bin/env bats
# shellcheck disable=SC2154 # svc_stdout, svc_stderr: set by service_helper.bash (loaded)
# postgres:exists (contract §2.15).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
}
teardown_file() { svc_teardown_file; }

@test "(postgres:exists) error when there are no arguments" {
  run dokku postgres:exists
  assert_failure
  assert_contains "${lines[*]}" "Please specify a valid name for the service"
}

@test "(postgres:exists) success when service exists" {
  run dokku postgres:exists l
  assert_success
  assert_output "-----> Service l exists"
}

@test "(postgres:exists) error when the service does not exist" {
  svc_run_streams dokku postgres:exists not_existing_service
  assert_exit_status 1
  assert_equal "" "$svc_stdout"
  assert_equal " !     Postgres service not_existing_service does not exist" "$svc_stderr"
}
