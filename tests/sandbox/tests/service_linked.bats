#!/usr/bin/env bats
# shellcheck disable=SC2154 # svc_stdout, svc_stderr: set by service_helper.bash (loaded)
# postgres:linked (contract §2.15): the env side of "linked" (scheme-aware config grep).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
}
teardown_file() { svc_teardown_file; }

setup() { svc_app_create my-app; }
teardown() {
  dokku postgres:unlink l my-app --no-restart >/dev/null 2>&1 || true
  svc_app_destroy my-app
}

@test "(postgres:linked) error when there are no arguments" {
  run dokku postgres:linked
  assert_failure
  assert_contains "${lines[*]}" "Please specify a valid name for the service"
}

@test "(postgres:linked) error when the app argument is missing" {
  run dokku postgres:linked l
  assert_failure
  assert_contains "${lines[*]}" "Please specify an app to run the command on"
}

@test "(postgres:linked) the app is verified before the service" {
  run dokku postgres:linked not_existing_service not_existing_app
  assert_exit_status 20
  assert_output " !     App not_existing_app does not exist"
}

@test "(postgres:linked) success when linked" {
  dokku postgres:link l my-app >/dev/null
  run dokku postgres:linked l my-app
  assert_success
  assert_output "-----> Service l is linked to my-app"
}

@test "(postgres:linked) error when not linked" {
  svc_run_streams dokku postgres:linked l my-app
  assert_exit_status 1
  assert_equal "" "$svc_stdout"
  assert_equal " !     Service l is not linked to my-app" "$svc_stderr"
}

@test "(postgres:linked) a scheme change hides the link while LINKS still lists the app" {
  dokku postgres:link l my-app >/dev/null
  dokku config:set --no-restart my-app POSTGRES_DATABASE_SCHEME=postgis >/dev/null
  run dokku postgres:linked l my-app
  assert_exit_status 1
  run dokku postgres:links l
  assert_output "my-app"
  dokku config:unset --no-restart my-app POSTGRES_DATABASE_SCHEME >/dev/null
}
