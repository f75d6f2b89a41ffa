#!/usr/bin/env bats
# dokku-postgres' traps (contract §1.3, §1.7, §2, §3.4, §8 "Emulator fidelity points"): the
# emulation must reproduce them, since pgupgrade has to guard against them.
load test_helper
load service_helper

setup_file() { svc_setup_file; }
teardown_file() { svc_teardown_file; }

@test "(traps) clone hides restore errors: postgis data into plain postgres:15 says Done" {
  svc_create geo --image postgis/postgis --image-version 15-3.3
  run svc_sql geo "create extension postgis; create table places (id int primary key, geom geometry(Point, 4326)); insert into places values (1, ST_SetSRID(ST_MakePoint(2.35, 48.85), 4326)); create table plain (id int); insert into plain values (1);"
  assert_success
  run dokku postgres:clone geo geo_plain --image postgres --image-version 15.18
  assert_success
  assert_line_equals 0 "=====> Cloning geo to geo_plain @ postgres:15.18"
  assert_equal "=====> Done" "${lines[-1]}"
  assert_output_contains "extension" 0
  assert_output_contains "ERROR" 0
  # The postgis table never arrived (no postgis in the plain image); exit status 0 anyway.
  run svc_sql geo_plain "select count(*) from places;"
  assert_exit_status 3
  assert_output_contains 'relation "places" does not exist'
  run svc_sql geo_plain "select count(*) from pg_extension where extname = 'postgis';"
  assert_output "0"
  svc_destroy geo_plain
}

@test "(traps) clone keeps the source image when no flag is given" {
  run dokku postgres:clone geo geo_copy
  assert_success
  assert_line_equals 0 "=====> Cloning geo to geo_copy @ postgis/postgis:15-3.3"
  run svc_sql geo_copy "select count(*) from places;"
  assert_output "1"
  svc_destroy geo_copy
  svc_destroy geo
}

@test "(traps) unlink after a scheme change leaves DOKKU_POSTGRES_BLACK_URL and has emptied LINKS" {
  svc_create svc_a --image-version 15.18
  svc_create svc_b --image-version 15.18
  svc_app_create my-app
  dokku postgres:link svc_a my-app >/dev/null
  dokku postgres:link svc_b my-app >/dev/null
  dokku postgres:promote svc_b my-app >/dev/null
  assert_equal "$(svc_dsn svc_a)" "$(dokku config:get my-app DOKKU_POSTGRES_BLACK_URL)"
  assert_equal "$(svc_dsn svc_b)" "$(dokku config:get my-app DATABASE_URL)"
  dokku config:set --no-restart my-app POSTGRES_DATABASE_SCHEME=postgis >/dev/null

  run dokku postgres:unlink svc_a my-app
  assert_exit_status 1
  assert_output " !     Not linked to app my-app"
  # The env still points at svc_a ...
  assert_equal "$(svc_dsn svc_a)" "$(dokku config:get my-app DOKKU_POSTGRES_BLACK_URL)"
  # ... while LINKS and the docker link are gone, so destroy is no longer blocked.
  assert_equal "" "$(cat "$PLUGIN_DATA_ROOT/svc_a/LINKS")"
  run dokku docker-options:report my-app --docker-options-deploy
  assert_output_contains "dokku.postgres.svc_a" 0
  assert_output_contains "--link dokku.postgres.svc_b:dokku-postgres-svc-b"
  run dokku --force postgres:destroy svc_a
  assert_success
  run dokku config:get my-app DOKKU_POSTGRES_BLACK_URL
  assert_success

  svc_app_destroy my-app
  svc_destroy svc_b
}

@test "(traps) backup-auth twice fails: mkdir without -p" {
  svc_create bk --image-version 15.18
  dokku postgres:backup-auth bk AKID SECRET
  run dokku postgres:backup-auth bk AKID2 SECRET2
  assert_exit_status 1
  assert_output_contains "cannot create directory"
  assert_output_contains "File exists"
  assert_equal "AKID" "$(cat "$PLUGIN_DATA_ROOT/bk/backup/AWS_ACCESS_KEY_ID")"
  dokku postgres:backup-deauth bk
  run dokku postgres:backup-auth bk AKID2 SECRET2
  assert_success
  svc_destroy bk
}

@test "(traps) an 18 image under a tag without leading digits gets the old mount and fails to start" {
  run dokku postgres:create pg18latest --image-version latest
  assert_exit_status 1
  assert_output_contains "       Waiting for container to be ready"
  assert_output_contains "=====> Start of pg18latest container output"
  assert_output_contains "unused mount/volume"
  assert_output_contains "=====> End of pg18latest container output"
  assert_output_contains "Creating container database" 0
  run docker container inspect --format '{{json .Mounts}}' dokku.postgres.pg18latest
  assert_output_contains "\"Destination\":\"/var/lib/postgresql/data\""
  # A failed create leaves the service root behind.
  run dokku postgres:create pg18latest --image-version latest
  assert_exit_status 1
  assert_output " !     Postgres service pg18latest already exists"
  run dokku --force postgres:destroy pg18latest
  assert_success
}

@test "(traps) --flag=value is rejected like getopts does" {
  run dokku postgres:create eqflag --image-version=15.18
  assert_exit_status 1
  assert_output_contains "illegal option -- -"
  # getopts reads "-i" with the argument "mage-version=15.18".
  assert_output_contains " !     Postgres image mage-version=15.18:18.4 pull failed"
  [[ ! -e "$PLUGIN_DATA_ROOT/eqflag" ]] || flunk "service root created"
}

@test "(traps) --no-restart takes no value, --restart-apps does" {
  svc_create nr --image-version 15.18
  svc_app_create my-app
  run dokku postgres:link nr my-app --no-restart --alias custom
  assert_success
  assert_output_contains "CUSTOM_URL:"
  assert_output_contains "Skipping restart of linked app"
  dokku postgres:unlink nr my-app >/dev/null
  svc_app_destroy my-app
  svc_destroy nr
}

@test "(traps) destroy is blocked by LINKS even with --force" {
  svc_create blk --image-version 15.18
  svc_app_create my-app
  dokku postgres:link blk my-app >/dev/null
  dokku config:unset --no-restart my-app DATABASE_URL >/dev/null
  run dokku --force postgres:destroy blk force
  assert_exit_status 1
  assert_output " !     Cannot delete linked service"
  # unlink says "Not linked" but empties LINKS: then destroy works (issue #315).
  run dokku postgres:unlink blk my-app
  assert_exit_status 1
  run dokku --force postgres:destroy blk
  assert_success
  svc_app_destroy my-app
}

@test "(traps) a foreign DATABASE_URL is kept by promote under a colour no unlink removes" {
  svc_create fr --image-version 15.18
  svc_app_create my-app
  dokku config:set --no-restart my-app DATABASE_URL=postgres://u:p@elsewhere:5432/db >/dev/null
  dokku postgres:link fr my-app >/dev/null
  dokku postgres:promote fr my-app >/dev/null
  dokku postgres:unlink fr my-app >/dev/null
  run dokku config:get my-app DOKKU_POSTGRES_BLACK_URL
  assert_success
  assert_output "postgres://u:p@elsewhere:5432/db"
  run dokku config:get my-app DATABASE_URL
  assert_exit_status 1
  svc_app_destroy my-app
  svc_destroy fr
}
