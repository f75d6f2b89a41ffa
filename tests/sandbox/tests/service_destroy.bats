#!/usr/bin/env bats
# postgres:destroy (contract §2.26).
load test_helper
load service_helper

setup_file() { svc_setup_file; }
teardown_file() { svc_teardown_file; }

setup() { svc_app_create my-app; }
teardown() { svc_app_destroy my-app; }

@test "(postgres:destroy) success with --force" {
  svc_create l --image-version 15.18
  run dokku --force postgres:destroy l
  assert_success
  assert_output_contains "=====> Deleting l"
  assert_output_contains "       Removing data"
  assert_output_contains "container deleted: l"
  assert_equal "=====> Postgres container deleted: l" "${lines[-1]}"
  [[ ! -e "$PLUGIN_DATA_ROOT/l" ]] || flunk "service root left behind"
  [[ ! -e "$PLUGIN_CONFIG_ROOT/l" ]] || flunk "properties left behind"
  run docker container ps -aq --filter name=^/dokku.postgres.l$
  assert_output ""
}

@test "(postgres:destroy) success with force as the second argument" {
  svc_create l --image-version 15.18
  run dokku postgres:destroy l force
  assert_success
  assert_output_contains "container deleted: l"
}

@test "(postgres:destroy) asks for confirmation" {
  svc_create l --image-version 15.18
  run bash -c 'echo nope | dokku postgres:destroy l'
  assert_exit_status 1
  assert_output_contains " !     WARNING: Potentially Destructive Action"
  assert_output_contains " !     This command will destroy l Postgres service."
  assert_output_contains ' !     To proceed, type "l"'
  assert_output_contains " !     Confirmation did not match l. Aborted."
  assert_exists "$PLUGIN_DATA_ROOT/l"
  run bash -c 'echo l | dokku postgres:destroy l'
  assert_success
  assert_output_contains "container deleted: l"
}

@test "(postgres:destroy) error when there are no arguments" {
  run dokku postgres:destroy
  assert_failure
  assert_contains "${lines[*]}" "Please specify a valid name for the service"
}

@test "(postgres:destroy) error when container does not exist" {
  run dokku --force postgres:destroy non_existing_container
  assert_failure
  assert_contains "${lines[*]}" "service non_existing_container does not exist"
}

@test "(postgres:destroy) error when container is linked to an app" {
  svc_create l --image-version 15.18
  dokku postgres:link l my-app >/dev/null
  run dokku --force postgres:destroy l
  assert_exit_status 1
  assert_output " !     Cannot delete linked service"
  dokku postgres:unlink l my-app >/dev/null
  run dokku --force postgres:destroy l
  assert_success
}

@test "(postgres:destroy) removes the backup schedule" {
  svc_create l --image-version 15.18
  dokku postgres:backup-schedule l "0 3 * * *" my-bucket
  assert_exists "$SVC_CRON_DIR/dokku-postgres-l"
  run dokku --force postgres:destroy l
  assert_success
  [[ ! -e "$SVC_CRON_DIR/dokku-postgres-l" ]] || flunk "cron file left behind"
}
