#!/usr/bin/env bats
# shellcheck disable=SC2154 # svc_stdout, svc_stderr: set by service_helper.bash (loaded)
# postgres:export (contract §2.3).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
  svc_sql l "create table t (id int); insert into t values (1), (2), (3); grant select on t to public;" >/dev/null
}
teardown_file() { svc_teardown_file; }

@test "(postgres:export) error when there are no arguments" {
  run dokku postgres:export
  assert_failure
  assert_contains "${lines[*]}" "Please specify a valid name for the service"
}

@test "(postgres:export) error when service does not exist" {
  run dokku postgres:export not_existing_service
  assert_failure
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}

@test "(postgres:export) success with SSH_TTY" {
  if [[ -n "$GITHUB_WORKFLOW" ]]; then
    skip "No tty is available on Github Actions"
  fi
  if ! [[ -t 0 ]]; then
    skip "stty needs a terminal on stdin"
  fi
  SSH_TTY=$(tty)
  export SSH_TTY
  run dokku postgres:export l
  echo "output: $output"
  echo "status: $status"
  assert_exit_status 0
}

@test "(postgres:export) success without SSH_TTY" {
  unset SSH_TTY
  run dokku postgres:export l
  echo "output: $output"
  echo "status: $status"
  assert_exit_status 0
}

@test "(postgres:export) a custom-format archive of the one database, without ACLs" {
  dokku postgres:export l >"$BATS_TEST_TMPDIR/l.dump"
  assert_equal "PGDMP" "$(head -c 5 "$BATS_TEST_TMPDIR/l.dump")"
  run pg_restore -l "$BATS_TEST_TMPDIR/l.dump"
  assert_success
  assert_output_contains "TABLE public t postgres"
  assert_output_contains "dbname: l"
  assert_output_contains "ACL" 0
  run pg_restore -f - "$BATS_TEST_TMPDIR/l.dump"
  assert_output_contains "COPY public.t (id) FROM stdin;"
  assert_output_contains "GRANT " 0
}

@test "(postgres:export) pg_dump's status passes through" {
  echo "no_such_db" >"$PLUGIN_DATA_ROOT/l/DATABASE_NAME"
  svc_run_streams dokku postgres:export l
  echo "l" >"$PLUGIN_DATA_ROOT/l/DATABASE_NAME"
  assert_exit_status 1
  assert_equal "" "$svc_stdout"
  assert_contains "$svc_stderr" 'database "no_such_db" does not exist'
}
