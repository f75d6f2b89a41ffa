#!/usr/bin/env bats
# Plans that CI can read: pgupgrade:plan in every --format (text, json, markdown, junit), on
# stdout or in a --report-file, for a ready plan and for blocked ones (missing extension, no
# backup credentials, name taken); plans kept in the state folder; pgupgrade:report; no secret
# in any of it.

load plugin_helper

setup_file() {
  plugin_setup_file
  app_with_service shop shopdb postgres 14.23
  service_sql shopdb -d shopdb -c "CREATE TABLE items (id serial PRIMARY KEY, name text); INSERT INTO items (name) SELECT 'item ' || i FROM generate_series(1, 100) i" >/dev/null
  dokku postgres:backup-auth shopdb "$SANDBOX_S3_ACCESS_KEY" "$SANDBOX_S3_SECRET_KEY" us-east-1 s3v4 "$SANDBOX_S3_ENDPOINT" >/dev/null
  dokku postgres:backup-schedule shopdb "0 3 * * *" dokku-postgres >/dev/null
  app_with_service geo geodb postgis/postgis 15-3.3
  service_sql geodb -d geodb -c "CREATE EXTENSION postgis" >/dev/null
  docker pull postgres:15.18 >/dev/null
  app_with_service plain plaindb postgres 14.23
  mkdir -p "$BATS_FILE_TMPDIR/outputs"
  export OUTPUTS="$BATS_FILE_TMPDIR/outputs"
  # Report files are written by the helper, which runs as the sandbox's user.
  export REPORTS="$SANDBOX_TEST_SCRATCH/reports"
  as_sandbox_user mkdir -p "$REPORTS"
}

teardown_file() {
  plugin_teardown_file
}

# plan_to NAME ARGS...: pgupgrade:plan ARGS with stdout in $OUTPUTS/NAME.out and stderr in
# $OUTPUTS/NAME.err; status in $status.
plan_to() {
  local name="$1"
  shift
  status=0
  dokku pgupgrade:plan "$@" >"$OUTPUTS/$name.out" 2>"$OUTPUTS/$name.err" || status=$?
}

validate() {
  run "$PGUPGRADE_REPO/tests/schema/validate" --files "$@"
  printf '# %s\n' "${lines[@]}" >&3
  assert_success
}

# A copy with the right extension, for the validators.
as_file() {
  cp "$OUTPUTS/$1.out" "$OUTPUTS/$1.$2"
  echo "$OUTPUTS/$1.$2"
}

stored_plans() {
  find "$PGUPGRADE_STATE/$1/reports" -name 'plan-*.json' 2>/dev/null | wc -l
}

@test "(pgupgrade:plan --format) a ready plan on stdout in each format, exit 0, nothing on stderr" {
  local format
  for format in text json markdown junit; do
    plan_to "ready-$format" shop postgres 17.10 --format "$format"
    assert_exit_status 0
    assert_equal "$(cat "$OUTPUTS/ready-$format.err")" ""
  done
  assert_contains "$(cat "$OUTPUTS/ready-text.out")" "=====> Upgrade plan for shop: postgres:14.23 → postgres:17.10"

  local json
  json="$(as_file ready-json json)"
  validate "$json"
  assert_equal "$(jq -r '[.kind, .outcome, .app, .old.service, .new.image] | join(" ")' "$json")" "plan ready shop shopdb postgres:17.10"
  assert_equal "$(jq '.summary.fail' "$json")" 0
  assert_equal "$(jq '[.checks[] | select(.status == "fail")] | length' "$json")" 0
  assert_equal "$(jq -r '.checks[] | select(.id == "service") | .reason' "$json")" "shopdb is linked as DATABASE_URL"
  # The figures each check used: sizes, free disk, versions, extensions.
  jq -e '.checks[] | select(.id == "disk") | .figures["free for exports"] | test("MiB$")' "$json"
  jq -e '.checks[] | select(.id == "old-service") | .figures["server version"] == "14.23"' "$json"
  jq -e '.checks[] | select(.id == "version") | .figures["target major"] == "17"' "$json"
  jq -e '.extensions == ["plpgsql"]' "$json"
  # The commands in the order the run takes them, the same as the text lists.
  assert_equal "$(jq -r '.commands[0]' "$json")" "docker image pull postgres:17.10"
  assert_equal "$(jq -r '.commands[-1]' "$json")" "dokku postgres:backup-schedule shop-postgres-17_10-YYYY-MM-DD '0 3 * * *' dokku-postgres"
  assert_equal "$(jq '.commands | length' "$json")" "$(grep -cE '^ +[0-9]+\. ' "$OUTPUTS/ready-text.out")"
  jq -e '.estimate.copy_bytes > 0 and .estimate.downtime_seconds >= 15' "$json"
  jq -e '.database_bytes == .estimate.copy_bytes' "$json"

  local markdown
  markdown="$(cat "$OUTPUTS/ready-markdown.out")"
  assert_equal "$(head -n1 <<<"$markdown")" "## ✅ Upgrade plan for shop: ready"
  assert_contains "$markdown" "| ✅ pass | service | shopdb is linked as DATABASE\_URL |"
  assert_contains "$markdown" '```sh'$'\n''docker image pull postgres:17.10'
  assert_contains "$markdown" "| Copy size |"

  local junit
  junit="$(as_file ready-junit xml)"
  validate "$junit"
  assert_equal "$(xmllint --xpath 'string(/testsuites/@failures)' "$junit")" 0
  assert_equal "$(xmllint --xpath 'count(//testcase)' "$junit")" "$(jq '.checks | length' "$json")"
  # warn is skipped, with its reason: the target image is not on the host yet.
  assert_contains "$(xmllint --xpath 'string(//testcase[@name="target-image"]/skipped/@message)' "$junit")" "postgres:17.10 is not on the host yet"
}

@test "(pgupgrade:plan --format) blocked plans: missing extension, no backup credentials, name taken (exit 1)" {
  local -a names=(extension credentials taken)
  local -A args=(
    [extension]="geo postgres 15.18 --skip-backup"
    [credentials]="plain postgres 17.10 --bucket dokku-postgres"
    [taken]="shop postgres 17.10 --new-service shopdb"
  )
  local -A checks=([extension]=extensions [credentials]=backup [taken]=new-service)
  local -A reasons=(
    [extension]="postgis"
    [credentials]="No backup credentials on plaindb"
    [taken]="Postgres service shopdb already exists: pass another --new-service"
  )
  local name format json junit
  for name in "${names[@]}"; do
    for format in text json markdown junit; do
      # shellcheck disable=SC2086 # the arguments are meant to split
      plan_to "blocked-$name-$format" ${args[$name]} --format "$format"
      assert_exit_status 1
      # The failed check is one ` !     ` line on stderr in every format.
      assert_contains "$(cat "$OUTPUTS/blocked-$name-$format.err")" " !     "
      assert_contains "$(cat "$OUTPUTS/blocked-$name-$format.err")" "${reasons[$name]}"
    done
    assert_contains "$(cat "$OUTPUTS/blocked-$name-text.out")" "=====> Blocked"

    json="$(as_file "blocked-$name-json" json)"
    validate "$json"
    assert_equal "$(jq -r '.outcome' "$json")" blocked
    assert_equal "$(jq -r --arg id "${checks[$name]}" '.checks[] | select(.id == $id) | .status' "$json")" fail
    assert_contains "$(jq -r --arg id "${checks[$name]}" '.checks[] | select(.id == $id) | .reason' "$json")" "${reasons[$name]}"
    assert_equal "$(jq '.commands | length' "$json")" 0

    junit="$(as_file "blocked-$name-junit" xml)"
    validate "$junit"
    assert_equal "$(xmllint --xpath "count(//testcase[@name='${checks[$name]}']/failure)" "$junit")" 1
    assert_equal "$(xmllint --xpath 'string(/testsuites/@failures)' "$junit")" "$(jq '.summary.fail' "$json")"
    assert_contains "$(xmllint --xpath "string(//testcase[@name='${checks[$name]}']/failure/@message)" "$junit")" "${reasons[$name]}"

    assert_equal "$(head -n1 "$OUTPUTS/blocked-$name-markdown.out")" "## ❌ Upgrade plan for $(jq -r .app "$json"): blocked"
    assert_contains "$(cat "$OUTPUTS/blocked-$name-markdown.out")" "| ❌ fail | ${checks[$name]} |"
  done
  # The missing extension is named with the figures that show it.
  json="$OUTPUTS/blocked-extension-json.json"
  jq -e '.checks[] | select(.id == "extensions") | .figures | to_entries | map(.value) | any(test("postgis"))' "$json"
}

@test "(pgupgrade:plan --report-file) the terminal keeps the text, the file gets the format (0644)" {
  local format
  for format in json markdown junit; do
    plan_to "file-$format" shop postgres 17.10 --format "$format" --report-file "$REPORTS/plan.$format"
    assert_exit_status 0
    assert_equal "$(head -n1 "$OUTPUTS/file-$format.out")" "=====> Upgrade plan for shop: postgres:14.23 → postgres:17.10"
    assert_equal "$(stat -c '%U %a' "$REPORTS/plan.$format")" "$(sandbox_user) 644"
    cp "$REPORTS/plan.$format" "$OUTPUTS/file-$format.report"
  done
  jq -e '.outcome == "ready"' "$REPORTS/plan.json"
  assert_equal "$(head -n1 "$REPORTS/plan.markdown")" "## ✅ Upgrade plan for shop: ready"
  cp "$REPORTS/plan.junit" "$OUTPUTS/file-junit.xml"
  validate "$OUTPUTS/file-junit.xml"

  # No --format: the file gets the text the terminal shows.
  plan_to file-text shop postgres 17.10 --report-file "$REPORTS/plan.txt"
  assert_exit_status 0
  diff "$OUTPUTS/file-text.out" "$REPORTS/plan.txt"

  # A blocked plan still writes its file, then exits 1.
  plan_to file-blocked shop postgres 17.10 --new-service shopdb --format junit --report-file "$REPORTS/blocked.xml"
  assert_exit_status 1
  cp "$REPORTS/blocked.xml" "$OUTPUTS/file-blocked.xml"
  validate "$OUTPUTS/file-blocked.xml"
  assert_equal "$(xmllint --xpath 'count(//failure)' "$OUTPUTS/file-blocked.xml")" 1
}

@test "(pgupgrade:plan) usage errors are exit 2 before anything runs: bad --format, report file in a missing folder" {
  local before
  before="$(stored_plans shop)"
  run_stderr dokku pgupgrade:plan shop postgres 17.10 --format xml
  assert_exit_status 2
  assert_output " !     Invalid --format xml: use text, json, markdown or junit"
  run_stderr dokku pgupgrade:plan shop postgres 17.10 --format json --report-file "$REPORTS/missing/plan.json"
  assert_exit_status 2
  assert_output " !     Invalid --report-file $REPORTS/missing/plan.json: the folder $REPORTS/missing does not exist"
  run_stderr dokku pgupgrade:run shop postgres 17.10 --report-file "$REPORTS"
  assert_exit_status 2
  assert_output " !     Invalid --report-file $REPORTS: it is a folder, give a file name"
  run dokku pgupgrade:plan shop postgres 17.10 --report-file "$REPORTS/missing/plan.txt"
  assert_exit_status 2
  assert_output_contains "=====>" 0
  # Nothing ran: no plan was kept, the folder was not made.
  assert_equal "$(stored_plans shop)" "$before"
  assert_not_exists "$REPORTS/missing"
}

@test "(pgupgrade:plan) plans are kept in the app's state folder (0600 in 0700), the newest 30" {
  local reports="$PGUPGRADE_STATE/shop/reports" newest i
  assert_equal "$(stat -c '%U %a' "$reports")" "$(sandbox_user) 700"
  for file in "$reports"/*.json; do
    assert_equal "$(stat -c '%U %a' "$file")" "$(sandbox_user) 600"
  done
  newest="$(find "$reports" -name 'plan-*.json' | sort | tail -n1)"
  jq -e '.kind == "plan" and .app == "shop"' "$newest"
  validate "$newest"
  # Older plans beyond 30 are removed when the next one is kept, oldest first.
  for i in $(seq -w 10 49); do
    as_sandbox_user cp "$newest" "$reports/plan-20000101T0000$i.000000Z-1.json"
  done
  plan_to keep shop postgres 17.10
  assert_exit_status 0
  assert_equal "$(stored_plans shop)" 30
  [[ -e "$newest" ]] || flunk "the newest plan before this one was removed"
  [[ ! -e "$reports/plan-20000101T000010.000000Z-1.json" ]] || flunk "the oldest plan was kept"
}

@test "(pgupgrade:report) the plugin's state for the app in Dokku's :report layout, then the last plan" {
  plan_to last shop postgres 17.10 --new-service shopdb
  assert_exit_status 1
  run dokku pgupgrade:report shop
  assert_success
  echo "$output" >"$OUTPUTS/report-shop.out"
  assert_equal "${lines[0]}" "=====> shop pgupgrade information"
  assert_equal "${lines[1]}" "       Pgupgrade state folder:        $PGUPGRADE_STATE/shop"
  assert_contains "$output" $'\n''       Pgupgrade last plan outcome:   blocked'$'\n'
  assert_contains "$output" $'\n''       Pgupgrade last plan target:    postgres:17.10'$'\n'
  assert_contains "$output" $'\n''       Pgupgrade last run outcome:'$'\n'
  assert_contains "$output" $'\n''       Pgupgrade journal state:'$'\n'
  assert_contains "$output" $'\n''       Pgupgrade exports kept:        0'$'\n'
  assert_contains "$output" $'\n''       Pgupgrade plans kept:          30'$'\n'
  assert_contains "$output" "=====> Upgrade plan for shop: postgres:14.23 → postgres:17.10"
  assert_contains "$output" "       fail  new-service   Postgres service shopdb already exists"
  [[ "$(grep -c '^       Pgupgrade [a-z ]*: *' <<<"$output")" -ge 13 ]] || flunk "missing rows: $output"

  run dokku pgupgrade:report shop --pgupgrade-last-plan-outcome
  assert_success
  assert_output blocked
  run dokku pgupgrade:report shop --pgupgrade-runs-kept
  assert_output 0

  run_stdout dokku pgupgrade:report shop --format json
  assert_success
  echo "$output" >"$OUTPUTS/report-shop.json"
  validate "$OUTPUTS/report-shop.json"
  assert_equal "$(jq -r '[.kind, .info.last_plan_outcome, .last_plan.outcome, (.last_run | tostring)] | join(" ")' "$OUTPUTS/report-shop.json")" \
    "app blocked blocked null"
  assert_equal "$(jq -r '.info.state_folder' "$OUTPUTS/report-shop.json")" "$PGUPGRADE_STATE/shop"

  # The last plan alone, in any format: what a CI job renders after one plan.
  local newest
  newest="$(find "$PGUPGRADE_STATE/shop/reports" -name 'plan-*.json' | sort | tail -n1)"
  run_stdout dokku pgupgrade:report shop --last plan --format json
  assert_success
  assert_equal "$output" "$(cat "$newest")"
  run_stdout dokku pgupgrade:report shop --last plan --format junit
  assert_success
  echo "$output" >"$OUTPUTS/last-plan.xml"
  validate "$OUTPUTS/last-plan.xml"
  assert_equal "$(xmllint --xpath 'count(//testcase[@name="new-service"]/failure)' "$OUTPUTS/last-plan.xml")" 1
  run_stdout dokku pgupgrade:report shop --last plan --format markdown
  assert_equal "${lines[0]}" "## ❌ Upgrade plan for shop: blocked"
  run_stdout dokku pgupgrade:report shop --last plan
  assert_equal "${lines[0]}" "=====> Upgrade plan for shop: postgres:14.23 → postgres:17.10"

  # An app with no plan yet: the rows are there, empty.
  run dokku pgupgrade:report geo --format=json
  assert_success
  echo "$output" >"$OUTPUTS/report-geo.json"
  jq -e '.info.last_run_outcome == null and .last_run == null and .info.plans_kept >= 1' "$OUTPUTS/report-geo.json"
}

@test "(pgupgrade:report) exit 20 for a missing app, 2 for usage errors" {
  run_stderr dokku pgupgrade:report ghost
  assert_exit_status 20
  assert_output " !     App ghost does not exist"
  run_stderr dokku pgupgrade:report
  assert_exit_status 2
  assert_output " !     Please specify an app to run the command on"
  run_stderr dokku pgupgrade:report shop --format junit
  assert_exit_status 2
  run_stderr dokku pgupgrade:report shop --last
  assert_exit_status 2
  run_stderr dokku pgupgrade:report shop --last plans
  assert_exit_status 2
  assert_output " !     Invalid --last plans: use plan or run"
  run_stderr dokku pgupgrade:report shop --last plan --pgupgrade-state-folder
  assert_exit_status 2
  # Nothing kept is a failure, not a usage error.
  run_stderr dokku pgupgrade:report plain --last run
  assert_exit_status 1
  assert_output " !     No run of plain is kept: run dokku pgupgrade:run plain first"
  run_stderr dokku pgupgrade:report shop geo
  assert_exit_status 2
  run_stderr dokku pgupgrade:report shop --bogus
  assert_exit_status 2
  run_stderr dokku pgupgrade:report shop --pgupgrade-nope
  assert_exit_status 2
  assert_contains "$output" "valid flags: --pgupgrade-state-folder, "
  run_stderr dokku pgupgrade:report 'Shop;ls'
  assert_exit_status 2
  # Hostile values: one ` !     ` line each, exit 2, nothing run.
  local long non_utf8 value
  long="$(printf 'a%.0s' {1..300})"
  non_utf8="$(printf 'shop\xff\xfe')"
  local -a cases=(
    "\$(touch /tmp/pwned-report)" "../../etc" "$long" "$non_utf8"
    "shop|--pgupgrade-$non_utf8" "shop|--pgupgrade-\$(id)" "shop|--last|../plan" "shop|--format=$long"
    "shop|--last|plan|--format|$non_utf8"
  )
  for value in "${cases[@]}"; do
    IFS='|' read -r -a words <<<"$value"
    run_stderr dokku pgupgrade:report "${words[@]}"
    assert_exit_status 2
    [[ "${#lines[@]}" -eq 1 && "${lines[0]}" == " !     "* ]] || flunk "not one error line for ${words[*]}: $output"
  done
  assert_not_exists /tmp/pwned-report
}

@test "(reports) no secret in any output, report file or kept report" {
  local password dsn secret
  password="$(cat "$DOKKU_LIB_ROOT/services/postgres/shopdb/PASSWORD")"
  dsn="$(dokku config:get shop DATABASE_URL)"
  [[ "$dsn" == *"$password"* ]] || flunk "the DSN holds no password: $dsn"
  # Something was produced by every test above.
  [[ "$(find "$OUTPUTS" -type f | wc -l)" -ge 40 ]] || flunk "too few outputs: $(ls "$OUTPUTS")"
  for secret in "$SANDBOX_S3_SECRET_KEY" "$SANDBOX_S3_ACCESS_KEY" "$password" "$dsn" \
    "$(cat "$DOKKU_LIB_ROOT/services/postgres/plaindb/PASSWORD")" "$(cat "$DOKKU_LIB_ROOT/services/postgres/geodb/PASSWORD")"; do
    [[ ${#secret} -ge 8 ]] || flunk "a planted secret is too short: $secret"
    run grep -rlF -- "$secret" "$OUTPUTS" "$REPORTS" "$PGUPGRADE_STATE"
    assert_failure
    assert_output ""
  done
  # The masks are there instead.
  grep -qF 'dokku postgres:backup-auth shop-postgres-17_10-YYYY-MM-DD ******** ********' "$OUTPUTS/ready-json.json"
}
