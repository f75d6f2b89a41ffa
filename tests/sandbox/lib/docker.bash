#!/usr/bin/env bash
# The sandbox's docker: shared state helpers and the host hooks that `sandbox up/down/prepare`
# call (sbx_docker_up, sbx_docker_down, sbx_prepare_images). Sourced after lib/host.bash;
# defines functions only. The `docker` command itself is bin/docker; the parts live in
# lib/docker_images.bash, lib/docker_containers.bash, lib/docker_run.bash, lib/docker_s3.bash.
#
# State of a host (README "Layout"): DIR/docker/
#   images/<hex>.json         one per local image (Id sha256:<hex>, RepoTags, Created, ...)
#   containers/<id>.json      one per container (docker inspect's JSON plus a "Sandbox" key)
#   containers/<id>.log       the container's output (docker logs)
#   run/<id>/                 runtime files of a started container (shim.pid, server.pid, ready, ...)
#   volumes/<name>/_data      named and anonymous volumes
#   networks/<name>.json      user-defined networks
#   registry.json             tags re-published with `sandbox republish`
#   .lock                     flock for every state change
# jq programs are single-quoted on purpose; C_*/CAT_*/SBX_L_* are shared between the parts.
# shellcheck disable=SC2016,SC2034,SC2154,SC2054

SBX_DOCKER_LIB="$SANDBOX_HOME/lib"
SBX_PG_CLIENT_BIN="${SBX_PG_CLIENT_BIN:-/usr/lib/postgresql/15/bin}"
SBX_AWS="${SBX_AWS:-/usr/bin/aws}"

for _sbx_part in docker_images docker_containers docker_run docker_s3; do
  # shellcheck source=/dev/null
  [[ -f "$SBX_DOCKER_LIB/$_sbx_part.bash" ]] && source "$SBX_DOCKER_LIB/$_sbx_part.bash"
done
unset _sbx_part

# The package cache (npm node_modules, image templates). Engineer A's lib/host.bash defines
# sbx_cache_dir; bin/docker exports SANDBOX_CACHE before dropping privileges so the sandbox user
# sees root's cache.
sbx_docker_cache_dir() {
  if [[ -n "${SANDBOX_CACHE:-}" ]]; then
    echo "$SANDBOX_CACHE"
  elif declare -F sbx_cache_dir >/dev/null; then
    sbx_cache_dir
  elif sbx_is_root; then
    echo /var/cache/pgupgrade-sandbox
  else
    echo "${HOME:-/tmp}/.cache/pgupgrade-sandbox"
  fi
}

# Error helpers in docker's own words. docker prints daemon errors as
# "Error response from daemon: ..." on stderr.
sbx_docker_die() {
  local code="$1"
  shift
  printf '%s\n' "$@" >&2
  exit "$code"
}
sbx_daemon_error() { sbx_docker_die 1 "Error response from daemon: $*"; }

# docker's usage error for an unknown flag (exit 125, like the CLI's flag parser).
sbx_docker_flag_error() {
  local cmdpath="$1" msg="$2"
  sbx_docker_die 125 "$msg" "See 'docker $cmdpath --help'."
}

# "docker X" requires at least N arguments.
sbx_docker_args_error() {
  local cmdpath="$1" want="$2" usage="$3" summary="$4"
  printf '"docker %s" requires %s.\nSee '\''docker %s --help'\''.\n\nUsage:  docker %s\n\n%s\n' \
    "$cmdpath" "$want" "$cmdpath" "$usage" "$summary" >&2
  exit 1
}

sbx_now() { date -u +%Y-%m-%dT%H:%M:%S.%NZ; }

sbx_random_hex() {
  local bytes="${1:-32}"
  od -An -tx1 -N"$bytes" /dev/urandom | tr -d ' \n'
}

sbx_sha256() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

sbx_docker_dirs() {
  mkdir -p "$SANDBOX_DOCKER"/{images,containers,run,volumes,networks}
}

# Run "$@" with the host's docker lock held (state changes are read-modify-write).
sbx_docker_locked() {
  local rc=0
  mkdir -p "$SANDBOX_DOCKER"
  exec {_sbx_lock_fd}>>"$SANDBOX_DOCKER/.lock"
  flock "$_sbx_lock_fd"
  "$@" || rc=$?
  flock -u "$_sbx_lock_fd"
  exec {_sbx_lock_fd}>&-
  return "$rc"
}

# Write stdin to FILE atomically (readers never see half a JSON file).
sbx_write_atomic() {
  local file="$1" tmp
  tmp="$(mktemp "$file.XXXXXX")"
  cat >"$tmp"
  chmod 0644 "$tmp"
  mv -f "$tmp" "$file"
}

# Apply a jq filter to a JSON file in place: sbx_json_update FILE FILTER [jq args...]
sbx_json_update() {
  local file="$1" filter="$2"
  shift 2
  local out
  out="$(jq "$@" "$filter" "$file")" || return 1
  printf '%s\n' "$out" | sbx_write_atomic "$file"
}

# Is PID alive (and not a zombie)?
sbx_pid_alive() {
  local pid="$1" state
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/stat" ]] || return 1
  state="$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$pid/stat" 2>/dev/null)" || return 1
  [[ "$state" != Z && "$state" != X ]]
}

sbx_pid_from_file() {
  local file="$1" pid
  [[ -f "$file" ]] || return 1
  pid="$(head -n1 "$file" 2>/dev/null)"
  sbx_pid_alive "$pid" || return 1
  echo "$pid"
}

# Send SIG to PID, wait up to SECONDS for it to go, then SIGKILL. Returns when gone.
sbx_stop_pid() {
  local pid="$1" sig="${2:-TERM}" seconds="${3:-10}" i
  sbx_pid_alive "$pid" || return 0
  kill -s "$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < seconds * 20; i++)); do
    sbx_pid_alive "$pid" || return 0
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    sbx_pid_alive "$pid" || return 0
    sleep 0.02
  done
  return 0
}

# Start "$@" detached (own session, cwd /, stdin /dev/null, output appended to LOG) without any
# other inherited descriptor: a test runner waiting on its fd 3 must not wait for our servers.
sbx_spawn_detached() {
  local log="$1"
  shift
  (
    local fd
    for fd in /proc/"$BASHPID"/fd/*; do
      fd="${fd##*/}"
      ((fd > 2)) && exec {fd}>&-
    done
    cd / && exec setsid -f "$@" </dev/null >>"$log" 2>&1
  )
}

# Replace or add NAME=VALUE lines in DIR/sandbox/env, keeping the file's owner.
sbx_env_set() {
  local file="$1" tmp line name
  shift
  tmp="$(mktemp)"
  local -a names=()
  for line in "$@"; do names+=("${line%%=*}"); done
  if [[ -f "$file" ]]; then
    while IFS= read -r line || [[ -n "$line" ]]; do
      name="${line%%=*}"
      local skip=""
      for n in "${names[@]}"; do [[ "$name" == "$n" ]] && skip=1; done
      [[ -z "$skip" ]] && printf '%s\n' "$line"
    done <"$file" >"$tmp"
  fi
  for line in "$@"; do
    printf '%s=%q\n' "${line%%=*}" "${line#*=}" >>"$tmp"
  done
  cat "$tmp" >"$file"
  rm -f "$tmp"
}

# ---------------------------------------------------------------------------------------------
# Host hooks (called by Engineer A's `sandbox up`, `down` and `prepare`).

# sbx_docker_up DIR: start the "docker daemon" of host DIR: s3rver, and the containers a daemon
# start would restart (restart policy always; unless-stopped unless stopped by hand).
sbx_docker_up() {
  local dir="$1"
  dir="$(cd "$dir" && pwd)"
  local cache
  cache="$(sbx_docker_cache_dir)"
  SANDBOX_ROOT="$dir" SANDBOX_CACHE="$cache" "$SANDBOX_HOME/bin/docker" _sandbox daemon-up
}

# sbx_docker_down DIR: stop every server, shim and s3rver of host DIR, by pid.
sbx_docker_down() {
  local dir="$1"
  [[ -d "$dir/sandbox" ]] || return 0
  dir="$(cd "$dir" && pwd)"
  local cache
  cache="$(sbx_docker_cache_dir)"
  SANDBOX_ROOT="$dir" SANDBOX_CACHE="$cache" "$SANDBOX_HOME/bin/docker" _sandbox daemon-down
}

# sbx_prepare_images: build the per-image caches (relocated Debian 15 without postgis, an
# initdb'd template cluster per server build, a self-signed certificate). Idempotent.
sbx_prepare_images() {
  local cache
  cache="$(sbx_docker_cache_dir)"
  SANDBOX_CACHE="$cache" sbx_images_prepare_cache "$cache"
}
