#!/usr/bin/env bats
# The seed's postgis refresh: postgis/postgis:15-3.3 re-published under the same tag, an app
# with POSTGRES_DATABASE_SCHEME=postgis and a stale DOKKU_POSTGRES_BLACK_URL, real backups.

load plugin_helper

setup_file() {
  plugin_setup_file
  app_with_service memo memo-postgis-15-3_3 postgis/postgis 15-3.3
  service_sql memo-postgis-15-3_3 -d memo_postgis_15_3_3 >/dev/null <<'SQL'
CREATE EXTENSION postgis;
CREATE TABLE places (id serial PRIMARY KEY, name text, geom geometry(Point, 4326));
INSERT INTO places (name, geom) SELECT 'place ' || i, ST_SetSRID(ST_MakePoint(i * 0.01, 35 + i * 0.001), 4326)
FROM generate_series(1, 200) AS i;
CREATE INDEX places_geom ON places USING gist (geom);
SQL
  dokku config:set --no-restart memo POSTGRES_DATABASE_SCHEME=postgis >/dev/null
  # The seed's leftover: a colour alias with the old scheme that unlink cannot match.
  local url
  url="$(dokku postgres:info memo-postgis-15-3_3 --dsn)"
  dokku config:set --no-restart memo "DATABASE_URL=${url/postgres:/postgis:}" "DOKKU_POSTGRES_BLACK_URL=$url" >/dev/null
  dokku postgres:backup-auth memo-postgis-15-3_3 "$SANDBOX_S3_ACCESS_KEY" "$SANDBOX_S3_SECRET_KEY" us-east-1 s3v4 "$SANDBOX_S3_ENDPOINT"
  dokku postgres:backup-schedule memo-postgis-15-3_3 "0 3 * * *" dokku-postgres
  service_sql memo-postgis-15-3_3 -d memo_postgis_15_3_3 -c "SELECT md5(string_agg(id || ST_AsText(geom), ',' ORDER BY id)) FROM places" \
    >"$BATS_FILE_TMPDIR/places"
  "$SANDBOX_CLI" republish "$SANDBOX_TEST_HOST" postgis/postgis:15-3.3 --created 2026-11-20T10:00:00Z
  run dokku pgupgrade:run memo postgis/postgis 15-3.3
  echo "$output" >"$BATS_FILE_TMPDIR/run.log"
  echo "$status" >"$BATS_FILE_TMPDIR/run.status"
}

teardown_file() {
  plugin_teardown_file
}

@test "(pgupgrade:run) the refreshed image gets a service named after its date, like the seed" {
  cat "$BATS_FILE_TMPDIR/run.log" # shown when the test fails
  assert_equal "$(cat "$BATS_FILE_TMPDIR/run.status")" 0
  run dokku postgres:exists memo-postgis-15-3_3-2026-11-20
  assert_success
  run dokku postgres:exists memo-postgis-15-3_3
  assert_failure
}

@test "(pgupgrade:run) DATABASE_URL keeps postgis:// and the stale BLACK variable is gone" {
  run dokku config:get memo DATABASE_URL
  assert_success
  [[ "$output" == postgis://postgres:*@dokku-postgres-memo-postgis-15-3-3-2026-11-20:5432/memo_postgis_15_3_3_2026_11_20 ]]
  run dokku config:get memo DOKKU_POSTGRES_BLACK_URL
  assert_failure
  run dokku config:export --format json memo
  [[ "$output" != *"dokku-postgres-memo-postgis-15-3-3:"* ]] || flunk "a variable still names the old service: $output"
}

@test "(pgupgrade:run) postgis data survives, spatial functions work" {
  run service_sql memo-postgis-15-3_3-2026-11-20 -d memo_postgis_15_3_3_2026_11_20 -c \
    "SELECT md5(string_agg(id || ST_AsText(geom), ',' ORDER BY id)) FROM places"
  assert_success
  assert_equal "$output" "$(cat "$BATS_FILE_TMPDIR/places")"
  run service_sql memo-postgis-15-3_3-2026-11-20 -d memo_postgis_15_3_3_2026_11_20 -c \
    "SELECT count(*) FROM places WHERE ST_DWithin(geom, ST_SetSRID(ST_MakePoint(0.5, 35.05), 4326), 0.1)"
  assert_success
  [[ "$output" -gt 0 ]]
}

@test "(pgupgrade:run) the final backup of the old service and the first of the new one are in S3" {
  AWS_ACCESS_KEY_ID="$SANDBOX_S3_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$SANDBOX_S3_SECRET_KEY" AWS_DEFAULT_REGION=us-east-1 \
    run /usr/bin/aws --endpoint-url "$SANDBOX_S3_ENDPOINT" s3 ls s3://dokku-postgres/
  assert_success
  assert_contains "$output" "postgres-memo-postgis-15-3_3-20"
  assert_contains "$output" "postgres-memo-postgis-15-3_3-2026-11-20-20"
  run dokku postgres:backup-schedule-cat memo-postgis-15-3_3-2026-11-20
  assert_success
  assert_contains "$output" "0 3 * * * dokku"
  assert_contains "$output" "postgres:backup memo-postgis-15-3_3-2026-11-20 dokku-postgres"
}
