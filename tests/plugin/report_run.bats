#!/usr/bin/env bats
# The report of a real run: steps with start, end, duration and outcome, the verification
# figures, kept under the app's state folder; in every format, for a finished run and a
# rolled-back one; no secret in any of it, even in the error of a failed step.

load plugin_helper

setup_file() {
  plugin_setup_file
  export OUTPUTS="$BATS_FILE_TMPDIR/outputs" REPORTS="$SANDBOX_TEST_SCRATCH/reports"
  mkdir -p "$OUTPUTS"
  as_sandbox_user mkdir -p "$REPORTS"

  app_with_service shop shopdb postgres 14.23
  service_sql shopdb -d shopdb -c "CREATE TABLE items (id serial PRIMARY KEY, name text); INSERT INTO items (name) SELECT 'item ' || i FROM generate_series(1, 100) i" >/dev/null
  dokku postgres:backup-auth shopdb "$SANDBOX_S3_ACCESS_KEY" "$SANDBOX_S3_SECRET_KEY" us-east-1 s3v4 "$SANDBOX_S3_ENDPOINT" >/dev/null
  dokku postgres:backup-schedule shopdb "0 3 * * *" dokku-postgres >/dev/null
  password_of shopdb >"$BATS_FILE_TMPDIR/secrets"
  dokku config:get shop DATABASE_URL >>"$BATS_FILE_TMPDIR/secrets"
  status=0
  dokku pgupgrade:run shop postgres 15.18 --new-service shop15 --format junit --report-file "$REPORTS/run-done.xml" \
    >"$OUTPUTS/done.out" 2>"$OUTPUTS/done.err" || status=$?
  echo "$status" >"$BATS_FILE_TMPDIR/done.status"

  app_with_service blog blogdb postgres 14.23
  service_sql blogdb -d blogdb -c "CREATE TABLE posts (id serial PRIMARY KEY); INSERT INTO posts SELECT FROM generate_series(1, 50)" >/dev/null
  password_of blogdb >>"$BATS_FILE_TMPDIR/secrets"
  status=0
  dokku pgupgrade:run blog postgres 17.10 --skip-backup --new-service blog17 --format markdown \
    >"$OUTPUTS/markdown.out" 2>"$OUTPUTS/markdown.err" || status=$?
  echo "$status" >"$BATS_FILE_TMPDIR/markdown.status"

  # A copy that fails with secrets in its error: the run rolls back and reports it.
  app_with_service faulty faultdb postgres 14.23
  dokku postgres:backup-auth faultdb "$SANDBOX_S3_ACCESS_KEY" "$SANDBOX_S3_SECRET_KEY" us-east-1 s3v4 "$SANDBOX_S3_ENDPOINT" >/dev/null
  dokku postgres:backup-schedule faultdb "0 3 * * *" dokku-postgres >/dev/null
  password_of faultdb >>"$BATS_FILE_TMPDIR/secrets"
  local dsn
  dsn="$(dokku config:get faulty DATABASE_URL)"
  echo "$dsn" >>"$BATS_FILE_TMPDIR/secrets"
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'docker exec' --match --exit-on-error --call 1 --exit 1 \
    --stderr "pg_restore: error: could not connect to $dsn (key $SANDBOX_S3_SECRET_KEY)"
  status=0
  dokku pgupgrade:run faulty postgres 15.18 --new-service faultdb15 --format junit --report-file "$REPORTS/run-rolled-back.xml" \
    >"$OUTPUTS/rolled-back.out" 2>"$OUTPUTS/rolled-back.err" || status=$?
  echo "$status" >"$BATS_FILE_TMPDIR/rolled-back.status"
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" clear
}

teardown_file() {
  plugin_teardown_file
}

password_of() {
  cat "$DOKKU_LIB_ROOT/services/postgres/$1/PASSWORD"
  echo
}

validate() {
  run "$PGUPGRADE_REPO/tests/schema/validate" --files "$@"
  printf '# %s\n' "${lines[@]}" >&3
  assert_success
}

# The run report kept for APP (there is one per app here).
kept_run() {
  find "$PGUPGRADE_STATE/$1/reports" -name 'run-*.json' | sort | tail -n1
}

@test "(pgupgrade:run --report-file) a finished run: the terminal keeps the text, the file the JUnit, the state folder the JSON" {
  assert_equal "$(cat "$BATS_FILE_TMPDIR/done.status")" 0
  assert_contains "$(cat "$OUTPUTS/done.out")" "=====> Upgrade of shop: done"
  assert_equal "$(stat -c '%U %a' "$REPORTS/run-done.xml")" "$(sandbox_user) 644"
  cp "$REPORTS/run-done.xml" "$OUTPUTS/run-done.xml"
  validate "$OUTPUTS/run-done.xml"
  local xml="$OUTPUTS/run-done.xml"
  assert_equal "$(xmllint --xpath 'string(/testsuites/@failures)' "$xml")" 0
  assert_equal "$(xmllint --xpath 'string(//testsuite[@name="pgupgrade.shop.run"]/@tests)' "$xml")" 13 # 12 steps, the outcome
  assert_equal "$(xmllint --xpath 'count(//testsuite[@name="pgupgrade.shop.run"]/testcase/skipped)' "$xml")" 0
  assert_equal "$(xmllint --xpath 'string(//property[@name="verify.rows"]/@value)' "$xml")" 100
  local copy_time
  copy_time="$(xmllint --xpath 'string(//testcase[@name="copy"]/@time)' "$xml")"
  [[ "$copy_time" =~ ^[0-9]+\.[0-9]{3}$ ]] || flunk "copy time: $copy_time"

  local json
  json="$(kept_run shop)"
  assert_equal "$(stat -c '%U %a' "$json")" "$(sandbox_user) 600"
  assert_equal "$(stat -c '%U %a' "$(dirname "$json")")" "$(sandbox_user) 700"
  validate "$json"
  assert_equal "$(jq -r '[.kind, .outcome, .old.service, .new.service, .new.major] | join(" ")' "$json")" "run done shopdb shop15 15"
  # Every step with its start, end, duration and outcome, in the order they ran.
  assert_equal "$(jq -r '[.steps[].name] | join(" ")' "$json")" \
    "pull export create maintenance-on fence backup copy verify switch maintenance-off retire-old backups"
  jq -e 'all(.steps[]; .outcome == "done" and (.started | test("Z$")) and (.ended | test("Z$")) and .seconds >= 0 and .started <= .ended)' "$json"
  # The verification figures, as the database holds them.
  assert_equal "$(jq '.results.verification.rows' "$json")" 100
  assert_equal "$(jq '.results.verification.tables' "$json")" 1
  assert_equal "$(jq '.results.verification.sequences' "$json")" 1
  assert_equal "$(jq -r '.results.verification.mode' "$json")" counts
  assert_equal "$(jq -r '.results.new_server_version' "$json")" "$(service_sql shop15 -c 'SHOW server_version')"
  jq -e '.results.copy.bytes > 0 and .results.window.seconds > 0 and (.results.export.sha256 | length) == 64' "$json"
  assert_equal "$(jq -r '.results.export.file' "$json")" "$(ls "$PGUPGRADE_STATE"/shop/exports/shopdb-*.dump)"
  jq -e '.error == null and .summary.fail == 0 and (.checks | length) > 5' "$json"

  # The kept report renders again as it was written.
  run_stdout dokku pgupgrade:report shop --last run --format junit
  assert_success
  assert_equal "$output" "$(cat "$REPORTS/run-done.xml")"
  run_stdout dokku pgupgrade:report shop --last run --format json
  assert_equal "$output" "$(cat "$json")"
}

@test "(pgupgrade:run --format markdown) the report follows the progress on stdout" {
  assert_equal "$(cat "$BATS_FILE_TMPDIR/markdown.status")" 0
  local out="$OUTPUTS/markdown.out" summary
  assert_contains "$(cat "$out")" "-----> Copying blogdb into blog17"
  summary="$(sed -n '/^## /,$p' "$out")"
  assert_equal "$(head -n1 <<<"$summary")" "## ✅ Upgrade of blog: done"
  assert_contains "$summary" "| Step | Outcome | Started | Ended | Duration | Detail |"
  assert_contains "$summary" "| verify | ✅ done | "
  assert_contains "$summary" "| Verified | 50 rows in 1 tables, 1 sequences (counts) |"
  assert_contains "$summary" "<details><summary>Preflight checks ("
  # The text report is not there: the format replaced it.
  output="$(cat "$out")"
  assert_output_contains "=====> Upgrade of blog" 0
  validate "$(kept_run blog)"
  jq -e '.outcome == "done" and .settings.skip_backup and .results.verification.rows == 50' "$(kept_run blog)"
}

@test "(pgupgrade:run) a rolled-back run is reported too: the failed step, the undone ones, the error" {
  assert_equal "$(cat "$BATS_FILE_TMPDIR/rolled-back.status")" 1
  assert_contains "$(cat "$OUTPUTS/rolled-back.err")" " !     copy failed: "
  assert_contains "$(cat "$OUTPUTS/rolled-back.out")" "=====> Upgrade of faulty: rolled-back"
  # The report comes before the error line, which stays last on stderr.
  assert_contains "$(tail -n1 "$OUTPUTS/rolled-back.err")" "Rolled back: faulty runs on faultdb"

  cp "$REPORTS/run-rolled-back.xml" "$OUTPUTS/run-rolled-back.xml"
  local xml="$OUTPUTS/run-rolled-back.xml"
  validate "$xml"
  assert_equal "$(xmllint --xpath 'count(//testcase[@name="copy"]/failure)' "$xml")" 1
  assert_equal "$(xmllint --xpath 'string(//testcase[@name="copy"]/failure/@type)' "$xml")" "step failed, undone by the rollback"
  assert_contains "$(xmllint --xpath 'string(//testcase[@name="copy"]/failure/@message)' "$xml")" "pg_restore: error: could not connect to postgres://postgres:********@"
  assert_equal "$(xmllint --xpath 'count(//testcase[@name="outcome"]/failure)' "$xml")" 1
  assert_equal "$(xmllint --xpath 'string(//testcase[@name="verify"]/skipped/@message)' "$xml")" "not reached"
  assert_equal "$(xmllint --xpath 'string(//testcase[@name="create"]/skipped/@message)' "$xml")" "undone by the rollback"

  local json
  json="$(kept_run faulty)"
  validate "$json"
  assert_equal "$(jq -r '.outcome' "$json")" rolled-back
  # The rollback reversed every step taken, the failed one too, which keeps its error.
  assert_equal "$(jq -r '.failed_step' "$json")" copy
  assert_equal "$(jq -r '[.steps[] | select(.outcome == "undone") | .name] | join(" ")' "$json")" \
    "pull export create maintenance-on fence backup copy"
  assert_contains "$(jq -r '.steps[] | select(.name == "copy") | .detail' "$json")" "pg_restore: error: could not connect"
  assert_equal "$(jq -r '[.steps[] | select(.outcome == "pending") | .name] | join(" ")' "$json")" \
    "verify switch maintenance-off retire-old backups"
  jq -e '.results.verification == null and (.error | startswith("copy failed: "))' "$json"
}

@test "(pgupgrade:report) the last run beside the plugin's state for the app" {
  run dokku pgupgrade:report shop
  assert_success
  echo "$output" >"$OUTPUTS/report-shop.out"
  assert_contains "$output" $'\n''       Pgupgrade last run outcome:    done'$'\n'
  assert_contains "$output" $'\n''       Pgupgrade last run target:     postgres:15.18'$'\n'
  assert_contains "$output" $'\n''       Pgupgrade journal state:       done'$'\n'
  assert_contains "$output" $'\n''       Pgupgrade exports kept:        1'$'\n'
  assert_contains "$output" $'\n''       Pgupgrade runs kept:           1'$'\n'
  assert_contains "$output" "=====> Upgrade of shop: done"
  assert_contains "$output" "       Verified:           100 rows in 1 tables, 1 sequences (counts)"

  run_stdout dokku pgupgrade:report faulty --format json
  assert_success
  echo "$output" >"$OUTPUTS/report-faulty.json"
  validate "$OUTPUTS/report-faulty.json"
  jq -e '.info.last_run_outcome == "rolled-back" and .info.journal_state == "rolled-back" and .last_run.kind == "run"' "$OUTPUTS/report-faulty.json"
  assert_contains "$(jq -r '.info.last_run_error' "$OUTPUTS/report-faulty.json")" "copy failed: pg_restore into faultdb15 failed (exit 1): pg_restore: error: could not connect to postgres://postgres:********@"
  run dokku pgupgrade:report faulty --pgupgrade-last-run-outcome
  assert_output rolled-back
}

@test "(reports) no secret of a run in any output, report file or kept report" {
  local secret count=0
  while IFS= read -r secret; do
    [[ -n "$secret" ]] || continue
    [[ ${#secret} -ge 8 ]] || flunk "a planted secret is too short: $secret"
    run grep -rlF -- "$secret" "$OUTPUTS" "$REPORTS" "$PGUPGRADE_STATE"
    assert_failure
    assert_output ""
    count=$((count + 1))
  done < <(cat "$BATS_FILE_TMPDIR/secrets"; echo "$SANDBOX_S3_SECRET_KEY"; echo "$SANDBOX_S3_ACCESS_KEY"; password_of shop15; password_of blog17)
  assert_equal "$count" 9
}
