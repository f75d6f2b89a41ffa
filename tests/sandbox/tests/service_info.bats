#!/usr/bin/env bats
# postgres:info (contract §2.16).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
}
teardown_file() { svc_teardown_file; }

@test "(postgres:info) error when there are no arguments" {
  run dokku postgres:info
  assert_failure
  assert_contains "${lines[*]}" "Please specify a valid name for the service"
}

@test "(postgres:info) error when service does not exist" {
  run dokku postgres:info not_existing_service
  assert_failure
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}

@test "(postgres:info) success" {
  run dokku postgres:info l
  local password
  password="$(svc_password l)"
  assert_success
  assert_contains "${lines[*]}" "postgres://postgres:$password@dokku-postgres-l:5432/l"
}

@test "(postgres:info) the full block: order and printf layout" {
  local root="$PLUGIN_DATA_ROOT/l" id ip
  id="$(cat "$root/ID")"
  ip="$(docker container inspect --format '{{.NetworkSettings.IPAddress}}' dokku.postgres.l)"
  run dokku postgres:info l
  assert_success
  assert_output "$(
    printf '%s\n' "=====> l postgres service information"
    printf '       %-20s %-25s\n' "Config dir:" "$root/data" "Config options:" "" "Data dir:" "$root/data" \
      "Dsn:" "$(svc_dsn l)" "Exposed ports:" "-" "Id:" "$id" "Internal ip:" "$ip" "Initial network:" "" \
      "Links:" "-" "Post create network:" "" "Post start network:" "" "Service root:" "$root" \
      "Status:" "running" "Version:" "postgres:15.18"
  )"
  assert_line_equals 10 "       Post create network:                          "
}

@test "(postgres:info) --quiet drops the header" {
  run dokku --quiet postgres:info l
  assert_success
  assert_output_contains "=====> l postgres service information" 0
  assert_output_contains "       Service root:"
}

@test "(postgres:info) replaces underscores by dash in hostname" {
  svc_create test_with_underscores --image-version 15.18
  run dokku postgres:info test_with_underscores
  local password
  password="$(svc_password test_with_underscores)"
  assert_success
  assert_contains "${lines[*]}" "postgres://postgres:$password@dokku-postgres-test-with-underscores:5432/test_with_underscores"
  svc_destroy test_with_underscores
}

@test "(postgres:info) success with flag" {
  run dokku postgres:info l --dsn
  assert_output "postgres://postgres:$(svc_password l)@dokku-postgres-l:5432/l"

  run dokku postgres:info l --config-dir
  assert_success
  assert_output "$PLUGIN_DATA_ROOT/l/data"

  run dokku postgres:info l --data-dir
  assert_output "$PLUGIN_DATA_ROOT/l/data"

  run dokku postgres:info l --exposed-ports
  assert_output "-"

  run dokku postgres:info l --id
  assert_output "$(cat "$PLUGIN_DATA_ROOT/l/ID")"

  run dokku postgres:info l --internal-ip
  assert_success
  [[ "$output" =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || flunk "internal ip: $output"

  run dokku postgres:info l --links
  assert_output "-"

  run dokku postgres:info l --service-root
  assert_output "$PLUGIN_DATA_ROOT/l"

  run dokku postgres:info l --status
  assert_output "running"

  run dokku postgres:info l --version
  assert_output "postgres:15.18"

  for flag in --config-options --initial-network --post-create-network --post-start-network; do
    run dokku postgres:info l "$flag"
    assert_success
    assert_output ""
  done
}

@test "(postgres:info) --dsn ignores the app's scheme" {
  svc_app_create my-app
  dokku config:set --no-restart my-app POSTGRES_DATABASE_SCHEME=postgres2 >/dev/null
  dokku postgres:link l my-app >/dev/null
  run dokku postgres:info l --dsn
  assert_output "postgres://postgres:$(svc_password l)@dokku-postgres-l:5432/l"
  run dokku postgres:info l --links
  assert_output "my-app "
  dokku postgres:unlink l my-app >/dev/null
  svc_app_destroy my-app
}

@test "(postgres:info) status and version after stop" {
  dokku postgres:stop l >/dev/null 2>&1
  run dokku postgres:info l --status
  assert_output "missing"
  run dokku postgres:info l --version
  assert_output ""
  dokku postgres:start l >/dev/null 2>&1
  run dokku postgres:info l --status
  assert_output "running"
}

@test "(postgres:info) error when invalid flag" {
  run dokku postgres:info l --invalid-flag
  assert_exit_status 1
  assert_output " !     Invalid flag passed, valid flags: --config-dir --config-options --data-dir --dsn --exposed-ports --id --internal-ip --initial-network --links --post-create-network --post-start-network --service-root --status --version"
}
