#!/usr/bin/env bash
# The sandbox's docker, part 4: the S3 side. s3rver (lib/docker_s3rver.js) started and stopped
# with the host's "daemon", and the dokku/s3backup:0.18.0 image: a real tar.gz (optionally gpg)
# of the /backup mount streamed to S3 with Debian's /usr/bin/aws. Sourced by lib/docker.bash.
# jq programs are single-quoted on purpose; C_*/CAT_*/SBX_L_* are shared between the parts.
# shellcheck disable=SC2016,SC2034,SC2154,SC2054

SBX_S3_DEFAULT_BUCKET=dokku-postgres

# Engineer A's `up` calls this while writing DIR/sandbox/env: our lines win over its defaults.
# The key pair is made once per host (DIR/sandbox/s3.keys) and kept; the port is the one s3rver
# last listened on when it had to move away from the default.
sbx_docker_env() {
  local dir="$1" keys="$1/sandbox/s3.keys" access secret
  if [[ ! -s "$keys" ]]; then
    access="SBX$(tr -dc 'A-Z0-9' </dev/urandom | head -c 17)"
    secret="$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 40)"
    mkdir -p "$dir/sandbox"
    printf '%s %s\n' "$access" "$secret" >"$keys"
    chmod 0644 "$keys"
  fi
  read -r access secret <"$keys"
  printf 'export SANDBOX_S3_ACCESS_KEY=%q\n' "$access"
  printf 'export SANDBOX_S3_SECRET_KEY=%q\n' "$secret"
  if [[ -s "$dir/sandbox/s3.port" ]]; then
    local port
    port="$(<"$dir/sandbox/s3.port")"
    printf 'export SANDBOX_S3_PORT=%q\n' "$port"
    printf 'export SANDBOX_S3_ENDPOINT=%q\n' "http://127.0.0.1:$port"
  fi
}

sbx_port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Start s3rver unless it runs. Data in DIR/s3; pid in DIR/docker/run/s3rver.pid.
sbx_s3_up() {
  local pidfile="$SANDBOX_DOCKER/run/s3rver.pid" log="$SANDBOX_STATE/s3rver.log"
  mkdir -p "$SANDBOX_DOCKER/run" "$SANDBOX_ROOT/s3"
  if sbx_pid_from_file "$pidfile" >/dev/null; then
    return 0
  fi
  local keys="$SANDBOX_STATE/s3.keys" access secret
  if [[ -s "$keys" ]]; then
    read -r access secret <"$keys"
  else
    access="${SANDBOX_S3_ACCESS_KEY:-}"
    secret="${SANDBOX_S3_SECRET_KEY:-}"
  fi
  if [[ -z "$access" || "$access" == S3RVER ]]; then
    # a host whose env was written without our hook: make the key pair now
    sbx_docker_env "$SANDBOX_ROOT" >/dev/null
    read -r access secret <"$keys"
    sbx_env_set "$SANDBOX_STATE/env" "SANDBOX_S3_ACCESS_KEY=$access" "SANDBOX_S3_SECRET_KEY=$secret"
  fi
  local modules
  modules="$(sbx_docker_cache_dir)/node/node_modules"
  [[ -d "$modules/s3rver" ]] || sbx_fail_plain "sandbox: s3rver is not installed in $modules (run: tests/sandbox/sandbox prepare)"
  local port="${SANDBOX_S3_PORT:-}" try
  for try in 1 2 3 4 5; do
    if [[ -z "$port" ]] || ! sbx_port_free "$port"; then
      port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
    fi
    : >"$log"
    sbx_spawn_detached "$log" node "$SBX_DOCKER_LIB/docker_s3rver.js" "$modules" "$SANDBOX_ROOT/s3" "$port" "$access" "$secret" \
      "$SBX_S3_DEFAULT_BUCKET"
    local i pid=""
    for ((i = 0; i < 200; i++)); do
      if grep -q '^S3rver listening' "$log" 2>/dev/null; then
        pid="$(sbx_s3_pid_of_port "$port")"
        break
      fi
      grep -q 'EADDRINUSE' "$log" 2>/dev/null && break
      sleep 0.05
    done
    if [[ -n "$pid" ]]; then
      echo "$pid" >"$pidfile"
      if [[ "$port" != "${SANDBOX_S3_PORT:-}" ]]; then
        echo "$port" >"$SANDBOX_STATE/s3.port"
        sbx_env_set "$SANDBOX_STATE/env" "SANDBOX_S3_PORT=$port" "SANDBOX_S3_ENDPOINT=http://127.0.0.1:$port"
        export SANDBOX_S3_PORT="$port"
      fi
      return 0
    fi
    port=""
  done
  cat "$log" >&2
  sbx_fail_plain "sandbox: s3rver did not start (log: $log)"
}

# The pid of the node process listening on 127.0.0.1:PORT that we started (by command line).
sbx_s3_pid_of_port() {
  local port="$1" p
  for p in $(pgrep -u "$(id -u)" -f "docker_s3rver.js .* $port " 2>/dev/null); do
    echo "$p"
    return 0
  done
  return 1
}

sbx_s3_down() {
  local pidfile="$SANDBOX_DOCKER/run/s3rver.pid" pid
  if pid="$(sbx_pid_from_file "$pidfile")"; then
    sbx_stop_pid "$pid" TERM 5
  fi
  rm -f "$pidfile"
}

# The -e/--env-file environment of a run, as NAME=VALUE lines.
sbx_run_env_lines() {
  local e line
  for e in "${SBX_L_env_file[@]}"; do
    while IFS= read -r line; do printf '%s\n' "$line"; done < <(sbx_read_env_file "$e")
  done
  for e in "${SBX_L_env[@]}"; do
    if [[ "$e" == *=* ]]; then
      printf '%s\n' "$e"
    elif [[ -n "${!e+x}" ]]; then
      printf '%s=%s\n' "$e" "${!e}"
    fi
  done
}

# The real path mounted at /backup (or empty).
sbx_run_backup_dir() {
  local v src dst mode
  for v in "${SBX_L_volume[@]}"; do
    IFS=: read -r src dst mode <<<"$v"
    [[ "$dst" == /backup || "$dst" == /backup/ ]] || continue
    [[ "$src" == /* ]] || src="$SANDBOX_DOCKER/volumes/$src/_data"
    echo "$src"
    return 0
  done
  return 1
}

# dokku/s3backup:0.18.0's backup.sh, on this machine.
sbx_run_s3backup() {
  local -A E=()
  local line
  while IFS= read -r line; do E[${line%%=*}]="${line#*=}"; done < <(sbx_run_env_lines)
  local dir
  if ! dir="$(sbx_run_backup_dir)" || [[ ! -d "$dir" ]]; then
    echo "Please mount a directory to backup with -v /backup:/backup"
    return 1
  fi
  local backup_name="${E[BACKUP_NAME]:-backup}" bucket="${E[BUCKET_NAME]:-null}"
  local keyserver="${E[KEYSERVER]:-hkp://keyserver.ubuntu.com}"
  local timestamp
  timestamp="$(date -u "+%Y-%m-%d-%H-%M-%S")"
  local tmp
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/sbx-s3backup.XXXXXX")"
  # the image's own aws configuration (none), not the caller's ~/.aws
  local -a awsenv=("PATH=$SBX_SYSTEM_PATH" "HOME=$tmp" "AWS_CONFIG_FILE=$tmp/aws-config"
    "AWS_SHARED_CREDENTIALS_FILE=$tmp/aws-credentials" "AWS_PAGER=")
  local k
  for k in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_DEFAULT_REGION AWS_SESSION_TOKEN AWS_REGION; do
    [[ -n "${E[$k]+x}" ]] && awsenv+=("$k=${E[$k]}")
  done
  local -a endpoint=() storage=()
  [[ -n "${E[ENDPOINT_URL]:-}" ]] && endpoint=("--endpoint-url=${E[ENDPOINT_URL]}")
  [[ -n "${E[S3_STORAGE_CLASS]:-}" ]] && storage=("--storage-class=${E[S3_STORAGE_CLASS]}")
  if [[ -n "${E[AWS_SIGNATURE_VERSION]:-}" ]]; then
    env -i "${awsenv[@]}" "$SBX_AWS" configure set default.s3.signature_version "${E[AWS_SIGNATURE_VERSION]}"
  fi
  mkdir -m 0700 "$tmp/gnupg"
  local suffix="" mode=plain
  if [[ -n "${E[ENCRYPT_WITH_PUBLIC_KEY_ID]:-}" ]]; then
    if ! timeout 20 gpg --homedir "$tmp/gnupg" --batch --quiet --keyserver "$keyserver" \
      --recv-keys "${E[ENCRYPT_WITH_PUBLIC_KEY_ID]}" 2>&1; then
      echo "Error: Failed to retrieve the public key from the keyserver."
      rm -rf "$tmp"
      return 1
    fi
    mode=public_key
    suffix=.gpg
  elif [[ -n "${E[ENCRYPTION_KEY]:-}" ]]; then
    mode=encryption_key
    suffix=.gpg
  fi
  local rc=0
  {
    tar --create --gzip --file - -C "$dir" --transform 's,^\.,backup,' . |
      case "$mode" in
        public_key) gpg --homedir "$tmp/gnupg" --batch --no-tty --quiet --encrypt --always-trust --recipient "${E[ENCRYPT_WITH_PUBLIC_KEY_ID]}" ;;
        encryption_key) gpg --homedir "$tmp/gnupg" --batch --no-tty --quiet --pinentry-mode loopback --symmetric \
          --cipher-algo AES256 --passphrase "${E[ENCRYPTION_KEY]}" ;;
        *) cat ;;
      esac |
      env -i "${awsenv[@]}" "$SBX_AWS" "${endpoint[@]}" s3 cp - "s3://$bucket/$backup_name-$timestamp.tgz$suffix" "${storage[@]}"
  } || rc=$?
  rm -rf "$tmp"
  if ((rc == 0)); then
    echo "$timestamp: The backup for $backup_name finished successfully."
  else
    echo "Backup of backup/ has failed. Please investigate the issue."
    return 1
  fi
}

# `docker run --entrypoint aws dokku/s3backup:0.18.0 ARGS...`: the image's aws CLI with the
# -e environment (no ~/.aws of the caller).
sbx_run_s3backup_aws() {
  local tmp rc=0
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/sbx-aws.XXXXXX")"
  local -a awsenv=("PATH=$SBX_SYSTEM_PATH" "HOME=$tmp" "AWS_CONFIG_FILE=$tmp/aws-config"
    "AWS_SHARED_CREDENTIALS_FILE=$tmp/aws-credentials" "AWS_PAGER=")
  local line
  while IFS= read -r line; do awsenv+=("$line"); done < <(sbx_run_env_lines)
  local -a args=("$@")
  # -v mounts: map /backup-style paths in the arguments
  local v src dst mode map=""
  for v in "${SBX_L_volume[@]}"; do
    IFS=: read -r src dst mode <<<"$v"
    [[ -n "$dst" && "$src" == /* ]] && map+="$dst	$src"$'\n'
  done
  if [[ -n "$map" ]]; then
    sbx_map_words "$map" "${args[@]}"
    args=("${SBX_MAPPED[@]}")
  fi
  if [[ -n "${SBX_F[interactive]:-}" ]]; then
    env -i "${awsenv[@]}" "$SBX_AWS" "${args[@]}" || rc=$?
  else
    env -i "${awsenv[@]}" "$SBX_AWS" "${args[@]}" </dev/null || rc=$?
  fi
  rm -rf "$tmp"
  return "$rc"
}

# ---------------------------------------------------------------------------------------------
# dokku/ambassador: `run -d --link C:ALIAS --name N -p [IP:]HOSTPORT:5432 dokku/ambassador`, a
# TCP proxy from 127.0.0.1:HOSTPORT (always loopback in the sandbox) to the linked container.

sbx_run_ambassador() {
  local image_ref="$1" image_file="$2"
  shift 2
  ((${#SBX_L_link[@]})) || sbx_run_fail "sandbox: dokku/ambassador needs a --link."
  sbx_run_server "$image_ref" "$image_file" "$@"
}

sbx_shim_ambassador() {
  local file="$1"
  local link target port hostport
  link="$(jq -r '.HostConfig.Links[0] // empty' "$file")"
  target="$(sbx_container_find "${link%%:*}")" || {
    echo "ambassador: linked container ${link%%:*} is gone"
    return 1
  }
  local ip
  ip="$(jq -r .Sandbox.ip "$target")"
  read -r port hostport < <(jq -r '.HostConfig.PortBindings | to_entries[0] | "\(.key | split("/")[0]) \(.value[0].HostPort)"' "$file")
  [[ -n "$hostport" && "$hostport" != null ]] || hostport="$port"
  node -e '
    const net = require("net");
    const [lport, rhost, rport] = process.argv.slice(1);
    const srv = net.createServer(c => {
      const u = net.connect(Number(rport), rhost);
      c.pipe(u); u.pipe(c);
      c.on("error", () => u.destroy()); u.on("error", () => c.destroy());
    });
    srv.listen(Number(lport), "127.0.0.1", () => console.log(`ambassador: 127.0.0.1:${lport} -> ${rhost}:${rport}`));
    process.on("SIGTERM", () => process.exit(0)); process.on("SIGINT", () => process.exit(0));
  ' "$hostport" "$ip" "$port" </dev/null &
  SBX_SHIM_CHILD=$!
  echo "$SBX_SHIM_CHILD" >"$C_RUN/server.pid"
  touch "$C_RUN/ready"
  local rc=0
  while true; do
    wait "$SBX_SHIM_CHILD" && rc=0 || rc=$?
    sbx_pid_alive "$SBX_SHIM_CHILD" || break
  done
  SBX_SHIM_CHILD=""
  return "$rc"
}
