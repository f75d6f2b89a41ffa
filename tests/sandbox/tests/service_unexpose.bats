#!/usr/bin/env bats
# postgres:unexpose (contract §2.23).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
}
teardown_file() { svc_teardown_file; }

@test "(postgres:unexpose) error when there are no arguments" {
  run dokku postgres:unexpose
  assert_failure
  assert_contains "${lines[*]}" "Please specify a valid name for the service"
}

@test "(postgres:unexpose) error when service does not exist" {
  run dokku postgres:unexpose not_existing_service
  assert_failure
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}

@test "(postgres:unexpose) success" {
  dokku postgres:expose l 4242 >/dev/null
  run dokku postgres:unexpose l
  assert_success
  assert_output "-----> Service l unexposed"
  [[ ! -e "$PLUGIN_DATA_ROOT/l/PORT" ]] || flunk "PORT left behind"
  run dokku postgres:info l --exposed-ports
  assert_output "-"
}

@test "(postgres:unexpose) success when not exposed" {
  run dokku postgres:unexpose l
  assert_success
  assert_output "-----> Service l unexposed"
}
