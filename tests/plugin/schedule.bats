#!/usr/bin/env bats
# Scheduled plans and upgrades through Dokku's cron: pgupgrade:schedule stores a schedule,
# the cron-entries trigger hands Dokku one line for it, the crontab holds exactly that line,
# and running the line's command the way cron would performs the plan (reports kept as JSON
# and Markdown, log written) or the one-shot upgrade (which then removes itself). unschedule,
# apps:destroy and apps:rename keep the crontab right; a held lock or a blocked plan is
# recorded; bad input changes nothing; no secret reaches a log or a report.

load plugin_helper

setup_file() {
  plugin_setup_file
  app_with_service memo memodb postgres 14.23
  service_sql memodb -d memodb -c "CREATE TABLE notes (id serial PRIMARY KEY, body text); INSERT INTO notes (body) SELECT 'note ' || i FROM generate_series(1, 50) i" >/dev/null
  # Credentials on the host, so that the test can look for them where they must not be.
  dokku postgres:backup-auth memodb "$SANDBOX_S3_ACCESS_KEY" "$SANDBOX_S3_SECRET_KEY" us-east-1 s3v4 "$SANDBOX_S3_ENDPOINT" >/dev/null
  app_with_service once oncedb postgres 14.23
  service_sql oncedb -d oncedb -c "CREATE TABLE items (id serial PRIMARY KEY, name text); INSERT INTO items (name) SELECT 'item ' || i FROM generate_series(1, 100) i" >/dev/null
  export CRONTAB="$SANDBOX_ROOT/var/spool/cron/crontabs/dokku"
  export LOGS="$SANDBOX_ROOT/var/log/dokku"
}

teardown_file() {
  plugin_teardown_file
}

# The pgupgrade lines of the dokku user's crontab.
crontab_lines() {
  grep -F 'pgupgrade:' "$CRONTAB" 2>/dev/null || true
}

# cron_run APP: APP's crontab line run the way cron runs it: the part after the schedule
# through /bin/bash (the crontab's SHELL) as the dokku user, in an empty environment with the
# crontab's PATH. The sandbox adds its bin folder (where this host's `dokku` lives) and
# SANDBOX_ROOT (its /etc/default/dokku); status in $status.
cron_run() {
  local line command
  line="$(crontab_lines | grep -F " pgupgrade:scheduled-run $1 ")"
  [[ -n "$line" ]] || flunk "no crontab line for $1"
  if [[ "$line" == @* ]]; then
    command="${line#* }"
  else
    command="$(sed -E 's/^([^ ]+ +){5}//' <<<"$line")"
  fi
  status=0
  as_sandbox_user env -i HOME="$DOKKU_ROOT" SHELL=/bin/bash LOGNAME="$(sandbox_user)" SANDBOX_ROOT="$SANDBOX_ROOT" \
    PATH="$PGUPGRADE_REPO/tests/sandbox/bin:/usr/local/bin:/usr/bin:/bin" /bin/bash -c "$command" || status=$?
}

# Five cron fields (or a macro), then the command and its log, as Dokku writes injected entries.
assert_valid_cron_line() {
  local line="$1" app="$2"
  local field='[0-9a-z*,/-]+'
  [[ "$line" =~ ^(@(hourly|daily|midnight|weekly|monthly|yearly|annually)|$field\ $field\ $field\ $field\ $field)\ dokku\ pgupgrade:scheduled-run\ $app\ \&\>\>\ (.+)$ ]] ||
    flunk "not a valid crontab line for $app: $line"
  assert_equal "${BASH_REMATCH[-1]}" "$LOGS/pgupgrade-$app.log"
}

# No secret of the host in FILE...: the S3 keys and the apps' database passwords.
assert_no_secrets() {
  local secret file
  local -a secrets=("$SANDBOX_S3_SECRET_KEY" "$SANDBOX_S3_ACCESS_KEY")
  for secret in $(dokku postgres:info memodb --password 2>/dev/null) $(dokku postgres:info oncedb --password 2>/dev/null); do
    secrets+=("$secret")
  done
  for file in "$@"; do
    for secret in "${secrets[@]}"; do
      [[ -n "$secret" ]] || continue
      if grep -qF -- "$secret" "$file"; then
        flunk "a secret is in $file"
      fi
    done
  done
}

@test "(pgupgrade:schedule) a bad cron expression, flag, image or app: one line, exit 2 (20), nothing stored, crontab untouched" {
  dokku pgupgrade:schedule memo "45 2 * * 0" postgres 15.18 --plan-only --skip-backup >/dev/null
  local before listed
  before="$(cat "$CRONTAB")"
  listed="$(dokku cron:list --global --format json)"
  local -a cases=(
    '0 3 * * * *|postgres|15.18|six fields: cron has no seconds or year field'
    '61 * * * *|postgres|15.18|minute 61 is out of range 0-59'
    '0 24 * * *|postgres|15.18|hour 24 is out of range 0-23'
    '0 3 31 2 *|postgres|15.18|it never matches'
    '0 3 * * *; rm -rf /|postgres|15.18|is not allowed (Dokku splits its cron entries on'
    '@reboot|postgres|15.18|@reboot is not a time'
    'garbage|postgres|15.18|1 field'
    '|postgres|15.18|it is empty'
    '5/10 * * * *|postgres|15.18|a step needs * or a range before it'
    '0 3 * * *|postgres|15.18;x|Invalid image version'
    '0 3 * * *|Postgres|15.18|Invalid image name Postgres'
  )
  local entry cron image version message
  for entry in "${cases[@]}"; do
    IFS='|' read -r cron image version message <<<"$entry"
    run_stderr dokku pgupgrade:schedule memo "$cron" "$image" "$version"
    assert_exit_status 2
    assert_equal "${#lines[@]}" 1
    assert_contains "${lines[0]}" " !     "
    assert_contains "$output" "$message"
  done
  run_stderr dokku pgupgrade:schedule memo $'0 3 * * *\n* * * * *' postgres 15.18
  assert_exit_status 2
  assert_output " !     Invalid cron expression '0 3 * * *\\x0a* * * * *': a newline is not allowed"
  local flags
  for flags in "--no-such-flag" "--verify bogus" "--keep-exports 0" "--dry-run" "--report-file relative.txt" "--plan-only=yes"; do
    # shellcheck disable=SC2086 # one flag and its value
    run_stderr dokku pgupgrade:schedule memo "0 3 * * *" postgres 15.18 $flags
    assert_exit_status 2
    assert_equal "${#lines[@]}" 1
  done
  run_stderr dokku pgupgrade:schedule memo 0 3 '*' '*' '*' postgres 15.18
  assert_exit_status 2
  assert_contains "$output" 'quote the five fields as one argument'
  run_stderr dokku pgupgrade:schedule ghost "0 3 * * *" postgres 15.18
  assert_exit_status 20
  assert_output " !     App ghost does not exist"
  assert_not_exists "$PGUPGRADE_STATE/ghost/schedule.toml"

  # The earlier schedule stands, unchanged, and so do the crontab and Dokku's list.
  assert_equal "$(cat "$CRONTAB")" "$before"
  assert_equal "$(dokku cron:list --global --format json)" "$listed"
  assert_equal "$(dokku pgupgrade:schedule-list --format json | jq -r '.[] | "\(.app) \(.kind) \(.cron) \(.target)"')" "memo plan 45 2 * * 0 postgres:15.18"
}

@test "(pgupgrade:schedule --plan-only) cron:list --global shows the entry and the crontab holds exactly one valid line for it" {
  run dokku pgupgrade:schedule memo "15 3 * * 1-5" postgres 15.18 --plan-only --skip-backup
  assert_success
  assert_contains "$output" "-----> Scheduled a recurring plan of memo to postgres:15.18"
  assert_contains "$output" "Cron: 15 3 * * 1-5 (the host's time zone)"
  assert_contains "$output" "Replaces the previous schedule: plan postgres:15.18 (45 2 * * 0)"
  [[ "$output" =~ Next\ run:\ [0-9]{4}-[0-9]{2}-[0-9]{2}\ 03:15\  ]] || flunk "no next run in: $output"

  run dokku cron:list --global --format json
  assert_success
  assert_equal "$(jq -r '.[] | "\(.schedule)|\(.command)|\(.global)"' <<<"$output")" "15 3 * * 1-5|dokku pgupgrade:scheduled-run memo|true"
  run dokku cron:list --global
  assert_contains "$output" "dokku pgupgrade:scheduled-run memo"

  assert_equal "$(crontab_lines | wc -l)" 1
  assert_valid_cron_line "$(crontab_lines)" memo
  assert_contains "$(crontab_lines)" "15 3 * * 1-5 dokku pgupgrade:scheduled-run memo &>> "
  # The header Dokku writes, then one line per task: nothing of ours but that line.
  assert_equal "$(grep -c . "$CRONTAB")" 3

  # The trigger itself: lines only for docker-local, exactly two semicolons each, no blank line.
  run_stdout dokku plugin:trigger cron-entries docker-local
  assert_success
  assert_equal "$output" "15 3 * * 1-5;dokku pgupgrade:scheduled-run memo;$LOGS/pgupgrade-memo.log"
  run dokku plugin:trigger cron-entries k3s
  assert_success
  assert_output ""

  run dokku pgupgrade:schedule-list
  assert_success
  assert_equal "${lines[0]}" "=====> pgupgrade schedules"
  [[ "${lines[1]}" =~ ^app\ +kind\ +cron\ +next\ run\ +target$ ]] || flunk "header: ${lines[1]}"
  [[ "${lines[2]}" =~ ^memo\ +plan\ +15\ 3\ \*\ \*\ 1-5\ +[0-9-]{10}\ 03:15\ [A-Z+0-9-]+\ +postgres:15.18$ ]] || flunk "row: ${lines[2]}"
  # Columns line up: "kind" and "plan" start at the same place.
  assert_equal "$(awk '{ print index($0, "kind") }' <<<"${lines[1]}")" "$(awk '{ print index($0, "plan") }' <<<"${lines[2]}")"
  run dokku pgupgrade:report memo --pgupgrade-schedule
  assert_output "15 3 * * 1-5"
  run dokku pgupgrade:report memo --format json
  assert_equal "$(jq -r '.info | "\(.schedule)|\(.schedule_kind)|\(.schedule_target)"' <<<"$output")" "15 3 * * 1-5|plan|postgres:15.18"
  jq -e '.info.schedule_next_run | test("^[0-9-]{10}T03:15:00[+-][0-9]{2}:[0-9]{2}$")' <<<"$output"
}

@test "(pgupgrade:scheduled-run) the crontab line, run as cron would, performs the plan and keeps its JSON and Markdown reports and log" {
  dokku pgupgrade:schedule memo "15 3 * * 1-5" postgres 15.18 --plan-only --skip-backup >/dev/null
  local plans_before
  plans_before="$(find "$PGUPGRADE_STATE/memo/reports" -name 'plan-*.json' 2>/dev/null | wc -l)"
  cron_run memo
  assert_exit_status 0
  local log="$LOGS/pgupgrade-memo.log"
  assert_exists "$log"
  assert_equal "$(stat -c %U "$log")" "$(sandbox_user)"
  assert_contains "$(cat "$log")" "=====> pgupgrade scheduled run of memo at "
  assert_contains "$(cat "$log")" "=====> Upgrade plan for memo: postgres:14.23 → postgres:15.18"
  assert_contains "$(cat "$log")" "-----> Scheduled plan of memo: ready (exit 0), report plan-"

  local json markdown
  json="$(find "$PGUPGRADE_STATE/memo/reports" -name 'plan-*.json' | sort | tail -n1)"
  markdown="${json%.json}.md"
  assert_equal "$(find "$PGUPGRADE_STATE/memo/reports" -name 'plan-*.json' | wc -l)" "$((plans_before + 1))"
  assert_exists "$markdown"
  assert_equal "$(jq -r '[.kind, .outcome, .new.image] | join(" ")' "$json")" "plan ready postgres:15.18"
  assert_contains "$(cat "$markdown")" "postgres:15.18"
  run "$PGUPGRADE_REPO/tests/schema/validate" --files "$json"
  assert_success

  # Recurring: the schedule and its line stay; the report says what the run did.
  assert_equal "$(crontab_lines | wc -l)" 1
  run dokku pgupgrade:report memo --format json
  assert_equal "$(jq -r '.info | "\(.scheduled_outcome) \(.last_plan_outcome)"' <<<"$output")" "ready ready"
  run dokku pgupgrade:report memo --pgupgrade-scheduled-outcome
  assert_output "ready"
  assert_no_secrets "$log" "$json" "$markdown" "$PGUPGRADE_STATE/memo/schedule.toml" "$PGUPGRADE_STATE/memo/schedule-last-run.toml"
}

@test "(pgupgrade:scheduled-run) a blocked plan is recorded in the report and the log, and the schedule stays" {
  # No --skip-backup: memodb has credentials but no backup schedule, so no bucket.
  dokku pgupgrade:schedule memo "@daily" postgres 15.18 --plan-only >/dev/null
  assert_valid_cron_line "$(crontab_lines)" memo
  cron_run memo
  assert_exit_status 1
  local log="$LOGS/pgupgrade-memo.log"
  assert_contains "$(tail -n 5 "$log")" " !     No backup bucket"
  assert_contains "$(tail -n 1 "$log")" "-----> Scheduled plan of memo: blocked (exit 1), report plan-"
  run dokku pgupgrade:report memo --format json
  assert_equal "$(jq -r '.info.scheduled_outcome' <<<"$output")" "blocked"
  assert_contains "$(jq -r '.info.scheduled_message' <<<"$output")" "No backup bucket"
  assert_equal "$(crontab_lines | wc -l)" 1
  assert_no_secrets "$log"
}

@test "(pgupgrade:scheduled-run) another pgupgrade command holding the app: nothing runs, busy is recorded (a one-shot is spent)" {
  dokku pgupgrade:schedule memo "*/10 * * * *" postgres 15.18 --plan-only --skip-backup >/dev/null
  local lock="$PGUPGRADE_STATE/memo/lock" ready="$SANDBOX_TEST_SCRATCH/lock-held" holder plans
  rm -f "$ready"
  # The lock of a running upgrade: the holder keeps the locked descriptor while it sleeps.
  # shellcheck disable=SC2016 # expanded by the inner bash
  as_sandbox_user bash -c 'exec 9>>"$1" && flock 9 && printf "pid %s since now\n" "$$" >&9 && touch "$2" && exec sleep 60' _ "$lock" "$ready" &
  holder=$!
  for _ in $(seq 50); do [[ -e "$ready" ]] && break; sleep 0.1; done
  assert_exists "$ready"
  plans="$(find "$PGUPGRADE_STATE/memo/reports" -name 'plan-*.json' | wc -l)"

  cron_run memo
  assert_exit_status 3
  assert_contains "$(tail -n 3 "$LOGS/pgupgrade-memo.log")" " !     Another pgupgrade command is working on memo (pid "
  assert_contains "$(tail -n 1 "$LOGS/pgupgrade-memo.log")" "Scheduled plan of memo: busy (exit 3)"
  assert_equal "$(find "$PGUPGRADE_STATE/memo/reports" -name 'plan-*.json' | wc -l)" "$plans"
  run dokku pgupgrade:report memo --pgupgrade-scheduled-outcome
  assert_output "busy"
  assert_equal "$(crontab_lines | wc -l)" 1

  # A one-shot upgrade that finds the app busy does not run and does not come back.
  dokku pgupgrade:schedule memo "*/10 * * * *" postgres 15.18 --skip-backup >/dev/null
  cron_run memo
  assert_exit_status 3
  assert_equal "$(crontab_lines | wc -l)" 0
  assert_not_exists "$PGUPGRADE_STATE/memo/schedule.toml"
  run dokku pgupgrade:report memo --format json
  assert_equal "$(jq -r '.info | "\(.scheduled_outcome) \(.schedule)"' <<<"$output")" "busy null"
  assert_equal "$(dokku config:get memo DATABASE_URL | grep -c memodb)" 1
  kill "$holder"
  wait "$holder" || true
}

@test "(pgupgrade:schedule) a one-shot upgrade runs at its time with the stored flags, then removes itself" {
  local before
  before="$(table_fingerprint oncedb)"
  run dokku pgupgrade:schedule once "30 4 * * *" postgres 15.18 --skip-backup --verify checksums
  assert_success
  assert_contains "$output" "-----> Scheduled a one-shot upgrade of once to postgres:15.18"
  assert_equal "$(crontab_lines | grep -c ' once ')" 1
  assert_valid_cron_line "$(crontab_lines | grep ' once ')" once

  cron_run once
  assert_exit_status 0
  local log="$LOGS/pgupgrade-once.log"
  assert_contains "$(cat "$log")" "The one-shot schedule is removed: it runs this once"
  assert_contains "$(cat "$log")" "=====> Upgrade of once: done"
  assert_contains "$(tail -n 1 "$log")" "-----> Scheduled upgrade of once: done (exit 0), report run-"

  # Upgraded with the stored flags, data intact.
  local new
  new="$(service_of oncedb | grep '^once-postgres-15_18-')"
  [[ -n "$new" ]] || flunk "no new service"
  assert_contains "$(database_host once)" "dokku-postgres-once-postgres-15-18-"
  assert_equal "$(table_fingerprint "$new")" "$before"
  local json
  json="$(find "$PGUPGRADE_STATE/once/reports" -name 'run-*.json' | sort | tail -n1)"
  assert_equal "$(jq -r '.outcome' "$json")" "done"
  assert_equal "$(jq -r '[.settings.verify, .settings.skip_backup] | join(" ")' "$json")" "checksums true"
  assert_exists "${json%.json}.md"

  # Gone from the store, from Dokku's list and from the crontab; the report says what happened.
  assert_not_exists "$PGUPGRADE_STATE/once/schedule.toml"
  assert_equal "$(crontab_lines | grep -c ' once ')" 0
  assert_equal "$(dokku cron:list --global --format json | jq '[.[] | select(.command | test(" once$"))] | length')" 0
  run dokku pgupgrade:report once --format json
  assert_equal "$(jq -r '.info | "\(.schedule) \(.scheduled_outcome) \(.last_run_outcome)"' <<<"$output")" "null done done"
  assert_no_secrets "$log" "$json" "${json%.json}.md"
}

@test "(pgupgrade:unschedule) removes the entry from cron:list and the crontab" {
  dokku pgupgrade:schedule memo "0 5 * * *" postgres 15.18 --plan-only >/dev/null
  assert_equal "$(crontab_lines | wc -l)" 1
  run dokku pgupgrade:unschedule memo
  assert_success
  assert_output "-----> Removed the pgupgrade schedule of memo"
  assert_equal "$(crontab_lines | wc -l)" 0
  assert_equal "$(dokku cron:list --global --format json)" "[]"
  assert_equal "$(dokku pgupgrade:schedule-list --format json)" "[]"
  run dokku pgupgrade:unschedule memo
  assert_success
  assert_output "-----> memo has no pgupgrade schedule"
  run_stderr dokku pgupgrade:unschedule ghost
  assert_exit_status 20
  run_stderr dokku pgupgrade:unschedule memo extra
  assert_exit_status 2
}

@test "(pgupgrade) apps:rename moves the schedule and reports, apps:destroy removes them; older and newer Dokku rewrite triggers" {
  dokku apps:create drift >/dev/null
  # Dokku 0.23.2-0.35 only knows cron-write.
  SANDBOX_DOKKU_CRON_TRIGGER=cron-write dokku pgupgrade:schedule drift "@weekly" postgres 15.18 --plan-only >/dev/null
  assert_equal "$(crontab_lines | grep -c ' drift ')" 1
  # A plan (blocked: drift has no database) leaves its report in drift's state folder.
  run dokku pgupgrade:plan drift postgres 15.18
  assert_failure
  local report
  report="$(cd "$PGUPGRADE_STATE/drift/reports" && ls plan-*.json)"
  [[ -n "$report" ]] || flunk "no plan report kept"

  SANDBOX_DOKKU_CRON_TRIGGER=scheduler-cron-write run dokku apps:rename drift drift2
  assert_success
  assert_contains "$output" "Moved the pgupgrade schedule of drift to drift2"
  assert_not_exists "$PGUPGRADE_STATE/drift/schedule.toml"
  assert_exists "$PGUPGRADE_STATE/drift2/schedule.toml"
  assert_contains "$output" "Moved the pgupgrade journal and reports of drift to drift2"
  assert_exists "$PGUPGRADE_STATE/drift2/reports/$report"
  assert_not_exists "$PGUPGRADE_STATE/drift"
  assert_equal "$(crontab_lines | grep -c ' drift ')" 0
  assert_equal "$(crontab_lines | grep -c ' drift2 ')" 1
  assert_valid_cron_line "$(crontab_lines | grep ' drift2 ')" drift2
  assert_equal "$(dokku cron:list --global --format json | jq -r '.[].command')" "dokku pgupgrade:scheduled-run drift2"

  run dokku --force apps:destroy drift2
  assert_success
  # Dokku's post-delete: the app's pgupgrade state goes with it, so a new app of that name
  # starts clean.
  assert_not_exists "$PGUPGRADE_STATE/drift2"
  assert_equal "$(crontab_lines | wc -l)" 0
  assert_equal "$(dokku cron:list --global --format json)" "[]"
}

@test "(pgupgrade) cron-entries prints only valid lines and exits 0 when a schedule file is damaged" {
  dokku pgupgrade:schedule memo "0 6 * * *" postgres 15.18 --plan-only >/dev/null
  as_sandbox_user mkdir -p "$PGUPGRADE_STATE/wreck"
  printf 'cron = "0 3 * * *;touch /tmp/x"\nkind = "plan"\n' | as_sandbox_user tee "$PGUPGRADE_STATE/wreck/schedule.toml" >/dev/null
  run_stdout dokku plugin:trigger cron-entries docker-local
  assert_success
  assert_output "0 6 * * *;dokku pgupgrade:scheduled-run memo;$LOGS/pgupgrade-memo.log"
  run_stderr dokku plugin:trigger cron-entries docker-local
  assert_contains "$output" "wreck/schedule.toml is damaged"
  # Dokku still reads our line (the warning goes to stderr).
  run_stdout dokku cron:list --global --format json
  assert_success
  assert_equal "$(jq length <<<"$output")" 1
  rm -rf "${PGUPGRADE_STATE:?}/wreck"
  dokku pgupgrade:unschedule memo >/dev/null
}
