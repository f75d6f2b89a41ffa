#!/usr/bin/env bats
# postgres:restart (contract §2.20).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
}
teardown_file() { svc_teardown_file; }

@test "(postgres:restart) error when there are no arguments" {
  run dokku postgres:restart
  assert_failure
  assert_contains "${lines[*]}" "Please specify a valid name for the service"
}

@test "(postgres:restart) error when service does not exist" {
  run dokku postgres:restart not_existing_service
  assert_failure
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}

@test "(postgres:restart) success" {
  run dokku postgres:restart l
  assert_success
  assert_output "=====> Pausing container
       Container paused
=====> Starting container
=====> Container started
-----> Please call dokku ps:restart on all linked apps"
  run dokku postgres:info l --status
  assert_output "running"
  run svc_sql l "select 1;"
  assert_output "1"
}
