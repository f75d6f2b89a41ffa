#!/usr/bin/env bats
# shellcheck disable=SC2154 # svc_stdout, svc_stderr: set by service_helper.bash (loaded)
# postgres:pause (contract §2.18).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
}
teardown_file() { svc_teardown_file; }

@test "(postgres:pause) error when there are no arguments" {
  run dokku postgres:pause
  assert_failure
  assert_contains "${lines[*]}" "Please specify a valid name for the service"
}

@test "(postgres:pause) error when service does not exist" {
  run dokku postgres:pause not_existing_service
  assert_failure
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}

@test "(postgres:pause) success" {
  run dokku postgres:pause l
  assert_success
  assert_output "=====> Pausing container
       Container paused"
  run dokku postgres:info l --status
  assert_output "exited"
  assert_exists "$PLUGIN_DATA_ROOT/l/ID"
}

@test "(postgres:pause) the container is kept, so pausing again pauses again" {
  run dokku postgres:pause l
  assert_success
  assert_output_contains "Container paused"
}

@test "(postgres:pause) already paused when there is no container: exit 0" {
  dokku postgres:stop l >/dev/null 2>&1
  svc_run_streams dokku postgres:pause l
  assert_success
  assert_equal "" "$svc_stdout"
  assert_equal " !     Service is already paused" "$svc_stderr"
}
