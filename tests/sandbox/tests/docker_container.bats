#!/usr/bin/env bats
# The sandbox's docker: containers with real PostgreSQL servers (create, start, stop, rm,
# update, inspect, logs, ps, the entrypoint's rules, restarts after `sandbox down/up`).
load test_helper
load docker_helper

setup_file() {
  sandbox_setup_file
  docker_service c17 postgres:17.10 -c max_connections=42
}
teardown_file() { sandbox_teardown_file; }

@test "(docker container create) the dokku-postgres argument list: the id on stdout and in --cidfile" {
  local root
  root="$(docker_test_dir created)"
  printf 'FOO=bar\n\n# comment\n' | as_sandbox_user tee "$root/ENV" >/dev/null
  docker pull postgres:16.14 >/dev/null
  run docker container create --cidfile="$root/ID" --env-file="$root/ENV" --env=POSTGRES_PASSWORD=secret \
    --hostname=dokku.postgres.created --label=dokku.service=postgres --label=dokku=service \
    --name=dokku.postgres.created --restart=always --volume="$root/data:/var/lib/postgresql/data" \
    --memory=512m --shm-size=256m postgres:16.14 -c max_connections=200
  assert_success
  [[ "$output" =~ ^[0-9a-f]{64}$ ]] || flunk "not an id: $output"
  assert_equal "$output" "$(cat "$root/ID")"
  assert_equal "64" "$(wc -c <"$root/ID")"
  run docker container inspect -f '{{.State.Status}} {{.State.Running}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.Memory}} {{.HostConfig.ShmSize}}' dokku.postgres.created
  assert_success "created false always 536870912 268435456"
  run docker container inspect -f '{{json .Config.Cmd}} {{json .Config.Entrypoint}} {{.Path}} {{json .Args}}' dokku.postgres.created
  assert_success '["-c","max_connections=200"] ["docker-entrypoint.sh"] docker-entrypoint.sh ["-c","max_connections=200"]'
  run docker container inspect -f '{{index .Config.Labels "dokku.service"}} {{.Config.Hostname}} {{.Name}}' dokku.postgres.created
  assert_success "postgres dokku.postgres.created /dokku.postgres.created"
  run docker container inspect -f '{{range .Config.Env}}{{println .}}{{end}}' dokku.postgres.created
  assert_output_contains "FOO=bar"
  assert_output_contains "POSTGRES_PASSWORD=secret"
  assert_output_contains "PG_MAJOR=16"
  # a second --cidfile on an existing file fails like the docker CLI
  run_stderr docker container create --cidfile="$root/ID" --name=other postgres:16.14
  assert_exit_status 1
  assert_output "Container ID file found, make sure the other container isn't running or delete $root/ID"
  docker container rm dokku.postgres.created >/dev/null
}

@test "(docker container create) a name in use fails like docker" {
  local id
  id="$(docker container inspect -f '{{.Id}}' dokku.postgres.c17)"
  run_stderr docker container create --name=dokku.postgres.c17 postgres:17.10
  assert_exit_status 1
  assert_output "Error response from daemon: Conflict. The container name \"/dokku.postgres.c17\" is already in use by container \"$id\". You have to remove (or rename) that container to be able to reuse that name."
}

@test "(docker container inspect) Mounts, NetworkSettings.IPAddress, State, Config, Name, Id" {
  run docker container inspect dokku.postgres.c17
  assert_success
  local json="$output" root
  root="$(docker_test_dir c17)"
  assert_equal "bind" "$(jq -r '.[0].Mounts[0].Type' <<<"$json")"
  assert_equal "$root/data" "$(jq -r '.[0].Mounts[0].Source' <<<"$json")"
  assert_equal "/var/lib/postgresql/data" "$(jq -r '.[0].Mounts[0].Destination' <<<"$json")"
  assert_equal "running true" "$(jq -r '.[0].State | "\(.Status) \(.Running)"' <<<"$json")"
  assert_equal "postgres:17.10" "$(jq -r '.[0].Config.Image' <<<"$json")"
  assert_equal "/dokku.postgres.c17" "$(jq -r '.[0].Name' <<<"$json")"
  assert_equal "$(cat "$root/ID")" "$(jq -r '.[0].Id' <<<"$json")"
  assert_equal '{"dokku":"service","dokku.service":"postgres"}' "$(jq -c '.[0].Config.Labels' <<<"$json")"
  [[ "$(jq -r '.[0].NetworkSettings.IPAddress' <<<"$json")" =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || flunk "IPAddress: $json"
  assert_equal "null" "$(jq -r '.[0].Sandbox' <<<"$json")"
  run docker container inspect -f '{{.State.Running}}' "$(cat "$root/ID")"
  assert_success "true"
  run docker inspect --format '{{ .NetworkSettings.IPAddress }}' dokku.postgres.c17
  assert_success "$(jq -r '.[0].NetworkSettings.IPAddress' <<<"$json")"
}

@test "(docker container start) the real server: password over TCP, trust on the socket, server args" {
  run docker_tcp_psql c17 -Atc "show server_version"
  assert_success "17.10"
  run docker_tcp_psql c17 -Atc "show max_connections"
  assert_success "42"
  run env PGPASSWORD=wrong PGCONNECT_TIMEOUT=5 /usr/lib/postgresql/15/bin/psql -h "$(docker_ip dokku.postgres.c17)" -U postgres -Atc "select 1"
  assert_failure
  assert_contains "$output" 'password authentication failed for user "postgres"'
  run docker container exec dokku.postgres.c17 psql -Atc "select current_user"
  assert_success "postgres"
  run grep -c "dokku.postgres.c17" "$SANDBOX_STATE/hosts"
  assert_success "1"
  assert_contains "$(cat "$SANDBOX_STATE/hosts")" "$(docker_ip dokku.postgres.c17) dokku.postgres.c17"
}

@test "(sandbox psql) superuser psql on the service's socket" {
  run "$SANDBOX_CLI" psql "$SANDBOX_TEST_HOST" c17 -Atc "select current_user, current_setting('server_version')"
  assert_success "postgres|17.10"
  run "$SANDBOX_CLI" psql "$SANDBOX_TEST_HOST" nosuch -c "select 1"
  assert_failure
  assert_output " !     sandbox: no container dokku.postgres.nosuch on $SANDBOX_TEST_HOST"
}

@test "(docker container create) concurrent creates get distinct addresses" {
  local i
  for i in 1 2 3 4; do
    docker container create --name="par$i" -e POSTGRES_PASSWORD=x postgres:17.10 >/dev/null &
  done
  wait
  run bash -c 'for i in 1 2 3 4; do jq -r .Sandbox.ip "$(ls "$1"/docker/containers/*.json | xargs grep -l "\"/par$i\"")"; done | sort -u | wc -l' _ "$SANDBOX_TEST_HOST"
  assert_success "4"
  docker container rm par1 par2 par3 par4 >/dev/null
}

@test "(docker container start) every catalogue image runs its own server version" {
  local img want name
  for img in postgres:14.23=14.23 postgres:15.18=15.18 postgres:16.14=16.14 postgres:18.4=18.4 postgis/postgis:15-3.3=15.18; do
    want="${img#*=}"
    img="${img%=*}"
    name="v${want//./}${img:0:4}"
    docker_service "$name" "$img"
    run docker_tcp_psql "$name" -Atc "show server_version"
    assert_success
    assert_contains "$output" "$want"
    docker_service_rm "$name"
  done
}

@test "(docker container start) 18+ with the mount at /var/lib/postgresql keeps PGDATA in 18/docker" {
  docker_service c18 postgres:18.4
  local root
  root="$(docker_test_dir c18)"
  assert_exists "$root/data/18/docker/PG_VERSION"
  assert_equal "18" "$(cat "$root/data/18/docker/PG_VERSION")"
  run docker container inspect -f '{{range .Mounts}}{{.Destination}} {{end}}' dokku.postgres.c18
  assert_success "/var/lib/postgresql "
  assert_equal "17" "$(cat "$(docker_test_dir c17)/data/PG_VERSION")"
  docker_service_rm c18
}

@test "(docker container start) 18+ with the old /data mount refuses: unused mount/volume, restarting" {
  local root
  root="$(docker_test_dir old18)"
  docker container create --name=old18 --restart=always -e POSTGRES_PASSWORD=x \
    -v "$root/data:/var/lib/postgresql/data" postgres:18.4 >/dev/null
  run docker container start old18
  assert_success "old18"
  docker_wait_log old18 "unused mount/volume"
  run docker container logs old18
  assert_output_contains "Error: in 18+, these Docker images are configured to store database data in a"
  assert_output_contains "         /var/lib/postgresql/data (unused mount/volume)"
  run docker container inspect -f '{{.State.Running}} {{.HostConfig.RestartPolicy.Name}}' old18
  assert_success "true always"
  run docker container run --rm --link old18:old18 dokku/wait:0.9.3 -c old18:5432
  assert_failure
  assert_contains "$output" "Waiting for old18:5432  ."
  assert_contains "$output" "  ERROR: unable to connect"
  [[ "$(docker container inspect -f '{{.RestartCount}}' old18)" -ge 1 ]] || flunk "no restart recorded"
  docker container rm -f old18 >/dev/null
}

@test "(docker container start) data of another major: the server's own incompatibility error" {
  local root
  root="$(docker_test_dir c14on17)"
  docker container create --name=c14on17 --restart=no -e POSTGRES_PASSWORD=x \
    -v "$(docker_test_dir c17)/data:/var/lib/postgresql/data" postgres:14.23 >/dev/null
  docker container stop dokku.postgres.c17 >/dev/null
  docker container start c14on17 >/dev/null
  docker_wait_state c14on17 exited
  run docker container logs c14on17
  assert_output_contains "PostgreSQL Database directory appears to contain a database; Skipping initialization"
  assert_output_contains "FATAL:  database files are incompatible with server"
  assert_output_contains "The data directory was initialized by PostgreSQL version 17, which is not compatible with this version 14.23."
  run docker container inspect -f '{{.State.Status}} {{.State.ExitCode}}' c14on17
  assert_success "exited 1"
  docker container rm c14on17 >/dev/null
  docker container start dokku.postgres.c17 >/dev/null
  docker container run --rm --link dokku.postgres.c17:c17 dokku/wait:0.9.3 -c c17:5432 >/dev/null
}

@test "(docker container start) an empty PGDATA needs POSTGRES_PASSWORD, like the official image" {
  docker container create --name=nopw postgres:16.14 >/dev/null
  docker container start nopw >/dev/null
  docker_wait_state nopw exited
  run docker container logs nopw
  assert_output_contains "Error: Database is uninitialized and superuser password is not specified."
  run docker container inspect -f '{{.State.ExitCode}}' nopw
  assert_success "1"
  docker container rm nopw >/dev/null
}

@test "(docker container stop) stops the server; start again keeps the data" {
  docker container exec dokku.postgres.c17 psql -c "create table kept(id int); insert into kept values (7)" >/dev/null
  run docker container stop dokku.postgres.c17
  assert_success "dokku.postgres.c17"
  run docker container inspect -f '{{.State.Status}} {{.State.Running}} {{.State.ExitCode}} [{{.NetworkSettings.IPAddress}}]' dokku.postgres.c17
  assert_success "exited false 0 []"
  run grep -c "dokku.postgres.c17" "$SANDBOX_STATE/hosts"
  assert_output "0"
  run_stderr docker container exec dokku.postgres.c17 psql -c "select 1"
  assert_exit_status 1
  assert_output "Error response from daemon: container $(docker container inspect -f '{{.Id}}' dokku.postgres.c17) is not running"
  run docker container start dokku.postgres.c17
  assert_success "dokku.postgres.c17"
  docker container run --rm --link dokku.postgres.c17:c17 dokku/wait:0.9.3 -c c17:5432 >/dev/null
  run docker container exec dokku.postgres.c17 psql -Atc "select id from kept"
  assert_success "7"
  run docker container logs --tail 8 dokku.postgres.c17
  assert_contains "$output" "PostgreSQL Database directory appears to contain a database; Skipping initialization"
}

@test "(docker container update) --restart=no; (docker container rm) needs -f while running" {
  docker_service gone postgres:16.14
  run docker container update --restart=no dokku.postgres.gone
  assert_success "dokku.postgres.gone"
  run docker container inspect -f '{{.HostConfig.RestartPolicy.Name}}' dokku.postgres.gone
  assert_success "no"
  run_stderr docker container rm dokku.postgres.gone
  assert_exit_status 1
  assert_output 'Error response from daemon: cannot remove container "/dokku.postgres.gone": container is running: stop the container before removing or force remove'
  docker container stop dokku.postgres.gone >/dev/null
  run docker container rm dokku.postgres.gone
  assert_success "dokku.postgres.gone"
  run docker container ps -aq --no-trunc --filter "name=^/dokku.postgres.gone$"
  assert_success ""
}

@test "(docker ps) -aq --no-trunc --filter name=, --format, label filters" {
  local id
  id="$(docker container inspect -f '{{.Id}}' dokku.postgres.c17)"
  run docker container ps -aq --no-trunc --filter "name=^/dokku.postgres.c17$"
  assert_success "$id"
  run docker ps -q --filter name=dokku.postgres.c17
  assert_success "${id:0:12}"
  run docker ps --filter label=dokku.service=postgres --format '{{.Names}} {{.Image}} {{.Label "dokku"}} {{.State}}'
  assert_success "dokku.postgres.c17 postgres:17.10 service running"
  run docker ps --filter label=dokku=ambassador -q
  assert_success ""
  run docker ps
  assert_success
  assert_contains "${lines[0]}" "CONTAINER ID   IMAGE"
  assert_contains "$output" '"docker-entrypoint.s…"'
  assert_contains "$output" "5432/tcp   dokku.postgres.c17"
}

@test "(docker) errors for a missing container, unknown flags and missing arguments" {
  local sub
  for sub in start stop rm; do
    run_stderr docker container "$sub" nosuch
    assert_exit_status 1
    assert_contains "$output" "Error response from daemon: No such container: nosuch"
  done
  run_stderr docker container start nosuch
  assert_output $'Error response from daemon: No such container: nosuch\nError: failed to start containers: nosuch'
  run_stderr docker container inspect nosuch
  assert_exit_status 1
  assert_output "Error: No such container: nosuch"
  run_stderr docker inspect nosuch
  assert_output "Error: No such object: nosuch"
  run_stdout docker inspect nosuch
  assert_output "[]"
  run_stderr docker container create --bogus postgres:17.10
  assert_exit_status 125
  assert_output $'unknown flag: --bogus\nSee \'docker container create --help\'.'
  run_stderr docker container stop
  assert_exit_status 1
  assert_line_equals 0 '"docker container stop" requires at least 1 argument.'
  run_stderr docker frobnicate
  assert_exit_status 1
  assert_line_equals 0 "docker: 'frobnicate' is not a docker command."
}

@test "(docker inspect) Go templates: json, index, range, if, printf" {
  run docker inspect -f '{{json .Config.Labels}}' dokku.postgres.c17
  assert_success '{"dokku":"service","dokku.service":"postgres"}'
  run docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{printf "%s\n" $k}}{{end}}' dokku.postgres.c17
  assert_success "bridge"
  run docker inspect -f '{{if .State.Running}}up{{else}}down{{end}} {{.Config.Labels}}' dokku.postgres.c17
  assert_success "up map[dokku:service dokku.service:postgres]"
  run_stderr docker inspect -f '{{nosuchfunc .Id}}' dokku.postgres.c17
  assert_exit_status 1
  assert_contains "$output" "template parsing error:"
}

@test "(sandbox down/up) restart=always containers come back like after a daemon restart; others stay exited" {
  docker container run -d --name=oneshot -e POSTGRES_PASSWORD=x postgres:16.14 >/dev/null
  "$SANDBOX_CLI" down "$SANDBOX_TEST_HOST" >/dev/null 2>&1
  run docker ps -a --format '{{.Names}} {{.State}}'
  assert_output_contains "dokku.postgres.c17 exited"
  assert_output_contains "oneshot exited"
  run docker container inspect -f '{{.State.Running}}' dokku.postgres.c17
  assert_success "false"
  "$SANDBOX_CLI" up "$SANDBOX_TEST_HOST" --no-plugin >/dev/null 2>&1
  run docker container inspect -f '{{.State.Status}}' dokku.postgres.c17
  assert_success "running"
  run docker container inspect -f '{{.State.Status}}' oneshot
  assert_success "exited"
  docker container run --rm --link dokku.postgres.c17:c17 dokku/wait:0.9.3 -c c17:5432 >/dev/null
  run docker container exec dokku.postgres.c17 psql -Atc "select id from kept"
  assert_success "7"
}
