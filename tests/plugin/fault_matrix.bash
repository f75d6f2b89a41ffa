#!/usr/bin/env bash
# The fault matrix (issue 6): for every step of pgupgrade:run, one fault of one kind (the
# emulated command fails, hangs past its limit, or SIGKILLs the helper), while the load client
# writes through the sample app. After each: status tells the truth, resume or rollback
# recovers, every acknowledged write is where it must be, the old service exists unless the
# run had passed verification and backup, and no planted secret shows anywhere. Each cell
# prints its row (step × fault × recovery × outcome) to the test log.
#
#   load plugin_helper
#   load fault_matrix
#   setup_file() { matrix_setup_file; }
#   teardown_file() { matrix_teardown_file; }
#   @test "..." { matrix_cell copy fail resume; }
#
# One app (`fm-fail`, `fm-hang`, `fm-kill`) per file, upgraded 14.23 → 15.18 in every cell. A cell that ends with the app
# on its old service (every rollback) leaves it for the next cell; a cell that completes the
# upgrade leaves a 15 service, and the next cell starts from a fresh 14 service.
# shellcheck disable=SC2154 # status, output: set by bats' run

# Names unique to each file: the files run at the same time, and the sandbox's hosts share the
# machine's loopback addresses and ports, which it derives from app and service names.
MATRIX_TAG="$(basename "${BATS_TEST_FILENAME:-fault_matrix_x.bats}" .bats)"
MATRIX_TAG="${MATRIX_TAG##*_}"
MATRIX_APP="fm-$MATRIX_TAG"
MATRIX_STEPS=(pull export create maintenance-on fence backup copy verify switch maintenance-off retire-old backups)
# The commit step: a failure up to it (included) rolls back by itself.
MATRIX_SWITCH=8
# Hang cells: every command of the run may take this long (--command-timeout); the hung one
# sleeps far longer. Above the slowest legitimate command on a busy CI machine.
MATRIX_HANG_LIMIT="${MATRIX_HANG_LIMIT:-15}"
MATRIX_HANG_SECONDS=600
# verify's first query of the old database is the 5th psql call naming it (-d OLD): 3 in
# preflight, 1 by the fence (is it raised?), 1 by copy (its size estimate). The cell asserts the
# error names verify, so a change in that count fails loudly here.
MATRIX_VERIFY_OLD_QUERY=5

matrix_setup_file() {
  plugin_setup_file
  export MATRIX_DIR="$BATS_FILE_TMPDIR/matrix"
  mkdir -p "$MATRIX_DIR"
  echo 0 >"$MATRIX_DIR/serial"
  : >"$MATRIX_DIR/rows"
  dokku apps:create "$MATRIX_APP" >/dev/null
  # The target image on the host already: pull is quick, and create does not pull.
  docker pull postgres:15.18 >/dev/null 2>&1
  matrix_fresh_base
  "$SANDBOX_CLI" deploy "$SANDBOX_TEST_HOST" "$MATRIX_APP" >/dev/null
}

matrix_teardown_file() {
  if [[ -s "${MATRIX_DIR:-/nonexistent}/rows" ]]; then
    {
      echo "# fault matrix ($(basename "$BATS_TEST_FILENAME")):"
      cat "$MATRIX_DIR/rows"
    } >&3
  fi
  plugin_teardown_file
}

matrix_next() {
  local n
  n=$(($(<"$MATRIX_DIR/serial") + 1))
  echo "$n" >"$MATRIX_DIR/serial"
  echo "$n"
}

matrix_step_index() {
  local i
  for i in "${!MATRIX_STEPS[@]}"; do
    [[ "${MATRIX_STEPS[i]}" == "$1" ]] && echo "$i" && return 0
  done
  echo "unknown step $1" >&2
  return 1
}

# matrix_after_switch I STEP FAULT: whether the fault ends the run after the switch. The backup
# runs in the background until retire-old: a hung one times out only after the switch.
matrix_after_switch() {
  (($1 > MATRIX_SWITCH)) || [[ "$2" == backup && "$3" == hang ]]
}

matrix_journal_state() {
  sed -n 's/^state = "\(.*\)"$/\1/p' "$PGUPGRADE_STATE/$MATRIX_APP/journal.toml" | head -n 1
}

matrix_exists() {
  dokku postgres:exists "$1" >/dev/null 2>&1
}

# A fresh 14.23 service with data, backup credentials and a schedule, as the app's
# DATABASE_URL; every other service and the last journal are removed (a clean start).
matrix_fresh_base() {
  local base service
  base="fm${MATRIX_TAG}old$(matrix_next)"
  dokku postgres:create "$base" --image postgres --image-version 14.23 >/dev/null
  service_sql "$base" -d "$base" <"$PGUPGRADE_FIXTURES/rich.sql" >/dev/null
  dokku postgres:backup-auth "$base" "$SANDBOX_S3_ACCESS_KEY" "$SANDBOX_S3_SECRET_KEY" us-east-1 s3v4 "$SANDBOX_S3_ENDPOINT" >/dev/null
  dokku postgres:backup-schedule "$base" "@daily" dokku-postgres >/dev/null
  dokku postgres:link "$base" "$MATRIX_APP" >/dev/null
  if [[ "$(database_host "$MATRIX_APP")" != "dokku-postgres-$base" ]]; then
    dokku postgres:promote "$base" "$MATRIX_APP" >/dev/null
  fi
  for service in $(dokku --quiet postgres:list); do
    [[ "$service" == "$base" ]] && continue
    dokku postgres:unlink "$service" "$MATRIX_APP" >/dev/null 2>&1 || true
    dokku postgres:destroy "$service" -f >/dev/null
  done
  dokku maintenance:disable "$MATRIX_APP" >/dev/null 2>&1 || true
  rm -f "$PGUPGRADE_STATE/$MATRIX_APP/journal.toml"
  echo "$base" >"$MATRIX_DIR/base"
}

# The app on its 14.23 base service with nothing in progress, or a fresh base.
matrix_baseline() {
  local base state
  base="$(cat "$MATRIX_DIR/base")"
  state="$(matrix_journal_state 2>/dev/null || true)"
  if [[ "$(database_host "$MATRIX_APP")" != "dokku-postgres-$base" || "$(dokku --quiet postgres:list | wc -l)" != 1 ||
    ("$state" != "" && "$state" != rolled-back && "$state" != "done") ||
    "$(dokku maintenance:report "$MATRIX_APP" --maintenance-enabled)" != false ]]; then
    matrix_fresh_base
  fi
  cat "$MATRIX_DIR/base"
}

matrix_start_load() {
  # Ids of their own: a cell that rolled back leaves the previous cells' rows in the old
  # database, and a repeated id would be refused there.
  "$SANDBOX_CLI" load "$SANDBOX_TEST_HOST" "$MATRIX_APP" "$1" --seconds 900 --interval-ms 40 \
    --start "$(($(matrix_next) * 100000))" 2>/dev/null &
  MATRIX_LOAD_PID=$!
  # Writes acknowledged before the fault, not only after it.
  local i
  for i in $(seq 100); do
    [[ "$(awk '$2 == 200' "$1" 2>/dev/null | wc -l)" -ge 5 ]] && return 0
    sleep 0.1
  done
  flunk "the load client got no write acknowledged"
}

matrix_stop_load() {
  kill "$MATRIX_LOAD_PID" 2>/dev/null || true
  wait "$MATRIX_LOAD_PID" 2>/dev/null || true
}

# matrix_fault STEP FAULT OLD NEW: the sandbox rule that makes STEP's emulated command fail,
# hang past its limit, or SIGKILL the helper. Failure messages carry planted secrets.
matrix_fault() {
  local step="$1" fault="$2" old="$3" password
  local -a target action
  password="$(cat "$DOKKU_LIB_ROOT/services/postgres/$old/PASSWORD")"
  case "$step" in
    pull) target=('docker pull') ;;
    export) target=('dokku postgres:export') ;;
    create) target=('docker run' --match dokku/wait:0.9.3) ;; # inside postgres:create: a half-made service
    maintenance-on) target=('dokku maintenance:enable') ;;
    fence) target=('docker exec' --match '-d postgres') ;;
    backup) target=('dokku postgres:backup') ;;
    copy) target=('docker exec' --match --exit-on-error) ;; # pg_restore
    verify) target=('docker exec' --match "-d $old") ;;
    switch) target=('dokku postgres:promote') ;; # after link succeeded
    maintenance-off) target=('dokku maintenance:disable') ;;
    retire-old) target=('dokku postgres:destroy') ;; # after unlink
    backups) target=('dokku postgres:backup-schedule') ;;
  esac
  local call=1
  [[ "$step" == verify ]] && call="$MATRIX_VERIFY_OLD_QUERY"
  case "$fault" in
    fail) action=(--exit 1 --stderr "injected $step failure (password=$password key=$SANDBOX_S3_SECRET_KEY)") ;;
    hang) action=(--hang --seconds "$MATRIX_HANG_SECONDS") ;;
    kill) action=(--kill-caller pgupgrade-helper) ;;
  esac
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add "${target[@]}" --call "$call" "${action[@]}"
}

# matrix_status_line LABEL: the value of one line of the last `pgupgrade:status` output.
matrix_status_line() {
  sed -n "s/^       $1: *//p" "$MATRIX_CELL/status.out"
}

matrix_expect_status() {
  local label="$1" expected="$2" actual
  actual="$(matrix_status_line "$label")"
  [[ "$actual" == "$expected" ]] || flunk "status after $MATRIX_STEP/$MATRIX_FAULT: $label: expected '$expected', shown '$actual'
$(cat "$MATRIX_CELL/status.out")"
}

# What status must show right after the faulted run (README "What run does", status).
matrix_check_status() {
  local i="$1" old="$2" new="$3" fault="$4" step="$5"
  dokku pgupgrade:status "$MATRIX_APP" >"$MATRIX_CELL/status.out" 2>&1 || flunk "status failed: $(cat "$MATRIX_CELL/status.out")"
  local journal points maintenance old_state fence new_state next steps
  if [[ "$fault" == kill ]]; then
    journal="running, but no helper holds the lock (it stopped)"
    steps="$step running"
    if ((i <= MATRIX_SWITCH)); then points="$old"; else points="$new"; fi
    if ((i <= 3 || i >= 10)); then maintenance=disabled; else maintenance=enabled; fi
    if ((i <= 4)); then fence=lifted; else fence="raised (read-only)"; fi
    if ((i <= 1)); then new_state=gone; else new_state=exists; fi
    if ((i <= MATRIX_SWITCH)); then
      next="dokku pgupgrade:resume $MATRIX_APP, or dokku pgupgrade:rollback $MATRIX_APP"
    else
      next="dokku pgupgrade:resume $MATRIX_APP (finish), or dokku pgupgrade:rollback $MATRIX_APP"
    fi
  elif ! matrix_after_switch "$i" "$step" "$fault"; then
    journal=rolled-back
    steps="$step undone"
    points="$old"
    maintenance=disabled
    fence=lifted
    new_state=gone
    next="nothing: no upgrade is in progress"
    [[ "$(matrix_status_line Error)" == "$step failed: "* ]] || flunk "status shows no error naming $step: $(cat "$MATRIX_CELL/status.out")"
  else
    journal=failed
    steps="$step failed"
    points="$new"
    if ((i == 9)); then maintenance=enabled; else maintenance=disabled; fi
    fence="raised (read-only)"
    new_state=exists
    next="dokku pgupgrade:resume $MATRIX_APP (finish), or dokku pgupgrade:rollback $MATRIX_APP"
    [[ "$(matrix_status_line Error)" == "$step failed: "* ]] || flunk "status shows no error naming $step: $(cat "$MATRIX_CELL/status.out")"
  fi
  old_state=exists
  if ((i == 11)); then
    # retire-old destroyed it before the backups step.
    old_state=gone
    fence=-
    next="dokku pgupgrade:resume $MATRIX_APP (the old service is gone: no rollback)"
  fi
  matrix_expect_status "Journal state" "$journal"
  matrix_expect_status "App points at" "$points"
  matrix_expect_status "Maintenance" "$maintenance"
  matrix_expect_status "Old service" "$old ($old_state)"
  matrix_expect_status "Write fence on old" "$fence"
  matrix_expect_status "New service" "$new ($new_state)"
  matrix_expect_status "Next" "$next"
  [[ ", $(matrix_status_line Steps), " == *", $steps, "* ]] || flunk "status Steps do not show '$steps': $(matrix_status_line Steps)"
  # The host agrees with what status says.
  [[ "$(database_host "$MATRIX_APP")" == "dokku-postgres-$points" ]] || flunk "DATABASE_URL names $(database_host "$MATRIX_APP"), not $points"
  [[ "$(dokku maintenance:report "$MATRIX_APP" --maintenance-enabled)" == "$([[ $maintenance == enabled ]] && echo true || echo false)" ]] ||
    flunk "maintenance on the host is not $maintenance"
  if [[ "$new_state" == exists ]]; then matrix_exists "$new" || flunk "$new does not exist"; else ! matrix_exists "$new" || flunk "$new exists"; fi
  if [[ "$old_state" == exists ]]; then matrix_exists "$old" || flunk "$old does not exist"; else ! matrix_exists "$old" || flunk "$old exists"; fi
}

# matrix_cmd NAME CMD...: run CMD, keep its output (for the secret search), set status/output.
matrix_cmd() {
  local name="$1"
  shift
  run "$@"
  printf '%s\n' "$output" >"$MATRIX_CELL/$name.out"
}

matrix_assert_done() {
  local old="$1" new="$2"
  [[ "$(matrix_journal_state)" == "done" ]] || flunk "journal is $(matrix_journal_state), not done"
  assert_equal "$(database_host "$MATRIX_APP")" "dokku-postgres-$new"
  assert_equal "$(dokku maintenance:report "$MATRIX_APP" --maintenance-enabled)" false
  ! matrix_exists "$old" || flunk "$old still exists after a finished upgrade"
  assert_equal "$(service_sql "$new" -d "$new" -c 'SHOW default_transaction_read_only')" off
}

# The app back on OLD, writable, maintenance off (as before the run).
matrix_assert_rolled_back() {
  local old="$1"
  assert_equal "$(matrix_journal_state)" rolled-back
  assert_equal "$(database_host "$MATRIX_APP")" "dokku-postgres-$old"
  assert_equal "$(dokku maintenance:report "$MATRIX_APP" --maintenance-enabled)" false
  assert_equal "$(service_sql "$old" -d "$old" -c 'SHOW default_transaction_read_only')" off
  dokku config:export --format json "$MATRIX_APP" | grep -q "$2" && flunk "a variable of $MATRIX_APP still names $2"
  return 0
}

# Every acknowledged write in the database the app points at; after a rollback past the switch
# the writes made on the new service (kept, never destroyed) may only be there.
matrix_check_writes() {
  local log="$1" kept="${2:-}"
  local acked
  acked="$(awk '$2 == 200' "$log" | wc -l)"
  [[ "$acked" -gt 0 ]] || flunk "no write was acknowledged during the cell"
  if [[ -z "$kept" ]]; then
    run "$SANDBOX_CLI" check-writes "$SANDBOX_TEST_HOST" "$MATRIX_APP" "$log"
    [[ "$status" == 0 ]] || flunk "$output"
    echo "$acked writes kept"
    return 0
  fi
  local current missing
  current="${MATRIX_OLD}"
  awk '$2 == 200 { print $1 }' "$log" | sort -n >"$MATRIX_CELL/acked"
  {
    service_sql "$current" -d "$current" -c 'SELECT id FROM pgupgrade_load'
    service_sql "$kept" -d "$kept" -c 'SELECT id FROM pgupgrade_load'
  } | sort -n -u >"$MATRIX_CELL/stored"
  missing="$(comm -23 "$MATRIX_CELL/acked" "$MATRIX_CELL/stored" | head -n 5)"
  [[ -z "$missing" ]] || flunk "acknowledged writes in neither $current nor $kept: $missing"
  local on_new
  on_new="$(comm -23 "$MATRIX_CELL/acked" <(service_sql "$current" -d "$current" -c 'SELECT id FROM pgupgrade_load' | sort -n -u) | wc -l)"
  echo "$acked writes kept ($on_new made after the switch stay in $kept)"
}

# No planted secret (database passwords, S3 keys) in any output of the cell, the journal, the
# reports or the exports.
matrix_check_secrets() {
  local secret
  for secret in "$@" "$SANDBOX_S3_SECRET_KEY" "$SANDBOX_S3_ACCESS_KEY"; do
    [[ -n "$secret" ]] || continue
    if grep -rlF -- "$secret" "$MATRIX_CELL" "$PGUPGRADE_STATE/$MATRIX_APP" >"$MATRIX_CELL/leaks" 2>/dev/null; then
      flunk "a secret shows in: $(tr '\n' ' ' <"$MATRIX_CELL/leaks")"
    fi
  done
}

matrix_row() {
  local row
  row="$(printf '%-16s %-5s %-9s %s' "$1" "$2" "$3" "$4")"
  echo "$row" >>"$MATRIX_DIR/rows"
  echo "# $row" >&3
}

# matrix_cell STEP FAULT RECOVERY: one cell of the matrix. FAULT: fail, hang or kill.
# RECOVERY: resume (finish the upgrade) or rollback (back to the old service).
matrix_cell() {
  local step="$1" fault="$2" recovery="$3"
  local i old new password new_password outcome writes kept=""
  i="$(matrix_step_index "$step")"
  export MATRIX_STEP="$step" MATRIX_FAULT="$fault"
  export MATRIX_CELL="$MATRIX_DIR/$step-$fault"
  mkdir -p "$MATRIX_CELL"
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" clear
  old="$(matrix_baseline)"
  MATRIX_OLD="$old"
  new="fm${MATRIX_TAG}new$(matrix_next)"
  password="$(cat "$DOKKU_LIB_ROOT/services/postgres/$old/PASSWORD")"
  local -a args=("$MATRIX_APP" postgres 15.18 --new-service "$new")
  # The backup step needs backups on; every other cell skips them (the backups step still
  # schedules them: its fault is on backup-schedule).
  [[ "$step" == backup ]] || args+=(--skip-backup)

  matrix_start_load "$MATRIX_CELL/load.log"
  matrix_fault "$step" "$fault" "$old"
  local -a run_args=("${args[@]}")
  [[ "$fault" == hang ]] && run_args+=(--command-timeout "$MATRIX_HANG_LIMIT")
  matrix_cmd run dokku pgupgrade:run "${run_args[@]}"
  # The rules hold the planted secrets themselves: kept beside the cell, not in it (the cell's
  # files are searched for secrets).
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" list >"$MATRIX_DIR/$step-$fault.rules"
  local fired
  fired="$(cat "$SANDBOX_STATE/faults/fired" 2>/dev/null || true)"
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" clear
  [[ -n "$fired" ]] || flunk "the $fault fault for $step never fired: $output"
  [[ "$status" != 0 ]] || flunk "the run succeeded despite the fault: $output"
  case "$fault" in
    fail | hang)
      local said="$step failed"
      matrix_after_switch "$i" "$step" "$fault" && said="$step failed after the switch"
      assert_equal "$status" 1
      assert_contains "$output" " !     $said: "
      [[ "$fault" == hang ]] && assert_contains "$output" "timed out"
      if ! matrix_after_switch "$i" "$step" "$fault"; then
        assert_contains "$output" "Rolled back: $MATRIX_APP runs on $old with maintenance off; nothing else changed"
      elif ((i == 11)); then
        assert_contains "$output" "$MATRIX_APP runs on $new; $old is destroyed. Fix the cause, then: dokku pgupgrade:resume $MATRIX_APP"
      else
        assert_contains "$output" "$MATRIX_APP runs on $new; $old is kept. Fix the cause, then: dokku pgupgrade:resume $MATRIX_APP"
      fi
      ;;
    kill)
      assert_equal "$(matrix_journal_state)" running
      ;;
  esac
  matrix_check_status "$i" "$old" "$new" "$fault" "$step"
  matrix_exists "$new" && new_password="$(cat "$DOKKU_LIB_ROOT/services/postgres/$new/PASSWORD")"

  local rolled_back_already=false
  [[ "$fault" != kill ]] && ! matrix_after_switch "$i" "$step" "$fault" && rolled_back_already=true
  case "$recovery" in
    resume)
      if [[ "$rolled_back_already" == true ]]; then
        # Nothing is left to resume: the operator runs the upgrade again.
        matrix_cmd resume dokku pgupgrade:resume "$MATRIX_APP"
        assert_equal "$status" 1
        assert_equal "$output" " !     Nothing to resume: the last upgrade of $MATRIX_APP is rolled-back"
        matrix_cmd rerun dokku pgupgrade:run "${args[@]}"
        [[ "$status" == 0 ]] || flunk "run after the rollback failed: $output"
        outcome="rolled back itself; resume refused (nothing to resume); run again: done"
      else
        matrix_cmd resume dokku pgupgrade:resume "$MATRIX_APP"
        [[ "$status" == 0 ]] || flunk "resume failed: $output"
        outcome="$([[ $fault == kill ]] && echo "journal running" || echo "journal failed"); resume: done"
      fi
      new_password="$(cat "$DOKKU_LIB_ROOT/services/postgres/$new/PASSWORD")"
      matrix_assert_done "$old" "$new"
      ;;
    rollback)
      matrix_cmd rollback dokku pgupgrade:rollback "$MATRIX_APP"
      if [[ "$rolled_back_already" == true ]]; then
        assert_equal "$status" 1
        assert_equal "$output" " !     The last upgrade of $MATRIX_APP is already rolled back"
        matrix_assert_rolled_back "$old" "$new"
        ! matrix_exists "$new" || flunk "$new was left behind"
        outcome="rolled back itself; rollback: already rolled back; on $old"
      elif ((i == 11)); then
        # The old service is gone: rollback is refused, and says where the data is.
        assert_equal "$status" 1
        assert_contains "$output" " !     Cannot roll back: the old service $old has been destroyed. Restore from "
        matrix_cmd resume dokku pgupgrade:resume "$MATRIX_APP"
        [[ "$status" == 0 ]] || flunk "resume after the refused rollback failed: $output"
        matrix_assert_done "$old" "$new"
        outcome="rollback refused ($old destroyed); resume: done"
      else
        [[ "$status" == 0 ]] || flunk "rollback failed: $output"
        matrix_assert_rolled_back "$old" "$new"
        local switched=false
        matrix_after_switch "$i" "$step" "$fault" && switched=true
        if [[ "$switched" == true ]]; then
          # Writes made since the switch may live in the new service: it is kept, unlinked.
          matrix_exists "$new" || flunk "$new was destroyed by a rollback after the switch"
          # (the app wrote to it once maintenance was off)
          if ((i >= 10)) || [[ "$step" == backup ]]; then kept="$new"; fi
          outcome="rollback: on $old, $new kept (unlinked)"
        else
          ! matrix_exists "$new" || flunk "$new was left behind by the rollback"
          outcome="rollback: on $old, $new removed"
        fi
      fi
      ;;
  esac
  matrix_stop_load
  writes="$(matrix_check_writes "$MATRIX_CELL/load.log" "$kept")" || return 1
  cp "$PGUPGRADE_STATE/$MATRIX_APP/journal.toml" "$MATRIX_CELL/journal.toml"
  dokku pgupgrade:status "$MATRIX_APP" >"$MATRIX_CELL/status-after.out" 2>&1 || true
  matrix_check_secrets "$password" "${new_password:-}"
  # The kept new service of a rollback past the switch is the operator's to drop; the next cell
  # starts clean.
  if [[ -n "$kept" || ("$recovery" == rollback && "$i" -gt "$MATRIX_SWITCH" && "$i" -lt 11) ]]; then
    dokku postgres:destroy "$new" -f >/dev/null
  fi
  matrix_row "$step" "$fault" "$recovery" "$outcome; $writes"
}
