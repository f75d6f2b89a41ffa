#!/usr/bin/env bats
# postgres:create (contract §2.1, §1.6, §1.7).
load test_helper
load service_helper

setup_file() { svc_setup_file; }
teardown_file() { svc_teardown_file; }

@test "(postgres:create) success" {
  run dokku postgres:create l
  assert_success
  assert_output_contains "container created: l"
  assert_output_contains "       Waiting for container to be ready"
  assert_output_contains "       Creating container database"
  assert_output_contains "       Securing connection to database"
  assert_output_contains "=====> Postgres container created: l"
  assert_output_contains "=====> l postgres service information"
  assert_output_contains "       Dsn:                 $(svc_dsn l)"
  assert_output_contains "       Status:              running"
  assert_output_contains "       Version:             postgres:18.4"
  assert_output_contains "Already exists" 0
}

@test "(postgres:create) writes the service files" {
  local root="$PLUGIN_DATA_ROOT/l"
  [[ "$(cat "$root/PASSWORD")" =~ ^[0-9a-f]{32}$ ]] || flunk "PASSWORD: $(cat "$root/PASSWORD")"
  assert_equal "640" "$(stat -c %a "$root/PASSWORD")"
  assert_equal "postgres" "$(cat "$root/IMAGE")"
  assert_equal "18.4" "$(cat "$root/IMAGE_VERSION")"
  assert_equal "l" "$(cat "$root/DATABASE_NAME")"
  assert_equal "1" "$(wc -l <"$root/ENV")"
  assert_equal "" "$(cat "$root/ENV")"
  assert_equal "" "$(cat "$root/CONFIG_OPTIONS")"
  assert_exists "$root/LINKS"
  assert_equal "" "$(cat "$root/LINKS")"
  [[ "$(cat "$root/ID")" =~ ^[0-9a-f]{64}$ ]] || flunk "ID: $(cat "$root/ID")"
  [[ ! -e "$root/certs" ]] || flunk "certs/ left behind"
  [[ ! -e "$root/SERVICE_MEMORY" && ! -e "$root/SHM_SIZE" ]] || flunk "memory/shm files without flags"
}

@test "(postgres:create) an 18 image mounts data/ at /var/lib/postgresql" {
  assert_equal "18" "$(cat "$PLUGIN_DATA_ROOT/l/data/18/docker/PG_VERSION")"
  run docker container inspect --format '{{json .Mounts}}' dokku.postgres.l
  assert_success
  assert_output_contains "\"Destination\":\"/var/lib/postgresql\""
  assert_output_contains "/var/lib/postgresql/data" 0
}

@test "(postgres:create) the container is configured like dokku-postgres' one" {
  run docker container inspect --format '{{.Config.Hostname}} {{.HostConfig.RestartPolicy.Name}} {{.Config.Image}}' dokku.postgres.l
  assert_success
  assert_output "dokku.postgres.l always postgres:18.4"
  run docker container inspect --format '{{json .Config.Labels}}' dokku.postgres.l
  assert_output_contains '"dokku":"service"'
  assert_output_contains '"dokku.service":"postgres"'
}

@test "(postgres:create) the database exists and SSL is on" {
  run svc_sql l "select current_database(); show ssl;"
  assert_success
  assert_output "l
on"
}

@test "(postgres:create) service with dashes" {
  run dokku postgres:create service-with-dashes
  assert_success
  assert_output_contains "container created: service-with-dashes"
  assert_output_contains "dokku-postgres-service-with-dashes"
  assert_output_contains "service_with_dashes"
  assert_equal "service_with_dashes" "$(cat "$PLUGIN_DATA_ROOT/service-with-dashes/DATABASE_NAME")"
  svc_destroy service-with-dashes
}

@test "(postgres:create) error when there are no arguments" {
  run dokku postgres:create
  assert_failure
  assert_contains "${lines[*]}" "Please specify a valid name for the service"
}

@test "(postgres:create) error when there is an invalid name specified" {
  run dokku postgres:create d.erp
  assert_failure
  assert_output " !     Please specify a valid name for the service. Valid characters are: [A-Za-z0-9_]+"
  [[ ! -e "$PLUGIN_DATA_ROOT/d.erp" ]] || flunk "service root created"
}

@test "(postgres:create) error when the service already exists" {
  run dokku postgres:create l
  assert_exit_status 1
  assert_output " !     Postgres service l already exists"
}

@test "(postgres:create) a 15 image keeps the old mount: data/ is PGDATA" {
  svc_create l15 --image-version 15.18
  assert_equal "15" "$(cat "$PLUGIN_DATA_ROOT/l15/data/PG_VERSION")"
  run docker container inspect --format '{{json .Mounts}}' dokku.postgres.l15
  assert_output_contains "\"Destination\":\"/var/lib/postgresql/data\""
  run dokku postgres:info l15 --version
  assert_output "postgres:15.18"
}

@test "(postgres:create) --password is used and warned about" {
  run dokku postgres:create lpw --image-version 15.18 --password s3cret
  assert_success
  assert_output_contains " !     Specified password may not be as secure as the auto-generated password"
  assert_equal "s3cret" "$(cat "$PLUGIN_DATA_ROOT/lpw/PASSWORD")"
  run dokku postgres:info lpw --dsn
  assert_output "postgres://postgres:s3cret@dokku-postgres-lpw:5432/lpw"
  svc_destroy lpw
}

@test "(postgres:create) --custom-env, --config-options, --memory and --shm-size are stored" {
  run dokku postgres:create lopt --image-version 15.18 --custom-env "TZ=UTC;FOO=bar baz" --config-options "-c max_connections=42" --memory 256 --shm-size 128m
  assert_success
  local root="$PLUGIN_DATA_ROOT/lopt"
  assert_equal "TZ=UTC
FOO=bar baz" "$(cat "$root/ENV")"
  assert_equal "-c max_connections=42" "$(cat "$root/CONFIG_OPTIONS")"
  assert_equal "256" "$(cat "$root/SERVICE_MEMORY")"
  assert_equal "128m" "$(cat "$root/SHM_SIZE")"
  run svc_sql lopt "show max_connections;"
  assert_success
  assert_output "42"
  run dokku postgres:info lopt --config-options
  assert_output "-c max_connections=42"
  svc_destroy lopt
}

@test "(postgres:create) pulls a missing image" {
  run docker image ls -q postgres:17.10
  assert_output ""
  run dokku postgres:create l17 --image-version 17.10
  assert_success
  assert_output_contains "container created: l17"
  run docker image ls -q postgres:17.10
  [[ -n "$output" ]] || flunk "postgres:17.10 not pulled"
  svc_destroy l17
}

@test "(postgres:create) error when the image cannot be pulled" {
  run dokku postgres:create lbad --image-version 99.1
  assert_exit_status 1
  assert_output_contains " !     Postgres image postgres:99.1 pull failed"
  [[ ! -e "$PLUGIN_DATA_ROOT/lbad" ]] || flunk "service root created"
}

@test "(postgres:create) POSTGRES_DISABLE_PULL with a missing image" {
  POSTGRES_DISABLE_PULL=true run dokku postgres:create lnopull --image-version 16.14
  assert_exit_status 1
  assert_output " !     POSTGRES_DISABLE_PULL environment variable detected. Not running pull command.
 !        docker image pull 
 !     Postgres service creation failed"
  [[ ! -e "$PLUGIN_DATA_ROOT/lnopull" ]] || flunk "service root created"
}

@test "(postgres:create) POSTGRES_IMAGE_VERSION sets the default version" {
  POSTGRES_IMAGE_VERSION=15.18 run dokku postgres:create lenv
  assert_success
  assert_equal "15.18" "$(cat "$PLUGIN_DATA_ROOT/lenv/IMAGE_VERSION")"
  svc_destroy lenv
}

@test "(postgres:create) flags are only read right after the service name" {
  run dokku postgres:create lpos extra --image-version 15.18
  assert_success
  assert_equal "18.4" "$(cat "$PLUGIN_DATA_ROOT/lpos/IMAGE_VERSION")"
  svc_destroy lpos
}
