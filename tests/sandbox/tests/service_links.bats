#!/usr/bin/env bats
# postgres:links (contract §2.15): the LINKS file.
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
}
teardown_file() { svc_teardown_file; }

@test "(postgres:links) error when there are no arguments" {
  run dokku postgres:links
  assert_failure
  assert_contains "${lines[*]}" "Please specify a valid name for the service"
}

@test "(postgres:links) error when the service does not exist" {
  run dokku postgres:links not_existing_service
  assert_failure
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}

@test "(postgres:links) nothing when no app is linked" {
  run dokku postgres:links l
  assert_success
  assert_output ""
}

@test "(postgres:links) linked apps, sorted" {
  svc_app_create zed-app
  svc_app_create my-app
  dokku postgres:link l zed-app >/dev/null
  dokku postgres:link l my-app >/dev/null
  run dokku postgres:links l
  assert_success
  assert_output "my-app
zed-app"
  run dokku postgres:info l --links
  assert_output "my-app zed-app "
  dokku postgres:unlink l zed-app >/dev/null
  dokku postgres:unlink l my-app >/dev/null
  svc_app_destroy zed-app
  svc_app_destroy my-app
}
