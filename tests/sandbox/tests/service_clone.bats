#!/usr/bin/env bats
# postgres:clone (contract §2.2, §5.2).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
  svc_sql l "create table t (id int primary key, name text); insert into t values (1, 'one'), (2, 'two');" >/dev/null
}
teardown_file() { svc_teardown_file; }

@test "(postgres:clone) error when there are no arguments" {
  run dokku postgres:clone
  assert_failure
  assert_contains "${lines[*]}" "Please specify a valid name for the service"
}

@test "(postgres:clone) error when service does not exist" {
  run dokku postgres:clone not_existing_service new_service
  assert_failure
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}

@test "(postgres:clone) error when new service isn't provided" {
  run dokku postgres:clone l
  assert_failure
  assert_contains "${lines[*]}" "Please specify a name for the new service"
}

@test "(postgres:clone) error when new service already exists" {
  svc_create new_service --image-version 15.18
  run dokku postgres:clone l new_service
  assert_failure
  assert_output " !     Invalid service name new_service. Verify the service name is not already in use."
  svc_destroy new_service
}

@test "(postgres:clone) success" {
  run dokku postgres:clone l new_service
  assert_success
  assert_line_equals 0 "=====> Cloning l to new_service @ postgres:15.18"
  assert_output_contains "container created: new_service"
  assert_output_contains "-----> Copying data from l to new_service"
  assert_equal "=====> Done" "${lines[-1]}"
  assert_exists "$PLUGIN_DATA_ROOT/new_service/ID"
  # The source's image (from its container), not POSTGRES_IMAGE_VERSION's default.
  assert_equal "15.18" "$(cat "$PLUGIN_DATA_ROOT/new_service/IMAGE_VERSION")"
  run svc_sql new_service "select name from t order by id;"
  assert_success
  assert_output "one
two"
  # A new password and database name: nothing is shared with the source.
  [[ "$(svc_password l)" != "$(svc_password new_service)" ]] || flunk "same password"
  assert_equal "new_service" "$(cat "$PLUGIN_DATA_ROOT/new_service/DATABASE_NAME")"
  svc_destroy new_service
}

@test "(postgres:clone) --image-version overrides the source's version" {
  run dokku postgres:clone l lclone14 --image-version 14.23
  assert_success
  assert_line_equals 0 "=====> Cloning l to lclone14 @ postgres:14.23"
  run dokku postgres:info lclone14 --version
  assert_output "postgres:14.23"
  svc_destroy lclone14
}

@test "(postgres:clone) POSTGRES_IMAGE_VERSION is ignored" {
  POSTGRES_IMAGE_VERSION=14.23 run dokku postgres:clone l lcloneenv
  assert_success
  assert_line_equals 0 "=====> Cloning l to lcloneenv @ postgres:15.18"
  svc_destroy lcloneenv
}

@test "(postgres:clone) error when the source container is not running" {
  dokku postgres:stop l >/dev/null 2>&1
  run dokku postgres:clone l lstopped
  assert_exit_status 1
  assert_output " !     Service l container is not running"
  [[ ! -e "$PLUGIN_DATA_ROOT/lstopped" ]] || flunk "target created"
  dokku postgres:start l >/dev/null 2>&1
}
