#!/usr/bin/env bats
# The emulated core `config` plugin (plugin contract §5).
load test_helper

setup_file() {
  sandbox_setup_file
  sandbox_trigger_recorder post-config-update
}
teardown_file() { sandbox_teardown_file; }

setup() {
  dokku apps:create my-app >/dev/null
  sandbox_recorder_reset
}
teardown() {
  dokku --force apps:destroy my-app >/dev/null 2>&1 || true
  dokku config:clear --global >/dev/null 2>&1 || true
}

app_pid() { cat "$SANDBOX_STATE/apps/my-app/pid"; }

@test "(config:set) prints the aligned pairs and stores them" {
  run dokku config:set my-app A=1 LONGER_KEY=two
  assert_success "-----> Setting config vars
       A:           1
       LONGER_KEY:  two"
  run dokku config:get my-app LONGER_KEY
  assert_success "two"
  assert_equal "post-config-update my-app set A LONGER_KEY" "$(sandbox_recorded)"
}

@test "(config:set) --quiet prints nothing" {
  run dokku --quiet config:set my-app SECRET=hidden
  assert_success ""
  run dokku config:get my-app SECRET
  assert_success "hidden"
}

@test "(config:set) keeps quotes, spaces, newlines and = in values" {
  dokku config:set my-app "Q=it's a \"test\"" "M=line1
line2" "E=a=b" >/dev/null
  run dokku config:get my-app Q
  assert_success "it's a \"test\""
  run dokku config:get my-app M
  assert_success "line1
line2"
  run dokku config:get my-app E
  assert_success "a=b"
}

@test "(config:set) --encoded base64-decodes values" {
  run dokku config:set --encoded my-app "B=$(printf 'hello world' | base64)"
  assert_success
  run dokku config:get my-app B
  assert_success "hello world"
}

@test "(config:set) rejects invalid keys and pairs" {
  run dokku config:set my-app 1BAD=x
  assert_failure " !     Invalid key name: '1BAD'"
  run dokku config:set my-app NOVALUE
  assert_failure " !     Invalid env pair: NOVALUE"
  run dokku config:set my-app
  assert_failure " !     At least one env pair must be given"
}

@test "(config:set) exits 20 for a missing app" {
  run dokku config:set not-existing-app A=1
  assert_exit_status 20
  assert_output " !     App not-existing-app does not exist"
}

@test "(config:get) a missing key: no output, exit 1" {
  run dokku config:get my-app NOPE
  assert_exit_status 1
  assert_output ""
}

@test "(config:get) --quoted shell-quotes the value" {
  dokku config:set my-app "Q=it's" >/dev/null
  run dokku config:get --quoted my-app Q
  assert_success "'it'\\''s'"
}

@test "(config:show) header and aligned sorted lines; bare config is show" {
  dokku config:set my-app ZED=last DATABASE_URL=postgres://x >/dev/null
  run dokku config:show my-app
  assert_success "=====> my-app env vars
DATABASE_URL:  postgres://x
ZED:           last"
  local show="$output"
  run dokku config my-app
  assert_success "$show"
}

@test "(config:unset) unsets present keys and skips missing ones" {
  dokku config:set my-app A=1 B=2 >/dev/null
  sandbox_recorder_reset
  run dokku config:unset my-app A C
  assert_success "-----> Unsetting A
-----> Skipping C, it is not set in the environment"
  run dokku config:keys my-app
  assert_success "B"
  assert_equal "post-config-update my-app unset A" "$(sandbox_recorded)"
}

@test "(config:export) formats" {
  dokku config:set my-app "A=it's" B=2 >/dev/null
  run dokku config:export my-app
  assert_success "export A='it'\\''s'
export B='2'"
  run dokku config:export --format envfile my-app
  assert_success 'A="it'"'"'s"
B="2"'
  run dokku config:export --format json my-app
  assert_success '{"A":"it'"'"'s","B":"2"}'
  run dokku config:export --format json-list my-app
  assert_success '[{"name":"A","value":"it'"'"'s"},{"name":"B","value":"2"}]'
  run dokku config:export --format shell my-app
  assert_success "A='it'\\''s' B='2'"
  run dokku config:export --format docker-args my-app
  assert_success "--env=A='it'\\''s' --env=B='2'"
  run dokku config:export --format docker-args-keys my-app
  assert_success "--env=A --env=B"
  run dokku config:export --format pack-keys my-app
  assert_success "--env A --env B"
  run dokku config:export --format bogus my-app
  assert_failure " !     Unknown export format: bogus"
}

@test "(config) --global and --merged" {
  dokku config:set --global G=global SHARED=global >/dev/null
  dokku config:set my-app SHARED=app >/dev/null
  run dokku config:get --global G
  assert_success "global"
  run dokku config:keys my-app
  assert_success "SHARED"
  run dokku config:export --merged --format shell my-app
  assert_success "G='global' SHARED='app'"
  run dokku config:get --merged my-app G
  assert_success "global"
}

@test "(config) the env lives in DOKKU_LIB_ROOT/config/<app>/ENV" {
  dokku config:set my-app A=1 >/dev/null
  assert_equal "export A='1'" "$(cat "$DOKKU_LIB_ROOT/config/my-app/ENV")"
}

@test "(config:set) restarts a deployed app with the new environment" {
  "$SANDBOX_CLI" deploy "$SANDBOX_TEST_HOST" my-app >/dev/null
  local before
  before="$(app_pid)"
  run dokku config:set my-app NEW=1
  assert_success
  assert_contains "$output" "-----> Restarting app my-app"
  [[ "$(app_pid)" != "$before" ]] || flunk "the app was not restarted"
  assert_contains "$(tr '\0' '\n' <"/proc/$(app_pid)/environ")" "NEW=1"
}

@test "(config:set) --no-restart, global changes and unchanged values do not restart" {
  "$SANDBOX_CLI" deploy "$SANDBOX_TEST_HOST" my-app >/dev/null
  local before
  before="$(app_pid)"
  run dokku config:set --no-restart my-app NEW=1
  assert_success
  assert_output_contains "Restarting" 0
  run dokku config:set --global NEW=2
  assert_output_contains "Restarting" 0
  run dokku config:set my-app NEW=1
  assert_output_contains "Restarting" 0
  assert_equal "$before" "$(app_pid)"
}

@test "(config:set) does not start a stopped app (restore false)" {
  "$SANDBOX_CLI" deploy "$SANDBOX_TEST_HOST" my-app >/dev/null
  dokku ps:stop my-app >/dev/null
  run dokku config:set my-app NEW=1
  assert_success
  assert_output_contains "Restarting" 0
  [[ ! -f "$SANDBOX_STATE/apps/my-app/pid" ]] || flunk "the stopped app was started"
}

@test "(config:set) an undeployed app is not restarted" {
  run dokku config:set my-app NEW=1
  assert_success
  assert_output_contains "Restarting" 0
}
