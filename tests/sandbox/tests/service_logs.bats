#!/usr/bin/env bats
# postgres:logs (contract §2.24).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
}
teardown_file() { svc_teardown_file; }

@test "(postgres:logs) error when there are no arguments" {
  run dokku postgres:logs
  assert_failure
  assert_contains "${lines[*]}" "Please specify a valid name for the service"
}

@test "(postgres:logs) error when service does not exist" {
  run dokku postgres:logs not_existing_service
  assert_failure
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}

@test "(postgres:logs) success: the container's output" {
  run dokku postgres:logs l
  assert_success
  assert_contains "$output" "database system is ready to accept connections"
}

@test "(postgres:logs) tail a number of lines" {
  run dokku postgres:logs l "" 1
  assert_success
  assert_equal 1 "${#lines[@]}"
}

@test "(postgres:logs) warns when the service is not running" {
  dokku postgres:pause l >/dev/null
  run dokku postgres:logs l
  assert_success
  assert_line_equals 0 " !     Service logs may not be output as service is not running"
  dokku postgres:start l >/dev/null
}
