#!/usr/bin/env bats
# The emulated core `ps` plugin and the sample app's process.
load test_helper

setup_file() {
  sandbox_setup_file
  sandbox_trigger_recorder pre-start post-stop
}
teardown_file() { sandbox_teardown_file; }

setup() {
  dokku apps:create my-app >/dev/null
  sandbox_recorder_reset
}
teardown() { dokku --force apps:destroy my-app >/dev/null 2>&1 || true; }

app_pid() { cat "$SANDBOX_STATE/apps/my-app/pid" 2>/dev/null; }

@test "(ps) an undeployed app: warning, exit 0" {
  local cmd
  for cmd in ps:stop ps:start ps:restart; do
    run_stderr dokku "$cmd" my-app
    assert_success " !     App my-app has not been deployed"
  done
  assert_equal "" "$(sandbox_recorded)"
}

@test "(ps) a missing app exits 20" {
  run dokku ps:stop not-existing-app
  assert_exit_status 20
  assert_output " !     App not-existing-app does not exist"
}

@test "(ps:stop) stops the app, fires post-stop and sets restore false" {
  "$SANDBOX_CLI" deploy "$SANDBOX_TEST_HOST" my-app >/dev/null
  local pid
  pid="$(app_pid)"
  pid_running "$pid" || flunk "app not running"
  run dokku ps:stop my-app
  assert_success "-----> Stopping my-app"
  ! pid_running "$pid" || flunk "app still running"
  assert_equal "post-stop my-app" "$(sandbox_recorded)"
  run dokku ps:report my-app --restore
  assert_success "false"
  run dokku ps:report my-app --running
  assert_success "false"
  run dokku ps:report my-app --deployed
  assert_success "true"
}

@test "(ps:start) fires pre-start, starts the app and sets restore true" {
  "$SANDBOX_CLI" deploy "$SANDBOX_TEST_HOST" my-app >/dev/null
  dokku ps:stop my-app >/dev/null
  sandbox_recorder_reset
  run dokku ps:start my-app
  assert_success "-----> Starting my-app"
  assert_equal "pre-start my-app" "$(sandbox_recorded)"
  pid_running "$(app_pid)" || flunk "app not running"
  run dokku ps:report my-app --restore
  assert_success "true"
}

@test "(ps:restart) replaces the app process" {
  "$SANDBOX_CLI" deploy "$SANDBOX_TEST_HOST" my-app >/dev/null
  local before
  before="$(app_pid)"
  run dokku ps:restart my-app
  assert_success
  assert_contains "$output" "-----> Deploying my-app via the docker-local scheduler..."
  [[ "$(app_pid)" != "$before" ]] || flunk "not restarted"
  pid_running "$(app_pid)" || flunk "new process not running"
  ! pid_running "$before" || flunk "old process still running"
}

@test "(ps:restart) the app-restart trigger does the same" {
  "$SANDBOX_CLI" deploy "$SANDBOX_TEST_HOST" my-app >/dev/null
  local before
  before="$(app_pid)"
  run dokku plugin:trigger app-restart my-app
  assert_success
  [[ "$(app_pid)" != "$before" ]] || flunk "not restarted"
}

@test "(ps:report) stdout and json" {
  "$SANDBOX_CLI" deploy "$SANDBOX_TEST_HOST" my-app >/dev/null
  run dokku ps:report my-app
  assert_success
  assert_line_equals 0 "=====> my-app ps information"
  assert_contains "$output" "       Deployed:                      true"
  assert_contains "$output" "       Ps restart policy:             on-failure:10"
  run dokku ps:report my-app --format json
  assert_success
  assert_equal "true" "$(jq -r '.restore' <<<"$output")"
  assert_equal "true" "$(jq -r '.running' <<<"$output")"
}

@test "(ps:restore) starts deployed apps whose restore is not false" {
  "$SANDBOX_CLI" deploy "$SANDBOX_TEST_HOST" my-app >/dev/null
  dokku apps:create other-app >/dev/null
  "$SANDBOX_CLI" deploy "$SANDBOX_TEST_HOST" other-app >/dev/null
  dokku ps:stop other-app >/dev/null
  "$SANDBOX_CLI" down "$SANDBOX_TEST_HOST" 2>/dev/null
  ! pid_running "$(app_pid)" || flunk "down left the app running"
  run dokku ps:restore
  assert_success "-----> Restoring app my-app"
  pid_running "$(app_pid)" || flunk "app not restored"
  [[ ! -f "$SANDBOX_STATE/apps/other-app/pid" ]] || flunk "stopped app restored"
  dokku --force apps:destroy other-app >/dev/null
}
