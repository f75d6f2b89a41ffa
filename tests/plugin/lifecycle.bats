#!/usr/bin/env bats
# Crash safety: journal, status, resume, rollback, finalize, the per-app lock, stop signals and
# time limits. Faults are injected with the sandbox (tests/sandbox/README.md, "Fault injection").

load plugin_helper

setup_file() {
  plugin_setup_file
  app_with_service life lifedb postgres 14.23
  service_sql lifedb <"$PGUPGRADE_FIXTURES/rich.sql" >/dev/null
  "$SANDBOX_CLI" deploy "$SANDBOX_TEST_HOST" life >/dev/null
  app_with_service other otherdb postgres 14.23
}

teardown_file() {
  plugin_teardown_file
}

setup() {
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" clear
}

journal_state() {
  # Top-level keys come before the [[steps]] tables, which have states of their own.
  sed -n 's/^state = "\(.*\)"$/\1/p' "$PGUPGRADE_STATE/$1/journal.toml" | head -n 1
}

# upgrade_with_load NAME ARGS...: the upgrade of `life` while the load client writes.
start_load() {
  "$SANDBOX_CLI" load "$SANDBOX_TEST_HOST" life "$BATS_TEST_TMPDIR/load.log" --seconds "${1:-30}" --interval-ms 25 &
  LOAD_PID=$!
  sleep 2
}

finish_load() {
  wait "$LOAD_PID" || true
  run "$SANDBOX_CLI" check-writes "$SANDBOX_TEST_HOST" life "$BATS_TEST_TMPDIR/load.log"
  echo "$output"
  assert_success
}

@test "(pgupgrade:status) with no upgrade recorded, and bad input" {
  run_stderr dokku pgupgrade:status life
  assert_exit_status 1
  assert_output " !     No upgrade of life is recorded"
  run_stderr dokku pgupgrade:status ghost
  assert_exit_status 20
  run_stderr dokku pgupgrade:resume
  assert_exit_status 2
  run_stderr dokku pgupgrade:rollback life extra
  assert_exit_status 2
  run_stderr dokku pgupgrade:finalize 'Bad;app'
  assert_exit_status 2
}

@test "(pgupgrade:resume) a failure after the switch keeps the old service; status tells; resume finishes" {
  start_load 35
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'dokku postgres:destroy' --call 1 --exit 1 --stderr "injected destroy failure"
  run dokku pgupgrade:run life postgres 15.18 --skip-backup --new-service life15
  assert_failure
  assert_contains "$output" "retire-old failed after the switch"
  assert_equal "$(journal_state life)" "failed"
  run dokku postgres:exists lifedb
  assert_success
  run dokku pgupgrade:status life
  assert_success
  assert_contains "$output" "App points at:          life15"
  assert_contains "$output" "Old service:            lifedb (exists)"
  assert_contains "$output" "retire-old failed"
  assert_contains "$output" "Next:                   dokku pgupgrade:resume life (finish), or dokku pgupgrade:rollback life"
  run dokku pgupgrade:run life postgres 15.18 --skip-backup
  assert_failure
  assert_contains "$output" "An upgrade of life is unfinished (failed"
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" clear
  run dokku pgupgrade:resume life
  echo "$output"
  assert_success
  assert_equal "$(journal_state life)" "done"
  run dokku postgres:exists lifedb
  assert_failure
  finish_load
}

@test "(pgupgrade:rollback) after a --keep-old upgrade brings the app back; finalize after a second run" {
  run dokku pgupgrade:run life postgres 17.10 --skip-backup --keep-old --new-service life17
  assert_success
  run dokku pgupgrade:status life
  assert_contains "$output" "Write fence on old:     raised (read-only)"
  assert_contains "$output" "dokku pgupgrade:finalize life destroys life15"
  run dokku pgupgrade:rollback life
  echo "$output"
  assert_success
  assert_equal "$(database_host life)" "dokku-postgres-life15"
  assert_equal "$(service_sql life15 -d life15 -c 'SHOW default_transaction_read_only')" "off"
  assert_equal "$(dokku maintenance:report life --maintenance-enabled)" "false"
  run dokku postgres:exists life17
  assert_success # kept: it may hold writes made after the switch
  run dokku pgupgrade:rollback life
  assert_failure
  assert_contains "$output" "already rolled back"
  dokku postgres:destroy life17 -f >/dev/null

  run dokku pgupgrade:run life postgres 17.10 --skip-backup --keep-old --new-service life17b
  assert_success
  run dokku pgupgrade:finalize life
  assert_success
  run dokku postgres:exists life15
  assert_failure
  assert_equal "$(journal_state life)" "finalized"
  run dokku pgupgrade:rollback life
  assert_failure
  assert_contains "$output" "Cannot roll back: the old service life15 has been destroyed"
}

@test "(pgupgrade:run) a hang past --command-timeout becomes a failed step and rolls back" {
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'dokku postgres:export' --call 1 --hang --seconds 60
  run dokku pgupgrade:run other postgres 15.18 --skip-backup --new-service other15 --command-timeout 3
  assert_failure
  assert_contains "$output" "export failed: \`dokku postgres:export otherdb"
  assert_contains "$output" "timed out"
  assert_equal "$(journal_state other)" "rolled-back"
  assert_equal "$(database_host other)" "dokku-postgres-otherdb"
}

@test "(pgupgrade:resume) after the helper is killed with SIGKILL mid-step, status and resume tell and finish" {
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'dokku maintenance:enable' --call 1 --kill-caller pgupgrade-helper
  run dokku pgupgrade:run other postgres 15.18 --skip-backup --new-service other15
  assert_failure
  assert_equal "$(journal_state other)" "running"
  run dokku pgupgrade:status other
  assert_contains "$output" "running, but no helper holds the lock (it stopped)"
  assert_contains "$output" "dokku pgupgrade:resume other, or dokku pgupgrade:rollback other"
  run dokku pgupgrade:resume other
  echo "$output"
  assert_success
  assert_equal "$(database_host other)" "dokku-postgres-other15"
}

@test "(pgupgrade:run) SIGTERM stops at the next safe point and rolls back before the switch" {
  app_with_service sig sigdb postgres 14.23
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'dokku postgres:export' --call 1 --hang --seconds 4
  dokku pgupgrade:run sig postgres 15.18 --skip-backup --new-service sig15 >"$BATS_TEST_TMPDIR/out" 2>&1 &
  local pid=$!
  sleep 2.5
  pkill -TERM -f 'pgupgrade-helper pgupgrade:run sig ' || true
  local code=0
  wait "$pid" || code=$?
  assert_equal "$code" 130
  assert_contains "$(cat "$BATS_TEST_TMPDIR/out")" "Interrupted by signal 15; rolled back: sig runs on sigdb"
  assert_equal "$(journal_state sig)" "rolled-back"
  run dokku postgres:exists sig15
  assert_failure
}

@test "(pgupgrade:run) two runs on one app: one is refused (exit 3); runs on two apps both succeed" {
  app_with_service twin1 twin1db postgres 14.23
  app_with_service twin2 twin2db postgres 14.23
  dokku pgupgrade:run twin1 postgres 15.18 --skip-backup --new-service twin1a >"$BATS_TEST_TMPDIR/a" 2>&1 &
  local a=$!
  dokku pgupgrade:run twin2 postgres 15.18 --skip-backup --new-service twin2a >"$BATS_TEST_TMPDIR/b" 2>&1 &
  local b=$!
  sleep 3
  run dokku pgupgrade:run twin1 postgres 15.18 --skip-backup --new-service twin1b
  assert_exit_status 3
  assert_contains "$output" "Another pgupgrade command is working on this app (pid"
  wait "$a"
  wait "$b"
  assert_equal "$(database_host twin1)" "dokku-postgres-twin1a"
  assert_equal "$(database_host twin2)" "dokku-postgres-twin2a"
}

@test "(pgupgrade) the journal, status and logs hold no secret" {
  local secret password
  password="$(cat "$DOKKU_LIB_ROOT/services/postgres/twin1a/PASSWORD")"
  for secret in "$password" "$SANDBOX_S3_SECRET_KEY" "$SANDBOX_S3_ACCESS_KEY"; do
    run grep -rF "$secret" "$PGUPGRADE_STATE"
    assert_failure
    run dokku pgupgrade:status twin1
    assert_output_contains "$secret" 0
  done
}
