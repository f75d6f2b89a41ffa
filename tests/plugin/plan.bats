#!/usr/bin/env bats
# pgupgrade:plan and run --dry-run: every check for real, every command listed, nothing changed.

load plugin_helper

setup_file() {
  plugin_setup_file
  app_with_service shop shopdb postgres 14.23
  dokku postgres:backup-auth shopdb "$SANDBOX_S3_ACCESS_KEY" "$SANDBOX_S3_SECRET_KEY" us-east-1 s3v4 "$SANDBOX_S3_ENDPOINT"
  dokku postgres:backup-schedule shopdb "0 3 * * *" dokku-postgres
}

teardown_file() {
  plugin_teardown_file
}

snapshot() {
  host_state shop
  ls "$DOKKU_LIB_ROOT/services/postgres"
  docker image ls --format '{{.Repository}}:{{.Tag}}' | sort
  # A plan keeps its report (shop/reports/plan-*.json) and nothing else.
  find "$DOKKU_LIB_ROOT/data/pgupgrade" | grep -vE '/pgupgrade/shop(/reports(/plan-[^/]*\.json)?)?$' | sort
}

@test "(pgupgrade:plan) a ready plan lists checks, commands in order and an estimate, and changes nothing" {
  snapshot >"$BATS_TEST_TMPDIR/before"
  run dokku pgupgrade:plan shop postgres 17.10
  assert_success
  assert_contains "$output" "=====> Upgrade plan for shop: postgres:14.23 → postgres:17.10"
  assert_contains "$output" "       pass  service       shopdb is linked as DATABASE_URL"
  assert_contains "$output" "=====> Commands the upgrade would run"
  assert_contains "$output" "docker image pull postgres:17.10"
  assert_contains "$output" "dokku postgres:create shop-postgres-17_10-YYYY-MM-DD --image postgres --image-version 17.10"
  assert_contains "$output" "dokku postgres:backup-auth shop-postgres-17_10-YYYY-MM-DD ******** ********"
  assert_contains "$output" "dokku postgres:promote shop-postgres-17_10-YYYY-MM-DD shop"
  assert_contains "$output" "dokku postgres:backup-schedule shop-postgres-17_10-YYYY-MM-DD '0 3 * * *' dokku-postgres"
  assert_contains "$output" "Downtime:"
  # The order of the flow: pull, export, create, maintenance, fence, backup, copy, verify, link, promote, ...
  local order
  order="$(grep -nE 'image pull|postgres:export|postgres:create|maintenance:enable|default_transaction_read_only|postgres:backup shopdb|pg_restore --no-acl|postgres:link|postgres:promote|maintenance:disable|postgres:unlink|postgres:destroy|backup-schedule' <<<"$output" | cut -d: -f1 | tr '\n' ' ')"
  assert_equal "$(tr ' ' '\n' <<<"$order" | grep -c .)" 13
  assert_equal "$order" "$(tr ' ' '\n' <<<"$order" | grep . | sort -n | tr '\n' ' ')"
  assert_output_contains "$SANDBOX_S3_SECRET_KEY" 0
  assert_output_contains "$SANDBOX_S3_ACCESS_KEY" 0
  assert_output_contains "$(cat "$DOKKU_LIB_ROOT/services/postgres/shopdb/PASSWORD")" 0
  snapshot >"$BATS_TEST_TMPDIR/after"
  diff "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "(pgupgrade:run --dry-run) is the same plan" {
  # Free disk moves between two runs; everything else is the same.
  run dokku pgupgrade:plan shop postgres 17.10
  local plan
  plan="$(grep -v '  disk  ' <<<"$output")"
  run dokku pgupgrade:run shop postgres 17.10 --dry-run
  assert_success
  assert_equal "$(grep -v '  disk  ' <<<"$output")" "$plan"
}

@test "(pgupgrade:plan) a blocked plan exits 1 with the failed check on stderr and lists no commands" {
  run_stderr dokku pgupgrade:plan shop postgres 17.10 --new-service shopdb
  assert_exit_status 1
  assert_output " !     Postgres service shopdb already exists: pass another --new-service"
  run dokku pgupgrade:plan shop postgres 17.10 --new-service shopdb
  assert_contains "$output" "       fail  new-service   Postgres service shopdb already exists"
  assert_contains "$output" "=====> Blocked"
  assert_output_contains "Commands the upgrade would run" 0
}
