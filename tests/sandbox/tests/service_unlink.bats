#!/usr/bin/env bats
# postgres:unlink (contract §2.13, §3.4).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create ls --image-version 15.18
}
teardown_file() { svc_teardown_file; }

setup() { svc_app_create my-app; }
teardown() {
  dokku postgres:unlink ls my-app --no-restart >/dev/null 2>&1 || true
  svc_app_destroy my-app
}

@test "(postgres:unlink) error when there are no arguments" {
  run dokku postgres:unlink
  assert_failure
  assert_contains "${lines[*]}" "Please specify a valid name for the service"
}

@test "(postgres:unlink) error when the app argument is missing" {
  run dokku postgres:unlink ls
  assert_failure
  assert_contains "${lines[*]}" "Please specify an app to run the command on"
}

@test "(postgres:unlink) error when the app does not exist" {
  run dokku postgres:unlink ls not_existing_app
  assert_exit_status 20
  assert_contains "${lines[*]}" "App not_existing_app does not exist"
}

@test "(postgres:unlink) the service is verified before the app" {
  run dokku postgres:unlink not_existing_service not_existing_app
  assert_exit_status 1
  assert_output " !     Postgres service not_existing_service does not exist"
}

@test "(postgres:unlink) error when the service is not linked to app" {
  run dokku postgres:unlink ls my-app
  assert_exit_status 1
  assert_contains "${lines[*]}" "Not linked to app my-app"
}

@test "(postgres:unlink) success" {
  dokku postgres:link ls my-app >/dev/null
  run dokku postgres:unlink ls my-app
  assert_success
  assert_output "-----> Unsetting DATABASE_URL"
  run dokku config:get my-app DATABASE_URL
  assert_exit_status 1
  assert_output ""
  assert_equal "" "$(cat "$PLUGIN_DATA_ROOT/ls/LINKS")"
}

@test "(postgres:unlink) removes link from docker-options" {
  dokku postgres:link ls my-app >/dev/null
  dokku postgres:unlink ls my-app >/dev/null
  run dokku --quiet docker-options:report my-app
  assert_equal "Docker options build: Docker options deploy: --restart=on-failure:10 Docker options run:" "$(xargs <<<"$output")"
}

@test "(postgres:unlink) removes every var holding the service url" {
  dokku config:set --no-restart my-app DATABASE_URL=postgres://user:pass@host:5432/db >/dev/null
  dokku postgres:link ls my-app --querystring pool=5 >/dev/null
  dokku config:set --no-restart my-app "MANUAL_URI=$(dokku postgres:info ls --dsn)" >/dev/null
  run dokku postgres:unlink ls my-app
  assert_success
  assert_output_contains "-----> Unsetting DOKKU_POSTGRES_AQUA_URL"
  assert_output_contains "-----> Unsetting MANUAL_URI"
  run dokku config:get my-app DATABASE_URL
  assert_output "postgres://user:pass@host:5432/db"
}

@test "(postgres:unlink) --no-restart skips restarting the app" {
  dokku postgres:link ls my-app >/dev/null
  run dokku --no-restart postgres:unlink ls my-app
  assert_success
  assert_output_contains "Skipping restart of linked app"
}

@test "(postgres:unlink) --no-restart after the arguments is a global flag too" {
  dokku postgres:link ls my-app >/dev/null
  run dokku postgres:unlink ls my-app --no-restart
  assert_success
  assert_output_contains "Skipping restart of linked app"
}

@test "(postgres:unlink) a bare -n is ignored" {
  dokku postgres:link ls my-app >/dev/null
  run dokku postgres:unlink ls my-app -n
  assert_success
  assert_output_contains "Skipping restart of linked app" 0
}

@test "(postgres:unlink) LINKS and the docker link are dropped before the not-linked check" {
  dokku postgres:link ls my-app >/dev/null
  dokku config:unset --no-restart my-app DATABASE_URL >/dev/null
  assert_equal "my-app" "$(cat "$PLUGIN_DATA_ROOT/ls/LINKS")"
  run dokku postgres:unlink ls my-app
  assert_exit_status 1
  assert_output " !     Not linked to app my-app"
  assert_equal "" "$(cat "$PLUGIN_DATA_ROOT/ls/LINKS")"
  run dokku docker-options:report my-app --docker-options-deploy
  assert_output "--restart=on-failure:10"
}
