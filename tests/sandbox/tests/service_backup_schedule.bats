#!/usr/bin/env bats
# postgres:backup-schedule / backup-schedule-cat / backup-unschedule (contract §2.8-2.10).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
}
teardown_file() { svc_teardown_file; }

teardown() { dokku postgres:backup-unschedule l >/dev/null 2>&1 || true; }

@test "(postgres:backup-schedule) error when there are no arguments" {
  run dokku postgres:backup-schedule
  assert_exit_status 1
  assert_output " !     Please specify a valid name for the service"
}

@test "(postgres:backup-schedule) error when the schedule is missing" {
  run dokku postgres:backup-schedule l
  assert_exit_status 1
  assert_output " !     Please specify a schedule for the backup"
}

@test "(postgres:backup-schedule) error when the bucket is missing" {
  run dokku postgres:backup-schedule l "0 3 * * *"
  assert_exit_status 1
  assert_output " !     Please specify an aws bucket for the backup"
}

@test "(postgres:backup-schedule) error with an unknown flag" {
  run dokku postgres:backup-schedule l "0 3 * * *" my-bucket --foo
  assert_exit_status 1
  assert_output " !     Invalid flag provided, only '--use-iam' allowed"
}

@test "(postgres:backup-schedule) writes the cron.d line (trailing space without a flag)" {
  run dokku postgres:backup-schedule l "0 3 * * *" my-bucket
  assert_success
  assert_output ""
  local file="$SVC_CRON_DIR/dokku-postgres-l"
  assert_equal "0 3 * * * dokku $SVC_DOKKU_BIN postgres:backup l my-bucket " "$(cat "$file")"
  assert_equal "644" "$(stat -c %a "$file")"
  assert_equal 1 "$(wc -l <"$file")"
}

@test "(postgres:backup-schedule) --use-iam, and a second call replaces the schedule" {
  dokku postgres:backup-schedule l "0 3 * * *" my-bucket
  run dokku postgres:backup-schedule l "daily" other-bucket --use-iam
  assert_success
  assert_equal "daily dokku $SVC_DOKKU_BIN postgres:backup l other-bucket --use-iam" "$(cat "$SVC_CRON_DIR/dokku-postgres-l")"
}

@test "(postgres:backup-schedule-cat) prints the cron file" {
  dokku postgres:backup-schedule l "0 3 * * *" my-bucket
  run dokku postgres:backup-schedule-cat l
  assert_success
  assert_output "0 3 * * * dokku $SVC_DOKKU_BIN postgres:backup l my-bucket "
}

@test "(postgres:backup-schedule-cat) error when nothing is scheduled" {
  run dokku postgres:backup-schedule-cat l
  assert_exit_status 1
  assert_output " !     There is no scheduled backup for l."
}

@test "(postgres:backup-unschedule) removes the file, exit 0 even when none" {
  dokku postgres:backup-schedule l "0 3 * * *" my-bucket
  run dokku postgres:backup-unschedule l
  assert_success
  assert_output ""
  [[ ! -e "$SVC_CRON_DIR/dokku-postgres-l" ]] || flunk "cron file left behind"
  run dokku postgres:backup-unschedule l
  assert_success
}

@test "(postgres:backup-unschedule) error when service does not exist" {
  run dokku postgres:backup-unschedule not_existing_service
  assert_failure
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}
