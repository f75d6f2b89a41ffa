#!/usr/bin/env bats
# pgupgrade:run: a failure before the switch rolls back on its own and leaves the app on its old
# service with all its data, maintenance off, writes allowed, nothing half-made, and the host
# exactly as before (every step's failure, hang and kill: the fault matrix, fault_matrix_*.bats).

load plugin_helper

setup_file() {
  plugin_setup_file
  app_with_service faulty faultdb postgres 14.23
  service_sql faultdb <"$PGUPGRADE_FIXTURES/rich.sql" >/dev/null
  dokku postgres:backup-auth faultdb "$SANDBOX_S3_ACCESS_KEY" "$SANDBOX_S3_SECRET_KEY" us-east-1 s3v4 "$SANDBOX_S3_ENDPOINT"
  dokku postgres:backup-schedule faultdb "@daily" dokku-postgres
  table_fingerprint faultdb >"$BATS_FILE_TMPDIR/before"
  host_state faulty >"$BATS_FILE_TMPDIR/state"
}

teardown_file() {
  plugin_teardown_file
}

setup() {
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" clear
}

# fault_run STEP FAULT-ARGS...: inject, run the upgrade, and check the rollback left nothing.
fault_run() {
  local step="$1"
  shift
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add "$@"
  run dokku pgupgrade:run faulty postgres 15.18 --new-service faultdb15
  echo "# $step: $output" | tail -n 3 >&3
  assert_failure
  assert_contains "$output" " !     $step failed:"
  assert_contains "$output" "Rolled back: faulty runs on faultdb with maintenance off"
  [[ -s "$SANDBOX_STATE/faults/fired" ]] || flunk "the fault for $step never fired"
  assert_rolled_back
}

assert_rolled_back() {
  assert_equal "$(database_host faulty)" "dokku-postgres-faultdb"
  run dokku postgres:exists faultdb15
  assert_failure
  [[ ! -e "$DOKKU_LIB_ROOT/services/postgres/faultdb15" ]] || flunk "faultdb15 was left behind"
  assert_equal "$(dokku maintenance:report faulty --maintenance-enabled)" "false"
  assert_equal "$(service_sql faultdb -d faultdb -c 'SHOW default_transaction_read_only')" "off"
  table_fingerprint faultdb >"$BATS_FILE_TMPDIR/after"
  diff "$BATS_FILE_TMPDIR/before" "$BATS_FILE_TMPDIR/after"
  host_state faulty >"$BATS_FILE_TMPDIR/state-after"
  diff "$BATS_FILE_TMPDIR/state" "$BATS_FILE_TMPDIR/state-after"
  grep -q '^state = "rolled-back"' "$PGUPGRADE_STATE/faulty/journal.toml"
}

@test "(pgupgrade:run) a failed restore rolls back instead of being hidden like postgres:clone" {
  fault_run copy 'docker exec' --match --exit-on-error --call 1 --exit 1 --stderr "pg_restore: error: injected"
}

@test "(pgupgrade:run) a failed promote after a successful link rolls back both" {
  fault_run switch 'dokku postgres:promote' --call 1 --exit 1 --stderr "injected promote failure"
  run dokku config:export --format json faulty
  [[ "$output" != *faultdb15* ]] || flunk "a variable still names faultdb15"
}

@test "(pgupgrade:run) a copy that differs from the original fails verification and rolls back" {
  # A materialized view is recomputed by the restore: this one counts the server's major.
  service_sql faultdb -c "CREATE MATERIALIZED VIEW public.majors AS
    SELECT generate_series(1, current_setting('server_version_num')::int / 10000) AS n" >/dev/null
  table_fingerprint faultdb >"$BATS_FILE_TMPDIR/before"
  host_state faulty >"$BATS_FILE_TMPDIR/state"
  run dokku pgupgrade:run faulty postgres 15.18 --new-service faultdb15
  assert_failure
  assert_contains "$output" " !     verify failed: the copy differs from faultdb in 1 place: rows of public.majors: 14 before, 15 after"
  assert_rolled_back
  service_sql faultdb -c "DROP MATERIALIZED VIEW public.majors" >/dev/null
  table_fingerprint faultdb >"$BATS_FILE_TMPDIR/before"
}
