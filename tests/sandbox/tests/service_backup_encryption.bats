#!/usr/bin/env bats
# postgres:backup-set-encryption / backup-unset-encryption and the public-key variants
# (contract §2.11).
load test_helper
load service_helper

setup_file() {
  svc_setup_file
  svc_create l --image-version 15.18
}
teardown_file() { svc_teardown_file; }

@test "(postgres:backup-set-encryption) error when there are no arguments" {
  run dokku postgres:backup-set-encryption
  assert_exit_status 1
  assert_output " !     Please specify a valid name for the service"
}

@test "(postgres:backup-set-encryption) error when the passphrase is missing" {
  run dokku postgres:backup-set-encryption l
  assert_exit_status 1
  assert_output " !     Please specify a GPG backup passphrase"
}

@test "(postgres:backup-set-encryption) error when service does not exist" {
  run dokku postgres:backup-set-encryption not_existing_service phrase
  assert_failure
  assert_contains "${lines[*]}" "service not_existing_service does not exist"
}

@test "(postgres:backup-set-encryption) writes ENCRYPTION_KEY" {
  run dokku postgres:backup-set-encryption l "my phrase"
  assert_success
  assert_output ""
  assert_equal "my phrase" "$(cat "$PLUGIN_DATA_ROOT/l/backup-encryption/ENCRYPTION_KEY")"
}

@test "(postgres:backup-unset-encryption) removes it, and fails when none is set" {
  dokku postgres:backup-set-encryption l "my phrase"
  run dokku postgres:backup-unset-encryption l
  assert_success
  [[ ! -e "$PLUGIN_DATA_ROOT/l/backup-encryption/ENCRYPTION_KEY" ]] || flunk "key left behind"
  run dokku postgres:backup-unset-encryption l
  assert_exit_status 1
  assert_output_contains "No such file or directory"
}

@test "(postgres:backup-set-public-key-encryption) error when the key id is missing" {
  run dokku postgres:backup-set-public-key-encryption l
  assert_exit_status 1
  assert_output " !     Please specify a valid GPG Public Key ID (or fingerprint)"
}

@test "(postgres:backup-set-public-key-encryption) writes and removes ENCRYPT_WITH_PUBLIC_KEY_ID" {
  run dokku postgres:backup-set-public-key-encryption l 0xABCDEF
  assert_success
  assert_equal "0xABCDEF" "$(cat "$PLUGIN_DATA_ROOT/l/backup-encryption/ENCRYPT_WITH_PUBLIC_KEY_ID")"
  run dokku postgres:backup-unset-public-key-encryption l
  assert_success
  run dokku postgres:backup-unset-public-key-encryption l
  assert_exit_status 1
}
