#!/usr/bin/env bats
# The emulated dokku-maintenance 0.10 plugin (plugin contract §4).
load test_helper

setup_file() { sandbox_setup_file; }
teardown_file() { sandbox_teardown_file; }

setup() { dokku apps:create my-app >/dev/null; }
teardown() { dokku --force apps:destroy my-app >/dev/null 2>&1 || true; }

conf() { echo "$DOKKU_ROOT/my-app/nginx.conf.d/maintenance.conf"; }

@test "(maintenance:enable) writes maintenance.conf; again: already enabled" {
  run dokku maintenance:enable my-app
  assert_success "-----> Enabling maintenance mode for my-app...
       Done"
  assert_exists "$(conf)"
  run dokku maintenance:enable my-app
  assert_success "-----> Maintenance mode already enabled"
}

@test "(maintenance:disable) removes maintenance.conf; again: already disabled" {
  dokku maintenance:enable my-app >/dev/null
  run dokku maintenance:disable my-app
  assert_success "-----> Disabling maintenance mode for my-app...
       Done"
  assert_not_exists "$(conf)"
  run dokku maintenance:disable my-app
  assert_success "-----> Maintenance mode already disabled"
}

@test "(maintenance:on|off) deprecated aliases warn on stderr" {
  run_stderr dokku maintenance:on my-app
  assert_success " !     Deprecated: Please use maintenance:enable"
  assert_exists "$(conf)"
  run_stderr dokku maintenance:off my-app
  assert_success " !     Deprecated: Please use maintenance:disable"
  assert_not_exists "$(conf)"
}

@test "(maintenance:enable) a missing app exits 20" {
  run dokku maintenance:enable not-existing-app
  assert_exit_status 20
  assert_output " !     App not-existing-app does not exist"
}

@test "(maintenance) honours --app" {
  run dokku --app my-app maintenance:enable
  assert_success
  assert_exists "$(conf)"
}

@test "(maintenance:report) stdout, info flag, json" {
  run dokku maintenance:report my-app
  assert_success
  assert_line_equals 0 "=====> my-app maintenance information"
  assert_line_equals 1 "       Maintenance enabled:           false                    "
  run dokku maintenance:report my-app --maintenance-enabled
  assert_success "false"
  dokku maintenance:enable my-app >/dev/null
  run dokku maintenance:report my-app --maintenance-enabled
  assert_success "true"
  run dokku maintenance:report my-app --format json
  assert_success '{"enabled":"true","custom-page-sha256":""}'
  run dokku maintenance:report my-app --bogus
  assert_failure " !     Invalid flag passed, valid flags: --maintenance-enabled, --maintenance-custom-page-sha256"
}

@test "(maintenance:custom-page) imports maintenance.html from a tar on stdin" {
  local dir="$BATS_TEST_TMPDIR/page"
  mkdir -p "$dir"
  echo "<h1>custom</h1>" >"$dir/maintenance.html"
  run bash -c "tar -C '$dir' -cf - maintenance.html | dokku maintenance:custom-page my-app"
  assert_success
  run dokku maintenance:report my-app --maintenance-custom-page-sha256
  assert_success "$(sha256sum "$dir/maintenance.html" | cut -d' ' -f1)"
}

@test "(maintenance) the sample app answers 503 while enabled" {
  "$SANDBOX_CLI" deploy "$SANDBOX_TEST_HOST" my-app >/dev/null
  local url
  url="$("$SANDBOX_CLI" app-url "$SANDBOX_TEST_HOST" my-app)"
  run curl -s -o /dev/null -w '%{http_code}' "$url/health"
  assert_success "200"
  dokku maintenance:enable my-app >/dev/null
  run curl -s -o /dev/null -w '%{http_code}' "$url/health"
  assert_success "503"
  run curl -s -o /dev/null -w '%{http_code}' -X POST "$url/write?id=1"
  assert_success "503"
  dokku maintenance:disable my-app >/dev/null
  run curl -s -o /dev/null -w '%{http_code}' "$url/health"
  assert_success "200"
}
