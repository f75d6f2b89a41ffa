#!/usr/bin/env bats
# postgres:backup (contract §2.7, §4): a real upload to the sandbox's S3 API.
load test_helper
load service_helper

s3() {
  AWS_ACCESS_KEY_ID="$SANDBOX_S3_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$SANDBOX_S3_SECRET_KEY" AWS_DEFAULT_REGION=us-east-1 \
    /usr/bin/aws --endpoint-url "$SANDBOX_S3_ENDPOINT" s3 "$@"
}

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
  svc_sql l "create table t (id int); insert into t values (1), (2);" >/dev/null
  s3 mb s3://backups >/dev/null
}
teardown_file() { svc_teardown_file; }

teardown() {
  dokku postgres:backup-deauth l >/dev/null 2>&1 || true
  dokku postgres:backup-unset-encryption l >/dev/null 2>&1 || true
}

auth() {
  dokku postgres:backup-auth l "$SANDBOX_S3_ACCESS_KEY" "$SANDBOX_S3_SECRET_KEY" us-east-1 s3v4 "$SANDBOX_S3_ENDPOINT"
}

@test "(postgres:backup) error when there are no arguments" {
  run dokku postgres:backup
  assert_exit_status 1
  assert_output " !     Please specify a valid name for the service"
}

@test "(postgres:backup) error when the bucket is missing" {
  run dokku postgres:backup l
  assert_exit_status 1
  assert_output " !     Please specify an aws bucket for the backup"
}

@test "(postgres:backup) error when service does not exist" {
  run dokku postgres:backup not_existing_service backups
  assert_failure
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}

@test "(postgres:backup) error without credentials" {
  run dokku postgres:backup l backups
  assert_exit_status 1
  assert_output " !     Missing AWS_ACCESS_KEY_ID file"
}

@test "(postgres:backup) error with an unknown third argument" {
  run dokku postgres:backup l backups --use-magic
  assert_exit_status 1
  assert_output " !     Provide AWS credentials or use the --use-iam flag"
}

@test "(postgres:backup) error when the container is not running or missing" {
  auth
  dokku postgres:pause l >/dev/null
  run dokku postgres:backup l backups
  assert_exit_status 1
  assert_output " !     Service container is not running"
  dokku postgres:stop l >/dev/null
  run dokku postgres:backup l backups
  assert_exit_status 1
  assert_output " !     Service container does not exist"
  dokku postgres:start l >/dev/null
}

@test "(postgres:backup) uploads postgres-l-<timestamp>.tgz holding backup/export" {
  auth
  run dokku postgres:backup l backups
  assert_success
  [[ "$output" =~ [0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}:\ The\ backup\ for\ postgres-l\ finished\ successfully\. ]] || flunk "$output"
  run s3 ls s3://backups/
  assert_success
  [[ "$output" =~ postgres-l-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}\.tgz ]] || flunk "$output"
  local key
  key="$(grep -oE 'postgres-l-[0-9-]+\.tgz$' <<<"$output" | tail -1)"
  s3 cp "s3://backups/$key" "$BATS_TEST_TMPDIR/b.tgz" >/dev/null
  tar -xzf "$BATS_TEST_TMPDIR/b.tgz" -C "$BATS_TEST_TMPDIR"
  assert_equal "PGDMP" "$(head -c 5 "$BATS_TEST_TMPDIR/backup/export")"
  # Restore path of the docs: import the export back.
  svc_sql l "drop table t;" >/dev/null
  run bash -c "dokku postgres:import l <'$BATS_TEST_TMPDIR/backup/export'"
  assert_success
  run svc_sql l "select count(*) from t;"
  assert_output "2"
}

@test "(postgres:backup) a bucket with a prefix" {
  auth
  run dokku postgres:backup l backups/nightly/db
  assert_success
  run s3 ls s3://backups/nightly/db/
  [[ "$output" =~ postgres-l-[0-9-]+\.tgz ]] || flunk "$output"
}

@test "(postgres:backup) with a passphrase the object is .tgz.gpg" {
  auth
  dokku postgres:backup-set-encryption l "s3cret phrase"
  run dokku postgres:backup l backups/enc
  assert_success
  run s3 ls s3://backups/enc/
  [[ "$output" =~ postgres-l-[0-9-]+\.tgz\.gpg ]] || flunk "$output"
}

@test "(postgres:backup) a failing upload fails the command" {
  dokku postgres:backup-auth l "$SANDBOX_S3_ACCESS_KEY" "$SANDBOX_S3_SECRET_KEY" us-east-1 s3v4 "$SANDBOX_S3_ENDPOINT"
  run dokku postgres:backup l no-such-bucket
  assert_failure
  assert_output_contains "Backup of backup/ has failed. Please investigate the issue."
}
