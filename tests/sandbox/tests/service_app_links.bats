#!/usr/bin/env bats
# postgres:app-links (contract §2.15).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
  svc_create b_other --image-version 15.18
  svc_create a_first --image-version 15.18
}
teardown_file() { svc_teardown_file; }

setup() { svc_app_create my-app; }
teardown() {
  local s
  for s in l b_other a_first; do
    dokku postgres:unlink "$s" my-app --no-restart >/dev/null 2>&1 || true
  done
  svc_app_destroy my-app
}

@test "(postgres:app-links) error when the app argument is missing" {
  run dokku postgres:app-links
  assert_failure
  assert_contains "${lines[*]}" "Please specify an app to run the command on"
}

@test "(postgres:app-links) error when the app does not exist" {
  run dokku postgres:app-links not_existing_app
  assert_exit_status 20
  assert_output " !     App not_existing_app does not exist"
}

@test "(postgres:app-links) nothing when no service is linked" {
  run dokku postgres:app-links my-app
  assert_success
  assert_output ""
}

@test "(postgres:app-links) linked services in glob order" {
  dokku postgres:link l my-app >/dev/null
  dokku postgres:link b_other my-app >/dev/null
  dokku postgres:link a_first my-app >/dev/null
  run dokku postgres:app-links my-app
  assert_success
  assert_output "a_first
b_other
l"
}

@test "(postgres:app-links) honours --app" {
  dokku postgres:link l my-app >/dev/null
  run dokku --app my-app postgres:app-links
  assert_success
  assert_output "l"
}
