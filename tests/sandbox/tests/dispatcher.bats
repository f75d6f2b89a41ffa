#!/usr/bin/env bats
# The sandbox's `dokku` dispatcher (plugin contract §1.3-1.10, §6.2).
load test_helper

setup_file() {
  sandbox_setup_file
  sandbox_test_plugin disptest
  sandbox_test_plugin_file disptest subcommands/default <<'SCRIPT'
#!/usr/bin/env bash
echo "default: $*"
SCRIPT
  sandbox_test_plugin_file disptest subcommands/show <<'SCRIPT'
#!/usr/bin/env bash
echo "argv: $*"
echo "user: $(id -un)"
echo "home: $HOME"
echo "pid: ${DOKKU_PID:-unset}"
echo "quiet: ${DOKKU_QUIET_OUTPUT:-unset}"
echo "force: ${DOKKU_APPS_FORCE_DELETE:-unset}"
echo "app: ${DOKKU_APP_NAME:-unset}"
echo "flags: ${DOKKU_GLOBAL_FLAGS:-unset}"
echo "exit10: ${DOKKU_NOT_IMPLEMENTED_EXIT:-unset}"
SCRIPT
  sandbox_test_plugin_file disptest subcommands/fail <<'SCRIPT'
#!/usr/bin/env bash
echo "failing" >&2
exit 42
SCRIPT
  sandbox_test_plugin_file disptest subcommands/notexec 644 <<'SCRIPT'
#!/usr/bin/env bash
echo "must not run"
SCRIPT
  sandbox_test_plugin_file disptest commands <<'SCRIPT'
#!/usr/bin/env bash
case "$1" in
  help) echo "    disptest, A test plugin" ;;
  disptest:via-commands) echo "commands: $*" ;;
  disptest:commands-fail) exit 3 ;;
  *) exit "$DOKKU_NOT_IMPLEMENTED_EXIT" ;;
esac
SCRIPT
  sandbox_test_plugin_file disptest subcommands/myplugin-ish <<'SCRIPT'
#!/usr/bin/env bash
echo "user: $(id -un)"
SCRIPT
}
teardown_file() { sandbox_teardown_file; }

@test "(dokku) runs subcommands/<suffix> with the full argv" {
  run dokku disptest:show a b
  assert_success
  assert_line_equals 0 "argv: disptest:show a b"
}

@test "(dokku) runs subcommands/default for the bare plugin name" {
  run dokku disptest x
  assert_success
  assert_output "default: disptest x"
}

@test "(dokku) a subcommand's exit status is dokku's" {
  run dokku disptest:fail
  assert_exit_status 42
  assert_output "failing"
}

@test "(dokku) falls back to every commands file (exit 10 = not mine)" {
  run dokku disptest:via-commands z
  assert_success
  assert_output "commands: disptest:via-commands z"
}

@test "(dokku) a commands file's non-10 failure is dokku's exit status" {
  run dokku disptest:commands-fail
  assert_exit_status 3
}

@test "(dokku) a non-executable subcommand is not run" {
  run dokku disptest:notexec
  assert_exit_status 1
  assert_output_contains "must not run" 0
  assert_contains "$output" 'disptest:notexec'
}

@test "(dokku) unknown command: two-line error on stderr, exit 1" {
  run_stdout dokku nosuch:command arg1
  assert_exit_status 1
  assert_output ""
  run_stderr dokku nosuch:command arg1
  assert_exit_status 1
  assert_line_equals 0 " !     \`nosuch:command arg1\` is not a dokku command."
  assert_line_equals 1 " !     See \`dokku help\` for a list of available commands."
}

@test "(dokku) leading global flags are removed, later ones stay in argv" {
  run dokku --quiet disptest:show a --force
  assert_success
  assert_line_equals 0 "argv: disptest:show a --force"
  assert_line_equals 4 "quiet: 1"
  assert_line_equals 5 "force: 1"
  assert_line_equals 7 "flags: --quiet --force"
}

@test "(dokku) --app sets DOKKU_APP_NAME but is not injected for community plugins" {
  run dokku --app my-app disptest:show x
  assert_success
  assert_line_equals 0 "argv: disptest:show x"
  assert_line_equals 6 "app: my-app"
}

@test "(dokku) --app is injected as the first argument for core plugins" {
  dokku apps:create app-flag >/dev/null
  dokku config:set --no-restart app-flag K=v >/dev/null
  run dokku --app app-flag config:get K
  assert_success
  assert_output "v"
  dokku --force apps:destroy app-flag >/dev/null
}

@test "(dokku) exports the dispatcher environment" {
  run dokku disptest:show
  assert_success
  assert_line_equals 8 "exit10: 10"
  [[ "${lines[3]}" =~ ^pid:\ [0-9]+$ ]] || flunk "DOKKU_PID not set: ${lines[3]}"
}

@test "(dokku) commands run as the sandbox user with its home" {
  run dokku disptest:show
  assert_success
  assert_line_equals 1 "user: $(sandbox_user)"
  assert_line_equals 2 "home: $DOKKU_ROOT"
}

@test "(dokku) a command containing 'plugin' stays with the caller (regex quirk)" {
  run dokku disptest:myplugin-ish
  assert_success
  assert_output "user: $(id -un)"
}

@test "(dokku) plugin:* management is root-gated" {
  [[ "$(id -u)" == 0 ]] || skip "needs root: the gate only exists when root created the host"
  run as_sandbox_user dokku plugin:installed apps
  assert_exit_status 1
  assert_output " !     This command must be run as root"
  run as_sandbox_user dokku plugin:list
  assert_success
}

@test "(dokku) version, -v and --version" {
  run dokku version
  assert_success "dokku version 0.38.27"
  run dokku -v
  assert_success "dokku version 0.38.27"
  run dokku --version
  assert_success "dokku version 0.38.27"
}

@test "(dokku) version fails without STABLE_VERSION or VERSION" {
  mv "$DOKKU_LIB_ROOT/STABLE_VERSION" "$BATS_FILE_TMPDIR/STABLE_VERSION"
  run dokku version
  mv "$BATS_FILE_TMPDIR/STABLE_VERSION" "$DOKKU_LIB_ROOT/STABLE_VERSION"
  assert_exit_status 1
  assert_output " !     Unable to determine dokku's version"
}

@test "(dokku) help filters core lines and lists community plugins" {
  run dokku help
  assert_success
  assert_line_equals 0 "Usage: dokku [--quiet|--trace|--force] COMMAND <app> [command-specific-options]"
  assert_contains "$output" "Community plugin commands:"
  [[ "$output" =~ \ \ \ \ apps\ +Manage\ apps ]] || flunk "no apps line: $output"
  [[ "$output" =~ \ \ \ \ disptest\ +A\ test\ plugin ]] || flunk "no community line: $output"
  assert_output_contains "apps:create" 0
}

@test "(dokku) help --all lists every command" {
  run dokku help --all
  assert_success
  assert_contains "$output" "apps:create <app>"
  assert_contains "$output" "maintenance:enable <app>"
}

@test "(dokku) NAME and NAME:help print the same help" {
  run dokku apps
  assert_success
  local bare="$output"
  run dokku apps:help
  assert_success
  assert_equal "$bare" "$output"
  assert_line_equals 0 "Usage: dokku apps[:COMMAND]"
}

@test "(dokku) dokkurc files are sourced" {
  mkdir -p "$DOKKU_ROOT/.dokkurc"
  echo 'export DOKKU_APP_NAME=from-rc' >"$DOKKU_ROOT/.dokkurc/test"
  run dokku disptest:show
  rm -f "$DOKKU_ROOT/.dokkurc/test"
  assert_success
  assert_line_equals 6 "app: from-rc"
}
