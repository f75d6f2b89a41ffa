#!/usr/bin/env bats
# The sample app, `sandbox deploy|app-url|load|check-writes` (README "Sample app and load
# client"), against a real PostgreSQL service created with dokku postgres:create.
load test_helper

setup_file() {
  sandbox_setup_file
  dokku apps:create web >/dev/null
  "$SANDBOX_CLI" deploy "$SANDBOX_TEST_HOST" web >/dev/null
  if [[ -x "$BATS_TEST_DIRNAME/../bin/docker" && -x "$PLUGIN_ENABLED_PATH/postgres/subcommands/create" ]]; then
    dokku postgres:create appdb >"$BATS_FILE_TMPDIR/create.log" 2>&1 || {
      sed 's/^/# /' "$BATS_FILE_TMPDIR/create.log" >&3
      return 1
    }
    export APP_DB_READY=1
  fi
}
teardown_file() { sandbox_teardown_file; }

need_db() {
  [[ -n "${APP_DB_READY:-}" ]] || skip "needs the sandbox docker and postgres emulation (bin/docker, plugins/postgres)"
}

url() { "$SANDBOX_CLI" app-url "$SANDBOX_TEST_HOST" web; }

@test "(deploy) marks the app deployed and starts it on its recorded port" {
  run dokku ps:report web --deployed
  assert_success "true"
  run "$SANDBOX_CLI" app-url "$SANDBOX_TEST_HOST" web
  assert_success "http://127.0.0.1:$(cat "$SANDBOX_STATE/apps/web/port")"
  run curl -s "$(url)/health"
  assert_success
  assert_equal "web" "$(jq -r .app <<<"$output")"
  assert_equal "$(sandbox_user)" "$(ps -o user= -p "$(cat "$SANDBOX_STATE/apps/web/pid")")"
}

@test "(deploy) a missing app exits 20; app-url of an undeployed app fails" {
  run "$SANDBOX_CLI" deploy "$SANDBOX_TEST_HOST" not-existing-app
  assert_exit_status 20
  assert_output " !     App not-existing-app does not exist"
  dokku apps:create idle >/dev/null
  run "$SANDBOX_CLI" app-url "$SANDBOX_TEST_HOST" idle
  assert_failure " !     sandbox: app idle has not been deployed"
  dokku --force apps:destroy idle >/dev/null
}

@test "(app) without DATABASE_URL writes answer 500" {
  run curl -s -o /dev/null -w '%{http_code}' -X POST "$(url)/write?id=1"
  assert_success "500"
}

@test "(load) logs 'id status millis' per request, bounded by --count" {
  local log="$BATS_TEST_TMPDIR/load.log"
  run "$SANDBOX_CLI" load "$SANDBOX_TEST_HOST" web "$log" --count 3 --interval-ms 10
  assert_success
  assert_equal "3" "$(wc -l <"$log")"
  run awk '{print $1, $2}' "$log"
  assert_output "1 500
2 500
3 500"
  [[ "$(sed -n 1p "$log")" =~ ^1\ 500\ [0-9]+$ ]] || flunk "bad line: $(sed -n 1p "$log")"
}

@test "(load) bounded by --seconds; a stopped app is logged as 000" {
  local log="$BATS_TEST_TMPDIR/load.log"
  dokku ps:stop web >/dev/null
  run "$SANDBOX_CLI" load "$SANDBOX_TEST_HOST" web "$log" --seconds 1 --interval-ms 400
  dokku ps:start web >/dev/null
  assert_success
  local n
  n="$(wc -l <"$log")"
  ((n >= 1 && n <= 3)) || flunk "expected 1-3 requests in 1 s at 400 ms, got $n"
  assert_equal "000" "$(awk '{print $2}' "$log" | sort -u)"
}

@test "(load|check-writes) every acknowledged write is in the linked database" {
  need_db
  dokku postgres:link appdb web >/dev/null
  run curl -s "$(url)/health"
  assert_equal "dokku-postgres-appdb" "$(jq -r .host <<<"$output")"
  local log="$BATS_TEST_TMPDIR/load.log"
  run "$SANDBOX_CLI" load "$SANDBOX_TEST_HOST" web "$log" --count 20 --interval-ms 10
  assert_success
  assert_equal "200" "$(awk '{print $2}' "$log" | sort -u)"
  run "$SANDBOX_CLI" check-writes "$SANDBOX_TEST_HOST" web "$log"
  assert_success "sandbox: all 20 acknowledged writes are in dokku-postgres-appdb/appdb"
}

@test "(check-writes) fails and lists missing ids" {
  need_db
  local log="$BATS_TEST_TMPDIR/load.log"
  "$SANDBOX_CLI" load "$SANDBOX_TEST_HOST" web "$log" --count 10 --interval-ms 10 --start 101
  echo "DELETE FROM pgupgrade_load WHERE id IN (103, 107);" | dokku postgres:connect appdb >/dev/null
  run "$SANDBOX_CLI" check-writes "$SANDBOX_TEST_HOST" web "$log"
  assert_exit_status 1
  assert_output " !     sandbox: 2 of 10 acknowledged writes missing from dokku-postgres-appdb/appdb; first missing ids: 103 107"
}

@test "(load) continues ids from the log" {
  need_db
  local log="$BATS_TEST_TMPDIR/load.log"
  "$SANDBOX_CLI" load "$SANDBOX_TEST_HOST" web "$log" --count 2 --interval-ms 10 --start 201
  "$SANDBOX_CLI" load "$SANDBOX_TEST_HOST" web "$log" --count 2 --interval-ms 10
  run awk '{print $1, $2}' "$log"
  assert_output "201 200
202 200
203 200
204 200"
}

@test "(app) after unlink and restart the old host no longer resolves" {
  need_db
  dokku postgres:link appdb web >/dev/null 2>&1 || true
  local old_url
  old_url="$(dokku config:get web DATABASE_URL)"
  dokku postgres:unlink appdb web >/dev/null
  # Point DATABASE_URL back at the old host without a link: a stale variable.
  dokku config:set web DATABASE_URL="$old_url" >/dev/null
  run curl -s "$(url)/health"
  assert_equal "getaddrinfo ENOTFOUND dokku-postgres-appdb" "$(jq -r .error <<<"$output")"
  run curl -s -o /dev/null -w '%{http_code}' -X POST "$(url)/write?id=999"
  assert_success "500"
  dokku config:unset web DATABASE_URL >/dev/null
}
