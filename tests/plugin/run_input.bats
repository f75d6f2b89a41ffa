#!/usr/bin/env bats
# pgupgrade:run refuses bad input with one clear line and a documented exit code, and changes
# nothing on the host.

load plugin_helper

setup_file() {
  plugin_setup_file
  app_with_service geo geodb postgis/postgis 15-3.3
  service_sql geodb -d geodb -c "CREATE EXTENSION postgis" >/dev/null
  app_with_service plain plaindb postgres 15.18
  dokku apps:create lonely >/dev/null
  dokku postgres:create spare --image postgres --image-version 14.23 >/dev/null
  docker pull postgres:15.18 >/dev/null
  docker pull postgres:14.23 >/dev/null
}

teardown_file() {
  plugin_teardown_file
}

setup() {
  {
    host_state geo
    host_state plain
    host_state lonely
    ls "$DOKKU_LIB_ROOT/services/postgres"
  } >"$BATS_TEST_TMPDIR/before"
}

assert_nothing_changed() {
  {
    host_state geo
    host_state plain
    host_state lonely
    ls "$DOKKU_LIB_ROOT/services/postgres"
  } >"$BATS_TEST_TMPDIR/after"
  diff "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "(pgupgrade:run) an unknown app is exit 20" {
  run_stderr dokku pgupgrade:run ghost postgres 17.10
  assert_exit_status 20
  assert_output " !     App ghost does not exist"
  assert_nothing_changed
}

@test "(pgupgrade:run) an app without a linked service is refused" {
  run_stderr dokku pgupgrade:run lonely postgres 17.10 --skip-backup
  assert_exit_status 1
  assert_output " !     App lonely has no DATABASE_URL: link a postgres service or pass --service"
  assert_nothing_changed
}

@test "(pgupgrade:run) malformed image names and versions are usage errors" {
  local bad
  for bad in "Postgres 17" "postgres:17 17" "postgres 17;rm" "postgres .17" "pg\$(id) 1" "../x 1"; do
    # shellcheck disable=SC2086 # the pairs are meant to split
    run_stderr dokku pgupgrade:run plain $bad
    assert_exit_status 2
    [[ "${#lines[@]}" -eq 1 && "${lines[0]}" == " !     Invalid image"* ]] || flunk "for '$bad': $output"
  done
  assert_nothing_changed
}

@test "(pgupgrade:run) an image the registry does not have fails at the pull and changes nothing" {
  run_stderr dokku pgupgrade:run plain postgres 99.1 --skip-backup
  assert_exit_status 1
  assert_contains "$output" " !     pull failed:"
  assert_contains "$output" "manifest for postgres:99.1 not found"
  assert_nothing_changed
}

@test "(pgupgrade:run) a downgrade is refused unless --allow-downgrade" {
  run_stderr dokku pgupgrade:run plain postgres 14.23 --skip-backup
  assert_exit_status 1
  assert_output " !     postgres:14.23 holds PostgreSQL 14, lower than the current 15: pass --allow-downgrade to force it"
  assert_nothing_changed
}

@test "(pgupgrade:run) an extension the target image lacks is refused before anything changes" {
  run_stderr dokku pgupgrade:run geo postgres 15.18 --skip-backup
  assert_exit_status 1
  assert_output " !     postgres:15.18 lacks extension postgis installed in geodb"
  assert_nothing_changed
}

@test "(pgupgrade:run) a new-service name that is taken or invalid is refused" {
  run_stderr dokku pgupgrade:run plain postgres 15.18 --skip-backup --new-service spare
  assert_exit_status 1
  assert_output " !     Postgres service spare already exists: pass another --new-service"
  run_stderr dokku pgupgrade:run plain postgres 15.18 --skip-backup --new-service 'a.b'
  assert_exit_status 2
  assert_contains "$output" "Invalid --new-service a.b"
  assert_nothing_changed
}

@test "(pgupgrade:run) no backup bucket or credentials is refused unless --skip-backup" {
  run_stderr dokku pgupgrade:run plain postgres 15.18
  assert_exit_status 1
  assert_output " !     No backup bucket: plaindb has no backup schedule; pass --bucket or --skip-backup"
  run_stderr dokku pgupgrade:run plain postgres 15.18 --bucket dokku-postgres
  assert_exit_status 1
  assert_contains "$output" "No backup credentials on plaindb"
  assert_nothing_changed
}

@test "(pgupgrade:run) a bucket the credentials cannot reach is refused" {
  dokku postgres:backup-auth plaindb "$SANDBOX_S3_ACCESS_KEY" "$SANDBOX_S3_SECRET_KEY" us-east-1 s3v4 "$SANDBOX_S3_ENDPOINT"
  run_stderr dokku pgupgrade:run plain postgres 15.18 --bucket no-such-bucket
  assert_exit_status 1
  assert_contains "$output" " !     Bucket no-such-bucket is not reachable with the backup credentials of plaindb"
  run dokku pgupgrade:plan plain postgres 15.18 --bucket dokku-postgres
  assert_success
  assert_contains "$output" "bucket dokku-postgres reachable with the credentials of plaindb"
  assert_output_contains "$SANDBOX_S3_SECRET_KEY" 0
  dokku postgres:backup-deauth plaindb
  assert_nothing_changed
}

@test "(pgupgrade) a table of hostile values: each a one-line error with exit 2 or 1, nothing changed" {
  local long non_utf8 value
  long="$(printf 'a%.0s' {1..300})"
  non_utf8="$(printf 'app\xff\xfe')"
  local -a cases=(
    "pgupgrade:run|\$(touch /tmp/pwned)|postgres|17"
    "pgupgrade:run|plain;rm -rf /|postgres|17"
    "pgupgrade:run|../../etc|postgres|17"
    "pgupgrade:run|$long|postgres|17"
    "pgupgrade:run|$non_utf8|postgres|17"
    "pgupgrade:run|plain|postgres|17\`id\`"
    "pgupgrade:run|plain|../postgres|17"
    "pgupgrade:run|plain|postgres|$long"
    "pgupgrade:run|plain|postgres|17|--service|../x"
    "pgupgrade:run|plain|postgres|17|--new-service|a b"
    "pgupgrade:run|plain|postgres|17|--new-service|$non_utf8"
    "pgupgrade:run|plain|postgres|17|--keep-exports|lots"
    "pgupgrade:run|plain|postgres|17|--bucket|b;ls"
    "pgupgrade:run|plain|postgres|17|--report-file|/no/such/dir/report.json"
    "pgupgrade:plan|plain|postgres|17|--format|yaml"
    "pgupgrade:status|../plain"
    "pgupgrade:resume|$long"
    "pgupgrade:rollback|plain|--force-it"
    "pgupgrade:cleanup-vars|\$HOME"
  )
  for value in "${cases[@]}"; do
    IFS='|' read -r -a words <<<"$value"
    run_stderr dokku "${words[@]}"
    [[ "$status" == 2 || "$status" == 1 ]] || flunk "exit $status for ${words[*]}: $output"
    [[ "${#lines[@]}" -eq 1 && "${lines[0]}" == " !     "* ]] || flunk "not one error line for ${words[*]}: $output"
  done
  [[ ! -e /tmp/pwned ]]
  assert_nothing_changed
}
