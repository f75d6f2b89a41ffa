#!/usr/bin/env bash
# Helpers of the docker_*.bats and s3_*.bats files (the sandbox's docker and S3), on top of
# test_helper.bash (load test_helper first).
# shellcheck disable=SC2154 # status, output, lines: set by bats' run

# A directory the sandbox user owns, for bind-mount sources: "$(docker_test_dir NAME)".
docker_test_dir() {
  local dir="$SANDBOX_TEST_SCRATCH/docker-tests/$1"
  as_sandbox_user mkdir -p "$dir"
  echo "$dir"
}

# The container of a dokku-postgres service, created with the plugin's argument list
# (contract §2.1), started, and waited for with dokku/wait.
# docker_service NAME IMAGE:TAG [extra server args...]; prints nothing, fails on error.
docker_service() {
  local name="$1" image="$2" root major
  shift 2
  root="$(docker_test_dir "$name")"
  as_sandbox_user mkdir -p "$root/data"
  printf '\n' | as_sandbox_user tee "$root/ENV" >/dev/null
  major="${image##*:}"
  major="${major%%[!0-9]*}"
  local data_dir=/var/lib/postgresql/data
  [[ -n "$major" ]] && ((major >= 18)) && data_dir=/var/lib/postgresql
  rm -f "$root/ID"
  docker container create --cidfile="$root/ID" --env-file="$root/ENV" --env=POSTGRES_PASSWORD=pw-"$name" \
    --hostname="dokku.postgres.$name" --label=dokku.service=postgres --label=dokku=service \
    --name="dokku.postgres.$name" --restart=always --volume="$root/data:$data_dir" "$image" "$@" >/dev/null
  docker container start "$(cat "$root/ID")" >/dev/null
  docker container run --rm --link "dokku.postgres.$name:dokku-postgres-$name" dokku/wait:0.9.3 \
    -c "dokku-postgres-$name:5432" >/dev/null
}

docker_service_rm() {
  docker container rm -f "dokku.postgres.$1" >/dev/null 2>&1 || true
}

# The address of a running container.
docker_ip() {
  docker container inspect -f '{{.NetworkSettings.IPAddress}}' "$1"
}

# psql from the host over TCP with the service's password.
docker_tcp_psql() {
  local name="$1"
  shift
  PGPASSWORD="pw-$name" PGCONNECT_TIMEOUT=5 /usr/lib/postgresql/15/bin/psql -X -h "$(docker_ip "dokku.postgres.$name")" \
    -U postgres -d postgres "$@"
}

# Wait until a container has a given state (the shim records restarts asynchronously).
docker_wait_state() {
  local container="$1" want="$2" i
  for ((i = 0; i < 100; i++)); do
    [[ "$(docker container inspect -f '{{.State.Status}}' "$container" 2>/dev/null)" == "$want" ]] && return 0
    sleep 0.1
  done
  echo "container $container never reached $want (is $(docker container inspect -f '{{.State.Status}}' "$container"))" >&2
  return 1
}

# Wait until a container's log contains TEXT.
docker_wait_log() {
  local container="$1" text="$2" i
  for ((i = 0; i < 100; i++)); do
    docker container logs "$container" 2>&1 | grep -qF -- "$text" && return 0
    sleep 0.1
  done
  echo "log of $container never showed: $text" >&2
  docker container logs "$container" >&2
  return 1
}

# S3 with Debian's aws CLI and the host's keys.
s3_aws() {
  env -u AWS_PROFILE AWS_ACCESS_KEY_ID="$SANDBOX_S3_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$SANDBOX_S3_SECRET_KEY" \
    AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    /usr/bin/aws --endpoint-url "$SANDBOX_S3_ENDPOINT" "$@"
}
