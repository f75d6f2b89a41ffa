#!/usr/bin/env bats
# sandbox fault: rules on `dokku <command>` calls (README "Fault injection").
load test_helper

setup_file() { sandbox_setup_file; }
teardown_file() { sandbox_teardown_file; }

setup() { "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" clear; }

@test "(fault) --exit fires on the Nth call only, with the message on stderr" {
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'dokku apps:list' --call 2 --exit 9 --stderr "injected failure"
  run dokku apps:list
  assert_success
  run_stderr dokku apps:list
  assert_exit_status 9
  assert_output "injected failure"
  run dokku apps:list
  assert_success
}

@test "(fault) --call N+ fires on the Nth and every later call" {
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'dokku apps:list' --call 2+ --exit 4
  run dokku apps:list
  assert_success
  run dokku apps:list
  assert_exit_status 4
  run dokku apps:list
  assert_exit_status 4
}

@test "(fault) calls are counted per name; other commands are untouched" {
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'dokku apps:list' --call 1 --exit 5
  run dokku config:show --global
  assert_success
  run dokku apps:list
  assert_exit_status 5
  assert_equal "1" "$(cat "$SANDBOX_STATE/faults/counts/dokku_apps:list")"
}

@test "(fault) calls made inside dokku count too" {
  sandbox_test_plugin nested
  sandbox_test_plugin_file nested subcommands/run <<'SCRIPT'
#!/usr/bin/env bash
dokku apps:list >/dev/null || echo "inner failed with $?"
SCRIPT
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'dokku apps:list' --call 1 --exit 6
  run dokku nested:run
  assert_success "inner failed with 6"
  sandbox_test_plugin_remove nested
}

@test "(fault) --hang sleeps before doing anything, then fails" {
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'dokku apps:create' --call 1 --hang --seconds 1
  run dokku apps:create hang-app
  assert_exit_status 124
  run dokku apps:exists hang-app
  assert_exit_status 20
}

@test "(fault) --kill-caller kills the direct parent by default" {
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'dokku apps:list' --call 1 --kill-caller
  run bash -c 'dokku apps:list >/dev/null 2>&1; echo "caller survived"'
  assert_exit_status 137
  assert_output_contains "caller survived" 0
}

@test "(fault) --kill-caller NAME kills the nearest ancestor with that name" {
  local script="$BATS_TEST_TMPDIR/sbx-caller"
  printf '#!/usr/bin/env bash\nbash -c "dokku apps:list >/dev/null 2>&1; echo inner survived"\necho outer survived\n' >"$script"
  chmod +x "$script"
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'dokku apps:list' --call 1 --kill-caller sbx-caller
  run "$script"
  assert_exit_status 137
  assert_output_contains "outer survived" 0
}

@test "(fault) list shows the rules; clear removes rules and counters" {
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'dokku postgres:backup' --call 1 --exit 1 --stderr "boom"
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'docker container exec' --call 2+ --hang
  run "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" list
  assert_success "$(printf 'dokku postgres:backup\t1\texit\t1\tboom\t-\ndocker exec\t2+\thang\t3600\t-\t-')"
  run "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" clear
  assert_success
  run "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" list
  assert_success ""
}

@test "(fault) invalid rules are refused with usage errors (exit 2)" {
  run "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'dokku apps:list' --exit 1
  assert_exit_status 2
  assert_output "sandbox fault: --call is required"
  run "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'dokku apps:list' --call 0 --exit 1
  assert_exit_status 2
  run "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'rm -rf' --call 1 --exit 1
  assert_exit_status 2
  run "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'dokku apps:list' --call 1 --exit 1 --hang
  assert_exit_status 2
}

@test "(fault) --match limits a rule to calls with that word and counts them on their own" {
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'dokku apps:exists' --match second --call 2 --exit 7 --stderr "matched"
  run dokku apps:exists first
  assert_exit_status 20
  run dokku apps:exists second
  assert_exit_status 20
  run dokku apps:exists first
  assert_exit_status 20
  run dokku apps:exists second
  assert_exit_status 7
  assert_output "matched"
  run dokku apps:exists second
  assert_exit_status 20
}

@test "(fault) --match takes consecutive words" {
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'dokku apps:exists' --match 'a b' --call 1 --exit 8
  run dokku apps:exists b a
  assert_exit_status 20
  run dokku apps:exists a b
  assert_exit_status 8
}
