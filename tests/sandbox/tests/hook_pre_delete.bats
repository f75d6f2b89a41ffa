#!/usr/bin/env bats
# The plugin's app triggers (contract §2.27): pre-delete, post-app-clone-setup,
# post-app-rename-setup, pre-start, service-list.
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create ls --image-version 15.18
  svc_create other --image-version 15.18
}
teardown_file() { svc_teardown_file; }

@test "(pre-delete) removes app from links file when destroying app" {
  svc_app_create my-app
  dokku postgres:link ls my-app >/dev/null
  [[ -n $(<"$PLUGIN_DATA_ROOT/ls/LINKS") ]]
  run dokku --force apps:destroy my-app
  assert_success
  assert_output_contains "       Unlinking from ls"
  assert_output_contains "       Unlinking from other"
  [[ -z $(<"$PLUGIN_DATA_ROOT/ls/LINKS") ]]
  run dokku --force postgres:destroy ls
  assert_success
  svc_create ls --image-version 15.18
}

@test "(pre-delete) keeps the other apps" {
  svc_app_create my-app
  svc_app_create keep-app
  dokku postgres:link ls my-app >/dev/null
  dokku postgres:link ls keep-app >/dev/null
  dokku --force apps:destroy my-app >/dev/null
  assert_equal "keep-app" "$(cat "$PLUGIN_DATA_ROOT/ls/LINKS")"
  dokku postgres:unlink ls keep-app >/dev/null
  svc_app_destroy keep-app
}

@test "(post-app-clone-setup) the clone joins the service's LINKS" {
  svc_app_create my-app
  dokku postgres:link ls my-app >/dev/null
  # The sandbox has no apps:clone: the trigger as apps:clone fires it.
  svc_app_create my-clone
  run as_sandbox_user plugn trigger post-app-clone-setup my-app my-clone
  assert_success
  assert_equal "my-app
my-clone" "$(cat "$PLUGIN_DATA_ROOT/ls/LINKS")"
  assert_equal "" "$(cat "$PLUGIN_DATA_ROOT/other/LINKS")"
  svc_app_destroy my-clone
  dokku postgres:unlink ls my-app >/dev/null
  svc_app_destroy my-app
}

@test "(post-app-rename-setup) a renamed app keeps its links" {
  svc_app_create my-app
  dokku postgres:link ls my-app >/dev/null
  run dokku apps:rename my-app new-app
  assert_success
  assert_equal "new-app" "$(cat "$PLUGIN_DATA_ROOT/ls/LINKS")"
  run dokku postgres:app-links new-app
  assert_output "ls"
  dokku postgres:unlink ls new-app >/dev/null
  svc_app_destroy new-app
}

@test "(pre-start) ps:start starts a linked service that is not running" {
  svc_app_create my-app
  "$SVC_SANDBOX" deploy "$SVC_HOST" my-app >/dev/null
  dokku postgres:link ls my-app >/dev/null
  dokku ps:stop my-app >/dev/null
  dokku postgres:pause ls >/dev/null
  run dokku ps:start my-app
  assert_output_contains " !     Postgres service ls is not running, issuing service start"
  run dokku postgres:info ls --status
  assert_output "running"
  dokku postgres:unlink ls my-app >/dev/null
  svc_app_destroy my-app
}

@test "(pre-start) nothing for a running service" {
  svc_app_create my-app
  dokku postgres:link ls my-app >/dev/null
  run as_sandbox_user plugn trigger pre-start my-app
  assert_success
  assert_output ""
  dokku postgres:unlink ls my-app >/dev/null
  svc_app_destroy my-app
}

@test "(pre-restore) only for docker-local apps" {
  svc_app_create my-app
  dokku postgres:link ls my-app >/dev/null
  dokku postgres:pause ls >/dev/null
  run as_sandbox_user plugn trigger pre-restore k3s my-app
  assert_success
  assert_output ""
  run as_sandbox_user plugn trigger pre-restore docker-local my-app
  assert_success
  assert_output_contains "is not running, issuing service start"
  dokku postgres:unlink ls my-app >/dev/null
  svc_app_destroy my-app
}

@test "(service-list) postgres:<service> per service" {
  run as_sandbox_user plugn trigger service-list
  assert_success
  assert_output "postgres:ls
postgres:other"
}
