#!/usr/bin/env bats
# tests/sandbox/sandbox up/env/down/destroy (README "Interface", "Layout", "Users").
load test_helper

setup_file() { sandbox_setup_file; }
teardown_file() { sandbox_teardown_file; }

@test "(sandbox) usage errors exit 2" {
  run "$SANDBOX_CLI"
  assert_exit_status 2
  run "$SANDBOX_CLI" no-such-command
  assert_exit_status 2
  assert_line_equals 0 "sandbox: unknown command: no-such-command"
  run "$SANDBOX_CLI" up
  assert_exit_status 2
  assert_output "Usage: sandbox up DIR [--no-plugin]"
  run "$SANDBOX_CLI" env
  assert_exit_status 2
}

@test "(sandbox up) writes the env file" {
  local env="$SANDBOX_TEST_HOST/sandbox/env"
  run bash -c "source '$env' && echo \"\$SANDBOX_USER_NAME \$SANDBOX_NET \$SANDBOX_SOCKET_DIR \$SANDBOX_REPO\""
  assert_success
  local user net socket repo
  read -r user net socket repo <<<"$output"
  if [[ "$(id -u)" == 0 ]]; then
    assert_equal "${SANDBOX_USER:-dokku}" "$user"
  else
    assert_equal "$(id -un)" "$user"
  fi
  [[ "$net" =~ ^127\.([0-9]+)\.([0-9]+)$ ]] || flunk "bad SANDBOX_NET: $net"
  ((BASH_REMATCH[1] >= 1 && BASH_REMATCH[1] <= 254 && BASH_REMATCH[2] <= 255)) || flunk "bad SANDBOX_NET: $net"
  [[ "$socket" =~ ^/tmp/sbx-[0-9a-f]{8}$ ]] || flunk "bad SANDBOX_SOCKET_DIR: $socket"
  assert_equal "$(cd "$BATS_TEST_DIRNAME/../../.." && pwd -P)" "$repo"
}

@test "(sandbox up) creates the Dokku layout owned by the sandbox user" {
  local d
  for d in home/dokku var/lib/dokku/plugins/available var/lib/dokku/plugins/enabled \
    var/lib/dokku/core-plugins/available var/lib/dokku/core-plugins/enabled var/lib/dokku/services \
    var/lib/dokku/data var/lib/dokku/config var/log/dokku etc/cron.d var/spool/cron/crontabs \
    docker/images docker/containers s3 sandbox; do
    [[ -d "$SANDBOX_TEST_HOST/$d" ]] || flunk "missing $d"
    assert_equal "$(sandbox_user)" "$(stat -c %U "$SANDBOX_TEST_HOST/$d")"
  done
  assert_equal "0.38.27" "$(cat "$DOKKU_LIB_ROOT/STABLE_VERSION")"
}

@test "(sandbox up) core plugins: available with a .core marker, enabled in both trees" {
  local name
  for name in 00_dokku-standard 20_events apps common config cron docker-options plugin ps scheduler-docker-local; do
    assert_exists "$DOKKU_LIB_ROOT/core-plugins/available/$name/.core"
    [[ -L "$DOKKU_LIB_ROOT/core-plugins/enabled/$name" ]] || flunk "$name not enabled in core-plugins"
    [[ -L "$PLUGIN_ENABLED_PATH/$name" ]] || flunk "$name not enabled in plugins"
    [[ "$(readlink -f "$PLUGIN_ENABLED_PATH/$name")" == *core-plugins* ]] || flunk "$name does not resolve into core-plugins"
  done
}

@test "(sandbox up) community plugins postgres and maintenance; --no-plugin: no pgupgrade" {
  [[ -L "$PLUGIN_ENABLED_PATH/maintenance" ]] || flunk "maintenance not enabled"
  [[ -L "$PLUGIN_ENABLED_PATH/postgres" ]] || flunk "postgres not enabled"
  [[ ! -e "$PLUGIN_AVAILABLE_PATH/pgupgrade" ]] || flunk "pgupgrade installed despite --no-plugin"
}

@test "(sandbox env) prints export lines for the host" {
  run "$SANDBOX_CLI" env "$SANDBOX_TEST_HOST"
  assert_success
  assert_line_equals 0 "export SANDBOX_ROOT=$SANDBOX_TEST_HOST"
  assert_contains "${lines[1]}" "export PATH=$(cd "$BATS_TEST_DIRNAME/.." && pwd)/bin:"
  assert_contains "$output" "export SANDBOX_S3_ENDPOINT=http://127.0.0.1:"
  assert_contains "$output" "export SANDBOX_S3_ACCESS_KEY="
  assert_contains "$output" "export SANDBOX_S3_SECRET_KEY="
  run "$SANDBOX_CLI" env "$BATS_TEST_TMPDIR"
  assert_failure
  assert_contains "$output" "is not a sandbox host"
}

@test "(sandbox up) is idempotent and keeps data; a disabled community plugin stays disabled" {
  dokku apps:create kept-app >/dev/null
  dokku plugin:disable maintenance >/dev/null
  run "$SANDBOX_CLI" up "$SANDBOX_TEST_HOST" --no-plugin
  assert_success
  run dokku apps:exists kept-app
  assert_success
  [[ ! -e "$PLUGIN_ENABLED_PATH/maintenance" ]] || flunk "maintenance re-enabled"
  dokku plugin:enable maintenance >/dev/null
  dokku --force apps:destroy kept-app >/dev/null
}

@test "(sandbox down|up) stops the sample app and restarts it on the next up" {
  dokku apps:create web >/dev/null
  "$SANDBOX_CLI" deploy "$SANDBOX_TEST_HOST" web >/dev/null
  local pid
  pid="$(cat "$SANDBOX_STATE/apps/web/pid")"
  run "$SANDBOX_CLI" down "$SANDBOX_TEST_HOST"
  assert_success
  ! pid_running "$pid" || flunk "app still running after down"
  run "$SANDBOX_CLI" up "$SANDBOX_TEST_HOST" --no-plugin
  assert_success
  pid_running "$(cat "$SANDBOX_STATE/apps/web/pid")" || flunk "app not restarted by up"
  dokku --force apps:destroy web >/dev/null
}

@test "(sandbox) two hosts get different addresses and socket directories" {
  local other="$BATS_TEST_TMPDIR/other"
  run "$SANDBOX_CLI" up "$other" --no-plugin
  assert_success
  local a b
  a="$(bash -c "source '$SANDBOX_TEST_HOST/sandbox/env'; echo \$SANDBOX_NET \$SANDBOX_SOCKET_DIR")"
  b="$(bash -c "source '$other/sandbox/env'; echo \$SANDBOX_NET \$SANDBOX_SOCKET_DIR")"
  [[ "${a% *}" != "${b% *}" && "${a#* }" != "${b#* }" ]] || flunk "same: $a / $b"
  run "$SANDBOX_CLI" destroy "$other"
  assert_success
  [[ ! -e "$other" ]] || flunk "destroy left $other"
}

@test "(sandbox destroy) refuses a directory that is not a host" {
  local dir="$BATS_TEST_TMPDIR/not-a-host"
  mkdir -p "$dir"
  touch "$dir/precious"
  run "$SANDBOX_CLI" destroy "$dir"
  assert_failure
  assert_exists "$dir/precious"
}
