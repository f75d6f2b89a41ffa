#!/usr/bin/env bats
# The sandbox's S3: s3rver with the host's own key pair, and dokku/s3backup:0.18.0 uploading a
# real tar.gz of the /backup mount (README "docker", contract §4).
load test_helper
load docker_helper

setup_file() {
  sandbox_setup_file
  docker pull dokku/s3backup:0.18.0 >/dev/null
}
teardown_file() { sandbox_teardown_file; }

# backup_dir NAME: a directory with one file "export" of random bytes, as dokku-postgres mounts.
backup_dir() {
  local dir
  dir="$(docker_test_dir "$1")"
  head -c 70000 /dev/urandom | as_sandbox_user tee "$dir/export" >/dev/null
  echo "$dir"
}

s3backup() {
  local dir="$1"
  shift
  docker container run --rm -e "AWS_ACCESS_KEY_ID=$SANDBOX_S3_ACCESS_KEY" -e "AWS_SECRET_ACCESS_KEY=$SANDBOX_S3_SECRET_KEY" \
    -e BUCKET_NAME=dokku-postgres -e BACKUP_NAME=postgres-s3test -v "$dir:/backup" "$@" \
    -e "ENDPOINT_URL=$SANDBOX_S3_ENDPOINT" dokku/s3backup:0.18.0
}

@test "(s3) the host has its own key pair; s3rver's built-in S3RVER keys and anonymous requests are refused" {
  [[ -n "$SANDBOX_S3_ACCESS_KEY" && "$SANDBOX_S3_ACCESS_KEY" != S3RVER ]] || flunk "access key: $SANDBOX_S3_ACCESS_KEY"
  run s3_aws s3api head-bucket --bucket dokku-postgres
  assert_success
  run env AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1 \
    AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null /usr/bin/aws --endpoint-url "$SANDBOX_S3_ENDPOINT" s3 ls s3://dokku-postgres
  assert_failure
  assert_contains "$output" "InvalidAccessKeyId"
  run curl -s "$SANDBOX_S3_ENDPOINT/dokku-postgres"
  assert_contains "$output" "<Code>AccessDenied</Code>"
}

@test "(s3backup) uploads postgres-S-YYYY-MM-DD-HH-MM-SS.tgz holding backup/export, byte for byte" {
  local dir ts key
  dir="$(backup_dir plain)"
  run s3backup "$dir"
  assert_success
  [[ "$output" =~ ^([0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}):\ The\ backup\ for\ postgres-s3test\ finished\ successfully\.$ ]] ||
    flunk "output: $output"
  ts="${BASH_REMATCH[1]}"
  key="postgres-s3test-$ts.tgz"
  run s3_aws s3 ls "s3://dokku-postgres/$key"
  assert_success
  assert_contains "$output" "$key"
  s3_aws s3 cp "s3://dokku-postgres/$key" "$BATS_TEST_TMPDIR/backup.tgz" >/dev/null
  run tar -tzf "$BATS_TEST_TMPDIR/backup.tgz"
  assert_success $'backup/\nbackup/export'
  mkdir -p "$BATS_TEST_TMPDIR/x"
  tar -xzf "$BATS_TEST_TMPDIR/backup.tgz" -C "$BATS_TEST_TMPDIR/x"
  cmp "$dir/export" "$BATS_TEST_TMPDIR/x/backup/export"
}

@test "(s3backup) ENCRYPTION_KEY: .tgz.gpg, symmetric AES256 with the passphrase" {
  local dir ts
  dir="$(backup_dir encrypted)"
  run s3backup "$dir" -e ENCRYPTION_KEY=sandbox-passphrase
  assert_success
  [[ "$output" =~ ^([0-9-]{19}):\ The\ backup ]] || flunk "output: $output"
  ts="${BASH_REMATCH[1]}"
  s3_aws s3 cp "s3://dokku-postgres/postgres-s3test-$ts.tgz.gpg" "$BATS_TEST_TMPDIR/b.tgz.gpg" >/dev/null
  mkdir -m 0700 "$BATS_TEST_TMPDIR/gnupg"
  gpg --homedir "$BATS_TEST_TMPDIR/gnupg" --batch --quiet --pinentry-mode loopback --passphrase sandbox-passphrase \
    --decrypt "$BATS_TEST_TMPDIR/b.tgz.gpg" >"$BATS_TEST_TMPDIR/b.tgz" 2>/dev/null
  run tar -tzf "$BATS_TEST_TMPDIR/b.tgz"
  assert_success $'backup/\nbackup/export'
}

@test "(s3backup) a bucket with a path puts the object under that prefix" {
  local dir
  dir="$(backup_dir prefixed)"
  run docker container run --rm -e "AWS_ACCESS_KEY_ID=$SANDBOX_S3_ACCESS_KEY" -e "AWS_SECRET_ACCESS_KEY=$SANDBOX_S3_SECRET_KEY" \
    -e BUCKET_NAME=dokku-postgres/nightly/db -e BACKUP_NAME=postgres-pfx -v "$dir:/backup" \
    -e AWS_DEFAULT_REGION=eu-west-1 -e AWS_SIGNATURE_VERSION=s3v4 -e "ENDPOINT_URL=$SANDBOX_S3_ENDPOINT" dokku/s3backup:0.18.0
  assert_success
  run s3_aws s3 ls s3://dokku-postgres/nightly/db/
  assert_success
  [[ "$output" =~ postgres-pfx-[0-9-]{19}\.tgz ]] || flunk "listing: $output"
}

@test "(s3backup) a wrong secret key fails like on real S3: the image's failure line, exit 1" {
  local dir before
  dir="$(backup_dir wrongsecret)"
  before="$(s3_aws s3 ls s3://dokku-postgres/ | grep -c . || true)"
  run docker container run --rm -e "AWS_ACCESS_KEY_ID=$SANDBOX_S3_ACCESS_KEY" -e AWS_SECRET_ACCESS_KEY=not-the-secret \
    -e BUCKET_NAME=dokku-postgres -e BACKUP_NAME=postgres-s3test -v "$dir:/backup" \
    -e "ENDPOINT_URL=$SANDBOX_S3_ENDPOINT" dokku/s3backup:0.18.0
  assert_exit_status 1
  assert_contains "$output" "SignatureDoesNotMatch"
  assert_equal "Backup of backup/ has failed. Please investigate the issue." "${lines[${#lines[@]} - 1]}"
  assert_equal "$before" "$(s3_aws s3 ls s3://dokku-postgres/ | grep -c . || true)"
}

@test "(s3backup) an unknown access key fails: InvalidAccessKeyId, exit 1" {
  local dir
  dir="$(backup_dir wrongkey)"
  run docker container run --rm -e AWS_ACCESS_KEY_ID=AKIANOTAKEY -e "AWS_SECRET_ACCESS_KEY=$SANDBOX_S3_SECRET_KEY" \
    -e BUCKET_NAME=dokku-postgres -e BACKUP_NAME=postgres-s3test -v "$dir:/backup" \
    -e "ENDPOINT_URL=$SANDBOX_S3_ENDPOINT" dokku/s3backup:0.18.0
  assert_exit_status 1
  assert_contains "$output" "InvalidAccessKeyId"
  assert_contains "$output" "Backup of backup/ has failed. Please investigate the issue."
}

@test "(s3backup) no /backup mount: the image's message, exit 1" {
  run docker container run --rm -e BUCKET_NAME=dokku-postgres dokku/s3backup:0.18.0
  assert_exit_status 1
  assert_output "Please mount a directory to backup with -v /backup:/backup"
}

@test "(s3backup) --entrypoint aws runs the image's aws CLI with the -e environment" {
  run docker container run --rm --entrypoint aws -e "AWS_ACCESS_KEY_ID=$SANDBOX_S3_ACCESS_KEY" \
    -e "AWS_SECRET_ACCESS_KEY=$SANDBOX_S3_SECRET_KEY" dokku/s3backup:0.18.0 \
    --endpoint-url "$SANDBOX_S3_ENDPOINT" s3api head-bucket --bucket dokku-postgres
  assert_success ""
  run docker container run --rm --entrypoint aws -e "AWS_ACCESS_KEY_ID=$SANDBOX_S3_ACCESS_KEY" \
    -e "AWS_SECRET_ACCESS_KEY=$SANDBOX_S3_SECRET_KEY" dokku/s3backup:0.18.0 \
    --endpoint-url "$SANDBOX_S3_ENDPOINT" s3api head-bucket --bucket no-such-bucket
  assert_exit_status 254
  assert_contains "$output" "Not Found"
}

@test "(s3) s3rver stops with the host and comes back with the same port and keys" {
  local endpoint="$SANDBOX_S3_ENDPOINT" key="$SANDBOX_S3_ACCESS_KEY"
  "$SANDBOX_CLI" down "$SANDBOX_TEST_HOST" >/dev/null 2>&1
  run curl -s -m 2 "$endpoint/dokku-postgres"
  assert_failure
  "$SANDBOX_CLI" up "$SANDBOX_TEST_HOST" --no-plugin >/dev/null 2>&1
  run bash -c "'$SANDBOX_CLI' env '$SANDBOX_TEST_HOST' | grep -E 'SANDBOX_S3_(ENDPOINT|ACCESS_KEY)='"
  assert_success
  assert_contains "$output" "SANDBOX_S3_ENDPOINT=$endpoint"
  assert_contains "$output" "SANDBOX_S3_ACCESS_KEY=$key"
  run s3_aws s3 ls s3://dokku-postgres/
  assert_success
  assert_contains "$output" "postgres-s3test-"
}
