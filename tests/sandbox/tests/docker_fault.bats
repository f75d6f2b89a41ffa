#!/usr/bin/env bats
# Fault injection on the sandbox's docker (README "Fault injection"): rules named
# `docker <subcommand>`, with `docker container X` / `docker image X` counted as `docker X`.
load test_helper
load docker_helper

setup_file() {
  sandbox_setup_file
  docker_service f16 postgres:16.14
}
teardown_file() { sandbox_teardown_file; }

setup() { "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" clear; }

@test "(docker fault) --exit on 'docker exec' fires on the Nth call of either spelling" {
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'docker exec' --call 2 --exit 7 --stderr "injected exec failure"
  run docker exec dokku.postgres.f16 psql -Atc "select 1"
  assert_success "1"
  run_stderr docker container exec dokku.postgres.f16 psql -Atc "select 1"
  assert_exit_status 7
  assert_output "injected exec failure"
  run docker container exec dokku.postgres.f16 psql -Atc "select 3"
  assert_success "3"
  assert_equal "3" "$(cat "$SANDBOX_STATE/faults/counts/docker_exec")"
}

@test "(docker fault) 'docker image pull' and 'docker pull' share one counter; N+ keeps failing" {
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'docker image pull' --call 1+ --exit 1 --stderr "Error response from daemon: injected"
  run_stderr docker pull postgres:14.23
  assert_exit_status 1
  assert_output "Error response from daemon: injected"
  run_stderr docker image pull postgres:14.23
  assert_exit_status 1
  run docker image ls -q postgres:14.23
  assert_success ""
}

@test "(docker fault) --hang sleeps before doing anything (short --seconds), then fails" {
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'docker inspect' --call 1 --hang --seconds 1
  run docker container inspect -f '{{.State.Status}}' dokku.postgres.f16
  assert_exit_status 124
  assert_output ""
  run docker container inspect -f '{{.State.Status}}' dokku.postgres.f16
  assert_success "running"
}

@test "(docker fault) a failing 'docker run' makes dokku/wait fail; other subcommands are untouched" {
  "$SANDBOX_CLI" fault "$SANDBOX_TEST_HOST" add 'docker run' --call 1 --exit 125
  run docker container run --rm --link dokku.postgres.f16:f16 dokku/wait:0.9.3 -c f16:5432
  assert_exit_status 125
  run docker ps -q --filter name=dokku.postgres.f16
  assert_success
  [[ -n "$output" ]] || flunk "ps printed nothing"
  run docker container run --rm --link dokku.postgres.f16:f16 dokku/wait:0.9.3 -c f16:5432
  assert_success
}
