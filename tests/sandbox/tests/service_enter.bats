#!/usr/bin/env bats
# postgres:enter (contract §2.22).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
}
teardown_file() { svc_teardown_file; }

@test "(postgres:enter) error when there are no arguments" {
  run dokku postgres:enter
  assert_exit_status 1
  assert_output " !     SERVICE must not be empty"
}

@test "(postgres:enter) error when service does not exist" {
  run dokku postgres:enter not_existing_service
  assert_failure
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}

@test "(postgres:enter) runs a command in the container" {
  run dokku postgres:enter l psql -h localhost -U postgres -Atc "select 40 + 2" l
  assert_success
  assert_output "-----> Filesystem changes may not persist after container restarts
42"
}

@test "(postgres:enter) --quiet drops the warning" {
  run dokku --quiet postgres:enter l psql -h localhost -U postgres -Atc "select 1" l
  assert_success
  assert_output "1"
}

@test "(postgres:enter) error when the container is not running" {
  dokku postgres:pause l >/dev/null
  run dokku postgres:enter l psql -h localhost -U postgres -Atc "select 1" l
  assert_exit_status 1
  assert_output_contains " !     Service container is not running"
  dokku postgres:stop l >/dev/null
  run dokku postgres:enter l psql
  assert_exit_status 1
  assert_output_contains " !     Service container does not exist"
  dokku postgres:start l >/dev/null
}
