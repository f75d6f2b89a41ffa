#!/usr/bin/env bats
# pgupgrade:run, postgres 14 → 17 on a database with most of what applications keep.

load plugin_helper

setup_file() {
  plugin_setup_file
  app_with_service rich richdb postgres 14.23
  service_sql richdb <"$PGUPGRADE_FIXTURES/rich.sql" >/dev/null
  table_fingerprint richdb >"$BATS_FILE_TMPDIR/before"
  dokku postgres:backup-auth richdb "$SANDBOX_S3_ACCESS_KEY" "$SANDBOX_S3_SECRET_KEY" us-east-1 s3v4 "$SANDBOX_S3_ENDPOINT"
  dokku postgres:backup-schedule richdb "0 3 * * *" dokku-postgres
  run dokku pgupgrade:run rich postgres 17.10 --verify checksums --skip-backup --new-service richdb17
  echo "$output" >"$BATS_FILE_TMPDIR/run.log"
  echo "$status" >"$BATS_FILE_TMPDIR/run.status"
}

teardown_file() {
  plugin_teardown_file
}

@test "(pgupgrade:run) 14 → 17 succeeds and prints every step with its duration" {
  assert_equal "$(cat "$BATS_FILE_TMPDIR/run.status")" 0
  for step in "Pulling postgres:17.10" "Exporting a safety copy of richdb" "Creating richdb17 on postgres:17.10" \
    "Enabling maintenance mode for rich" "Fencing writes to richdb" "Copying richdb into richdb17" \
    "Verifying richdb17 against richdb (checksums)" "Switching rich to richdb17" "Disabling maintenance mode for rich" \
    "Unlinking and destroying richdb" "Setting up backups of richdb17"; do
    assert_contains "$(cat "$BATS_FILE_TMPDIR/run.log")" "-----> $step"
  done
  # Eleven steps in turn, and the backup in the background says its name when it is done.
  assert_equal "$(grep -c '^       done in [0-9.]* s' "$BATS_FILE_TMPDIR/run.log")" 11
  assert_equal "$(grep -c '^       backup done in [0-9.]* s' "$BATS_FILE_TMPDIR/run.log")" 1
  assert_contains "$(cat "$BATS_FILE_TMPDIR/run.log")" "Downtime:"
}

@test "(pgupgrade:run) every table, sequence and large object is identical on the new server" {
  [[ "$(service_sql richdb17 -c 'SHOW server_version_num')" == 17* ]]
  table_fingerprint richdb17 >"$BATS_FILE_TMPDIR/after"
  diff "$BATS_FILE_TMPDIR/before" "$BATS_FILE_TMPDIR/after"
  assert_equal "$(wc -l <"$BATS_FILE_TMPDIR/after")" "$(wc -l <"$BATS_FILE_TMPDIR/before")"
  assert_equal "$(wc -l <"$BATS_FILE_TMPDIR/after")" 8 # 6 tables and materialized views, sequences, large objects
  assert_equal "$(service_sql richdb17 -c "SELECT shop.order_count(1)")" 6
  assert_equal "$(service_sql richdb17 -c "SELECT count(*) FROM shop.revenue")" 500
  assert_equal "$(service_sql richdb17 -c "SELECT enum_range(NULL::shop.status)::text")" "{new,paid,shipped,cancelled}"
}

@test "(pgupgrade:run) the app points at the new service and no variable names the old one" {
  assert_equal "$(database_host rich)" "dokku-postgres-richdb17"
  run dokku config:export --format json rich
  assert_success
  [[ "$output" != *dokku-postgres-richdb[\":@/]* ]]
  [[ "$output" != *"dokku-postgres-richdb:"* ]]
}

@test "(pgupgrade:run) the old service is gone and the new one is a bind mount of its folder" {
  run dokku postgres:exists richdb
  assert_failure
  run docker container inspect --format '{{json .Mounts}}' dokku.postgres.richdb17
  assert_success
  assert_contains "$output" "\"Source\":\"$DOKKU_LIB_ROOT/services/postgres/richdb17/data\""
  assert_contains "$output" '"Type":"bind"'
}

@test "(pgupgrade:run) backup credentials and the schedule moved to the new service" {
  run dokku postgres:backup-schedule-cat richdb17
  assert_success
  assert_contains "$output" "0 3 * * * dokku"
  assert_contains "$output" "postgres:backup richdb17 dokku-postgres"
  [[ -s "$DOKKU_LIB_ROOT/services/postgres/richdb17/backup/AWS_SECRET_ACCESS_KEY" ]]
  assert_equal "$(cat "$DOKKU_LIB_ROOT/services/postgres/richdb17/backup/ENDPOINT_URL")" "$SANDBOX_S3_ENDPOINT"
}

@test "(pgupgrade:run) the safety export is private, checksummed and readable" {
  local dump
  dump="$(ls "$PGUPGRADE_STATE"/rich/exports/richdb-*.dump)"
  assert_equal "$(stat -c %a "$dump")" 600
  (cd "$(dirname "$dump")" && sha256sum -c "$(basename "$dump").sha256")
  run pg_restore --list "$dump"
  assert_success
  assert_contains "$output" "TABLE DATA shop customers"
}

@test "(pgupgrade:run) the journal records every step done and holds no secret" {
  local journal="$PGUPGRADE_STATE/rich/journal.toml"
  assert_equal "$(stat -c %a "$journal")" 600
  grep -q '^state = "done"' "$journal"
  assert_equal "$(grep -c 'state = "done"' "$journal")" 13
  run grep -F "$SANDBOX_S3_SECRET_KEY" "$journal" "$BATS_FILE_TMPDIR/run.log"
  assert_failure
  run grep -F "$(cat "$DOKKU_LIB_ROOT/services/postgres/richdb17/PASSWORD")" "$journal" "$BATS_FILE_TMPDIR/run.log"
  assert_failure
}
