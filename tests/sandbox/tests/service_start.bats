#!/usr/bin/env bats
# postgres:start (contract §2.19).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
  svc_sql l "create table kept (id int); insert into kept values (7);" >/dev/null
}
teardown_file() { svc_teardown_file; }

@test "(postgres:start) error when there are no arguments" {
  run dokku postgres:start
  assert_failure
  assert_contains "${lines[*]}" "Please specify a valid name for the service"
}

@test "(postgres:start) error when service does not exist" {
  run dokku postgres:start not_existing_service
  assert_failure
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}

@test "(postgres:start) already started" {
  run dokku postgres:start l
  assert_success
  assert_output " !     Service is already started"
}

@test "(postgres:start) updates a stale local container ID" {
  local id
  id="$(cat "$PLUGIN_DATA_ROOT/l/ID")"
  echo "0000" >"$PLUGIN_DATA_ROOT/l/ID"
  run dokku postgres:start l
  assert_success
  assert_output " !     Service is already started
 !     Updating local container ID"
  assert_equal "$id" "$(cat "$PLUGIN_DATA_ROOT/l/ID")"
}

@test "(postgres:start) success after pause" {
  dokku postgres:pause l >/dev/null
  run dokku postgres:start l
  assert_success
  assert_output "=====> Starting container
=====> Container started"
  run dokku postgres:info l --status
  assert_output "running"
}

@test "(postgres:start) recreates the container after stop" {
  dokku postgres:stop l >/dev/null
  run dokku postgres:start l
  assert_success
  assert_line_equals 0 "=====> Starting container"
  assert_output_contains "       Waiting for container to be ready"
  assert_output_contains "       Already exists"
  assert_output_contains "=====> Postgres container created: l"
  run dokku postgres:info l --version
  assert_output "postgres:15.18"
  run svc_sql l "select id from kept;"
  assert_output "7"
}

@test "(postgres:start) the plugin default image must exist to recreate (quirk)" {
  dokku postgres:stop l >/dev/null
  # The check uses POSTGRES_IMAGE[_VERSION], not the service's own image.
  POSTGRES_IMAGE_VERSION=99.9 run dokku postgres:start l
  assert_success
  assert_output "=====> Starting container
       Missing image postgres:15.18 for l"
  run dokku postgres:info l --status
  assert_output "missing"
  dokku postgres:start l >/dev/null
}

@test "(postgres:start) neither container nor configuration" {
  dokku postgres:stop l >/dev/null
  mv "$PLUGIN_DATA_ROOT/l/PASSWORD" "$BATS_TEST_TMPDIR/PASSWORD"
  run dokku postgres:start l
  mv "$BATS_TEST_TMPDIR/PASSWORD" "$PLUGIN_DATA_ROOT/l/PASSWORD"
  assert_success
  assert_output "=====> Starting container
       Neither container nor valid configuration exists for l"
  dokku postgres:start l >/dev/null
}
