#!/usr/bin/env bats
# The sandbox's docker: `docker run` of the images dokku-postgres runs (dokku/wait, busybox, a
# postgres image's one-off commands with its paths mapped, detached servers).
load test_helper
load docker_helper

setup_file() {
  sandbox_setup_file
  docker_service r17 postgres:17.10
}
teardown_file() { sandbox_teardown_file; }

@test "(docker run) dokku/wait through --link: the image's output, exit 0" {
  run docker container run --rm --link dokku.postgres.r17:dokku-postgres-r17 dokku/wait:0.9.3 -c dokku-postgres-r17:5432
  assert_success $'Waiting for dokku-postgres-r17:5432  .  up!\nEverything is up'
  # without -c: the linked container's exposed ports
  run docker container run --rm --link dokku.postgres.r17:db dokku/wait:0.9.3
  assert_success $'Waiting for db:5432  .  up!\nEverything is up'
  # an address works too
  run docker container run --rm dokku/wait:0.9.3 -c "$(docker_ip dokku.postgres.r17):5432"
  assert_success
}

@test "(docker run) dokku/wait gives up with the image's error when nothing answers" {
  run docker container run --rm dokku/wait:0.9.3 -c nosuchhost:5432 -t 1
  assert_exit_status 1
  assert_output "Waiting for nosuchhost:5432  .  ERROR: unable to connect"
  run docker container run --rm dokku/wait:0.9.3 -t x -c a:1
  assert_exit_status 1
  assert_output "Invalid timeout number: x"
}

@test "(docker run) --link to a missing container fails like docker, exit 125" {
  run_stderr docker container run --rm --link nosuch:alias dokku/wait:0.9.3 -c alias:5432
  assert_exit_status 125
  assert_output $'docker: Error response from daemon: could not get container for nosuch.\nSee \'docker run --help\'.'
}

@test "(docker run) busybox chmod 777 -R on the mapped paths" {
  local dir
  dir="$(docker_test_dir chmodme)"
  as_sandbox_user mkdir -p "$dir/sub"
  as_sandbox_user touch "$dir/sub/file"
  as_sandbox_user chmod 700 "$dir/sub" "$dir/sub/file"
  run docker container run --rm -v "$dir:/data" -v "$dir:/config" busybox:1.37.0-uclibc chmod 777 -R /config /data
  assert_success ""
  assert_equal "777 777" "$(stat -c %a "$dir/sub" "$dir/sub/file" | xargs)"
}

@test "(docker run) postgres --version, as --entrypoint and as a command, for every server image" {
  local pair img want
  for pair in postgres:14.23=14.23 postgres:15.18=15.18 postgres:16.14=16.14 postgres:17.10=17.10 postgres:18.4=18.4 postgis/postgis:15-3.3=15.18; do
    img="${pair%=*}"
    want="${pair#*=}"
    docker pull "$img" >/dev/null
    run docker container run --rm --entrypoint postgres "$img" --version
    assert_success
    assert_contains "$output" "postgres (PostgreSQL) $want"
    run docker container run --rm "$img" postgres --version
    assert_success
    assert_contains "$output" "postgres (PostgreSQL) $want"
  done
  run docker container run --rm postgres:17.10 --version
  assert_success "postgres (PostgreSQL) 17.10"
}

@test "(docker run) the image's extension directory: postgis only in the postgis image" {
  docker pull postgres:15.18 >/dev/null
  docker pull postgis/postgis:15-3.3 >/dev/null
  run docker container run --rm postgis/postgis:15-3.3 ls /usr/share/postgresql/15/extension/postgis.control
  assert_success "/usr/share/postgresql/15/extension/postgis.control"
  run docker container run --rm postgres:15.18 ls /usr/share/postgresql/15/extension/postgis.control
  assert_exit_status 2
  assert_output "ls: cannot access '/usr/share/postgresql/15/extension/postgis.control': No such file or directory"
  run docker container run --rm postgres:15.18 sh -c 'ls /usr/share/postgresql/15/extension | grep -c "^plpgsql.control$"; ls /usr/share/postgresql/15/extension | grep -c "^postgis" || true'
  assert_success $'1\n0'
  run docker container run --rm postgres:17.10 sh -c 'test -f /usr/local/share/postgresql/extension/pg_trgm.control && echo yes'
  assert_success "yes"
}

@test "(docker run) bash -s with -v mounts: the script's container paths are mapped (the SSL step)" {
  local certs data
  certs="$(docker_test_dir sslcerts)"
  data="$(docker_test_dir r17)/data"
  as_sandbox_user cp /etc/hostname "$certs/server.crt"
  docker container stop dokku.postgres.r17 >/dev/null
  run docker container run --rm -i -v "$data:/var/lib/postgresql/data" -v "$certs:/var/lib/postgresql/certs" postgres:17.10 bash -s <<'SCRIPT'
set -e
cp /var/lib/postgresql/certs/server.crt /var/lib/postgresql/data/sandbox-test.crt
chown postgres:postgres /var/lib/postgresql/data/sandbox-test.crt
echo "# sandbox-test" >>"$PGDATA/postgresql.conf"
cat /var/lib/postgresql/data/PG_VERSION
SCRIPT
  assert_success "17"
  assert_exists "$data/sandbox-test.crt"
  assert_equal "# sandbox-test" "$(tail -n1 "$data/postgresql.conf")"
  docker container start dokku.postgres.r17 >/dev/null
  docker container run --rm --link dokku.postgres.r17:r17 dokku/wait:0.9.3 -c r17:5432 >/dev/null
}

@test "(docker run) commands the sandbox does not emulate fail clearly, exit 125" {
  run_stderr docker container run --rm postgres:17.10 cowsay hello
  assert_exit_status 125
  assert_output "sandbox: docker run of postgres:17.10 with cowsay hello is not emulated"
  run_stderr docker container run --rm --entrypoint sh dokku/wait:0.9.3 -c true
  assert_exit_status 125
  assert_output "sandbox: docker run of dokku/wait:0.9.3 with sh -c true is not emulated"
}

@test "(docker run) an image missing from the catalogue: docker's pull error, exit 125" {
  run_stderr docker container run --rm postgres:99.9 --version
  assert_exit_status 125
  assert_line_equals 0 "Unable to find image 'postgres:99.9' locally"
  assert_line_equals 1 "docker: Error response from daemon: manifest for postgres:99.9 not found: manifest unknown: manifest unknown."
  assert_line_equals 2 "See 'docker run --help'."
}

@test "(docker run) -d starts a server container and prints its id" {
  run docker container run -d --name=detached -e POSTGRES_PASSWORD=pw postgres:16.14
  assert_success
  [[ "$output" =~ ^[0-9a-f]{64}$ ]] || flunk "not an id: $output"
  docker container run --rm --link detached:detached dokku/wait:0.9.3 -c detached:5432 >/dev/null
  run docker container exec detached psql -Atc "show server_version"
  assert_success "16.14"
  docker container rm -f detached >/dev/null
}
