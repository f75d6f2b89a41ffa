#!/usr/bin/env bash
# The sandbox's docker, part 3: processes "inside" containers. The container environment and
# path mapping, docker exec, docker run (postgres images, dokku/wait, busybox; s3backup is in
# docker_s3.bash), the shim that plays a postgres image's entrypoint and supervises the real
# server, and the daemon start/stop of a host. Sourced by lib/docker.bash; defines functions only.
# jq programs are single-quoted on purpose; C_*/CAT_*/SBX_L_* are shared between the parts.
# shellcheck disable=SC2016,SC2034,SC2154,SC2054

SBX_CONTAINER_BIN="$SBX_DOCKER_LIB/docker-bin"
SBX_SYSTEM_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# ---------------------------------------------------------------------------------------------
# Path mapping: container paths -> real paths (mounts first, then the image's own paths)

# Lines "DST<TAB>SRC" for a container file (mounts) and its image (binaries, share dir).
# Extra "DST<TAB>SRC" pairs may follow as arguments.
sbx_pathmap() {
  local file="$1"
  shift
  if [[ -n "$file" ]]; then
    [[ "${C_FILE:-}" == "$file" ]] || sbx_container_load "$file"
    [[ -n "$C_MOUNTS" ]] && printf '%s\n' "$C_MOUNTS"
  fi
  if [[ "${CAT_KIND:-}" == postgres && -n "${CAT_BINSET:-}" ]] && sbx_binset_paths "$CAT_BINSET"; then
    printf '%s\t%s\n' "/usr/lib/postgresql/$CAT_MAJOR/bin" "$BS_BIN" \
      "/usr/lib/postgresql/$CAT_MAJOR/lib" "$BS_LIB" \
      "/usr/share/postgresql/$CAT_MAJOR" "$BS_SHARE" \
      "/usr/local/share/postgresql" "$BS_SHARE" \
      "/usr/local/lib/postgresql" "$BS_LIB"
  fi
  local pair
  for pair in "$@"; do printf '%s\n' "$pair"; done
}

# Map text on stdin with SBX_PATHMAP (longest container prefix first, whole path components).
sbx_map_text() {
  SBX_PATHMAP="$1" perl -e '
    my @pairs = map { [split /\t/, $_, 2] } grep { length } split /\n/, $ENV{SBX_PATHMAP};
    @pairs = sort { length($b->[0]) <=> length($a->[0]) } @pairs;
    my %m = map { $_->[0] => $_->[1] } @pairs;
    my $alt = join "|", map { quotemeta($_->[0]) } @pairs;
    local $/; my $t = <STDIN>; $t = "" unless defined $t;
    $t =~ s{(?<![\w./-])($alt)(?=$|[^\w.-])}{$m{$1}}g if @pairs;
    print $t;'
}

# Map the words "$@" into the array SBX_MAPPED.
sbx_map_words() {
  local map="$1"
  shift
  SBX_MAPPED=()
  (($#)) || return 0
  mapfile -d '' -t SBX_MAPPED < <(printf '%s\0' "$@" | sbx_map_text "$map")
}

# Reverse mapping (real paths back to container paths) for messages.
sbx_unmap_text() {
  local map="$1" rev
  # one container path per real path: the first listed (mounts, then the image's main paths)
  rev="$(awk -F'\t' 'NF == 2 && !seen[$2]++ { print $2 "\t" $1 }' <<<"$map")"
  sbx_map_text "$rev"
}

# ---------------------------------------------------------------------------------------------
# The environment of a process inside a container

# Fill SBX_ENV (NAME=VALUE words for env -i) for a process of container FILE (or of an image
# when FILE is empty) with extra NAME=VALUE words. Needs CAT_* (sbx_image_load) and, for a
# container, C_* (sbx_container_load).
sbx_container_env() {
  local file="$1" map="$2" home="$3"
  shift 3
  local -a base=()
  if [[ -n "$file" ]]; then
    [[ "${C_FILE:-}" == "$file" ]] || sbx_container_load "$file"
    base=("${C_ENV[@]}")
  fi
  local path="$SBX_SYSTEM_PATH"
  if [[ "$CAT_KIND" == postgres ]]; then
    sbx_binset_paths "$CAT_BINSET"
    path="$SBX_CONTAINER_BIN:$BS_BIN:$SBX_PG_CLIENT_BIN:$SBX_SYSTEM_PATH"
  fi
  SBX_ENV=()
  local e k
  for e in "${base[@]}" "$@"; do
    k="${e%%=*}"
    case "$k" in
      PATH) continue ;;
      PGDATA)
        local v="${e#*=}"
        sbx_map_words "$map" "$v"
        e="PGDATA=${SBX_MAPPED[0]}"
        ;;
    esac
    SBX_ENV+=("$e")
  done
  SBX_ENV+=("PATH=$path" "HOME=$home" "SBX_CONTAINER_HOME=$home" "SBX_CLIENT_BIN=$SBX_PG_CLIENT_BIN"
    "SANDBOX_ROOT=$SANDBOX_ROOT")
  [[ -n "${TERM:-}" ]] && SBX_ENV+=("TERM=$TERM")
  if [[ "$CAT_KIND" == postgres ]]; then
    SBX_ENV+=("SBX_SERVER_MAJOR=$CAT_MAJOR")
    if [[ -n "$file" && -n "${C_OCTET:-}" ]]; then
      SBX_ENV+=("SBX_CONTAINER_SOCKDIR=$C_SOCKDIR" "SBX_CONTAINER_IP=$C_IP" "PGHOST=$C_SOCKDIR" "PGPORT=5432" "PGUSER=postgres")
    fi
  fi
  # -e on exec wins over everything
  local -a final=()
  local -A seen=()
  local i
  for ((i = ${#SBX_ENV[@]} - 1; i >= 0; i--)); do
    k="${SBX_ENV[$i]%%=*}"
    [[ -n "${seen[$k]:-}" ]] && continue
    seen[$k]=1
    final=("${SBX_ENV[$i]}" "${final[@]}")
  done
  SBX_ENV=("${final[@]}")
}

# Is CMD an executable in PATH (as the container would see it)?
sbx_find_in_path() {
  local cmd="$1" path="$2" d
  if [[ "$cmd" == */* ]]; then
    [[ -x "$cmd" && ! -d "$cmd" ]]
    return
  fi
  local IFS=:
  for d in $path; do
    [[ -x "$d/$cmd" && ! -d "$d/$cmd" ]] && return 0
  done
  return 1
}

sbx_env_value() {
  local name="$1" e
  for e in "${SBX_ENV[@]}"; do
    [[ "${e%%=*}" == "$name" ]] && {
      echo "${e#*=}"
      return 0
    }
  done
  return 1
}

# ---------------------------------------------------------------------------------------------
# docker exec

sbx_cmd_exec() {
  local cmdpath="$1"
  shift
  sbx_flags "$cmdpath" 0 detach,d,b detach-keys,,v env,e,l env-file,,l interactive,i,b privileged,,b \
    tty,t,b user,u,v workdir,w,v -- "$@"
  ((${#SBX_POS[@]} >= 2)) || sbx_docker_args_error "$cmdpath" "at least 2 arguments" "$cmdpath [OPTIONS] CONTAINER COMMAND [ARG...]" "Execute a command in a running container"
  local ref="${SBX_POS[0]}"
  local -a argv=("${SBX_POS[@]:1}")
  if [[ -n "${SBX_F[tty]:-}" && -n "${SBX_F[interactive]:-}" && ! -t 0 ]]; then
    sbx_docker_die 1 "the input device is not a TTY"
  fi
  local file
  file="$(sbx_container_find_or_die "$ref")"
  sbx_container_load "$file"
  case "$C_STATUS" in
    running) ;;
    paused) sbx_daemon_error "container $C_ID is paused, unpause the container before exec" ;;
    restarting) sbx_daemon_error "Container $C_ID is restarting, wait until the container is running" ;;
    *) sbx_daemon_error "container $C_ID is not running" ;;
  esac
  local map home="$C_RUN/home"
  map="$(sbx_pathmap "$file" "/var/run/postgresql	$C_SOCKDIR")"
  mkdir -p "$home"
  local -a extra=()
  local e
  for e in "${SBX_L_env_file[@]}"; do
    while IFS= read -r line; do extra+=("$line"); done < <(sbx_read_env_file "$e")
  done
  for e in "${SBX_L_env[@]}"; do
    if [[ "$e" == *=* ]]; then extra+=("$e"); elif [[ -n "${!e+x}" ]]; then extra+=("$e=${!e}"); fi
  done
  sbx_container_env "$file" "$map" "$home" "${extra[@]}"
  sbx_map_words "$map" "${argv[@]}"
  argv=("${SBX_MAPPED[@]}")
  local path
  path="$(sbx_env_value PATH)"
  if ! PATH="$path" sbx_find_in_path "${argv[0]}" "$path"; then
    sbx_docker_die 127 "OCI runtime exec failed: exec failed: unable to start container process: exec: \"${argv[0]}\": executable file not found in \$PATH: unknown"
  fi
  local workdir="$home"
  if [[ -n "${SBX_F[workdir]:-}" ]]; then
    sbx_map_words "$map" "${SBX_F[workdir]}"
    workdir="${SBX_MAPPED[0]}"
  fi
  cd "$workdir" 2>/dev/null || cd "$home" || exit 1
  if [[ -n "${SBX_F[detach]:-}" ]]; then
    sbx_spawn_detached "$C_LOG" env -i "${SBX_ENV[@]}" "${argv[@]}"
    return 0
  fi
  if [[ -n "${SBX_F[interactive]:-}" ]]; then
    exec env -i "${SBX_ENV[@]}" "${argv[@]}"
  fi
  exec env -i "${SBX_ENV[@]}" "${argv[@]}" </dev/null
}

# ---------------------------------------------------------------------------------------------
# docker run

sbx_run_fail() { sbx_docker_die 125 "docker: $*" "See 'docker run --help'."; }

sbx_cmd_run() {
  local cmdpath="$1"
  shift
  sbx_flags "$cmdpath" 0 "${SBX_CREATE_SPEC[@]}" -- "$@"
  sbx_flags_merge_aliases
  ((${#SBX_POS[@]})) || sbx_docker_args_error "$cmdpath" "at least 1 argument" "$cmdpath [OPTIONS] IMAGE [COMMAND] [ARG...]" "Create and run a new container from an image"
  if [[ -n "${SBX_F[tty]:-}" && -n "${SBX_F[interactive]:-}" && ! -t 0 ]]; then
    sbx_docker_die 1 "the input device is not a TTY"
  fi
  local image_ref="${SBX_POS[0]}"
  SBX_RUN_IMAGE="$image_ref"
  local -a cmd=("${SBX_POS[@]:1}")
  local image_file pull_err
  pull_err="$(mktemp)"
  if ! image_file="$(sbx_image_ensure "$image_ref" 2> >(tee "$pull_err" | grep -v '^Error response from daemon:' >&2))"; then
    sleep 0.05
    local msg
    msg="$(grep '^Error response from daemon:' "$pull_err" | head -n1)"
    rm -f "$pull_err"
    sbx_run_fail "${msg:-Error response from daemon: pull failed}."
  fi
  rm -f "$pull_err"
  sbx_image_load "$image_file"

  # --link targets must exist and run
  local l
  for l in "${SBX_L_link[@]}"; do
    local lname="${l%%:*}" lfile
    lfile="$(sbx_container_find "$lname")" || sbx_run_fail "Error response from daemon: could not get container for $lname."
    if [[ "$(jq -r .State.Running "$lfile")" != true ]]; then
      sbx_run_fail "Error response from daemon: Cannot link to a non running container: $(jq -r .Name "$lfile") AS /${SBX_F[name]:-sandbox_run}/${l#*:}."
    fi
  done
  if [[ -n "${SBX_F[network]:-}" && "${SBX_F[network]}" != bridge && "${SBX_F[network]}" != host && "${SBX_F[network]}" != none &&
    "${SBX_F[network]}" != default && ! -f "$SANDBOX_DOCKER/networks/${SBX_F[network]}.json" ]]; then
    sbx_run_fail "Error response from daemon: network ${SBX_F[network]} not found."
  fi

  local entrypoint_set=""
  [[ -n "${SBX_F[entrypoint]+x}" ]] && entrypoint_set=1
  case "$CAT_KIND" in
    wait)
      [[ -n "$entrypoint_set" ]] && sbx_run_not_emulated "${SBX_F[entrypoint]}" "${cmd[@]}"
      sbx_run_wait "${cmd[@]}"
      ;;
    s3backup)
      if [[ -n "$entrypoint_set" ]]; then
        [[ "${SBX_F[entrypoint]}" == aws || "${SBX_F[entrypoint]}" == /usr/bin/aws ]] ||
          sbx_run_not_emulated "${SBX_F[entrypoint]}" "${cmd[@]}"
        sbx_run_s3backup_aws "${cmd[@]}"
      elif ((${#cmd[@]} == 0)) || [[ "${cmd[*]}" == /usr/bin/backup.sh ]]; then
        sbx_run_s3backup
      else
        sbx_run_not_emulated "${cmd[@]}"
      fi
      ;;
    busybox)
      local -a argv=("${cmd[@]}")
      [[ -n "$entrypoint_set" ]] && argv=("${SBX_F[entrypoint]}" "${cmd[@]}")
      ((${#argv[@]})) || argv=(sh)
      sbx_run_oneoff "$image_file" busybox "${argv[@]}"
      ;;
    ambassador)
      sbx_run_ambassador "$image_ref" "$image_file" "${cmd[@]}"
      ;;
    postgres)
      local -a argv=()
      if [[ -n "$entrypoint_set" ]]; then
        argv=(${SBX_F[entrypoint]:+"${SBX_F[entrypoint]}"} "${cmd[@]}")
        ((${#argv[@]})) || sbx_run_fail "Error response from daemon: no command specified."
        sbx_run_oneoff "$image_file" postgres "${argv[@]}"
        return
      fi
      argv=("${cmd[@]}")
      ((${#argv[@]})) || argv=(postgres)
      [[ "${argv[0]}" == -* ]] && argv=(postgres "${argv[@]}")
      if [[ "${argv[0]}" == postgres ]] && ! sbx_pg_wants_help "${argv[@]:1}"; then
        sbx_run_server "$image_ref" "$image_file" "${cmd[@]}"
      else
        sbx_run_oneoff "$image_file" postgres "${argv[@]}"
      fi
      ;;
    *)
      sbx_run_not_emulated "${cmd[@]}"
      ;;
  esac
}

sbx_pg_wants_help() {
  local a
  for a in "$@"; do
    case "$a" in -'?' | --help | --describe-config | -V | --version) return 0 ;; esac
  done
  return 1
}

sbx_run_not_emulated() {
  local what="$*"
  [[ -n "$what" ]] || what="its default command"
  sbx_docker_die 125 "sandbox: docker run of ${SBX_RUN_IMAGE:-$CAT_ENTRY} with $what is not emulated"
}

# One-off commands of a postgres or busybox image: sh -c, bash -s, ls, postgres --version, ...
# run on this machine with the image's paths mapped to real ones.
SBX_ONEOFF_COMMANDS=" sh bash ls cat echo true false test [ chmod chown mkdir rm cp mv touch find du stat
  id env printf sleep grep sed awk head tail wc sort tar gzip gunzip openssl readlink realpath dirname basename
  postgres initdb pg_ctl pg_config psql pg_dump pg_dumpall pg_restore createdb dropdb pg_isready pg_controldata
  pg_upgrade docker-entrypoint.sh gosu su "

sbx_run_oneoff() {
  local image_file="$1" kind="$2"
  shift 2
  local -a argv=("$@")
  local prog="${argv[0]##*/}"
  if [[ "$SBX_ONEOFF_COMMANDS" != *" $prog "* ]]; then
    sbx_run_not_emulated "${argv[@]}"
  fi
  if [[ "$prog" == docker-entrypoint.sh ]]; then
    argv=("${argv[@]:1}")
    ((${#argv[@]})) || argv=(postgres)
    prog="${argv[0]##*/}"
  fi
  if [[ "$kind" == postgres && "$prog" =~ ^(pg_upgrade|pg_config|pg_controldata)$ ]]; then
    sbx_binset_paths "$CAT_BINSET"
    [[ -x "$BS_BIN/$prog" ]] || sbx_docker_die 127 "docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: \"$prog\": executable file not found in \$PATH: unknown." "See 'docker run --help'."
  fi
  # a throw-away container record for the mounts (not kept: --rm is what the plugins use)
  local tmp home
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/sbx-run.XXXXXX")"
  home="$tmp/home"
  mkdir -p "$home" "$tmp/run" "$tmp/volume"
  local -a pairs=("/var/run/postgresql	$tmp/run" "/tmp	${TMPDIR:-/tmp}")
  local v src dst mode
  local -a mounted=()
  for v in "${SBX_L_volume[@]}"; do
    IFS=: read -r src dst mode <<<"$v"
    if [[ -z "$dst" ]]; then
      dst="$src"
      src="$tmp/volume${dst}"
      mkdir -p "$src"
    elif [[ "$src" != /* ]]; then
      src="$SANDBOX_DOCKER/volumes/$src/_data"
      mkdir -p "$src"
    else
      mkdir -p "$src" 2>/dev/null || true
    fi
    pairs+=("$dst	$src")
    mounted+=("$dst")
  done
  if [[ "$kind" == postgres ]]; then
    # the image's VOLUME, when nothing is mounted there, is an empty anonymous volume
    local ivol
    ivol=/var/lib/postgresql/data
    ((CAT_MAJOR >= 18)) && ivol=/var/lib/postgresql
    if [[ " ${mounted[*]} " != *" $ivol "* ]]; then
      mkdir -p "$tmp/volume$ivol"
      pairs+=("$ivol	$tmp/volume$ivol")
      mounted+=("$ivol")
    fi
    # /var/lib/postgresql itself (when not a mount) lists what is mounted below it
    if [[ " ${mounted[*]} " != *" /var/lib/postgresql "* ]]; then
      local root="$tmp/rootfs/var/lib/postgresql" m p
      mkdir -p "$root"
      for p in "${pairs[@]}"; do
        m="${p%%	*}"
        [[ "$m" == /var/lib/postgresql/* && "${m#/var/lib/postgresql/}" != */* ]] && ln -s "${p#*	}" "$root/${m##*/}"
      done
      pairs+=("/var/lib/postgresql	$root")
    fi
  fi
  local map
  map="$(sbx_pathmap "" "${pairs[@]}")"
  local -a envs=()
  local e
  for e in "${SBX_L_env_file[@]}"; do
    while IFS= read -r line; do envs+=("$line"); done < <(sbx_read_env_file "$e")
  done
  for e in "${SBX_L_env[@]}"; do
    if [[ "$e" == *=* ]]; then envs+=("$e"); elif [[ -n "${!e+x}" ]]; then envs+=("$e=${!e}"); fi
  done
  local -a image_env=()
  mapfile -t image_env < <(jq -r '.Config.Env // [] | .[]' "$image_file")
  sbx_container_env "" "$map" "$home" "${image_env[@]}" "${envs[@]}"
  # the script of `bash -s` / `sh -s` comes on stdin: map its paths too
  local stdin_script=""
  if [[ -n "${SBX_F[interactive]:-}" && ("$prog" == bash || "$prog" == sh) ]]; then
    local a has_c=""
    for a in "${argv[@]:1}"; do [[ "$a" == -c ]] && has_c=1; done
    [[ -z "$has_c" ]] && stdin_script=1
  fi
  sbx_map_words "$map" "${argv[@]}"
  argv=("${SBX_MAPPED[@]}")
  local rc=0
  local workdir="$home"
  if [[ -n "${SBX_F[workdir]:-}" ]]; then
    sbx_map_words "$map" "${SBX_F[workdir]}"
    workdir="${SBX_MAPPED[0]}"
  fi
  if [[ "$prog" == postgres || "$prog" == initdb || "$prog" == pg_ctl ]]; then
    sbx_binset_paths "$CAT_BINSET"
    argv[0]="$BS_BIN/$prog"
  fi
  local errf
  errf="$(mktemp)"
  if [[ -n "$stdin_script" ]]; then
    (cd "$workdir" && sbx_map_text "$map" | env -i "${SBX_ENV[@]}" "${argv[@]}") 2>"$errf" || rc=$?
  elif [[ -n "${SBX_F[interactive]:-}" ]]; then
    (cd "$workdir" && env -i "${SBX_ENV[@]}" "${argv[@]}") 2>"$errf" || rc=$?
  else
    (cd "$workdir" && env -i "${SBX_ENV[@]}" "${argv[@]}" </dev/null) 2>"$errf" || rc=$?
  fi
  # messages name the container's paths, not ours
  sbx_unmap_text "$map" <"$errf" >&2
  rm -f "$errf"
  rm -rf "$tmp"
  return "$rc"
}

# dokku/wait: wait [-c host:port[,host:port]] [-t timeout] [-p ports]. Like the image: a line
# "Waiting for HOST:PORT  ." with a dot per second, "  up!" then "Everything is up". A target that
# is a sandbox container must also have finished its entrypoint (the official image only
# listens on TCP once initialised); a container that is crash-looping fails at once.
sbx_run_wait() {
  local timeout="${TIMEOUT:-30}" targets="" ports="" e
  for e in "${SBX_L_env[@]}"; do [[ "$e" == TIMEOUT=* ]] && timeout="${e#TIMEOUT=}"; done
  local OPTIND=1 opt
  while getopts ":t:c:p:" opt; do
    case "$opt" in
      t)
        timeout="$OPTARG"
        [[ "$timeout" =~ ^[0-9]+$ ]] || sbx_docker_die 1 "Invalid timeout number: $timeout"
        ;;
      c) targets="$OPTARG" ;;
      p) ports="$OPTARG" ;;
      \?) sbx_docker_die 1 "Invalid option: -$OPTARG" ;;
      :) sbx_docker_die 1 "Option -$OPTARG requires an argument." ;;
    esac
  done
  local links="" l
  for l in "${SBX_L_link[@]}"; do
    if [[ "$l" == *:* ]]; then links+="$l"$'\n'; else links+="$l:$l"$'\n'; fi
  done
  local -a uris=()
  if [[ -z "$targets" ]]; then
    # every linked container's exposed ports (5432 for postgres)
    for l in "${SBX_L_link[@]}"; do
      local lfile
      lfile="$(sbx_container_find "${l%%:*}")" || continue
      local p
      while IFS= read -r p; do
        [[ -n "$p" ]] || continue
        [[ -z "$ports" || ",$ports," == *",${p%/*},"* ]] && uris+=("${l#*:}:${p%/*}")
      done < <(jq -r '.Config.ExposedPorts // {} | keys[]' "$lfile")
    done
    if ((${#uris[@]} == 0)); then
      sbx_docker_die 1 "The linked container(s) export no ports and you didn't specify any manual targets."
    fi
  else
    IFS=, read -r -a uris <<<"$targets"
  fi
  local uri
  for uri in "${uris[@]}"; do
    local host="${uri%%:*}" port="${uri#*:}"
    [[ "$uri" == *:* ]] || port=""
    if [[ -z "$host" || -z "$port" ]]; then
      echo "  SKIP: Missing host or port in $uri"
      continue
    fi
    printf 'Waiting for %s  .' "$uri"
    local start now elapsed=0 ok="" last_dot
    start="$(date +%s%N)"
    last_dot="$start"
    while true; do
      if sbx_wait_probe "$host" "$port" "$links"; then
        ok=1
        break
      fi
      [[ "$SBX_PROBE" == failed ]] && break
      now="$(date +%s%N)"
      elapsed=$(((now - start) / 1000000000))
      ((elapsed >= timeout)) && break
      if ((now - last_dot >= 1000000000)); then
        printf '.'
        last_dot="$now"
      fi
      sleep 0.05
    done
    if [[ -n "$ok" ]]; then
      echo "  up!"
    else
      echo "  ERROR: unable to connect" >&2
      return 1
    fi
  done
  echo "Everything is up"
}

# One readiness probe of HOST:PORT. Sets SBX_PROBE to failed when the target is a container
# that cannot come up (crash loop or exited), so the wait gives up early.
sbx_wait_probe() {
  local host="$1" port="$2" links="$3" ip target file
  SBX_PROBE=""
  target="$host"
  local l
  while IFS= read -r l; do
    [[ -n "$l" && "${l#*:}" == "$host" ]] && target="${l%%:*}"
  done <<<"$links"
  if file="$(sbx_container_find "$target" 2>/dev/null)"; then
    local status id
    read -r status id < <(jq -r '"\(.State.Status) \(.Id)"' "$file")
    case "$status" in
      running) ;;
      restarting)
        SBX_PROBE=failed
        return 1
        ;;
      *)
        SBX_PROBE=failed
        return 1
        ;;
    esac
    [[ -f "$SANDBOX_DOCKER/run/$id/ready" ]] || return 1
  fi
  ip="$(sbx_resolve_host "$host" "$links")" || return 1
  (exec 3<>"/dev/tcp/$ip/$port") 2>/dev/null
}

# busybox / postgres server containers started by `docker run` (detached or not).
sbx_run_server() {
  local image_ref="$1" image_file="$2"
  shift 2
  sbx_docker_dirs
  local id
  id="$(sbx_docker_locked sbx_container_create_locked "run" "$image_ref" "$image_file" "$@")" || exit 125
  local file="$SANDBOX_DOCKER/containers/$id.json"
  sbx_container_launch "$file"
  if [[ -n "${SBX_F[detach]:-}" ]]; then
    echo "$id"
    return 0
  fi
  sbx_container_load "$file"
  local shim
  shim="$(sbx_pid_from_file "$C_RUN/shim.pid")" || shim=""
  trap 'sbx_container_stop "$file" 10 "" manual; exit 130' INT TERM
  if [[ -n "$shim" ]]; then
    tail -n +1 -f --pid="$shim" "$C_LOG" 2>/dev/null || true
  fi
  local rc
  rc="$(jq -r .State.ExitCode "$file" 2>/dev/null || echo 0)"
  if [[ -n "${SBX_F[rm]:-}" && -f "$file" ]]; then
    sbx_container_remove "$file" 1
  fi
  return "$rc"
}

# ---------------------------------------------------------------------------------------------
# The shim: one per started container, detached, as the sandbox user. It plays the image's
# entrypoint, runs the real server (or command), records every state change and applies the
# restart policy.

sbx_shim() {
  local id="$1"
  local file="$SANDBOX_DOCKER/containers/$id.json"
  [[ -f "$file" ]] || exit 1
  sbx_container_load "$file"
  mkdir -p "$C_RUN"
  echo "$BASHPID" >"$C_RUN/shim.pid"
  SBX_SHIM_CHILD=""
  trap 'sbx_shim_on_term' TERM INT HUP
  local delay_ms=100 rc started
  while true; do
    started="$(date +%s)"
    rc=0
    sbx_shim_run_once "$file" || rc=$?
    rm -f "$C_RUN/ready" "$C_RUN/server.pid"
    [[ -f "$file" ]] || exit 0
    local why=""
    [[ -f "$C_RUN/stopping" ]] && why="$(cat "$C_RUN/stopping")"
    local policy max count
    read -r policy max count < <(jq -r '"\(.HostConfig.RestartPolicy.Name) \(.HostConfig.RestartPolicy.MaximumRetryCount) \(.RestartCount)"' "$file")
    local restart=""
    if [[ -z "$why" ]]; then
      case "$policy" in
        always | unless-stopped) restart=1 ;;
        on-failure) ((rc != 0)) && { ((max == 0 || count < max)) && restart=1; } ;;
      esac
    fi
    if [[ -z "$restart" ]]; then
      sbx_shim_exit "$file" "$rc" "$why"
    fi
    # docker's backoff: 100ms doubling, reset after 10s of running
    (($(date +%s) - started >= 10)) && delay_ms=100
    sbx_container_update "$file" '.State += {Status: "restarting", Running: true, Restarting: true, Pid: 0,
        ExitCode: $rc, FinishedAt: $now} | .RestartCount += 1' --argjson rc "$rc" --arg now "$(sbx_now)"
    sleep "$(awk -v ms="$delay_ms" 'BEGIN { printf "%.3f", ms / 1000 }')" &
    SBX_SHIM_CHILD=$!
    wait "$SBX_SHIM_CHILD" 2>/dev/null || true
    SBX_SHIM_CHILD=""
    if [[ -f "$C_RUN/stopping" ]]; then
      sbx_shim_exit "$file" "$rc" "$(cat "$C_RUN/stopping")"
    fi
    delay_ms=$((delay_ms * 2))
    ((delay_ms > 60000)) && delay_ms=60000
    sbx_container_update "$file" '.State += {Status: "running", Running: true, Restarting: false, StartedAt: $now}' \
      --arg now "$(sbx_now)"
  done
}

# The container's main process ended for good: record it and leave.
sbx_shim_exit() {
  local file="$1" rc="$2" why="$3"
  sbx_container_update "$file" '.State += {Status: "exited", Running: false, Paused: false, Restarting: false,
      Pid: 0, ExitCode: $rc, FinishedAt: $now} | .Sandbox.manuallyStopped = ($why == "manual")' \
    --argjson rc "$rc" --arg now "$(sbx_now)" --arg why "$why"
  rm -f "$C_RUN/shim.pid"
  if [[ "$C_AUTOREMOVE" == true && -z "$why" ]]; then
    sbx_container_remove "$file" 1
  fi
  exit 0
}

sbx_shim_on_term() {
  [[ -f "$C_RUN/stopping" ]] || echo daemon >"$C_RUN/stopping"
  local server
  if server="$(sbx_pid_from_file "$C_RUN/server.pid")"; then
    kill -INT "$server" 2>/dev/null || true
  fi
  if [[ -n "$SBX_SHIM_CHILD" ]]; then kill "$SBX_SHIM_CHILD" 2>/dev/null || true; fi
}

# One run of the container's main process. Returns its exit status.
sbx_shim_run_once() {
  local file="$1"
  sbx_container_load "$file"
  local -a argv=()
  mapfile -t argv < <(jq -r '([.Path] + .Args)[]' "$file")
  case "$CAT_KIND" in
    postgres)
      if [[ "${argv[0]}" == docker-entrypoint.sh ]]; then
        argv=("${argv[@]:1}")
        ((${#argv[@]})) || argv=(postgres)
        [[ "${argv[0]}" == -* ]] && argv=(postgres "${argv[@]}")
        if [[ "${argv[0]}" == postgres ]] && ! sbx_pg_wants_help "${argv[@]:1}"; then
          sbx_entrypoint_postgres "$file" "${argv[@]:1}"
          return
        fi
      fi
      sbx_shim_command "$file" "${argv[@]}"
      ;;
    ambassador)
      sbx_shim_ambassador "$file"
      ;;
    *)
      sbx_shim_command "$file" "${argv[@]}"
      ;;
  esac
}

# A container whose main process is an ordinary command (output to the log).
sbx_shim_command() {
  local file="$1"
  shift
  local map home="$C_RUN/home"
  mkdir -p "$home"
  map="$(sbx_pathmap "$file" "/var/run/postgresql	$C_SOCKDIR")"
  sbx_container_env "$file" "$map" "$home"
  sbx_map_words "$map" "$@"
  local -a argv=("${SBX_MAPPED[@]}")
  if [[ "$CAT_KIND" == postgres && "${argv[0]}" =~ ^(postgres|initdb|pg_ctl)$ ]]; then
    sbx_binset_paths "$CAT_BINSET"
    argv[0]="$BS_BIN/${argv[0]}"
  fi
  local path
  path="$(sbx_env_value PATH)"
  if ! sbx_find_in_path "${argv[0]}" "$path"; then
    echo "exec: \"${argv[0]}\": executable file not found in \$PATH"
    return 127
  fi
  (cd "$home" && exec env -i "${SBX_ENV[@]}" "${argv[@]}") </dev/null &
  SBX_SHIM_CHILD=$!
  echo "$SBX_SHIM_CHILD" >"$C_RUN/server.pid"
  sbx_container_update "$file" '.State.Pid = $pid' --argjson pid "$SBX_SHIM_CHILD"
  touch "$C_RUN/ready"
  local rc=0
  while true; do
    wait "$SBX_SHIM_CHILD" && rc=0 || rc=$?
    sbx_pid_alive "$SBX_SHIM_CHILD" || break
  done
  SBX_SHIM_CHILD=""
  return "$rc"
}

# The official postgres image's docker-entrypoint.sh, for the sandbox: PGDATA by major, the
# 18+ "unused mount/volume" and old-data checks, initialisation of an empty PGDATA from the
# cached template (POSTGRES_PASSWORD required), then the real server on 127.A.B.C:5432 and
# SANDBOX_SOCKET_DIR/<C>/.s.PGSQL.5432, as the sandbox user.
sbx_entrypoint_postgres() {
  local file="$1"
  shift
  local -a args=("$@")
  local map
  map="$(sbx_pathmap "$file" "/var/run/postgresql	$C_SOCKDIR")"
  local -A env=()
  local e
  for e in "${C_ENV[@]}"; do env[${e%%=*}]="${e#*=}"; done
  local pgdata_c="${env[PGDATA]:-/var/lib/postgresql/data}"
  sbx_map_words "$map" "$pgdata_c"
  local pgdata="${SBX_MAPPED[0]}"
  if [[ "$pgdata" == "$pgdata_c" ]]; then
    echo "sandbox: PGDATA $pgdata_c is on no volume of this container" >&2
    return 1
  fi
  sbx_binset_paths "$CAT_BINSET"
  local major="$CAT_MAJOR"
  local user="${env[POSTGRES_USER]:-postgres}" db="${env[POSTGRES_DB]:-${env[POSTGRES_USER]:-postgres}}"
  local password="${env[POSTGRES_PASSWORD]:-}" auth="${env[POSTGRES_HOST_AUTH_METHOD]:-}"
  if [[ -n "${env[POSTGRES_PASSWORD_FILE]:-}" ]]; then
    sbx_map_words "$map" "${env[POSTGRES_PASSWORD_FILE]}"
    password="$(cat "${SBX_MAPPED[0]}" 2>/dev/null || true)"
  fi

  local exists="" d
  local -a old=()
  if [[ -s "$pgdata/PG_VERSION" ]]; then
    exists=1
  elif [[ "$pgdata_c" == "/var/lib/postgresql/$major/docker" ]]; then
    for d in /var/lib/postgresql /var/lib/postgresql/data; do
      sbx_map_words "$map" "$d/PG_VERSION"
      [[ -s "${SBX_MAPPED[0]}" ]] && old+=("$d")
    done
    sbx_map_words "$map" /var/lib/postgresql
    local root="${SBX_MAPPED[0]}" sub
    if [[ "$root" != /var/lib/postgresql ]]; then
      for sub in "$root"/*/docker; do
        [[ -s "$sub/PG_VERSION" ]] && old+=("/var/lib/postgresql/${sub#"$root"/}")
      done
    fi
    if ((${#old[@]} == 0 && major >= 18)) &&
      jq -e '.Mounts | any(.Destination == "/var/lib/postgresql/data")' "$file" >/dev/null; then
      old+=('/var/lib/postgresql/data (unused mount/volume)')
    fi
  fi

  local fresh=""
  if [[ -z "$exists" ]]; then
    if [[ -z "$password" && "$auth" != trust ]]; then
      cat >&2 <<'EOE'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
       connections without a password. This is *not* recommended.

       See PostgreSQL documentation about "trust":
       https://www.postgresql.org/docs/current/auth-trust.html
EOE
      return 1
    fi
    if ((${#old[@]})); then
      cat >&2 <<EOE
Error: in 18+, these Docker images are configured to store database data in a
       format which is compatible with "pg_ctlcluster" (specifically, using
       major-version-specific directory names).  This better reflects how
       PostgreSQL itself works, and how upgrades are to be performed.

       See also https://github.com/docker-library/postgres/pull/1259

       Counter to that, there appears to be PostgreSQL data in:
         ${old[*]}

       This is usually the result of upgrading the Docker image without
       upgrading the underlying database using "pg_upgrade" (which requires both
       versions).

       The suggested container configuration for 18+ is to place a single mount
       at /var/lib/postgresql which will then place PostgreSQL data in a
       subdirectory, allowing usage of "pg_upgrade --link" without mount point
       boundary issues.

       See https://github.com/docker-library/postgres/issues/37 for a (long)
       discussion around this process, and suggestions for how to do so.
EOE
      return 1
    fi
    [[ -d "$BS_TEMPLATE" ]] || {
      echo "sandbox: no initdb template at $BS_TEMPLATE (run: tests/sandbox/sandbox prepare)" >&2
      return 1
    }
    if ! sbx_spare_take "$pgdata"; then
      mkdir -p "$pgdata"
      # sparse: the template's WAL segment is mostly zeros
      cp -R --sparse=always "$BS_TEMPLATE/." "$pgdata/"
      chmod -R go-rwx "$pgdata"
    fi
    sbx_spare_refill
    [[ "$user" != postgres ]] && echo "sandbox: POSTGRES_USER=$user is not emulated; the superuser is postgres" >&2
    echo "The files belonging to this database system will be owned by user \"$(id -un)\"."
    echo "sandbox: PGDATA initialised from the cached initdb template of $CAT_ENTRY (initdb -U postgres -E UTF8 --locale=C.UTF-8)"
    {
      printf '\n'
      if [[ "$auth" == trust ]]; then
        printf '# warning trust is enabled for all connections\n'
        printf '# see https://www.postgresql.org/docs/17/auth-trust.html\n'
      fi
      printf 'host all all all %s\n' "${auth:-scram-sha-256}"
    } >>"$pgdata/pg_hba.conf"
    fresh=1
  else
    printf '\nPostgreSQL Database directory appears to contain a database; Skipping initialization\n\n'
  fi

  mkdir -p "$C_SOCKDIR"
  chmod 0755 "$C_SOCKDIR" 2>/dev/null || true
  rm -f "$C_SOCKDIR/.s.PGSQL.5432" "$C_SOCKDIR/.s.PGSQL.5432.lock"
  sbx_map_words "$map" "${args[@]}"
  local -a server=("$BS_BIN/postgres" -D "$pgdata" "${SBX_MAPPED[@]}"
    -c "listen_addresses=$C_IP" -c port=5432 -c "unix_socket_directories=$C_SOCKDIR")
  "${server[@]}" </dev/null &
  SBX_SHIM_CHILD=$!
  echo "$SBX_SHIM_CHILD" >"$C_RUN/server.pid"
  # readiness, then what the entrypoint's temporary server would have done
  local i ready=""
  for ((i = 0; i < 3000; i++)); do
    sbx_pid_alive "$SBX_SHIM_CHILD" || break
    if "$SBX_PG_CLIENT_BIN/pg_isready" -q -h "$C_SOCKDIR" -p 5432 -U postgres -d postgres -t 1 2>/dev/null; then
      ready=1
      break
    fi
    sleep 0.02
  done
  if [[ -n "$ready" && -n "$fresh" ]]; then
    if [[ -n "$password" ]]; then
      "$SBX_PG_CLIENT_BIN/psql" -h "$C_SOCKDIR" -p 5432 -U postgres -d postgres -X -q -v ON_ERROR_STOP=1 \
        -v pw="$password" <<<"ALTER USER postgres WITH PASSWORD :'pw';" || true
    fi
    if [[ "$db" != postgres ]]; then
      "$SBX_PG_CLIENT_BIN/psql" -h "$C_SOCKDIR" -p 5432 -U postgres -d postgres -X -q -v ON_ERROR_STOP=1 \
        -v db="$db" <<<'CREATE DATABASE :"db" ;' || true
    fi
    printf '\nPostgreSQL init process complete; ready for start up.\n\n'
  fi
  [[ -n "$ready" ]] && touch "$C_RUN/ready"
  sbx_container_update "$file" '.State.Pid = $pid' --argjson pid "$SBX_SHIM_CHILD"
  local rc=0
  while true; do
    wait "$SBX_SHIM_CHILD" && rc=0 || rc=$?
    sbx_pid_alive "$SBX_SHIM_CHILD" || break
  done
  SBX_SHIM_CHILD=""
  return "$rc"
}

# A spare copy of the template per server build (DIR/docker/spare/<template>), made in the
# background after each use: initialising PGDATA is then a rename instead of a 40 MB copy.
sbx_spare_path() { echo "$SANDBOX_DOCKER/spare/${BS_TEMPLATE##*/}"; }

# Move the spare to PGDATA (an empty or missing directory). Fails when there is none.
sbx_spare_take() {
  local pgdata="$1" spare taken
  spare="$(sbx_spare_path)"
  [[ -d "$spare" ]] || return 1
  taken="$spare.taken.$BASHPID"
  mv -T "$spare" "$taken" 2>/dev/null || return 1
  if [[ -d "$pgdata" ]] && ! rmdir "$pgdata" 2>/dev/null; then
    rm -rf "$taken"
    return 1
  fi
  mkdir -p "$(dirname "$pgdata")"
  if ! mv -T "$taken" "$pgdata" 2>/dev/null; then
    rm -rf "$taken"
    mkdir -p "$pgdata"
    return 1
  fi
}

sbx_spare_refill() {
  local spare
  spare="$(sbx_spare_path)"
  [[ -d "$spare" ]] && return 0
  mkdir -p "$SANDBOX_DOCKER/spare"
  sbx_spawn_detached /dev/null nice -n 10 bash -c '
    spare="$1" template="$2" tmp="$1.new.$$"
    [[ -d "$spare" ]] && exit 0
    cp -R --sparse=always "$template" "$tmp" && chmod -R go-rwx "$tmp" && mv -T "$tmp" "$spare" 2>/dev/null
    rm -rf "$tmp"' _ "$spare" "$BS_TEMPLATE"
}

# ---------------------------------------------------------------------------------------------
# The "daemon" of a host: `sandbox up` starts it, `sandbox down` stops it.

sbx_daemon_up() {
  sbx_docker_dirs
  mkdir -p "$(sbx_socket_root)"
  local booting=""
  [[ -f "$SANDBOX_DOCKER/run/daemon.up" ]] || booting=1
  sbx_s3_up
  sbx_container_files
  local file
  for file in "${SBX_CFILES[@]}"; do
    sbx_container_load "$file"
    if sbx_pid_from_file "$C_RUN/shim.pid" >/dev/null; then
      continue
    fi
    local manual
    manual="$(jq -r '.Sandbox.manuallyStopped // false' "$file")"
    local start=""
    if [[ -n "$booting" ]]; then
      case "$C_RESTART" in
        always) start=1 ;;
        unless-stopped) [[ "$manual" == true ]] || start=1 ;;
      esac
    elif [[ "$C_STATUS" == running || "$C_STATUS" == restarting ]]; then
      # its processes died without a daemon stop (a reboot): like a daemon start for it
      case "$C_RESTART" in
        always | unless-stopped) start=1 ;;
      esac
    fi
    if [[ -n "$start" ]]; then
      sbx_container_launch "$file"
    elif [[ "$C_STATUS" == running || "$C_STATUS" == restarting || "$C_STATUS" == paused ]]; then
      sbx_container_update "$file" '.State += {Status: "exited", Running: false, Paused: false, Restarting: false,
          Pid: 0, ExitCode: 255, FinishedAt: $now}' --arg now "$(sbx_now)"
    fi
  done
  sbx_docker_locked sbx_hosts_rebuild
  date -u +%FT%TZ >"$SANDBOX_DOCKER/run/daemon.up"
}

sbx_daemon_down() {
  sbx_container_files
  local file
  local -a pids=()
  for file in "${SBX_CFILES[@]}"; do
    sbx_container_load "$file"
    local shim
    shim="$(sbx_pid_from_file "$C_RUN/shim.pid")" || continue
    echo daemon >"$C_RUN/stopping"
    local server
    if server="$(sbx_pid_from_file "$C_RUN/server.pid")"; then
      kill -INT "$server" 2>/dev/null || true
    fi
    kill -TERM "$shim" 2>/dev/null || true
    pids+=("$file")
  done
  for file in "${pids[@]}"; do
    sbx_container_load "$file"
    local server shim
    server="$(sbx_pid_from_file "$C_RUN/server.pid")" && sbx_stop_pid "$server" INT 10
    shim="$(sbx_pid_from_file "$C_RUN/shim.pid")" && sbx_stop_pid "$shim" TERM 5
    # a daemon shutdown is not a manual stop
    sbx_container_update "$file" 'if .State.Status == "exited" then . else
        .State += {Status: "exited", Running: false, Paused: false, Restarting: false, Pid: 0, FinishedAt: $now} end
      | .Sandbox.manuallyStopped = false' --arg now "$(sbx_now)"
    rm -f "$C_RUN/stopping" "$C_RUN/ready"
  done
  sbx_s3_down
  rm -f "$SANDBOX_DOCKER/run/daemon.up"
  # the per-container socket dirs are empty once their servers are gone
  local root
  root="$(sbx_socket_root)"
  if [[ -d "$root" ]]; then
    find "$root" -mindepth 1 -maxdepth 1 -type d -empty -delete 2>/dev/null || true
    rmdir "$root" 2>/dev/null || true
  fi
  [[ -d "$SANDBOX_DOCKER" ]] && sbx_docker_locked sbx_hosts_rebuild
  return 0
}
