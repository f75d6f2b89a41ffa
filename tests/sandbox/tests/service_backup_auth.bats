#!/usr/bin/env bats
# postgres:backup-auth / postgres:backup-deauth (contract §2.5, §2.6).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
}
teardown_file() { svc_teardown_file; }

teardown() { dokku postgres:backup-deauth l >/dev/null 2>&1 || true; }

@test "(postgres:backup-auth) error when there are no arguments" {
  run dokku postgres:backup-auth
  assert_exit_status 1
  assert_output " !     Please specify a valid name for the service"
}

@test "(postgres:backup-auth) error when the access key id is missing" {
  run dokku postgres:backup-auth l
  assert_exit_status 1
  assert_output " !     Please specify an aws access key id"
}

@test "(postgres:backup-auth) error when the secret is missing" {
  run dokku postgres:backup-auth l AKID
  assert_exit_status 1
  assert_output " !     Please specify an aws secret access key"
}

@test "(postgres:backup-auth) error when service does not exist" {
  run dokku postgres:backup-auth not_existing_service AKID SECRET
  assert_failure
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}

@test "(postgres:backup-auth) writes the key files, silently" {
  run dokku postgres:backup-auth l AKID SECRET
  assert_success
  assert_output ""
  local dir="$PLUGIN_DATA_ROOT/l/backup"
  assert_equal "AKID" "$(cat "$dir/AWS_ACCESS_KEY_ID")"
  assert_equal "SECRET" "$(cat "$dir/AWS_SECRET_ACCESS_KEY")"
  [[ ! -e "$dir/AWS_DEFAULT_REGION" && ! -e "$dir/AWS_SIGNATURE_VERSION" && ! -e "$dir/ENDPOINT_URL" ]] || flunk "optional files written"
}

@test "(postgres:backup-auth) optional region, signature version and endpoint" {
  run dokku postgres:backup-auth l AKID SECRET eu-west-1 s3v4 http://127.0.0.1:9000
  assert_success
  local dir="$PLUGIN_DATA_ROOT/l/backup"
  assert_equal "eu-west-1" "$(cat "$dir/AWS_DEFAULT_REGION")"
  assert_equal "s3v4" "$(cat "$dir/AWS_SIGNATURE_VERSION")"
  assert_equal "http://127.0.0.1:9000" "$(cat "$dir/ENDPOINT_URL")"
}

@test "(postgres:backup-deauth) removes the credentials, exit 0 even when none" {
  dokku postgres:backup-auth l AKID SECRET
  run dokku postgres:backup-deauth l
  assert_success
  assert_output ""
  [[ ! -e "$PLUGIN_DATA_ROOT/l/backup" ]] || flunk "backup/ left behind"
  run dokku postgres:backup-deauth l
  assert_success
}

@test "(postgres:backup-deauth) error when service does not exist" {
  run dokku postgres:backup-deauth not_existing_service
  assert_failure
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}
