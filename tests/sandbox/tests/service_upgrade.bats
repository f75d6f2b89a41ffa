#!/usr/bin/env bats
# postgres:upgrade (contract §2.17): swaps the container only; the target defaults to the
# plugin default image, never the service's own.
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15 --custom-env "TZ=UTC" --config-options "-c max_connections=42"
  svc_sql l "create table t (id int); insert into t values (1);" >/dev/null
  docker image pull postgres:15.18 >/dev/null
}
teardown_file() { svc_teardown_file; }

@test "(postgres:upgrade) error when there are no arguments" {
  run dokku postgres:upgrade
  assert_failure
  assert_contains "${lines[*]}" "Please specify a valid name for the service"
}

@test "(postgres:upgrade) error when service does not exist" {
  run dokku postgres:upgrade not_existing_service
  assert_failure
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}

@test "(postgres:upgrade) already running the target: nothing changes" {
  run dokku postgres:upgrade l --image-version 15
  assert_success
  assert_output "-----> Service l already running postgres:15"
  assert_equal "TZ=UTC" "$(cat "$PLUGIN_DATA_ROOT/l/ENV")"
}

@test "(postgres:upgrade) error when the image cannot be pulled" {
  run dokku postgres:upgrade l --image-version 99.1
  assert_exit_status 1
  assert_output_contains " !     Postgres image postgres:99.1 pull failed"
  assert_equal "15" "$(cat "$PLUGIN_DATA_ROOT/l/IMAGE_VERSION")"
}

@test "(postgres:upgrade) POSTGRES_DISABLE_PULL with a missing image" {
  POSTGRES_DISABLE_PULL=true run dokku postgres:upgrade l --image-version 16.14
  assert_exit_status 1
  assert_output " !     POSTGRES_DISABLE_PULL environment variable detected. Not running pull command.
 !        docker image pull 
 !     Postgres service l upgrade failed"
}

@test "(postgres:upgrade) same major: the container is swapped, custom env and options are lost" {
  run dokku postgres:upgrade l --image-version 15.18
  assert_success
  assert_line_equals 0 "=====> Upgrading l to postgres:15.18"
  assert_line_equals 1 "=====> Stopping l"
  assert_output_contains "       Removing container"
  assert_output_contains "=====> Starting container"
  assert_output_contains "       Already exists"
  assert_output_contains "=====> Postgres container created: l"
  assert_equal "=====> Done" "${lines[-1]}"
  assert_equal "postgres" "$(cat "$PLUGIN_DATA_ROOT/l/IMAGE")"
  assert_equal "15.18" "$(cat "$PLUGIN_DATA_ROOT/l/IMAGE_VERSION")"
  assert_equal "" "$(cat "$PLUGIN_DATA_ROOT/l/ENV")"
  assert_equal "" "$(cat "$PLUGIN_DATA_ROOT/l/CONFIG_OPTIONS")"
  run svc_sql l "select id from t; show max_connections;"
  assert_output "1
100"
}

@test "(postgres:upgrade) --restart-apps true with a linked app calls the removed ps_stop" {
  svc_app_create my-app
  dokku postgres:link l my-app >/dev/null
  bats_require_minimum_version 1.5.0
  run -127 dokku postgres:upgrade l --image-version 15 --restart-apps true
  assert_exit_status 127
  assert_output_contains "=====> Stopping all linked services"
  assert_output_contains "ps_stop: command not found"
  dokku postgres:unlink l my-app >/dev/null
  svc_app_destroy my-app
}

@test "(postgres:upgrade) no flags: moves to the plugin default postgres:18.4 and crash-loops" {
  svc_create v15 --image-version 15.18
  run dokku postgres:upgrade v15
  assert_exit_status 1
  assert_line_equals 0 "=====> Upgrading v15 to postgres:18.4"
  assert_output_contains "=====> Start of v15 container output"
  assert_output_contains "=====> End of v15 container output"
  assert_output_contains "=====> Done" 0
  assert_equal "18.4" "$(cat "$PLUGIN_DATA_ROOT/v15/IMAGE_VERSION")"
  # The container keeps crash-looping (restart=always): the 18 entrypoint finds the 15 cluster.
  run docker container logs dokku.postgres.v15
  assert_contains "$output" "there appears to be PostgreSQL data in:"
  run docker container inspect --format '{{.HostConfig.RestartPolicy.Name}} {{.Config.Image}}' dokku.postgres.v15
  assert_output "always postgres:18.4"
  svc_destroy v15
}
