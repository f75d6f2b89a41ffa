#!/usr/bin/env bats
# The sandbox's docker: `docker exec` into postgres containers (psql, createdb via su, pg_dump
# and pg_restore through exec, localhost = the container's own socket, binary-safe pipes).
load test_helper
load docker_helper
bats_require_minimum_version 1.5.0

setup_file() {
  sandbox_setup_file
  docker_service e14 postgres:14.23
  docker_service e17 postgres:17.10
}
teardown_file() { sandbox_teardown_file; }

@test "(docker exec) su - postgres -c runs the string with bash; createdb like dokku-postgres" {
  run docker container exec dokku.postgres.e14 su - postgres -c "createdb -E utf8 e14db"
  assert_success ""
  run docker container exec dokku.postgres.e14 su - postgres -c "createdb -E utf8 e14db"
  assert_failure
  assert_output 'createdb: error: database creation failed: ERROR:  database "e14db" already exists'
  run docker container exec dokku.postgres.e14 su - postgres -c 'psql -Atc "select datname from pg_database where datname = '\''e14db'\''"; echo done'
  assert_success $'e14db\ndone'
}

@test "(docker exec) -h localhost is the container's own socket, trusted without a password" {
  run docker container exec dokku.postgres.e17 psql -h localhost -U postgres -w -Atc "select inet_server_addr() is null, current_setting('server_version')"
  assert_success "t|17.10"
  run docker container exec dokku.postgres.e17 psql --host=127.0.0.1 -U postgres -w -Atc "select 1"
  assert_success "1"
  run docker container exec dokku.postgres.e17 env PGPASSWORD=wrong psql -h localhost -U postgres -w -Atc "select 2"
  assert_success "2"
}

@test "(docker exec) -e/--env sets variables; without -i stdin is not attached" {
  run docker container exec -e FOO=one --env=BAR=two --env BAZ=three dokku.postgres.e17 sh -c 'echo "$FOO $BAR $BAZ $PG_MAJOR"'
  assert_success "one two three 17"
  run bash -c 'echo "select 42" | docker container exec dokku.postgres.e17 psql -At'
  assert_success ""
  run bash -c 'echo "select 42" | docker container exec -i dokku.postgres.e17 psql -At'
  assert_success "42"
}

@test "(docker exec) the connect form: --env LANG -i psql -v ON_ERROR_STOP=1, exit 3 on a SQL error" {
  run bash -c 'echo "select nosuchcolumn" | docker container exec --env=LANG=C.UTF-8 --env=LC_ALL=C.UTF-8 -i dokku.postgres.e17 psql -v ON_ERROR_STOP=1 -h localhost -U postgres postgres'
  assert_exit_status 3
  assert_contains "$output" 'ERROR:  column "nosuchcolumn" does not exist'
}

@test "(docker exec) pg_dump | pg_restore through exec moves data from 14 to 17 (binary-safe)" {
  docker container exec dokku.postgres.e14 su - postgres -c "createdb -E utf8 moved" 2>/dev/null || true
  docker container exec -i dokku.postgres.e14 psql -q -v ON_ERROR_STOP=1 -d moved <<'SQL'
create table items(id int primary key, body bytea, note text);
insert into items select g, decode(md5(g::text) || '00ff10', 'hex'), 'ünïcödé ' || g from generate_series(1, 500) g;
SQL
  docker container exec dokku.postgres.e17 su - postgres -c "createdb -E utf8 moved"
  local dump="$BATS_TEST_TMPDIR/moved.dump"
  run bash -c "docker container exec dokku.postgres.e14 env PGPASSWORD=pw-e14 pg_dump -Fc --no-acl --no-owner -h localhost -U postgres -w moved >'$dump'"
  assert_success
  [[ "$(head -c 5 "$dump")" == PGDMP ]] || flunk "not a custom archive"
  run bash -c "docker container exec -i dokku.postgres.e17 env PGPASSWORD=pw-e17 pg_restore -h localhost -cO --if-exists -d moved -U postgres -w <'$dump'"
  assert_success ""
  run docker container exec dokku.postgres.e17 psql -d moved -Atc "select count(*), sum(length(body)), max(note) from items"
  assert_success "500|9500|ünïcödé 99"
  run docker container exec dokku.postgres.e14 psql -d moved -Atc "select md5(string_agg(body::text || note, ',' order by id)) from items"
  local want="$output"
  run docker container exec dokku.postgres.e17 psql -d moved -Atc "select md5(string_agg(body::text || note, ',' order by id)) from items"
  assert_success "$want"
}

@test "(docker exec) pg_dump of a 16+ server fails with the sandbox message, exit 1" {
  run docker container exec dokku.postgres.e17 env PGPASSWORD=pw-e17 pg_dump -Fc --no-acl --no-owner -h localhost -U postgres -w postgres
  assert_exit_status 1
  assert_output " !     sandbox: pg_dump 15 cannot dump a PostgreSQL 17 server (no newer client tools on this machine)"
  run docker container exec dokku.postgres.e17 su - postgres -c "pg_dumpall -g"
  assert_exit_status 1
  assert_output " !     sandbox: pg_dump 15 cannot dump a PostgreSQL 17 server (no newer client tools on this machine)"
}

@test "(docker exec) the image's server binaries come first, then Debian's 15 client tools" {
  run docker container exec dokku.postgres.e17 postgres --version
  assert_success "postgres (PostgreSQL) 17.10"
  run docker container exec dokku.postgres.e17 psql --version
  assert_success
  assert_contains "$output" "psql (PostgreSQL) 15."
  run docker container exec dokku.postgres.e14 sh -c 'ls /usr/lib/postgresql/14/bin'
  assert_success $'initdb\npg_ctl\npostgres'
}

@test "(docker exec) errors like docker: missing container, command not found, -it without a TTY" {
  run_stderr docker container exec nosuch psql
  assert_exit_status 1
  assert_output "Error response from daemon: No such container: nosuch"
  run -127 bash -c '"$@" 2>&1 >/dev/null' _ docker container exec dokku.postgres.e17 nosuchcommand
  # shellcheck disable=SC2016 # docker's own text, $PATH included
  assert_output 'OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuchcommand": executable file not found in $PATH: unknown'
  run_stderr docker container exec -it dokku.postgres.e17 psql </dev/null
  assert_exit_status 1
  assert_output "the input device is not a TTY"
  run_stderr docker container exec dokku.postgres.e17
  assert_exit_status 1
  assert_line_equals 0 '"docker container exec" requires at least 2 arguments.'
}

@test "(docker exec) a crash-looping container refuses exec while it is restarting" {
  docker container create --name=looping --restart=always -e POSTGRES_PASSWORD=x \
    -v "$(docker_test_dir looping)/data:/var/lib/postgresql/data" postgres:18.4 >/dev/null
  docker container start looping >/dev/null
  local id i
  id="$(docker container inspect -f '{{.Id}}' looping)"
  # the shim retries with a growing backoff; between two attempts the container is restarting
  for ((i = 0; i < 50; i++)); do
    run_stderr docker container exec looping psql
    [[ "$output" == *"is restarting"* ]] && break
    sleep 0.2
  done
  assert_exit_status 1
  assert_output "Error response from daemon: Container $id is restarting, wait until the container is running"
  docker container rm -f looping >/dev/null
}
