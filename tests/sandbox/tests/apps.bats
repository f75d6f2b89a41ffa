#!/usr/bin/env bats
# The emulated core `apps` plugin.
load test_helper

setup_file() {
  sandbox_setup_file
  sandbox_trigger_recorder post-create pre-delete post-delete post-app-rename-setup post-app-rename
}
teardown_file() { sandbox_teardown_file; }

setup() { sandbox_recorder_reset; }
teardown() {
  local app
  for app in my-app renamed-app other-app; do
    dokku --force apps:destroy "$app" >/dev/null 2>&1 || true
  done
}

@test "(apps:create) creates the app and fires post-create" {
  run dokku apps:create my-app
  assert_success "-----> Creating my-app..."
  assert_exists "$DOKKU_ROOT/my-app"
  assert_equal "post-create my-app" "$(sandbox_recorded)"
  run dokku apps:exists my-app
  assert_success ""
}

@test "(apps:create) the app belongs to the sandbox user" {
  dokku apps:create my-app >/dev/null
  assert_equal "$(sandbox_user)" "$(stat -c %U "$DOKKU_ROOT/my-app")"
}

@test "(apps:create) rejects a taken name" {
  dokku apps:create my-app >/dev/null
  run dokku apps:create my-app
  assert_failure " !     Name is already taken"
}

@test "(apps:create) rejects invalid names" {
  local name
  for name in My-app my_app "my:app" -app; do
    run dokku apps:create "$name"
    assert_failure " !     App name must begin with lowercase alphanumeric character, and cannot include uppercase characters, colons, or underscores"
  done
}

@test "(apps:create) requires a name" {
  run dokku apps:create
  assert_failure " !     Please specify an app to run the command on"
}

@test "(apps:exists) exits 20 for a missing app" {
  run dokku apps:exists not-existing-app
  assert_exit_status 20
  assert_output " !     App not-existing-app does not exist"
}

@test "(apps:list) lists apps sorted under a header" {
  dokku apps:create other-app >/dev/null
  dokku apps:create my-app >/dev/null
  run dokku apps:list
  assert_success "=====> My Apps
my-app
other-app"
  run dokku --quiet apps:list
  assert_success "my-app
other-app"
}

@test "(apps:list) warns when there is no app" {
  run_stderr dokku apps:list
  assert_success " !     You haven't deployed any applications yet"
}

@test "(apps:destroy) asks for confirmation and aborts on a mismatch" {
  dokku apps:create my-app >/dev/null
  run bash -c 'echo wrong | dokku apps:destroy my-app'
  assert_failure
  assert_contains "$output" " !     WARNING: Potentially Destructive Action"
  assert_contains "$output" ' !     To proceed, type "my-app"'
  assert_contains "$output" " !     Confirmation did not match my-app. Aborted."
  assert_exists "$DOKKU_ROOT/my-app"
}

@test "(apps:destroy) destroys after typing the name and fires pre-delete then post-delete" {
  dokku apps:create my-app >/dev/null
  dokku config:set --no-restart my-app A=1 >/dev/null
  sandbox_recorder_reset
  run bash -c 'echo my-app | dokku apps:destroy my-app'
  assert_success
  assert_contains "$output" "-----> Destroying my-app (including all add-ons)"
  assert_equal "pre-delete my-app 
post-delete my-app " "$(sandbox_recorded)"
  [[ ! -e "$DOKKU_ROOT/my-app" ]] || flunk "app dir still there"
  [[ ! -e "$DOKKU_LIB_ROOT/config/my-app/ENV" ]] || flunk "ENV still there"
}

@test "(apps:destroy) --force skips the confirmation, before or after the command" {
  dokku apps:create my-app >/dev/null
  run dokku --force apps:destroy my-app
  assert_success "-----> Destroying my-app (including all add-ons)"
  dokku apps:create my-app >/dev/null
  run dokku apps:destroy my-app --force
  assert_success "-----> Destroying my-app (including all add-ons)"
}

@test "(apps:destroy) exits 20 for a missing app" {
  run dokku --force apps:destroy not-existing-app
  assert_exit_status 20
  assert_output " !     App not-existing-app does not exist"
}

@test "(apps:rename) moves config and docker options, firing the rename triggers around the destroy" {
  dokku apps:create my-app >/dev/null
  dokku config:set --no-restart my-app KEEP=me >/dev/null
  dokku docker-options:add my-app deploy "--link a:b" >/dev/null
  sandbox_recorder_reset
  run dokku apps:rename my-app renamed-app
  assert_success
  assert_contains "$output" "-----> Renaming my-app to renamed-app"
  assert_equal "post-create renamed-app
post-app-rename-setup my-app renamed-app
pre-delete my-app 
post-delete my-app 
post-app-rename my-app renamed-app" "$(sandbox_recorded)"
  run dokku config:get renamed-app KEEP
  assert_success "me"
  run dokku docker-options:report renamed-app --docker-options-deploy
  assert_success "--restart=on-failure:10 --link a:b"
  run dokku apps:exists my-app
  assert_exit_status 20
}

@test "(apps:rename) rejects a taken new name" {
  dokku apps:create my-app >/dev/null
  dokku apps:create other-app >/dev/null
  run dokku apps:rename my-app other-app
  assert_failure " !     Name is already taken"
}

@test "(apps:report) stdout, info flag and json" {
  dokku apps:create my-app >/dev/null
  run dokku apps:report my-app
  assert_success
  assert_line_equals 0 "=====> my-app app information"
  assert_contains "$output" "       App dir:                       $DOKKU_ROOT/my-app"
  run dokku apps:report my-app --app-dir
  assert_success "$DOKKU_ROOT/my-app"
  run dokku apps:report my-app --format json
  assert_success
  assert_equal "false" "$(jq -r '."app-locked"' <<<"$output")"
  run dokku apps:report my-app --bogus
  assert_failure
  assert_contains "$output" " !     Invalid flag passed, valid flags: --app-created-at"
}
