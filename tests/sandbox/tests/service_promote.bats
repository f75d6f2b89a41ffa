#!/usr/bin/env bats
# postgres:promote (contract §2.14, §3.3).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
}
teardown_file() { svc_teardown_file; }

setup() {
  svc_app_create my-app
  dokku config:set --no-restart my-app DATABASE_URL=postgres://u:p@host:5432/db >/dev/null
  dokku postgres:link l my-app >/dev/null
}
teardown() {
  dokku postgres:unlink l my-app --no-restart >/dev/null 2>&1 || true
  svc_app_destroy my-app
}

@test "(postgres:promote) error when there are no arguments" {
  run dokku postgres:promote
  assert_failure
  assert_contains "${lines[*]}" "Please specify a valid name for the service"
}

@test "(postgres:promote) error when the app argument is missing" {
  run dokku postgres:promote l
  assert_failure
  assert_contains "${lines[*]}" "Please specify an app to run the command on"
}

@test "(postgres:promote) error when the app does not exist" {
  run dokku postgres:promote l not_existing_app
  assert_exit_status 20
  assert_contains "${lines[*]}" "App not_existing_app does not exist"
}

@test "(postgres:promote) error when the service does not exist" {
  run dokku postgres:promote not_existing_service my-app
  assert_failure
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}

@test "(postgres:promote) error when the service is not linked" {
  svc_app_create other-app
  run dokku postgres:promote l other-app
  assert_exit_status 1
  assert_output " !     Not linked to app other-app"
  svc_app_destroy other-app
}

@test "(postgres:promote) error when the service is already promoted" {
  dokku postgres:promote l my-app >/dev/null
  run dokku postgres:promote l my-app
  assert_exit_status 1
  assert_contains "${lines[*]}" "already promoted as DATABASE_URL"
  assert_output " !     Service l already promoted as DATABASE_URL"
}

@test "(postgres:promote) changes DATABASE_URL" {
  local password
  password="$(svc_password l)"
  dokku postgres:promote l my-app
  url="$(dokku config:get my-app DATABASE_URL)"
  assert_equal "$url" "postgres://postgres:$password@dokku-postgres-l:5432/l"
}

@test "(postgres:promote) creates new config url when needed" {
  dokku postgres:promote l my-app
  run dokku config my-app
  assert_contains "${lines[*]}" "DOKKU_POSTGRES_"
}

@test "(postgres:promote) keeps the previous url under the first free colour and unsets nothing" {
  # setup: DATABASE_URL is foreign, the service is DOKKU_POSTGRES_AQUA_URL.
  run dokku postgres:promote l my-app
  assert_success
  assert_output_contains "-----> Setting config vars"
  assert_output_contains "       DATABASE_URL:"
  assert_output_contains "       DOKKU_POSTGRES_BLACK_URL:"
  assert_equal "$(svc_dsn l)" "$(dokku config:get my-app DATABASE_URL)"
  assert_equal "postgres://u:p@host:5432/db" "$(dokku config:get my-app DOKKU_POSTGRES_BLACK_URL)"
  # The promoted service's own alias stays.
  assert_equal "$(svc_dsn l)" "$(dokku config:get my-app DOKKU_POSTGRES_AQUA_URL)"
}

@test "(postgres:promote) no new colour when another var holds the previous url" {
  dokku config:set --no-restart my-app KEEP_URL=postgres://u:p@host:5432/db >/dev/null
  run dokku postgres:promote l my-app
  assert_success
  run dokku config:get my-app DOKKU_POSTGRES_BLACK_URL
  assert_exit_status 1
}

@test "(postgres:promote) uses POSTGRES_DATABASE_SCHEME variable" {
  dokku postgres:unlink l my-app --no-restart >/dev/null
  dokku config:set --no-restart my-app POSTGRES_DATABASE_SCHEME=postgres2 DATABASE_URL=postgres://u:p@host:5432/db >/dev/null
  dokku postgres:link l my-app >/dev/null
  local password
  password="$(svc_password l)"
  dokku postgres:promote l my-app
  url="$(dokku config:get my-app DATABASE_URL)"
  assert_equal "$url" "postgres2://postgres:$password@dokku-postgres-l:5432/l"
}

@test "(postgres:promote) unlinking a promoted service removes DATABASE_URL too" {
  dokku postgres:promote l my-app >/dev/null
  run dokku postgres:unlink l my-app
  assert_success
  run dokku config:get my-app DATABASE_URL
  assert_exit_status 1
  run dokku config:get my-app DOKKU_POSTGRES_AQUA_URL
  assert_exit_status 1
}
