#!/usr/bin/env bats
# postgres:stop (contract §2.18).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
}
teardown_file() { svc_teardown_file; }

@test "(postgres:stop) error when there are no arguments" {
  run dokku postgres:stop
  assert_failure
  assert_contains "${lines[*]}" "Please specify a valid name for the service"
}

@test "(postgres:stop) error when service does not exist" {
  run dokku postgres:stop not_existing_service
  assert_failure
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}

@test "(postgres:stop) success" {
  local id
  id="$(cat "$PLUGIN_DATA_ROOT/l/ID")"
  run dokku postgres:stop l
  assert_success
  assert_output "=====> Pausing container
       Container paused
       Removing container"
  run docker container ps -aq --filter name=^/dokku.postgres.l$
  assert_output ""
  # The data and the (now stale) ID stay.
  assert_equal "$id" "$(cat "$PLUGIN_DATA_ROOT/l/ID")"
  assert_exists "$PLUGIN_DATA_ROOT/l/data/PG_VERSION"
  run dokku postgres:info l --status
  assert_output "missing"
}

@test "(postgres:stop) a stopped service is already paused" {
  run dokku postgres:stop l
  assert_success
  assert_output " !     Service is already paused"
}
