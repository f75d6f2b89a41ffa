#!/usr/bin/env bats
# postgres:link (contract §2.12, §3).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create ls --image-version 15.18
  svc_create ms --image-version 15.18
}
teardown_file() { svc_teardown_file; }

setup() { svc_app_create my-app; }
teardown() {
  dokku postgres:unlink ls my-app --no-restart >/dev/null 2>&1 || true
  dokku postgres:unlink ms my-app --no-restart >/dev/null 2>&1 || true
  svc_app_destroy my-app
}

@test "(postgres:link) error when there are no arguments" {
  run dokku postgres:link
  assert_failure
  assert_contains "${lines[*]}" "Please specify a valid name for the service"
}

@test "(postgres:link) error when the app argument is missing" {
  run dokku postgres:link ls
  assert_failure
  assert_contains "${lines[*]}" "Please specify an app to run the command on"
}

@test "(postgres:link) error when the app does not exist" {
  run dokku postgres:link ls not_existing_app
  assert_exit_status 20
  assert_contains "${lines[*]}" "App not_existing_app does not exist"
}

@test "(postgres:link) the app is verified before the service" {
  run dokku postgres:link not_existing_service not_existing_app
  assert_exit_status 20
  assert_output " !     App not_existing_app does not exist"
}

@test "(postgres:link) error when the service does not exist" {
  run dokku postgres:link not_existing_service my-app
  assert_exit_status 1
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}

@test "(postgres:link) error when the service is already linked to app" {
  dokku postgres:link ls my-app >/dev/null
  run dokku postgres:link ls my-app
  assert_exit_status 1
  assert_contains "${lines[*]}" "Already linked as DATABASE_URL"
}

@test "(postgres:link) exports DATABASE_URL to app" {
  run dokku postgres:link ls my-app
  assert_success
  assert_output "-----> Setting config vars
       DATABASE_URL:  $(svc_dsn ls)"
  run dokku config:get my-app DATABASE_URL
  assert_output "$(svc_dsn ls)"
  assert_equal "my-app" "$(cat "$PLUGIN_DATA_ROOT/ls/LINKS")"
}

@test "(postgres:link) generates an alternate config url when DATABASE_URL already in use" {
  dokku config:set --no-restart my-app DATABASE_URL=postgres://user:pass@host:5432/db >/dev/null
  dokku postgres:link ls my-app >/dev/null
  run dokku config my-app
  assert_contains "${lines[*]}" "DOKKU_POSTGRES_AQUA_URL"

  dokku postgres:link ms my-app >/dev/null
  run dokku config my-app
  assert_contains "${lines[*]}" "DOKKU_POSTGRES_BLACK_URL"
  run dokku config:get my-app DOKKU_POSTGRES_BLACK_URL
  assert_output "$(svc_dsn ms)"
}

@test "(postgres:link) any var containing DATABASE_URL forces a colour alias" {
  dokku config:set --no-restart my-app EXTERNAL_DATABASE_URL=postgres://x:y@h:5432/d >/dev/null
  dokku postgres:link ls my-app >/dev/null
  run dokku config:get my-app DOKKU_POSTGRES_AQUA_URL
  assert_success
  assert_output "$(svc_dsn ls)"
  run dokku config:get my-app DATABASE_URL
  assert_exit_status 1
}

@test "(postgres:link) the first free colour wins" {
  dokku config:set --no-restart my-app DATABASE_URL=postgres://user:pass@host:5432/db \
    DOKKU_POSTGRES_AQUA_URL=x DOKKU_POSTGRES_BLUE_URL=y >/dev/null
  dokku postgres:link ls my-app >/dev/null
  run dokku config:get my-app DOKKU_POSTGRES_BLACK_URL
  assert_output "$(svc_dsn ls)"
}

@test "(postgres:link) error when all 16 colours are taken" {
  local -a vars=(DATABASE_URL=postgres://user:pass@host:5432/db)
  local color
  for color in AQUA BLACK BLUE FUCHSIA GRAY GREEN LIME MAROON NAVY OLIVE PURPLE RED SILVER TEAL WHITE YELLOW; do
    vars+=("DOKKU_POSTGRES_${color}_URL=x")
  done
  dokku config:set --no-restart my-app "${vars[@]}" >/dev/null
  run dokku postgres:link ls my-app
  assert_exit_status 1
  assert_output " !     Unable to use default or generated URL alias"
  assert_equal "" "$(cat "$PLUGIN_DATA_ROOT/ls/LINKS")"
}

@test "(postgres:link) adds a docker link" {
  dokku postgres:link ls my-app >/dev/null
  run dokku docker-options:report my-app
  assert_contains "${lines[*]}" "--link dokku.postgres.ls:dokku-postgres-ls"
  run dokku --quiet docker-options:report my-app
  assert_equal "Docker options build: --link dokku.postgres.ls:dokku-postgres-ls Docker options deploy: --restart=on-failure:10 --link dokku.postgres.ls:dokku-postgres-ls Docker options run: --link dokku.postgres.ls:dokku-postgres-ls" "$(xargs <<<"$output")"
}

@test "(postgres:link) uses apps POSTGRES_DATABASE_SCHEME variable" {
  dokku config:set --no-restart my-app POSTGRES_DATABASE_SCHEME=postgres2 >/dev/null
  dokku postgres:link ls my-app >/dev/null
  run dokku config:get my-app DATABASE_URL
  assert_contains "${lines[*]}" "postgres2://postgres:$(svc_password ls)@dokku-postgres-ls:5432/ls"
}

@test "(postgres:link) adds a querystring" {
  dokku postgres:link ls my-app --querystring "pool=5" >/dev/null
  run dokku config:get my-app DATABASE_URL
  assert_contains "${lines[*]}" "?pool=5"
  assert_output "$(svc_dsn ls)?pool=5"
}

@test "(postgres:link) a leading ? of the querystring is dropped" {
  dokku postgres:link ls my-app -q "?sslmode=require" >/dev/null
  run dokku config:get my-app DATABASE_URL
  assert_output "$(svc_dsn ls)?sslmode=require"
}

@test "(postgres:link) uses a specified config url when alias is specified" {
  dokku postgres:link ls my-app --alias "ALIAS" >/dev/null
  run dokku config:get my-app ALIAS_URL
  assert_success
  assert_contains "${lines[*]}" "postgres://postgres:$(svc_password ls)@dokku-postgres-ls:5432/ls"
}

@test "(postgres:link) the alias is upper-cased and a trailing _URL removed" {
  dokku postgres:link ls my-app --alias "reporting_url" >/dev/null
  run dokku config:get my-app REPORTING_URL
  assert_output "$(svc_dsn ls)"
  run dokku config:get my-app REPORTING_URL_URL
  assert_exit_status 1
}

@test "(postgres:link) error when the specified alias is in use" {
  dokku config:set --no-restart my-app ALIAS_URL=foo >/dev/null
  run dokku postgres:link ls my-app --alias alias
  assert_exit_status 1
  assert_output " !     Specified alias ALIAS already in use"
}

@test "(postgres:link) --no-restart skips restarting the app" {
  run dokku postgres:link ls my-app --no-restart
  assert_success
  assert_output_contains "Skipping restart of linked app"
  dokku postgres:unlink ls my-app >/dev/null
  run dokku postgres:link ls my-app
  assert_success
  assert_output_contains "Skipping restart of linked app" 0
}

@test "(postgres:link) a deployed app is restarted" {
  dokku apps:create deployed-app >/dev/null
  "$SVC_SANDBOX" deploy "$SVC_HOST" deployed-app >/dev/null
  run dokku postgres:link ls deployed-app
  assert_success
  assert_output_contains "-----> Restarting app deployed-app"
  dokku postgres:unlink ls deployed-app --no-restart >/dev/null
  svc_app_destroy deployed-app
}

@test "(postgres:link) flags before the app are not flags" {
  run dokku postgres:link ls --alias FOO my-app
  assert_exit_status 20
  assert_output " !     App --alias does not exist"
}
