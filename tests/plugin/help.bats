#!/usr/bin/env bats
# The plugin's frame: installed the Dokku way, dispatched like Dokku, help in Dokku's format.

load plugin_helper

setup_file() {
  plugin_setup_file
}

teardown_file() {
  plugin_teardown_file
}

@test "(pgupgrade) the bare command and pgupgrade:help print the same help" {
  run dokku pgupgrade
  assert_success
  local bare="$output"
  run dokku pgupgrade:help
  assert_success
  assert_equal "$output" "$bare"
  assert_equal "${lines[0]}" "Usage: dokku pgupgrade[:COMMAND]"
  assert_contains "$output" "Additional commands:"
  assert_contains "$output" "    pgupgrade:run <app> <image> <version> [--flags]   Upgrade"
  assert_contains "$output" "    pgupgrade:plan <app> <image> <version> [--flags]  Check"
  assert_contains "$output" "    pgupgrade:cleanup-vars <app> [--dry-run]          Remove"
  # One column of descriptions, as `column -t -s,` would align them.
  assert_equal "$(grep '^    pgupgrade:' <<<"$output" | awk '{ match($0, /[^ ]  +[A-Z]/); print RSTART + RLENGTH }' | sort -u | wc -l)" 1
}

@test "(pgupgrade) dokku help shows one summary line, help --all every command" {
  run dokku help
  assert_success
  assert_contains "$output" "pgupgrade"
  assert_output_contains "pgupgrade:run" 0
  run dokku help --all
  assert_success
  assert_contains "$output" "pgupgrade:run <app> <image> <version> [--flags]"
  assert_contains "$output" "pgupgrade:plan <app> <image> <version> [--flags]"
}

@test "(pgupgrade) commands answers nothing it does not own (exit 10)" {
  run "$PLUGIN_ENABLED_PATH/pgupgrade/commands" apps:list
  assert_exit_status 10
  assert_output ""
  run "$PLUGIN_ENABLED_PATH/pgupgrade/commands" pgupgrade:nope
  assert_exit_status 10
  run dokku pgupgrade:nope
  assert_failure
  assert_contains "$output" "is not a dokku command"
}

@test "(pgupgrade) every subcommand file is executable and execs the helper" {
  local file
  for file in "$PGUPGRADE_REPO"/subcommands/*; do
    [[ -x "$file" ]] || flunk "$file is not executable"
    grep -q 'fn-pgupgrade-exec "\$@"' "$file" || flunk "$file does not exec the helper"
  done
}

@test "(pgupgrade) plugin:list shows the plugin enabled with its version, and triggers run clean" {
  run dokku plugin:list
  assert_success
  assert_contains "$output" "pgupgrade"
  assert_contains "$output" "0.1.0"
  run dokku plugin:install
  assert_success
  assert_output_contains "panic" 0
}

@test "(pgupgrade) install is idempotent, quiet when nothing changed, and makes the private state folder" {
  run dokku plugin:install
  assert_success
  assert_output_contains "Building the pgupgrade helper" 0
  assert_equal "$(stat -c '%U %a' "$PGUPGRADE_STATE")" "$(sandbox_user) 700"
}

@test "(pgupgrade) usage errors exit 2, a missing app exits 20, with one Dokku-style line" {
  run_stderr dokku pgupgrade:run
  assert_exit_status 2
  assert_output " !     Please specify an app to run the command on"
  run_stderr dokku pgupgrade:run ghost postgres 17.10
  assert_exit_status 20
  assert_output " !     App ghost does not exist"
  run_stderr dokku pgupgrade:plan ghost postgres 17.10 --no-such-flag
  assert_exit_status 2
  assert_output " !     unrecognised option '--no-such-flag'"
}

@test "(pgupgrade) --quiet, --trace and --force are tolerated anywhere" {
  run dokku pgupgrade:help --quiet
  assert_success
  run_stderr dokku pgupgrade:run --trace ghost --force postgres 17.10
  assert_exit_status 20
}

@test "(pgupgrade) --app is honoured like Dokku's own plugins" {
  run_stderr dokku --app ghost pgupgrade:plan postgres 17.10
  assert_exit_status 20
  assert_output " !     App ghost does not exist"
}
