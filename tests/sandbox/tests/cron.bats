#!/usr/bin/env bats
# The emulated core `cron` plugin: injected entries and the dokku user's crontab
# (plugin contract §3).
load test_helper

setup_file() {
  sandbox_setup_file
  sandbox_test_plugin crontest
}
teardown_file() { sandbox_teardown_file; }

crontab_file() { echo "$SANDBOX_TEST_HOST/var/spool/cron/crontabs/$(sandbox_user)"; }

# entries LINE...: the crontest plugin's cron-entries prints LINEs (only for docker-local).
entries() {
  {
    echo '#!/usr/bin/env bash'
    # shellcheck disable=SC2016
    echo '[[ "$1" == docker-local ]] || exit 0'
    printf 'cat <<"LINES"\n'
    printf '%s\n' "$@"
    printf 'LINES\n'
  } | sandbox_test_plugin_file crontest cron-entries
}

setup() { rm -f "$(crontab_file)"; }

@test "(cron) scheduler-cron-write writes injected entries with the PATH/SHELL header" {
  entries "5 4 * * *;dokku ps:restart --all;/var/log/dokku/x.log" "@daily;/bin/true"
  run dokku plugin:trigger scheduler-cron-write
  assert_success
  assert_equal "PATH=/usr/local/bin:/usr/bin:/bin
SHELL=/bin/bash

5 4 * * * dokku ps:restart --all &>> /var/log/dokku/x.log
@daily /bin/true" "$(cat "$(crontab_file)")"
  assert_equal "$(sandbox_user)" "$(stat -c %U "$(crontab_file)")"
}

@test "(cron) cron-write rewrites too (older Dokku)" {
  entries "@hourly;/bin/true"
  run dokku plugin:trigger cron-write
  assert_success
  assert_contains "$(cat "$(crontab_file)")" "@hourly /bin/true"
}

@test "(cron) SANDBOX_DOKKU_CRON_TRIGGER picks the honoured trigger" {
  entries "@hourly;/bin/true"
  run env SANDBOX_DOKKU_CRON_TRIGGER=scheduler-cron-write dokku plugin:trigger cron-write
  assert_success
  assert_not_exists "$(crontab_file)"
  run env SANDBOX_DOKKU_CRON_TRIGGER=cron-write dokku plugin:trigger scheduler-cron-write
  assert_success
  assert_not_exists "$(crontab_file)"
  run env SANDBOX_DOKKU_CRON_TRIGGER=cron-write dokku plugin:trigger cron-write
  assert_success
  assert_exists "$(crontab_file)"
}

@test "(cron) a line without 1 or 2 semicolons fails and leaves the crontab alone" {
  entries "@daily;/bin/true"
  dokku plugin:trigger scheduler-cron-write
  local before
  before="$(cat "$(crontab_file)")"
  entries "@daily;/bin/true" "@daily;a;b;c"
  run dokku plugin:trigger scheduler-cron-write
  assert_failure " !     Invalid injected cron task: @daily;a;b;c"
  assert_equal "$before" "$(cat "$(crontab_file)")"
  entries "@daily /bin/true"
  run dokku plugin:trigger scheduler-cron-write
  assert_failure " !     Invalid injected cron task: @daily /bin/true"
}

@test "(cron) a blank line drops every injected entry: the crontab is removed" {
  entries "@daily;/bin/true"
  dokku plugin:trigger scheduler-cron-write
  assert_exists "$(crontab_file)"
  entries "@daily;/bin/true" "" "@hourly;/bin/false"
  run dokku plugin:trigger scheduler-cron-write
  assert_success
  assert_not_exists "$(crontab_file)"
}

@test "(cron) surrounding blank lines are trimmed" {
  entries "" "@daily;/bin/true" ""
  run dokku plugin:trigger scheduler-cron-write
  assert_success
  assert_contains "$(cat "$(crontab_file)")" "@daily /bin/true"
}

@test "(cron) no entries: no crontab" {
  entries
  run dokku plugin:trigger scheduler-cron-write
  assert_success
  assert_not_exists "$(crontab_file)"
}

@test "(cron:list) --global lists injected entries with base36 ids" {
  entries "@daily;/bin/true"
  run dokku cron:list --global --format json
  assert_success
  assert_equal "@daily" "$(jq -r '.[0].schedule' <<<"$output")"
  assert_equal "/bin/true" "$(jq -r '.[0].command' <<<"$output")"
  assert_equal "true" "$(jq -r '.[0].global' <<<"$output")"
  local expected
  expected="$(node -e 'let n=0n; for (const b of Buffer.from("@daily;;;/bin/true")) n=n*256n+BigInt(b); console.log(n.toString(36))')"
  assert_equal "$expected" "$(jq -r '.[0].id' <<<"$output")"
  run dokku cron:list --global
  assert_success
  assert_line_equals 1 "$(printf '%s  @daily    allow        false        /bin/true' "$expected")"
}

@test "(cron:list) an app without app.json has no task; bad format fails" {
  dokku apps:create my-app >/dev/null
  run dokku cron:list my-app --format json
  assert_success "[]"
  run dokku cron:list my-app --format xml
  assert_failure " !     Invalid format specified, supported formats: json, stdout"
  dokku --force apps:destroy my-app >/dev/null
}

@test "(cron:set) --global mailto adds a MAILTO line" {
  entries "@daily;/bin/true"
  run dokku cron:set --global mailto ops@example.com
  assert_success "=====> Setting mailto to ops@example.com"
  run cat "$(crontab_file)"
  assert_line_equals 0 "MAILTO=ops@example.com"
  dokku cron:set --global mailto >/dev/null
}
