#!/usr/bin/env bats
# pgupgrade:run while the load client writes through the sample app without pause: every
# acknowledged write is in the database the app points at afterwards.

load plugin_helper

setup_file() {
  plugin_setup_file
  app_with_service busy busydb postgres 14.23
  "$SANDBOX_CLI" deploy "$SANDBOX_TEST_HOST" busy >/dev/null
}

teardown_file() {
  plugin_teardown_file
}

@test "(pgupgrade:run) no acknowledged write is lost while the app writes continuously" {
  local log="$BATS_FILE_TMPDIR/load.log" load_pid
  "$SANDBOX_CLI" load "$SANDBOX_TEST_HOST" busy "$log" --seconds 45 --interval-ms 20 &
  load_pid=$!
  sleep 4
  run dokku pgupgrade:run busy postgres 15.18 --skip-backup --new-service busydb15
  echo "$output" | tail -n 12
  assert_success
  wait "$load_pid"

  assert_equal "$(database_host busy)" "dokku-postgres-busydb15"
  run "$SANDBOX_CLI" check-writes "$SANDBOX_TEST_HOST" busy "$log"
  echo "$output"
  assert_success
  # Writes were acknowledged before the window, refused during it, and acknowledged after.
  local acked refused
  acked="$(awk '$2 == 200' "$log" | wc -l)"
  refused="$(awk '$2 != 200' "$log" | wc -l)"
  [[ "$acked" -gt 50 ]] || flunk "only $acked writes acknowledged"
  [[ "$refused" -gt 0 ]] || flunk "no write was refused during the maintenance window"
  [[ "$(tail -n 20 "$log" | awk '$2 == 200' | wc -l)" -gt 0 ]] || flunk "the app did not write after the upgrade"
  [[ "$(service_sql busydb15 -d busydb15 -c 'SELECT count(*) FROM pgupgrade_load')" -ge "$acked" ]]
}
