#!/usr/bin/env bats
# postgres:set (contract §2.25).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
}
teardown_file() { svc_teardown_file; }

@test "(postgres:set) error when there are no arguments" {
  run dokku postgres:set
  assert_failure
  assert_contains "${lines[*]}" "Please specify a valid name for the service"
}

@test "(postgres:set) error when service does not exist" {
  run dokku postgres:set not_existing_service initial-network foo
  assert_failure
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}

@test "(postgres:set) error when no key is specified" {
  run dokku postgres:set l
  assert_exit_status 1
  assert_output " !     No key specified"
}

@test "(postgres:set) error when the key is invalid" {
  run dokku postgres:set l memory 512
  assert_exit_status 1
  assert_output " !     Invalid key specified, valid keys include: initial-network, post-create-network, post-start-network"
}

@test "(postgres:set) set and info round-trip" {
  local key
  for key in initial-network post-create-network post-start-network; do
    run dokku postgres:set l "$key" "net-$key"
    assert_success
    assert_output "=====> Setting $key to net-$key"
    run dokku postgres:info l "--$key"
    assert_output "net-$key"
    assert_equal "net-$key" "$(cat "$PLUGIN_CONFIG_ROOT/l/$key")"
  done
  run dokku postgres:set l post-start-network "a,b"
  run dokku postgres:info l --post-start-network
  assert_output "a,b"
}

@test "(postgres:set) unset without a value" {
  local key
  for key in initial-network post-create-network post-start-network; do
    run dokku postgres:set l "$key"
    assert_success
    assert_output "=====> Unsetting $key"
    run dokku postgres:info l "--$key"
    assert_output ""
  done
}
