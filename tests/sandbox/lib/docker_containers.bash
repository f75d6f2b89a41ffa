#!/usr/bin/env bash
# The sandbox's docker, part 2: containers. Flag parsing, create/start/stop/kill/restart/rm/
# update/pause/unpause/inspect/logs/ps/wait, networks, the hosts file, and the per-container
# "shim" that plays the image's entrypoint and supervises the real PostgreSQL server with the
# restart policy. Sourced by lib/docker.bash; defines functions only.
# jq programs are single-quoted on purpose; C_*/CAT_*/SBX_L_* are shared between the parts.
# shellcheck disable=SC2016,SC2034,SC2154,SC2054

# ---------------------------------------------------------------------------------------------
# Flag parsing (pflag style: --name=value, --name value, -n value, -nvalue, -abc bools)

# sbx_flags CMDPATH INTERSPERSED SPEC... -- ARGS...
# SPEC is "long,short,kind" with kind b (bool), v (value) or l (repeatable). Results:
# SBX_F[long] for b and v, the array SBX_L_<long with - as _> for l, SBX_POS for positionals.
# INTERSPERSED=0 stops at the first positional (create/run/exec: the rest is the command).
sbx_flags() {
  local cmdpath="$1" inter="$2"
  shift 2
  local -A kind=() short=()
  local n s k
  while [[ "$1" != -- ]]; do
    IFS=, read -r n s k <<<"$1"
    kind[$n]="$k"
    [[ -n "$s" ]] && short[$s]="$n"
    if [[ "$k" == l ]]; then declare -ga "SBX_L_${n//-/_}=()"; fi
    shift
  done
  shift
  declare -gA SBX_F=()
  SBX_POS=()
  local a name val hasval cluster c
  while (($#)); do
    a="$1"
    shift
    if [[ "$a" == -- ]]; then
      SBX_POS+=("$@")
      break
    elif [[ "$a" == --?* ]]; then
      name="${a#--}"
      val=""
      hasval=""
      if [[ "$name" == *=* ]]; then
        val="${name#*=}"
        name="${name%%=*}"
        hasval=1
      fi
      k="${kind[$name]:-}"
      [[ -n "$k" ]] || sbx_docker_flag_error "$cmdpath" "unknown flag: --$name"
      if [[ "$k" == b ]]; then
        if [[ -n "$hasval" ]]; then
          case "$val" in
            true | 1 | t | T | TRUE | True) SBX_F[$name]=1 ;;
            false | 0 | f | F | FALSE | False) SBX_F[$name]="" ;;
            *) sbx_docker_flag_error "$cmdpath" "invalid argument \"$val\" for \"--$name\" flag: strconv.ParseBool: parsing \"$val\": invalid syntax" ;;
          esac
        else
          SBX_F[$name]=1
        fi
      else
        if [[ -z "$hasval" ]]; then
          (($#)) || sbx_docker_flag_error "$cmdpath" "flag needs an argument: --$name"
          val="$1"
          shift
        fi
        sbx_flags_store "$name" "$k" "$val"
      fi
    elif [[ "$a" == -?* ]]; then
      cluster="${a#-}"
      while [[ -n "$cluster" ]]; do
        c="${cluster:0:1}"
        cluster="${cluster:1}"
        name="${short[$c]:-}"
        [[ -n "$name" ]] || sbx_docker_flag_error "$cmdpath" "unknown shorthand flag: '$c' in $a"
        k="${kind[$name]}"
        if [[ "$k" == b ]]; then
          SBX_F[$name]=1
        else
          if [[ -n "$cluster" ]]; then
            val="${cluster#=}"
            cluster=""
          else
            (($#)) || sbx_docker_flag_error "$cmdpath" "flag needs an argument: '$c' in -$c"
            val="$1"
            shift
          fi
          sbx_flags_store "$name" "$k" "$val"
        fi
      done
    else
      if [[ "$inter" == 1 ]]; then
        SBX_POS+=("$a")
      else
        SBX_POS+=("$a" "$@")
        break
      fi
    fi
  done
}

sbx_flags_store() {
  local name="$1" k="$2" val="$3"
  if [[ "$k" == l ]]; then
    local -n _sbx_list="SBX_L_${name//-/_}"
    _sbx_list+=("$val")
  else
    SBX_F[$name]="$val"
  fi
}

# ---------------------------------------------------------------------------------------------
# Lookups

sbx_container_files() {
  shopt -s nullglob
  SBX_CFILES=("$SANDBOX_DOCKER"/containers/*.json)
  shopt -u nullglob
}

# Resolve a container reference (full id, name, unique id prefix) to its file.
sbx_container_find() {
  local ref="${1#/}"
  [[ -n "$ref" ]] || return 1
  if [[ "$ref" =~ ^[0-9a-f]{64}$ && -f "$SANDBOX_DOCKER/containers/$ref.json" ]]; then
    echo "$SANDBOX_DOCKER/containers/$ref.json"
    return 0
  fi
  # the name index (names/<name> holds the id; rebuilt when it misses containers, e.g. on
  # hosts made before it existed), then a unique id prefix
  if [[ "$ref" =~ ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$ && ! -f "$SANDBOX_DOCKER/names/$ref" ]]; then
    sbx_container_files
    shopt -s nullglob
    local -a names=("$SANDBOX_DOCKER"/names/*)
    shopt -u nullglob
    ((${#names[@]} < ${#SBX_CFILES[@]})) && sbx_names_reindex
  fi
  if [[ "$ref" =~ ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$ && -f "$SANDBOX_DOCKER/names/$ref" ]]; then
    local id
    id="$(<"$SANDBOX_DOCKER/names/$ref")"
    if [[ -f "$SANDBOX_DOCKER/containers/$id.json" ]]; then
      echo "$SANDBOX_DOCKER/containers/$id.json"
      return 0
    fi
  fi
  if [[ "$ref" =~ ^[0-9a-f]+$ ]]; then
    shopt -s nullglob
    local -a hits=("$SANDBOX_DOCKER"/containers/"$ref"*.json)
    shopt -u nullglob
    if ((${#hits[@]} == 1)); then
      echo "${hits[0]}"
      return 0
    fi
  fi
  return 1
}

sbx_names_reindex() {
  mkdir -p "$SANDBOX_DOCKER/names"
  sbx_container_files
  ((${#SBX_CFILES[@]})) || return 0
  local id name
  while read -r id name; do
    [[ -n "$name" ]] && printf '%s\n' "$id" >"$SANDBOX_DOCKER/names/$name"
  done < <(jq -r '"\(.Id) \(.Name[1:])"' "${SBX_CFILES[@]}")
}

sbx_container_find_or_die() {
  local ref="$1" file
  file="$(sbx_container_find "$ref")" || sbx_daemon_error "No such container: $ref"
  echo "$file"
}

sbx_containers_using_image() {
  local id="$1"
  sbx_container_files
  ((${#SBX_CFILES[@]})) || return 0
  jq -r --arg id "$id" 'select(.Image == $id) | .Id' "${SBX_CFILES[@]}"
}

# A container's fields, one per line, into the C_* variables.
# A container's fields into the C_* variables (and its image's CAT_*), with one jq call:
# NUL-separated scalars, then Config.Env (C_ENV) and the Mounts map (C_MOUNTS, "DST<TAB>SRC").
sbx_container_load() {
  local file="$1"
  C_FILE="$file"
  local -a f
  mapfile -d '' -t f < <(jq -j '
    [.Id, .Name[1:], .State.Status, (.State.Running | tostring), (.Sandbox.kind // ""),
     (.Sandbox.binset // ""), (.Sandbox.major // ""), (.Sandbox.ip // ""), (.Sandbox.octet // ""),
     .HostConfig.RestartPolicy.Name, (.HostConfig.RestartPolicy.MaximumRetryCount | tostring),
     (.Sandbox.version // ""), (.Config.StopSignal // "SIGTERM"), .Config.Image, (.HostConfig.AutoRemove | tostring),
     ((.HostConfig.Links // []) | join(" ")), (.Sandbox.entry // ""), .Image,
     ((.Config.Env // []) | length | tostring)]
    + (.Config.Env // [])
    + [(.Mounts | map("\(.Destination)\t\(.Source)") | join("\n"))]
    | map(tostring + "\u0000") | add' "$file")
  C_ID="${f[0]}" C_NAME="${f[1]}" C_STATUS="${f[2]}" C_RUNNING="${f[3]}" C_KIND="${f[4]}"
  C_BINSET="${f[5]}" C_MAJOR="${f[6]}" C_IP="${f[7]}" C_OCTET="${f[8]}" C_RESTART="${f[9]}"
  C_RESTART_MAX="${f[10]}" C_VERSION="${f[11]}" C_STOPSIGNAL="${f[12]}" C_IMAGE="${f[13]}"
  C_AUTOREMOVE="${f[14]}" C_LINKS="${f[15]}"
  # the image the container was created from (kept in the container: the tag may have moved)
  CAT_KIND="${f[4]}" CAT_BINSET="${f[5]}" CAT_MAJOR="${f[6]}" CAT_VERSION="${f[11]}" CAT_ENTRY="${f[16]}" IMG_ID="${f[17]}"
  local n="${f[18]}"
  C_ENV=("${f[@]:19:n}")
  C_MOUNTS="${f[19 + n]}"
  C_RUN="$SANDBOX_DOCKER/run/$C_ID"
  C_LOG="$SANDBOX_DOCKER/containers/$C_ID.log"
  C_SOCKDIR="$(sbx_socket_root)/$C_OCTET"
}

sbx_socket_root() {
  if [[ -n "${SANDBOX_SOCKET_DIR:-}" ]]; then
    echo "$SANDBOX_SOCKET_DIR"
  else
    echo "/tmp/sbx-$(sbx_sha256 "$SANDBOX_ROOT" | cut -c1-8)"
  fi
}

sbx_net_prefix() {
  if [[ -n "${SANDBOX_NET:-}" ]]; then
    echo "$SANDBOX_NET"
  else
    local h
    h="$(sbx_sha256 "$SANDBOX_ROOT")"
    echo "127.$((16#${h:0:2} % 254 + 1)).$((16#${h:2:2}))"
  fi
}

# The jq definition that turns a stored container into what docker inspect shows.
sbx_container_view_def() {
  cat <<'EOF'
def sbx_container_view:
  if has("Sandbox") and (.Sandbox | has("octet")) then
    (.State.Status == "running" or .State.Status == "paused") as $up
    | (if $up then .Sandbox.ip else "" end) as $ip
    | .NetworkSettings.IPAddress = (if .HostConfig.NetworkMode == "bridge" or .HostConfig.NetworkMode == "default" then $ip else "" end)
    | .NetworkSettings.Gateway = (if .NetworkSettings.IPAddress != "" then (.Sandbox.ip | sub("\\.[0-9]+$"; ".1")) else "" end)
    | .NetworkSettings.IPPrefixLen = (if .NetworkSettings.IPAddress != "" then 24 else 0 end)
    | .NetworkSettings.Networks |= with_entries(.value.IPAddress = $ip
        | .value.Gateway = (if $up then ($ip | sub("\\.[0-9]+$"; ".1")) else "" end)
        | .value.IPPrefixLen = (if $up then 24 else 0 end))
    | del(.Sandbox)
  else del(.Sandbox) end;
EOF
}

# ---------------------------------------------------------------------------------------------
# The hosts file: "IP name hostname [aliases...]" for every running container.

sbx_hosts_rebuild() {
  local hosts="$SANDBOX_STATE/hosts"
  mkdir -p "$SANDBOX_STATE"
  sbx_container_files
  if ((${#SBX_CFILES[@]} == 0)); then
    : | sbx_write_atomic "$hosts"
    return 0
  fi
  jq -r 'select(.State.Status == "running" and (.Sandbox.ip // "") != "")
    | [.Sandbox.ip, .Name[1:], .Config.Hostname] + ([.NetworkSettings.Networks[]?.Aliases // [] | .[]])
    | reduce .[] as $x ([]; if index([$x]) != null then . else . + [$x] end)
    | join(" ")' "${SBX_CFILES[@]}" | sort -t. -k4,4n | sbx_write_atomic "$hosts"
}

# Resolve a host name like a container would: a --link alias, the hosts file, an address.
sbx_resolve_host() {
  local host="$1" links="${2:-}" line
  if [[ "$host" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "$host"
    return 0
  fi
  [[ "$host" == localhost ]] && { echo 127.0.0.1; return 0; }
  local l target="$host"
  while IFS= read -r l; do
    [[ -n "$l" ]] || continue
    if [[ "${l#*:}" == "$host" ]]; then target="${l%%:*}"; fi
  done <<<"$links"
  [[ -f "$SANDBOX_STATE/hosts" ]] || return 1
  while read -r -a line; do
    local w
    for w in "${line[@]:1}"; do
      if [[ "$w" == "$target" ]]; then
        echo "${line[0]}"
        return 0
      fi
    done
  done <"$SANDBOX_STATE/hosts"
  return 1
}

# ---------------------------------------------------------------------------------------------
# Parsing helpers for create/run

# RAMInBytes: 512m, 1g, 1024 (bytes). Prints bytes or fails.
sbx_parse_size() {
  local v="${1,,}" n u
  [[ "$v" =~ ^([0-9]+(\.[0-9]+)?)([kmgtp]?)(b|ib)?$ ]] || return 1
  n="${BASH_REMATCH[1]}"
  u="${BASH_REMATCH[3]}"
  local mult=1
  case "$u" in
    k) mult=1024 ;;
    m) mult=$((1024 ** 2)) ;;
    g) mult=$((1024 ** 3)) ;;
    t) mult=$((1024 ** 4)) ;;
    p) mult=$((1024 ** 5)) ;;
  esac
  awk -v n="$n" -v m="$mult" 'BEGIN { printf "%d\n", n * m }'
}

# Lines of an --env-file as docker reads them (K=V kept, bare K taken from our env).
sbx_read_env_file() {
  local file="$1" line
  [[ -r "$file" ]] || sbx_docker_die 125 "docker: open $file: no such file or directory." "See 'docker run --help'."
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line#"${line%%[![:space:]]*}"}"
    [[ -z "$line" || "$line" == \#* ]] && continue
    if [[ "$line" == *=* ]]; then
      local k="${line%%=*}"
      [[ "$k" =~ [[:space:]] ]] && sbx_docker_die 125 "docker: variable '$k' contains whitespaces." "See 'docker run --help'."
      printf '%s\n' "$line"
    elif [[ -n "${!line+x}" ]]; then
      printf '%s=%s\n' "$line" "${!line}"
    fi
  done <"$file"
}

# Build a container from parsed flags (SBX_F/SBX_L_*) and IMAGE + CMD. Prints the JSON on
# stdout. Used by create and run. Needs CAT_*/IMG_ID of the image (sbx_image_load).
sbx_container_build() {
  local cmdpath="$1" image_ref="$2" image_file="$3"
  shift 3
  local -a cmd=("$@")
  local id="${SBX_NEW_ID:-}"
  [[ -n "$id" ]] || id="$(sbx_random_hex 32)"

  local name="${SBX_F[name]:-}"
  if [[ -n "$name" ]]; then
    name="${name#/}"
    [[ "$name" =~ ^[a-zA-Z0-9][a-zA-Z0-9_.-]+$ ]] ||
      sbx_daemon_error "Invalid container name ($name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
  fi

  # environment: image env, then --env-file, then --env (later wins per key)
  local -a env=()
  local f e
  for f in "${SBX_L_env_file[@]}"; do
    while IFS= read -r e; do env+=("$e"); done < <(sbx_read_env_file "$f")
  done
  for e in "${SBX_L_env[@]}"; do
    if [[ "$e" == *=* ]]; then
      env+=("$e")
    elif [[ -n "${!e+x}" ]]; then
      env+=("$e=${!e}")
    fi
  done

  # labels
  local -a labels=()
  local l
  for l in "${SBX_L_label[@]}"; do
    if [[ "$l" == *=* ]]; then labels+=("$l"); else labels+=("$l="); fi
  done

  # restart policy
  local restart="${SBX_F[restart]:-no}" rname rmax=0
  rname="${restart%%:*}"
  [[ "$restart" == *:* ]] && rmax="${restart#*:}"
  case "$rname" in
    no | always | unless-stopped) [[ "$restart" == *:* ]] && sbx_daemon_error "invalid restart policy: maximum retry count can only be used with 'on-failure'" ;;
    on-failure) [[ "$rmax" =~ ^[0-9]+$ ]] || sbx_daemon_error "invalid restart policy: maximum retry count must be a positive integer" ;;
    *) sbx_daemon_error "invalid restart policy: unknown policy '$rname'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'" ;;
  esac
  if [[ -n "${SBX_F[rm]:-}" && "$rname" != no ]]; then
    sbx_docker_die 125 "docker: Conflicting options: --restart and --rm." "See 'docker run --help'."
  fi

  # sizes
  local memory=0 shm=67108864
  if [[ -n "${SBX_F[memory]:-}" ]]; then
    memory="$(sbx_parse_size "${SBX_F[memory]}")" ||
      sbx_docker_flag_error "$cmdpath" "invalid argument \"${SBX_F[memory]}\" for \"-m, --memory\" flag: invalid size: '${SBX_F[memory]}'"
  fi
  if [[ -n "${SBX_F[shm-size]:-}" ]]; then
    shm="$(sbx_parse_size "${SBX_F[shm-size]}")" ||
      sbx_docker_flag_error "$cmdpath" "invalid argument \"${SBX_F[shm-size]}\" for \"--shm-size\" flag: invalid size: '${SBX_F[shm-size]}'"
  fi

  # network
  local network="${SBX_F[network]:-bridge}"
  [[ "$network" == default ]] && network=bridge
  if [[ "$network" != bridge && "$network" != host && "$network" != none && ! -f "$SANDBOX_DOCKER/networks/$network.json" ]]; then
    sbx_daemon_error "network $network not found"
  fi
  if ((${#SBX_L_network_alias[@]})) && [[ "$network" == bridge || "$network" == host || "$network" == none ]]; then
    sbx_daemon_error "network-scoped alias is supported only for containers in user defined networks"
  fi

  # links: NAME[:ALIAS]
  local -a links=()
  for l in "${SBX_L_link[@]}"; do
    local lname="${l%%:*}" lalias="${l#*:}"
    [[ "$l" == *:* ]] || lalias="$lname"
    local lfile
    lfile="$(sbx_container_find "$lname")" || sbx_daemon_error "could not get container for $lname"
    local realname
    realname="$(jq -r '.Name' "$lfile")"
    links+=("$realname:/${name:-${id:0:12}}/$lalias")
  done

  # volumes: SRC:DST[:MODE]
  local -a binds=() mounts=()
  local v
  for v in "${SBX_L_volume[@]}"; do
    local src dst mode="" rw=true
    IFS=: read -r src dst mode <<<"$v"
    if [[ -z "$dst" ]]; then
      # anonymous volume at SRC
      dst="$src"
      local vname
      vname="$(sbx_random_hex 32)"
      mkdir -p "$SANDBOX_DOCKER/volumes/$vname/_data"
      mounts+=("$(sbx_mount_json volume "$SANDBOX_DOCKER/volumes/$vname/_data" "$dst" "" true "$vname")")
      continue
    fi
    [[ "$dst" == /* ]] || sbx_daemon_error "invalid volume specification: '$v': invalid mount config for type \"bind\": invalid mount path: '$dst' mount path must be absolute"
    [[ ",$mode," == *,ro,* ]] && rw=false
    binds+=("$v")
    if [[ "$src" == /* ]]; then
      mkdir -p "$src" 2>/dev/null || true
      mounts+=("$(sbx_mount_json bind "$src" "$dst" "$mode" "$rw")")
    else
      mkdir -p "$SANDBOX_DOCKER/volumes/$src/_data"
      mounts+=("$(sbx_mount_json volume "$SANDBOX_DOCKER/volumes/$src/_data" "$dst" "$mode" "$rw" "$src")")
    fi
  done
  # the image's VOLUMEs that no mount covers get anonymous volumes
  local ivol
  while IFS= read -r ivol; do
    [[ -n "$ivol" ]] || continue
    local covered="" m
    for m in "${mounts[@]}"; do
      [[ "$m" == *"\"Destination\":$(sbx_json_str "$ivol"),"* ]] && covered=1
    done
    [[ -n "$covered" ]] && continue
    local vname
    vname="$(sbx_random_hex 32)"
    mkdir -p "$SANDBOX_DOCKER/volumes/$vname/_data"
    mounts+=("$(sbx_mount_json volume "$SANDBOX_DOCKER/volumes/$vname/_data" "$ivol" "" true "$vname" anonymous)")
  done < <(jq -r '.Config.Volumes // {} | keys[]' "$image_file")

  # ports: [IP:]HOST:CONTAINER[/proto]
  local -a ports=()
  local p
  for p in "${SBX_L_publish[@]}"; do ports+=("$p"); done

  local octet=""
  [[ "$network" != none ]] && octet="$(sbx_allocate_octet)"
  local ip=""
  [[ -n "$octet" ]] && ip="$(sbx_net_prefix).$octet"

  local entrypoint_set="" entrypoint="${SBX_F[entrypoint]-}"
  [[ -n "${SBX_F[entrypoint]+x}" ]] && entrypoint_set=1

  jq -n \
    --arg id "$id" --arg name "${name:-}" --arg now "$(sbx_now)" --arg image "$image_ref" \
    --slurpfile img "$image_file" \
    --arg hostname "${SBX_F[hostname]:-${id:0:12}}" --arg restart "$rname" --argjson rmax "$rmax" \
    --argjson memory "$memory" --argjson shm "$shm" --arg network "$network" \
    --arg entrypoint "$entrypoint" --arg entrypoint_set "$entrypoint_set" \
    --arg ip "$ip" --arg octet "$octet" --arg log "$SANDBOX_DOCKER/containers/$id.log" \
    --arg autoremove "${SBX_F[rm]:-}" --arg tty "${SBX_F[tty]:-}" --arg interactive "${SBX_F[interactive]:-}" \
    --arg user "${SBX_F[user]:-}" --arg workdir "${SBX_F[workdir]:-}" \
    --argjson cmd "$(sbx_json_array "${cmd[@]}")" \
    --argjson env "$(sbx_json_array "${env[@]}")" \
    --argjson labels "$(sbx_json_array "${labels[@]}")" \
    --argjson binds "$(sbx_json_array "${binds[@]}")" \
    --argjson mounts "[$(IFS=,; echo "${mounts[*]}")]" \
    --argjson links "$(sbx_json_array "${links[@]}")" \
    --argjson aliases "$(sbx_json_array "${SBX_L_network_alias[@]}")" \
    --argjson ports "$(sbx_json_array "${ports[@]}")" '
    $img[0] as $img
    | ($img.Config.Env // []) as $ienv
    | (reduce ($ienv + $env)[] as $e ({order: [], m: {}};
         ($e | split("=")[0]) as $k
         | (if .m | has($k) then . else .order += [$k] end) | .m[$k] = $e)) as $envm
    | [$envm.order[] | $envm.m[.]] as $fullenv
    | (if $entrypoint_set == "1" then (if $entrypoint == "" then null else [$entrypoint] end) else $img.Config.Entrypoint end) as $ep
    | (if ($cmd | length) > 0 then $cmd elif $entrypoint_set == "1" then null else $img.Config.Cmd end) as $cmdv
    | (($ep // []) + ($cmdv // [])) as $argv
    | ($labels | map(split("=") | {key: .[0], value: (.[1:] | join("="))}) | sort_by(.key) | from_entries) as $labelm
    | ($ports | map(capture("^(?:(?<ip>[0-9.]+):)?(?:(?<hp>[0-9]*):)?(?<cp>[0-9]+)(?:/(?<proto>[a-z]+))?$") // {cp: .})) as $pp
    | {
        Id: $id,
        Created: $now,
        Path: ($argv[0] // ""),
        Args: $argv[1:],
        State: {Status: "created", Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false,
                Pid: 0, ExitCode: 0, Error: "", StartedAt: "0001-01-01T00:00:00Z", FinishedAt: "0001-01-01T00:00:00Z"},
        Image: $img.Id,
        ResolvConfPath: "", HostnamePath: "", HostsPath: "",
        LogPath: $log,
        Name: ("/" + (if $name == "" then "sandbox_" + $id[:8] else $name end)),
        RestartCount: 0,
        Driver: "overlay2",
        Platform: "linux",
        MountLabel: "", ProcessLabel: "", AppArmorProfile: "",
        ExecIDs: null,
        HostConfig: {
          Binds: (if ($binds | length) > 0 then $binds else null end),
          ContainerIDFile: "",
          LogConfig: {Type: "json-file", Config: {}},
          NetworkMode: $network,
          PortBindings: ($pp | map({key: "\(.cp)/\(.proto // "tcp")", value: [{HostIp: (.ip // ""), HostPort: (.hp // "")}]}) | from_entries),
          RestartPolicy: {Name: $restart, MaximumRetryCount: $rmax},
          AutoRemove: ($autoremove == "1"),
          Links: (if ($links | length) > 0 then $links else null end),
          Memory: $memory,
          ShmSize: $shm,
          Privileged: false
        },
        Mounts: ($mounts | map(del(.Sandbox))),
        Config: {
          Hostname: $hostname, Domainname: "", User: $user,
          AttachStdin: ($interactive == "1"), AttachStdout: true, AttachStderr: true,
          ExposedPorts: (($img.Config.ExposedPorts // {}) + ($pp | map({key: "\(.cp)/\(.proto // "tcp")", value: {}}) | from_entries) | if . == {} then null else . end),
          Tty: ($tty == "1"), OpenStdin: ($interactive == "1"), StdinOnce: ($interactive == "1"),
          Env: $fullenv,
          Cmd: $cmdv,
          Image: $image,
          Volumes: $img.Config.Volumes,
          WorkingDir: $workdir,
          Entrypoint: $ep,
          OnBuild: null,
          Labels: $labelm,
          StopSignal: $img.Config.StopSignal
        },
        NetworkSettings: {
          Bridge: "", SandboxID: "", SandboxKey: "",
          Ports: {},
          Gateway: "", IPAddress: "", IPPrefixLen: 0, MacAddress: "",
          Networks: (if $network == "none" then {} else {($network): {
            IPAMConfig: null, Links: null,
            Aliases: (if ($aliases | length) > 0 then $aliases else null end),
            NetworkID: ($network | @base64 | ascii_downcase | gsub("[^0-9a-f]"; "0") | .[:12]),
            EndpointID: "", Gateway: "", IPAddress: "", IPPrefixLen: 0, MacAddress: "",
            DNSNames: (if $network == "bridge" then null else ([$name] + $aliases + [$id[:12]]) end)
          }} end)
        },
        Sandbox: {
          kind: $img.Sandbox.kind, entry: $img.Sandbox.entry, binset: $img.Sandbox.binset,
          major: $img.Sandbox.major, version: $img.Sandbox.version,
          ip: $ip, octet: $octet,
          anonymous: [$mounts[] | select(.Sandbox == "anonymous") | .Name],
          manuallyStopped: false
        }
      }'
}

# JSON without a jq process (hot paths): a string, an array of strings.
sbx_json_str() {
  local s="$1"
  if [[ "$s" == *[$'\x01'-$'\x08\x0b\x0c\x0e'-$'\x1f']* ]]; then
    jq -cn --arg s "$s" '$s'
    return
  fi
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  s="${s//$'\n'/\\n}"
  s="${s//$'\t'/\\t}"
  s="${s//$'\r'/\\r}"
  printf '"%s"' "$s"
}

sbx_json_array() {
  local out="[" sep="" a
  for a in "$@"; do
    out+="$sep$(sbx_json_str "$a")"
    sep=","
  done
  printf '%s]\n' "$out"
}

# One entry of Mounts: sbx_mount_json TYPE SOURCE DESTINATION MODE RW [NAME [anonymous]]
sbx_mount_json() {
  local type="$1" src="$2" dst="$3" mode="$4" rw="$5" name="${6:-}" anon="${7:-}"
  if [[ "$type" == bind ]]; then
    printf '{"Type":"bind","Source":%s,"Destination":%s,"Mode":%s,"RW":%s,"Propagation":"rprivate"}' \
      "$(sbx_json_str "$src")" "$(sbx_json_str "$dst")" "$(sbx_json_str "$mode")" "$rw"
  else
    printf '{"Type":"volume","Name":%s,"Source":%s,"Destination":%s,"Driver":"local","Mode":%s,"RW":%s,"Propagation":""%s}' \
      "$(sbx_json_str "$name")" "$(sbx_json_str "$src")" "$(sbx_json_str "$dst")" "$(sbx_json_str "$mode")" "$rw" \
      "${anon:+,\"Sandbox\":\"anonymous\"}"
  fi
}

# A free last octet for a new container: 2..254, not used by any container of this host.
sbx_allocate_octet() {
  sbx_container_files
  local used="" o
  # jq writes the files pretty-printed: one '"octet": "N"' line each
  ((${#SBX_CFILES[@]})) && used="$(grep -ho '"octet": "[0-9]*"' "${SBX_CFILES[@]}" | tr -dc '0-9 \n' | tr '\n' ' ')"
  for ((o = 2; o < 255; o++)); do
    [[ " $used " == *" $o "* ]] || {
      echo "$o"
      return 0
    }
  done
  sbx_daemon_error "no available IPv4 addresses on this network's address pools: bridge"
}

# ---------------------------------------------------------------------------------------------
# create / start / stop / kill / restart / rm / update / pause / unpause / wait / rename

SBX_CREATE_SPEC=(
  add-host,,l annotation,,l attach,a,l blkio-weight,,v cap-add,,l cap-drop,,l cgroupns,,v cidfile,,v
  cpu-shares,c,v cpus,,v cpuset-cpus,,v detach,d,b detach-keys,,v device,,l dns,,l dns-option,,l
  dns-search,,l domainname,,v entrypoint,,v env,e,l env-file,,l expose,,l gpus,,v group-add,,l
  health-cmd,,v health-interval,,v health-retries,,v health-start-period,,v health-timeout,,v
  hostname,h,v init,,b interactive,i,b ip,,v ip6,,v ipc,,v isolation,,v label,l,l label-file,,l
  link,,l log-driver,,v log-opt,,l mac-address,,v memory,m,v memory-reservation,,v memory-swap,,v
  mount,,l name,,v network,,v net,,v network-alias,,l net-alias,,l no-healthcheck,,b oom-kill-disable,,b
  pid,,v pids-limit,,v platform,,v privileged,,b publish,p,l publish-all,P,b pull,,v quiet,q,b read-only,,b
  restart,,v rm,,b runtime,,v security-opt,,l shm-size,,v sig-proxy,,b stop-signal,,v stop-timeout,,v
  storage-opt,,l sysctl,,l tmpfs,,l tty,t,b ulimit,,l user,u,v userns,,v uts,,v volume,v,l
  volume-driver,,v volumes-from,,l workdir,w,v
)

# Merge the --net / --net-alias spellings into --network / --network-alias.
sbx_flags_merge_aliases() {
  [[ -n "${SBX_F[net]:-}" && -z "${SBX_F[network]:-}" ]] && SBX_F[network]="${SBX_F[net]}"
  SBX_L_network_alias+=("${SBX_L_net_alias[@]}")
  return 0
}

sbx_cmd_create() {
  local cmdpath="$1"
  shift
  sbx_flags "$cmdpath" 0 "${SBX_CREATE_SPEC[@]}" -- "$@"
  sbx_flags_merge_aliases
  ((${#SBX_POS[@]})) || sbx_docker_args_error "$cmdpath" "at least 1 argument" "$cmdpath [OPTIONS] IMAGE [COMMAND] [ARG...]" "Create a new container"
  local image_ref="${SBX_POS[0]}"
  local -a cmd=("${SBX_POS[@]:1}")
  local cidfile="${SBX_F[cidfile]:-}"
  if [[ -n "$cidfile" && -e "$cidfile" ]]; then
    sbx_docker_die 1 "Container ID file found, make sure the other container isn't running or delete $cidfile"
  fi
  local image_file
  image_file="$(sbx_image_ensure "$image_ref")" || exit 1
  sbx_image_load "$image_file"
  sbx_docker_dirs
  local id
  id="$(sbx_docker_locked sbx_container_create_locked "$cmdpath" "$image_ref" "$image_file" "${cmd[@]}")" || exit 1
  [[ -n "$cidfile" ]] && printf '%s' "$id" >"$cidfile"
  echo "$id"
}

sbx_container_create_locked() {
  local cmdpath="$1" image_ref="$2" image_file="$3"
  shift 3
  local name="${SBX_F[name]:-}"
  name="${name#/}"
  if [[ -n "$name" ]]; then
    [[ -d "$SANDBOX_DOCKER/names" ]] || sbx_names_reindex
    local other
    if [[ -f "$SANDBOX_DOCKER/names/$name" ]]; then
      other="$(<"$SANDBOX_DOCKER/names/$name")"
      if [[ -f "$SANDBOX_DOCKER/containers/$other.json" ]]; then
        sbx_daemon_error "Conflict. The container name \"/$name\" is already in use by container \"$other\". You have to remove (or rename) that container to be able to reuse that name."
      fi
    fi
  fi
  local json id
  id="$(sbx_random_hex 32)"
  json="$(SBX_NEW_ID="$id" sbx_container_build "$cmdpath" "$image_ref" "$image_file" "$@")" || return 1
  printf '%s\n' "$json" | sbx_write_atomic "$SANDBOX_DOCKER/containers/$id.json"
  mkdir -p "$SANDBOX_DOCKER/names"
  printf '%s\n' "$id" >"$SANDBOX_DOCKER/names/${name:-sandbox_${id:0:8}}"
  : >"$SANDBOX_DOCKER/containers/$id.log"
  echo "$id"
}

# Apply a jq filter to a container's state under the lock, then refresh the hosts file.
sbx_container_update() {
  local file="$1" filter="$2"
  shift 2
  sbx_docker_locked sbx_container_update_locked "$file" "$filter" "$@"
}
sbx_container_update_locked() {
  local file="$1" filter="$2"
  shift 2
  [[ -f "$file" ]] || return 1
  sbx_json_update "$file" "$filter" "$@"
  sbx_hosts_rebuild
}

sbx_cmd_start() {
  local cmdpath="$1"
  shift
  sbx_flags "$cmdpath" 1 attach,a,b interactive,i,b detach-keys,,v checkpoint,,v checkpoint-dir,,v -- "$@"
  ((${#SBX_POS[@]})) || sbx_docker_args_error "$cmdpath" "at least 1 argument" "$cmdpath [OPTIONS] CONTAINER [CONTAINER...]" "Start one or more stopped containers"
  local ref rc=0
  local -a failed=()
  for ref in "${SBX_POS[@]}"; do
    if (sbx_container_start "$ref"); then
      echo "$ref"
    else
      failed+=("$ref")
      rc=1
    fi
  done
  if ((rc)); then
    local joined
    joined="$(printf '%s, ' "${failed[@]}")"
    echo "Error: failed to start containers: ${joined%, }" >&2
  fi
  return "$rc"
}

# Start one container (returns at once, like docker; the shim does the rest).
sbx_container_start() {
  local ref="$1" file
  if ! file="$(sbx_container_find "$ref")"; then
    echo "Error response from daemon: No such container: $ref" >&2
    return 1
  fi
  sbx_container_load "$file"
  if [[ "$C_STATUS" == running || "$C_STATUS" == restarting || "$C_STATUS" == paused ]]; then
    return 0
  fi
  # linked containers must run
  local link
  for link in $C_LINKS; do
    local lname="${link%%:*}" lfile lstatus
    lfile="$(sbx_container_find "$lname")" || {
      echo "Error response from daemon: could not get container for ${lname#/}" >&2
      return 1
    }
    lstatus="$(jq -r .State.Running "$lfile")"
    if [[ "$lstatus" != true ]]; then
      echo "Error response from daemon: Cannot link to a non running container: $lname AS ${link#*:}" >&2
      return 1
    fi
  done
  sbx_container_launch "$file" loaded
}

# Mark FILE running and spawn its shim (as the current user, detached). Waits until the shim
# has recorded its pid, not for the server.
sbx_container_launch() {
  local file="$1"
  [[ "${2:-}" == loaded && "${C_FILE:-}" == "$file" ]] || sbx_container_load "$file"
  rm -rf "$C_RUN"
  mkdir -p "$C_RUN"
  sbx_container_update "$file" '.State += {Status: "running", Running: true, Paused: false, Restarting: false,
      OOMKilled: false, Dead: false, Pid: 0, ExitCode: 0, Error: "", StartedAt: $now}
    | .Sandbox.manuallyStopped = false' --arg now "$(sbx_now)"
  sbx_spawn_detached "$C_LOG" "$SANDBOX_HOME/bin/docker" _sandbox shim "$C_ID"
  local i
  for ((i = 0; i < 200; i++)); do
    [[ -s "$C_RUN/shim.pid" ]] && return 0
    sleep 0.01
  done
  return 0
}

sbx_cmd_stop() {
  local cmdpath="$1"
  shift
  sbx_flags "$cmdpath" 1 time,t,v timeout,,v signal,s,v -- "$@"
  ((${#SBX_POS[@]})) || sbx_docker_args_error "$cmdpath" "at least 1 argument" "$cmdpath [OPTIONS] CONTAINER [CONTAINER...]" "Stop one or more running containers"
  local timeout="${SBX_F[time]:-${SBX_F[timeout]:-10}}" ref rc=0 file
  for ref in "${SBX_POS[@]}"; do
    if ! file="$(sbx_container_find "$ref")"; then
      echo "Error response from daemon: No such container: $ref" >&2
      rc=1
      continue
    fi
    sbx_container_stop "$file" "$timeout" "${SBX_F[signal]:-}" manual
    echo "$ref"
  done
  return "$rc"
}

# Stop a container: stop signal to the server (or TERM to a shim between restarts), wait up
# to TIMEOUT seconds, then SIGKILL. WHY is manual (docker stop/kill) or daemon (sandbox down).
sbx_container_stop() {
  local file="$1" timeout="${2:-10}" signal="${3:-}" why="${4:-manual}"
  sbx_container_load "$file"
  [[ -z "$signal" ]] && signal="$C_STOPSIGNAL"
  signal="${signal#SIG}"
  mkdir -p "$C_RUN"
  echo "$why" >"$C_RUN/stopping"
  local shim server
  shim="$(sbx_pid_from_file "$C_RUN/shim.pid")" || shim=""
  server="$(sbx_pid_from_file "$C_RUN/server.pid")" || server=""
  if [[ -n "$server" ]]; then
    sbx_stop_pid "$server" "$signal" "$timeout"
  fi
  if [[ -n "$shim" ]]; then
    # the shim notices the server's exit and records it; between restarts it sleeps: wake it
    local i
    [[ -z "$server" ]] && kill -TERM "$shim" 2>/dev/null
    for ((i = 0; i < 100; i++)); do
      sbx_pid_alive "$shim" || break
      sleep 0.02
    done
    sbx_stop_pid "$shim" TERM 5
  fi
  # whatever happened, the container is now stopped (the shim normally recorded it already)
  if grep -q '"Status": "exited"' "$file" && grep -q "\"manuallyStopped\": $([[ "$why" == manual ]] && echo true || echo false)" "$file"; then
    rm -f "$C_RUN/ready" "$C_RUN/server.pid" "$C_RUN/shim.pid"
    [[ "$C_AUTOREMOVE" == true ]] && sbx_container_remove "$file" 1
    return 0
  fi
  sbx_container_update "$file" '
    (if .State.Status == "exited" or .State.Status == "created" then . else
      .State += {Status: "exited", Running: false, Paused: false, Restarting: false, Pid: 0,
                 ExitCode: (if .State.Status == "restarting" then .State.ExitCode else 137 end), FinishedAt: $now}
    end)
    | .Sandbox.manuallyStopped = ($why == "manual")' --arg now "$(sbx_now)" --arg why "$why"
  rm -f "$C_RUN/ready" "$C_RUN/server.pid" "$C_RUN/shim.pid"
  if [[ "$C_AUTOREMOVE" == true ]]; then
    sbx_container_remove "$file" 1
  fi
  return 0
}

sbx_cmd_kill() {
  local cmdpath="$1"
  shift
  sbx_flags "$cmdpath" 1 signal,s,v -- "$@"
  ((${#SBX_POS[@]})) || sbx_docker_args_error "$cmdpath" "at least 1 argument" "$cmdpath [OPTIONS] CONTAINER [CONTAINER...]" "Kill one or more running containers"
  local ref rc=0 file
  for ref in "${SBX_POS[@]}"; do
    if ! file="$(sbx_container_find "$ref")"; then
      echo "Error response from daemon: No such container: $ref" >&2
      rc=1
      continue
    fi
    sbx_container_load "$file"
    if [[ "$C_STATUS" != running && "$C_STATUS" != restarting && "$C_STATUS" != paused ]]; then
      echo "Error response from daemon: cannot kill container: $ref: container $C_ID is not running" >&2
      rc=1
      continue
    fi
    local sig="${SBX_F[signal]:-KILL}"
    sig="${sig#SIG}"
    if [[ "$sig" == KILL ]]; then
      sbx_container_stop "$file" 0 KILL manual
    else
      local server
      server="$(sbx_pid_from_file "$C_RUN/server.pid")" && kill -s "$sig" "$server" 2>/dev/null
    fi
    echo "$ref"
  done
  return "$rc"
}

sbx_cmd_restart() {
  local cmdpath="$1"
  shift
  sbx_flags "$cmdpath" 1 time,t,v timeout,,v signal,s,v -- "$@"
  ((${#SBX_POS[@]})) || sbx_docker_args_error "$cmdpath" "at least 1 argument" "$cmdpath [OPTIONS] CONTAINER [CONTAINER...]" "Restart one or more containers"
  local ref rc=0 file
  for ref in "${SBX_POS[@]}"; do
    if ! file="$(sbx_container_find "$ref")"; then
      echo "Error response from daemon: No such container: $ref" >&2
      rc=1
      continue
    fi
    sbx_container_stop "$file" "${SBX_F[time]:-${SBX_F[timeout]:-10}}" "${SBX_F[signal]:-}" manual
    sbx_container_launch "$file"
    echo "$ref"
  done
  return "$rc"
}

sbx_cmd_rm() {
  local cmdpath="$1"
  shift
  sbx_flags "$cmdpath" 1 force,f,b volumes,v,b link,l,b -- "$@"
  ((${#SBX_POS[@]})) || sbx_docker_args_error "$cmdpath" "at least 1 argument" "$cmdpath [OPTIONS] CONTAINER [CONTAINER...]" "Remove one or more containers"
  local ref rc=0 file
  for ref in "${SBX_POS[@]}"; do
    if ! file="$(sbx_container_find "$ref")"; then
      echo "Error response from daemon: No such container: $ref" >&2
      rc=1
      continue
    fi
    sbx_container_load "$file"
    if [[ "$C_STATUS" == running || "$C_STATUS" == restarting || "$C_STATUS" == paused ]]; then
      if [[ -z "${SBX_F[force]:-}" ]]; then
        echo "Error response from daemon: cannot remove container \"/$C_NAME\": container is running: stop the container before removing or force remove" >&2
        rc=1
        continue
      fi
      sbx_container_stop "$file" 0 KILL manual
    fi
    sbx_container_remove "$file" "${SBX_F[volumes]:-}"
    echo "$ref"
  done
  return "$rc"
}

sbx_container_remove() {
  local file="$1" volumes="${2:-}"
  sbx_container_load "$file"
  # no process of a removed container may survive it
  local pid
  for pid in "$C_RUN/server.pid" "$C_RUN/shim.pid"; do
    pid="$(sbx_pid_from_file "$pid")" && sbx_stop_pid "$pid" KILL 1
  done
  if [[ -n "$volumes" ]]; then
    local v
    while IFS= read -r v; do
      [[ -n "$v" ]] && rm -rf "${SANDBOX_DOCKER:?}/volumes/$v"
    done < <(jq -r '.Sandbox.anonymous // [] | .[]' "$file")
  fi
  rm -rf "$C_RUN" "$C_SOCKDIR"
  rm -f "$SANDBOX_DOCKER/containers/$C_ID.log"
  sbx_docker_locked sbx_container_remove_locked "$file"
}
sbx_container_remove_locked() {
  local name
  name="$(jq -r '.Name[1:]' "$1" 2>/dev/null)" || name=""
  [[ -n "$name" ]] && rm -f "$SANDBOX_DOCKER/names/$name"
  rm -f "$1"
  sbx_hosts_rebuild
}

sbx_cmd_update() {
  local cmdpath="$1"
  shift
  sbx_flags "$cmdpath" 1 restart,,v memory,m,v memory-swap,,v memory-reservation,,v cpus,,v cpu-shares,c,v \
    cpuset-cpus,,v pids-limit,,v blkio-weight,,v kernel-memory,,v -- "$@"
  ((${#SBX_POS[@]})) || sbx_docker_args_error "$cmdpath" "at least 1 argument" "$cmdpath [OPTIONS] CONTAINER [CONTAINER...]" "Update configuration of one or more containers"
  local restart="${SBX_F[restart]:-}" rname="" rmax=0
  if [[ -n "$restart" ]]; then
    rname="${restart%%:*}"
    [[ "$restart" == *:* ]] && rmax="${restart#*:}"
    case "$rname" in
      no | always | unless-stopped | on-failure) ;;
      *) sbx_daemon_error "invalid restart policy: unknown policy '$rname'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'" ;;
    esac
  fi
  local memory=""
  if [[ -n "${SBX_F[memory]:-}" ]]; then
    memory="$(sbx_parse_size "${SBX_F[memory]}")" ||
      sbx_docker_flag_error "$cmdpath" "invalid argument \"${SBX_F[memory]}\" for \"-m, --memory\" flag: invalid size: '${SBX_F[memory]}'"
  fi
  local ref rc=0 file
  for ref in "${SBX_POS[@]}"; do
    if ! file="$(sbx_container_find "$ref")"; then
      echo "Error response from daemon: No such container: $ref" >&2
      rc=1
      continue
    fi
    sbx_container_update "$file" '
      (if $rname != "" then .HostConfig.RestartPolicy = {Name: $rname, MaximumRetryCount: ($rmax | tonumber)} else . end)
      | (if $memory != "" then .HostConfig.Memory = ($memory | tonumber) else . end)' \
      --arg rname "$rname" --arg rmax "$rmax" --arg memory "$memory"
    echo "$ref"
  done
  return "$rc"
}

sbx_cmd_pause() {
  local cmdpath="$1" sig="$2" from="$3" to="$4"
  shift 4
  sbx_flags "$cmdpath" 1 -- "$@"
  ((${#SBX_POS[@]})) || sbx_docker_args_error "$cmdpath" "at least 1 argument" "$cmdpath CONTAINER [CONTAINER...]" "Pause or unpause all processes within one or more containers"
  local ref rc=0 file
  for ref in "${SBX_POS[@]}"; do
    if ! file="$(sbx_container_find "$ref")"; then
      echo "Error response from daemon: No such container: $ref" >&2
      rc=1
      continue
    fi
    sbx_container_load "$file"
    if [[ "$C_STATUS" != "$from" ]]; then
      if [[ "$from" == running ]]; then
        echo "Error response from daemon: container $C_ID is not running" >&2
      else
        echo "Error response from daemon: container $C_ID is not paused" >&2
      fi
      rc=1
      continue
    fi
    local pids
    pids="$(sbx_pid_from_file "$C_RUN/server.pid")" && pkill -"$sig" -P "$pids" 2>/dev/null
    [[ -n "$pids" ]] && kill -"$sig" "$pids" 2>/dev/null
    sbx_container_update "$file" '.State.Status = $to | .State.Paused = ($to == "paused")' --arg to "$to"
    echo "$ref"
  done
  return "$rc"
}

sbx_cmd_wait() {
  local cmdpath="$1"
  shift
  sbx_flags "$cmdpath" 1 -- "$@"
  ((${#SBX_POS[@]})) || sbx_docker_args_error "$cmdpath" "at least 1 argument" "$cmdpath CONTAINER [CONTAINER...]" "Block until one or more containers stop, then print their exit codes"
  local ref file
  for ref in "${SBX_POS[@]}"; do
    file="$(sbx_container_find_or_die "$ref")"
    while [[ "$(jq -r .State.Status "$file")" =~ ^(running|restarting|paused)$ ]]; do sleep 0.1; done
    jq -r .State.ExitCode "$file"
  done
}

sbx_cmd_rename() {
  local cmdpath="$1"
  shift
  sbx_flags "$cmdpath" 1 -- "$@"
  ((${#SBX_POS[@]} == 2)) || sbx_docker_args_error "$cmdpath" "exactly 2 arguments" "$cmdpath CONTAINER NEW_NAME" "Rename a container"
  local file
  file="$(sbx_container_find_or_die "${SBX_POS[0]}")"
  if sbx_container_find "${SBX_POS[1]}" >/dev/null; then
    sbx_daemon_error "Conflict. The container name \"/${SBX_POS[1]}\" is already in use."
  fi
  local old
  old="$(jq -r '.Name[1:]' "$file")"
  sbx_container_update "$file" '.Name = "/" + $n' --arg n "${SBX_POS[1]}"
  mkdir -p "$SANDBOX_DOCKER/names"
  rm -f "$SANDBOX_DOCKER/names/$old"
  jq -r .Id "$file" >"$SANDBOX_DOCKER/names/${SBX_POS[1]}"
}

# ---------------------------------------------------------------------------------------------
# inspect / logs / ps

# docker inspect (containers first, then images) and docker container inspect.
sbx_cmd_inspect() {
  local cmdpath="$1" only="$2"
  shift 2
  sbx_flags "$cmdpath" 1 format,f,v size,s,b type,,v -- "$@"
  ((${#SBX_POS[@]})) || sbx_docker_args_error "$cmdpath" "at least 1 argument" "$cmdpath [OPTIONS] NAME|ID [NAME|ID...]" "Return low-level information on Docker objects"
  local type="${SBX_F[type]:-$only}" format="${SBX_F[format]:-}"
  local ref file rc=0
  local -a objs=() errs=()
  for ref in "${SBX_POS[@]}"; do
    file=""
    if [[ "$type" != image && "$type" != network ]]; then
      file="$(sbx_container_find "$ref")" || file=""
    fi
    if [[ -z "$file" && ( -z "$type" || "$type" == image ) ]]; then
      file="$(sbx_local_image_find "$ref")" || file=""
    fi
    if [[ -z "$file" && ( -z "$type" || "$type" == network ) && -f "$SANDBOX_DOCKER/networks/$ref.json" ]]; then
      file="$SANDBOX_DOCKER/networks/$ref.json"
    fi
    if [[ -n "$file" ]]; then
      objs+=("$file")
    else
      case "$type" in
        container) errs+=("Error: No such container: $ref") ;;
        image) errs+=("Error: No such image: $ref") ;;
        network) errs+=("Error: No such network: $ref") ;;
        *) errs+=("Error: No such object: $ref") ;;
      esac
      rc=1
    fi
  done
  if ((${#objs[@]})); then
    if [[ -z "$format" ]]; then
      jq -s "$(sbx_container_view_def) [.[] | sbx_container_view]" "${objs[@]}"
    else
      jq -c "$(sbx_container_view_def) sbx_container_view" "${objs[@]}" | sbx_render_each "$format" || rc=1
    fi
  elif [[ -z "$format" ]]; then
    echo "[]"
  fi
  ((${#errs[@]})) && printf '%s\n' "${errs[@]}" >&2
  return "$rc"
}

# Render FORMAT for each JSON object on stdin (one per line), docker inspect -f style.
sbx_render_each() {
  local format="$1" err rc=0
  err="$(mktemp)"
  if sbx_template_simple "$format"; then
    jq -j "${SBX_TPL_ARGS[@]}" --arg suffix $'\n' "$SBX_TPL_PROGRAM" 2>"$err" || rc=$?
  else
    jq -j --arg tpl "$format" --arg suffix $'\n' -f "$SBX_DOCKER_LIB/docker_template.jq" 2>"$err" || rc=$?
  fi
  if ((rc)); then
    echo "template parsing error: $(sed -E 's/^jq: error \(at[^)]*\): //' "$err")" >&2
    rc=1
  fi
  rm -f "$err"
  return "$rc"
}

# The common templates ({{.A.B}}, {{json .A}} and text) compile to a small jq program (the full
# interpreter costs jq 1.6 a noticeable compile time on every call). Sets SBX_TPL_PROGRAM and
# SBX_TPL_ARGS; fails for anything else.
sbx_template_simple() {
  local rest="$1" text action n=0 path
  local -a parts=()
  SBX_TPL_ARGS=()
  while [[ -n "$rest" ]]; do
    if [[ "$rest" != *"{{"* ]]; then
      SBX_TPL_ARGS+=(--arg "t$n" "$rest")
      parts+=("\$t$n")
      n=$((n + 1))
      break
    fi
    text="${rest%%"{{"*}"
    rest="${rest#*"{{"}"
    [[ "$rest" == *"}}"* ]] || return 1
    action="${rest%%"}}"*}"
    rest="${rest#*"}}"}"
    [[ "$text" == *"}}"* ]] && return 1
    if [[ -n "$text" ]]; then
      SBX_TPL_ARGS+=(--arg "t$n" "$text")
      parts+=("\$t$n")
      n=$((n + 1))
    fi
    action="${action#"${action%%[! ]*}"}"
    action="${action%"${action##*[! ]}"}"
    local json=""
    if [[ "$action" == "json "* ]]; then
      json=1
      action="${action#json }"
      action="${action#"${action%%[! ]*}"}"
    fi
    [[ "$action" =~ ^\.([A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*)?$ ]] || return 1
    path="${action#.}"
    if [[ -n "$path" ]]; then path="[\"${path//./\",\"}\"]"; else path="[]"; fi
    SBX_TPL_ARGS+=(--argjson "p$n" "$path")
    if [[ -n "$json" ]]; then
      parts+=("(getpath(\$p$n) | tojson)")
    else
      parts+=("(getpath(\$p$n) | gt_fmt)")
    fi
    n=$((n + 1))
  done
  local joined
  joined="$(IFS=,; echo "${parts[*]}")"
  SBX_TPL_PROGRAM="$(sed -n '/^def gt_fmt:/,/^  end;/p' "$SBX_DOCKER_LIB/docker_template.jq")
[${joined}] | join(\"\") + \$suffix"
}

# Render a list (ps, images, network ls): FORMAT may start with "table "; \t and \n are escapes.
# HEADERS is a JSON object mapping field names to column titles.
sbx_render_list() {
  local format="$1" headers="$2" table=""
  if [[ "$format" == table || "$format" == "table "* ]]; then
    table=1
    format="${format#table}"
    format="${format# }"
  fi
  format="${format//\\t/$'\t'}"
  format="${format//\\n/$'\n'}"
  local objs
  objs="$(cat)"
  if [[ -z "$table" ]]; then
    [[ -n "$objs" ]] || return 0
    sbx_render_each "$format" <<<"$objs"
    return
  fi
  {
    # header row: each field renders as its title
    sbx_render_each "$format" <<<"$headers"
    [[ -z "$objs" ]] || sbx_render_each "$format" <<<"$objs"
  } | sbx_tabwriter
}

# Align tab-separated columns like Go's tabwriter (min width, padding 3).
sbx_tabwriter() {
  # widths count characters, not bytes (the "…" of a truncated command)
  LC_ALL=C awk -F'\t' 'function width(s,  t) { t = s; gsub(/[\200-\277]/, "", t); return length(t) }
       { rows[NR] = $0; n = split($0, c, "\t");
         for (i = 1; i < n; i++) if (width(c[i]) > w[i]) w[i] = width(c[i]) }
       END { for (r = 1; r <= NR; r++) { n = split(rows[r], c, "\t"); line = "";
               for (i = 1; i < n; i++) { pad = w[i] + 3 - width(c[i]); line = line c[i]; while (pad-- > 0) line = line " " }
               line = line c[n]; sub(/[ ]+$/, "", line); print line } }'
}

sbx_cmd_logs() {
  local cmdpath="$1"
  shift
  sbx_flags "$cmdpath" 1 follow,f,b tail,n,v timestamps,t,b since,,v until,,v details,,b -- "$@"
  ((${#SBX_POS[@]} == 1)) || sbx_docker_args_error "$cmdpath" "exactly 1 argument" "$cmdpath [OPTIONS] CONTAINER" "Fetch the logs of a container"
  local file
  file="$(sbx_container_find_or_die "${SBX_POS[0]}")"
  sbx_container_load "$file"
  local tail="${SBX_F[tail]:-all}"
  [[ -f "$C_LOG" ]] || : >"$C_LOG"
  if [[ -n "${SBX_F[follow]:-}" ]]; then
    local shim
    if shim="$(sbx_pid_from_file "$C_RUN/shim.pid")"; then
      if [[ "$tail" == all ]]; then
        tail -n +1 -f --pid="$shim" "$C_LOG"
      else
        tail -n "$tail" -f --pid="$shim" "$C_LOG"
      fi
      return 0
    fi
  fi
  if [[ "$tail" == all || "$tail" -lt 0 ]]; then
    cat "$C_LOG"
  else
    tail -n "$tail" "$C_LOG"
  fi
}

# Go's HumanDuration (docker ps "Up 3 minutes", "Exited (0) 2 hours ago").
sbx_human_duration() {
  local s="$1"
  if ((s < 1)); then echo "Less than a second"
  elif ((s == 1)); then echo "1 second"
  elif ((s < 60)); then echo "$s seconds"
  elif ((s / 60 == 1)); then echo "About a minute"
  elif ((s < 3600)); then echo "$((s / 60)) minutes"
  elif ((s / 3600 == 1)); then echo "About an hour"
  elif ((s < 48 * 3600)); then echo "$((s / 3600)) hours"
  elif ((s < 7 * 24 * 3600 * 2)); then echo "$((s / 86400)) days"
  elif ((s < 24 * 3600 * 30 * 2)); then echo "$((s / 86400 / 7)) weeks"
  elif ((s < 24 * 3600 * 365 * 2)); then echo "$((s / 86400 / 30)) months"
  else echo "$((s / 86400 / 365)) years"
  fi
}

sbx_cmd_ps() {
  local cmdpath="$1"
  shift
  sbx_flags "$cmdpath" 1 all,a,b quiet,q,b no-trunc,,b format,,v filter,f,l last,n,v latest,l,b size,s,b -- "$@"
  ((${#SBX_POS[@]} == 0)) || sbx_docker_args_error "$cmdpath" "no arguments" "$cmdpath [OPTIONS]" "List containers"
  sbx_container_files
  local filters
  filters="$(sbx_json_array "${SBX_L_filter[@]}")"
  local rows="[]"
  if ((${#SBX_CFILES[@]})); then
    rows="$(jq -s -c --argjson filters "$filters" --arg all "${SBX_F[all]:-}" --arg now "$(date -u +%s)" '
      def secs($t): $t | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601;
      ($filters | map(capture("^(?<k>[^=]+)=(?<v>.*)$")) | group_by(.k) | map({key: .[0].k, value: map(.v)}) | from_entries) as $f
      | [ .[]
          | select($all == "1" or (.State.Running == true) or ($f.status // [] | length > 0))
          | . as $c
          | select(($f.name // []) | length == 0 or any(.[]; . as $re | ($c.Name | test($re)) or ($c.Name[1:] | test($re))))
          | select(($f.label // []) | all(.[]; . as $l | if ($l | contains("=")) then
                    ($c.Config.Labels[$l | split("=")[0]] == ($l | split("=")[1:] | join("="))) else ($c.Config.Labels | has($l)) end))
          | select(($f.status // []) | length == 0 or any(.[]; . == $c.State.Status))
          | select(($f.id // []) | length == 0 or any(.[]; . as $p | $c.Id | startswith($p)))
          | select(($f.ancestor // []) | length == 0 or any(.[]; . == $c.Config.Image or . == $c.Image))
          | select(($f.network // []) | length == 0 or any(.[]; . as $n | $c.NetworkSettings.Networks | has($n)))
        ]
      | sort_by(.Created) | reverse' "${SBX_CFILES[@]}")"
  fi
  if [[ -n "${SBX_F[latest]:-}" ]]; then rows="$(jq -c '.[:1]' <<<"$rows")"; fi
  if [[ -n "${SBX_F[last]:-}" ]]; then rows="$(jq -c --argjson n "${SBX_F[last]}" '.[:$n]' <<<"$rows")"; fi
  if [[ -n "${SBX_F[quiet]:-}" ]]; then
    jq -r --arg nt "${SBX_F[no-trunc]:-}" '.[] | if $nt == "1" then .Id else .Id[:12] end' <<<"$rows"
    return 0
  fi
  local objs
  objs="$(jq -c --arg nt "${SBX_F[no-trunc]:-}" --arg now "$(date -u +%s)" '
    def secs($t): $t | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601;
    def human($s): if $s < 1 then "Less than a second" elif $s < 2 then "1 second" elif $s < 60 then "\($s | floor) seconds"
      elif ($s / 60 | floor) == 1 then "About a minute" elif $s < 3600 then "\($s / 60 | floor) minutes"
      elif ($s / 3600 | floor) == 1 then "About an hour" elif $s < 172800 then "\($s / 3600 | floor) hours"
      elif $s < 1209600 then "\($s / 86400 | floor) days" elif $s < 5184000 then "\($s / 604800 | floor) weeks"
      elif $s < 63072000 then "\($s / 2592000 | floor) months" else "\($s / 31536000 | floor) years" end;
    ($now | tonumber) as $n
    | .[] | . as $c
    | (([.Path] + .Args) | map(select(. != "")) | join(" ")) as $cmd
    | {
        ID: (if $nt == "1" then .Id else .Id[:12] end),
        Names: .Name[1:],
        Image: .Config.Image,
        Command: (if $nt == "1" then "\"\($cmd)\"" else "\"" + (if ($cmd | length) > 20 then $cmd[:19] + "…" else $cmd end) + "\"" end),
        CreatedAt: (secs(.Created) | strftime("%Y-%m-%d %H:%M:%S +0000 UTC")),
        RunningFor: (human($n - secs(.Created)) + " ago"),
        Status: (if .State.Status == "running" then "Up " + human($n - secs(.State.StartedAt))
                 elif .State.Status == "paused" then "Up " + human($n - secs(.State.StartedAt)) + " (Paused)"
                 elif .State.Status == "restarting" then "Restarting (\(.State.ExitCode)) " + human($n - secs(.State.FinishedAt)) + " ago"
                 elif .State.Status == "exited" then "Exited (\(.State.ExitCode)) " + human($n - secs(.State.FinishedAt)) + " ago"
                 elif .State.Status == "created" then "Created" else .State.Status end),
        State: .State.Status,
        Ports: ([(.Config.ExposedPorts // {} | keys[]) as $p
                 | if (.HostConfig.PortBindings[$p] // []) | length > 0 then
                     (.HostConfig.PortBindings[$p][] | "\(if .HostIp == "" then "0.0.0.0" else .HostIp end):\(.HostPort)->\($p)")
                   else $p end] | join(", ")),
        Labels: (.Config.Labels // {} | to_entries | map("\(.key)=\(.value)") | join(",")),
        LabelMap: (.Config.Labels // {}),
        Mounts: ([.Mounts[] | .Name // .Source] | join(",")),
        Networks: (.NetworkSettings.Networks // {} | keys | join(",")),
        Size: "0B"
      }' <<<"$rows")"
  local format='table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}'
  [[ -n "${SBX_F[format]:-}" ]] && format="${SBX_F[format]}"
  sbx_render_list "$format" '{"ID":"CONTAINER ID","Names":"NAMES","Image":"IMAGE","Command":"COMMAND","CreatedAt":"CREATED AT","RunningFor":"CREATED","Status":"STATUS","State":"STATE","Ports":"PORTS","Labels":"LABELS","Mounts":"MOUNTS","Networks":"NETWORKS","Size":"SIZE"}' <<<"$objs"
}

# ---------------------------------------------------------------------------------------------
# networks (user-defined; a container's address stays its own 127.A.B.C)

sbx_cmd_network() {
  local sub="${1:-}"
  shift || true
  case "$sub" in
    create)
      sbx_flags "network create" 1 driver,d,v subnet,,l gateway,,l internal,,b attachable,,b label,,l opt,o,l ipv6,,b -- "$@"
      ((${#SBX_POS[@]} == 1)) || sbx_docker_args_error "network create" "exactly 1 argument" "network create [OPTIONS] NETWORK" "Create a network"
      local net="${SBX_POS[0]}"
      [[ -f "$SANDBOX_DOCKER/networks/$net.json" || "$net" == bridge || "$net" == host || "$net" == none ]] &&
        sbx_daemon_error "network with name $net already exists"
      sbx_docker_dirs
      local id
      id="$(sbx_random_hex 32)"
      jq -n --arg n "$net" --arg id "$id" --arg now "$(sbx_now)" '{Name: $n, Id: $id, Created: $now, Scope: "local",
        Driver: "bridge", EnableIPv6: false, Internal: false, Attachable: false, Containers: {}, Options: {}, Labels: {}}' |
        sbx_write_atomic "$SANDBOX_DOCKER/networks/$net.json"
      echo "$id"
      ;;
    ls | list)
      sbx_flags "network ls" 1 quiet,q,b format,,v filter,f,l no-trunc,,b -- "$@"
      local rows
      rows="$( {
        printf '{"ID":"%s","Name":"bridge","Driver":"bridge","Scope":"local"}\n' "$(sbx_sha256 bridge | cut -c1-12)"
        printf '{"ID":"%s","Name":"host","Driver":"host","Scope":"local"}\n' "$(sbx_sha256 host | cut -c1-12)"
        printf '{"ID":"%s","Name":"none","Driver":"null","Scope":"local"}\n' "$(sbx_sha256 none | cut -c1-12)"
        shopt -s nullglob
        local f
        for f in "$SANDBOX_DOCKER"/networks/*.json; do jq -c '{ID: .Id[:12], Name, Driver, Scope}' "$f"; done
        shopt -u nullglob
      })"
      if [[ -n "${SBX_F[quiet]:-}" ]]; then
        jq -r .ID <<<"$rows"
      else
        local nformat='table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}'
        [[ -n "${SBX_F[format]:-}" ]] && nformat="${SBX_F[format]}"
        sbx_render_list "$nformat" \
          '{"ID":"NETWORK ID","Name":"NAME","Driver":"DRIVER","Scope":"SCOPE"}' <<<"$rows"
      fi
      ;;
    inspect)
      sbx_cmd_inspect "network inspect" network "$@"
      ;;
    rm | remove)
      sbx_flags "network rm" 1 force,f,b -- "$@"
      local net rc=0
      for net in "${SBX_POS[@]}"; do
        if [[ -f "$SANDBOX_DOCKER/networks/$net.json" ]]; then
          rm -f "$SANDBOX_DOCKER/networks/$net.json"
          echo "$net"
        else
          echo "Error response from daemon: network $net not found" >&2
          rc=1
        fi
      done
      return "$rc"
      ;;
    connect | disconnect)
      if [[ "$sub" == connect ]]; then
        sbx_flags "network connect" 1 alias,,l ip,,v ip6,,v link,,l link-local-ip,,l driver-opt,,l -- "$@"
      else
        sbx_flags "network disconnect" 1 force,f,b -- "$@"
      fi
      ((${#SBX_POS[@]} == 2)) || sbx_docker_args_error "network $sub" "exactly 2 arguments" "network $sub [OPTIONS] NETWORK CONTAINER" "Connect a container to a network"
      local net="${SBX_POS[0]}" file
      [[ -f "$SANDBOX_DOCKER/networks/$net.json" || "$net" == bridge ]] || sbx_daemon_error "network $net not found"
      file="$(sbx_container_find_or_die "${SBX_POS[1]}")"
      if [[ "$sub" == connect ]]; then
        sbx_container_update "$file" '.NetworkSettings.Networks[$n] = {IPAMConfig: null, Links: null,
            Aliases: (if ($a | length) > 0 then $a else null end), NetworkID: "", EndpointID: "", Gateway: "",
            IPAddress: "", IPPrefixLen: 0, MacAddress: "", DNSNames: ([.Name[1:]] + $a + [.Id[:12]])}' \
          --arg n "$net" --argjson a "$(sbx_json_array "${SBX_L_alias[@]}")"
      else
        sbx_container_update "$file" 'del(.NetworkSettings.Networks[$n])' --arg n "$net"
      fi
      ;;
    *)
      sbx_docker_die 1 "docker: 'network ${sub}' is not a docker command." "See 'docker network --help'"
      ;;
  esac
}
