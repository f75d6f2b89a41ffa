#!/usr/bin/env bats
# shellcheck disable=SC2154 # svc_stdout, svc_stderr: set by service_helper.bash (loaded)
# postgres:list (contract §2.15).
load test_helper
load service_helper

setup_file() { svc_setup_file; }
teardown_file() { svc_teardown_file; }

@test "(postgres:list) with no exposed ports, no linked apps" {
  svc_create l --image-version 15.18
  run dokku --quiet postgres:list
  assert_success
  assert_output "l"
  run dokku postgres:list
  assert_output "=====> Postgres services
l"
  svc_destroy l
}

@test "(postgres:list) services in glob order" {
  svc_create b_svc --image-version 15.18
  svc_create a-svc --image-version 15.18
  run dokku --quiet postgres:list
  assert_output "a-svc
b_svc"
  svc_destroy a-svc
  svc_destroy b_svc
}

@test "(postgres:list) when there are no services" {
  run dokku postgres:list
  assert_success
  assert_contains "${lines[*]}" "There are no Postgres services"
  svc_run_streams dokku postgres:list
  assert_success
  assert_equal "" "$svc_stdout"
  assert_equal " !     There are no Postgres services" "$svc_stderr"
}
