#!/usr/bin/env bats
# postgres:expose (contract §2.23; best effort in the sandbox: the ambassador is docker's).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
}
teardown_file() { svc_teardown_file; }

teardown() { dokku postgres:unexpose l >/dev/null 2>&1 || true; }

@test "(postgres:expose) error when there are no arguments" {
  run dokku postgres:expose
  assert_failure
  assert_contains "${lines[*]}" "Please specify a valid name for the service"
}

@test "(postgres:expose) error when service does not exist" {
  run dokku postgres:expose not_existing_service
  assert_failure
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}

@test "(postgres:expose) error when the wrong number of ports is given" {
  run dokku postgres:expose l 4242 4243
  assert_exit_status 1
  assert_output " !     1 ports to be exposed need to be provided in the following order: 5432"
}

@test "(postgres:expose) success when not providing custom ports" {
  run dokku postgres:expose l
  assert_success
  [[ "${lines[*]}" =~ exposed\ on\ port\(s\)\ \[container\-\>host\]\:\ [[:digit:]]+ ]] || flunk "$output"
}

@test "(postgres:expose) success when providing custom ports" {
  run dokku postgres:expose l 4242
  assert_success
  assert_output "-----> Service l exposed on port(s) [container->host]: 5432->4242 "
  assert_equal "4242" "$(cat "$PLUGIN_DATA_ROOT/l/PORT")"
  run dokku postgres:info l --exposed-ports
  assert_output "5432->4242 "
}

@test "(postgres:expose) error when already exposed" {
  dokku postgres:expose l 4242 >/dev/null
  run dokku postgres:expose l 4243
  assert_exit_status 1
  assert_contains "${lines[*]}" "already exposed on port(s)"
  assert_output " !     Service l already exposed on port(s) 4242"
}
