#!/usr/bin/env bash
# Shared by every sandbox script: where a host's files are, who runs what, Dokku's log
# helpers and fault injection. Sourced; defines functions and exports, runs nothing else.

# Every sandbox command sources this file, many times per dokku call: the inherited
# SANDBOX_HOME is kept when it is this very file's tree (`-ef`: no process spawned).
if [[ -z "${SANDBOX_HOME:-}" || ! "$SANDBOX_HOME/lib/host.bash" -ef "${BASH_SOURCE[0]}" ]]; then
  if [[ "${BASH_SOURCE[0]}" == */* ]]; then
    SANDBOX_HOME="$(cd "${BASH_SOURCE[0]%/*}/.." && pwd)"
  else
    SANDBOX_HOME="$(cd .. && pwd)"
  fi
fi
export SANDBOX_HOME

sbx_fail_plain() {
  echo " !     $*" >&2
  exit 1
}

# Derive every Dokku path from SANDBOX_ROOT, as the real dokku script derives them from
# /etc/default/dokku.
sbx_export_paths() {
  [[ -n "${SANDBOX_ROOT:-}" ]] || sbx_fail_plain "sandbox: SANDBOX_ROOT is not set (run: eval \"\$(tests/sandbox/sandbox env DIR)\")"
  [[ -f "$SANDBOX_ROOT/sandbox/env" ]] || sbx_fail_plain "sandbox: $SANDBOX_ROOT is not a sandbox host (run: tests/sandbox/sandbox up $SANDBOX_ROOT)"
  # shellcheck source=/dev/null
  source "$SANDBOX_ROOT/sandbox/env"
  export DOKKU_ROOT="$SANDBOX_ROOT/home/dokku"
  export DOKKU_HOST_ROOT="$DOKKU_ROOT"
  export DOKKU_LIB_ROOT="$SANDBOX_ROOT/var/lib/dokku"
  export DOKKU_LIB_PATH="$DOKKU_LIB_ROOT"
  export PLUGIN_PATH="$DOKKU_LIB_ROOT/plugins"
  export PLUGIN_AVAILABLE_PATH="$PLUGIN_PATH/available"
  export PLUGIN_ENABLED_PATH="$PLUGIN_PATH/enabled"
  export PLUGIN_CORE_PATH="$DOKKU_LIB_ROOT/core-plugins"
  export PLUGIN_CORE_AVAILABLE_PATH="$PLUGIN_CORE_PATH/available"
  export PLUGIN_CORE_ENABLED_PATH="$PLUGIN_CORE_PATH/enabled"
  export DOKKU_LOGS_DIR="$SANDBOX_ROOT/var/log/dokku"
  export DOKKU_LOGS_HOST_DIR="$DOKKU_LOGS_DIR"
  export DOKKU_EVENTS_LOGFILE="$DOKKU_LOGS_DIR/events.log"
  export DOKKU_API_VERSION=1
  export DOKKU_NOT_IMPLEMENTED_EXIT=10
  export DOKKU_VALID_EXIT=0
  export DOKKU_DISTRO=debian
  export DOCKER_BIN=docker
  export DOKKU_CONTAINER_LABEL=dokku
  export SANDBOX_ETC="$SANDBOX_ROOT/etc"
  export SANDBOX_STATE="$SANDBOX_ROOT/sandbox"
  export SANDBOX_DOCKER="$SANDBOX_ROOT/docker"
  export DOKKU_SYSTEM_USER="${SANDBOX_USER_NAME:-$(id -un)}"
  export DOKKU_SYSTEM_GROUP="${SANDBOX_GROUP_NAME:-$(id -gn)}"
}

# The unprivileged user that owns the host's files and servers (see README, "Users").
sbx_user() { echo "${SANDBOX_USER_NAME:-$(id -un)}"; }

sbx_is_root() { ((EUID == 0)); }

# Re-run the current script as the sandbox user, keeping the environment, when called by root.
# Usage: sbx_drop_privileges "$0" "$@"
sbx_drop_privileges() {
  local script="$1"
  shift
  if sbx_is_root && [[ "$(sbx_user)" != root ]]; then
    export HOME="$SANDBOX_ROOT/home/dokku"
    exec setpriv --reuid="$(sbx_user)" --regid="$(id -g "$(sbx_user)")" --init-groups -- "$script" "$@"
  fi
}

# Dokku's log helpers (plugins/common/functions), same text, streams and quiet rules.
dokku_log_info1() { echo "-----> $*"; }
dokku_log_info1_quiet() { [[ -z "${DOKKU_QUIET_OUTPUT:-}" ]] && echo "-----> $*"; return 0; }
dokku_log_info2() { echo "=====> $*"; }
dokku_log_info2_quiet() { [[ -z "${DOKKU_QUIET_OUTPUT:-}" ]] && echo "=====> $*"; return 0; }
dokku_log_verbose() { echo "       $*"; }
dokku_log_verbose_quiet() { [[ -z "${DOKKU_QUIET_OUTPUT:-}" ]] && echo "       $*"; return 0; }
dokku_log_warn() { echo " !     $*" >&2; }
dokku_log_warn_quiet() { [[ -z "${DOKKU_QUIET_OUTPUT:-}" ]] && echo " !     $*" >&2; return 0; }
dokku_log_fail() {
  echo " !     $*" >&2
  exit "${DOKKU_FAIL_EXIT_CODE:-1}"
}
dokku_log_fail_quiet() {
  [[ -z "${DOKKU_QUIET_OUTPUT:-}" ]] && echo " !     $*" >&2
  exit "${DOKKU_FAIL_EXIT_CODE:-1}"
}

# Fault injection (README, "Fault injection"). Rules: DIR/sandbox/faults/rules, one per line,
# fields separated by tabs: NAME, CALL (N or N+), ACTION (exit|hang|kill), ARG (exit code,
# seconds, or process name), MESSAGE, MATCH. A rule with MATCH words only sees the calls whose
# arguments contain those words consecutively, and counts them on their own. Counters:
# DIR/sandbox/faults/counts/<NAME[@MATCH] with / and space as _>.
# Usage: sbx_fault_check NAME [ARGS...]
sbx_fault_counter_next() {
  local counter="$1"
  (
    exec 9>>"$counter.lock"
    flock 9
    local n=0
    [[ -f "$counter" ]] && n=$(<"$counter")
    n=$((n + 1))
    echo "$n" >"$counter"
    echo "$n"
  )
  # Counter files stay writable for the sandbox user's later calls.
  if sbx_is_root; then
    chown "$(sbx_user)" "$counter" "$counter.lock" 2>/dev/null || true
  fi
}

# sbx_args_contain "W1 W2" ARGS...: true when ARGS hold the words W1 W2 consecutively.
sbx_args_contain() {
  local -a words
  read -r -a words <<<"$1"
  shift
  local -a args=("$@")
  local i j
  for ((i = 0; i + ${#words[@]} <= ${#args[@]}; i++)); do
    for ((j = 0; j < ${#words[@]}; j++)); do
      [[ "${args[i + j]}" == "${words[j]}" ]] || continue 2
    done
    return 0
  done
  return 1
}

sbx_fault_check() {
  local name="$1" dir="$SANDBOX_ROOT/sandbox/faults"
  shift
  [[ -s "$dir/rules" ]] || return 0
  mkdir -p "$dir/counts"
  local count
  count=$(sbx_fault_counter_next "$dir/counts/${name//[ \/]/_}")
  local -A match_counts=()
  local rule_name rule_call action arg message match rule_count
  while IFS=$'\t' read -r rule_name rule_call action arg message match; do
    [[ "$rule_name" == "$name" ]] || continue
    [[ "$arg" == - ]] && arg=""
    [[ "$message" == - ]] && message=""
    [[ "$match" == - ]] && match=""
    rule_count="$count"
    if [[ -n "$match" ]]; then
      sbx_args_contain "$match" "$@" || continue
      if [[ -z "${match_counts[$match]:-}" ]]; then
        match_counts[$match]=$(sbx_fault_counter_next "$dir/counts/${name//[ \/]/_}@${match//[ \/]/_}")
      fi
      rule_count="${match_counts[$match]}"
    fi
    if [[ "$rule_call" == *+ ]]; then
      ((rule_count >= ${rule_call%+})) || continue
    else
      ((rule_count == rule_call)) || continue
    fi
    echo "$(date -u +%FT%TZ) $name${match:+ [$match]} call $rule_count: $action $arg" >>"$dir/fired"
    sbx_is_root && chown "$(sbx_user)" "$dir/fired" 2>/dev/null
    case "$action" in
      exit)
        [[ -n "$message" ]] && echo "$message" >&2
        exit "$arg"
        ;;
      hang)
        sleep "${arg:-3600}"
        exit 124
        ;;
      kill)
        sbx_kill_ancestor "$arg"
        echo "sandbox: fault injected: killed caller" >&2
        exit 137
        ;;
    esac
  done <"$dir/rules"
  return 0
}

# sbx_process_named PID NAME: PID's command name is NAME, or (scripts run through an
# interpreter, e.g. `#!/usr/bin/env bash`, whose comm is the interpreter's) the basename of
# its argv[0] or argv[1] is NAME.
sbx_process_named() {
  local pid="$1" want="$2" comm arg
  local -a argv=()
  comm=$(ps -o comm= -p "$pid" 2>/dev/null | tr -d ' ')
  [[ "$comm" == "$want" ]] && return 0
  mapfile -d '' -t argv <"/proc/$pid/cmdline" 2>/dev/null || return 1
  for arg in "${argv[@]:0:2}"; do
    [[ "${arg##*/}" == "$want" ]] && return 0
  done
  return 1
}

# SIGKILL the nearest ancestor named NAME (the direct parent when NAME is empty).
sbx_kill_ancestor() {
  local want="$1" pid=$PPID
  if [[ -z "$want" ]]; then
    kill -KILL "$pid" 2>/dev/null || true
    return 0
  fi
  while [[ "$pid" -gt 1 ]]; do
    if sbx_process_named "$pid" "$want"; then
      kill -KILL "$pid" 2>/dev/null || true
      return 0
    fi
    pid=$(ps -o ppid= -p "$pid" 2>/dev/null | tr -d ' ')
    [[ -n "$pid" ]] || break
  done
  return 0
}

# Where `sandbox prepare` installs the npm packages (servers, s3rver, pg) and other caches.
# SANDBOX_CACHE wins; a host records the cache it was created with in DIR/sandbox/env, so
# scripts that run as the sandbox user (whose HOME is DIR/home/dokku) find the same one.
sbx_cache_dir() {
  if [[ -n "${SANDBOX_CACHE:-}" ]]; then
    echo "$SANDBOX_CACHE"
  elif sbx_is_root; then
    echo /var/cache/pgupgrade-sandbox
  else
    echo "${XDG_CACHE_HOME:-$HOME/.cache}/pgupgrade-sandbox"
  fi
}

# A stable hash of an absolute path, as 64 hex digits (addresses, ports, socket dirs).
sbx_hash() { printf '%s' "$1" | sha256sum | cut -c1-64; }

# sbx_use_dir DIR: select the host at DIR (absolute SANDBOX_ROOT) and derive its paths.
sbx_use_dir() {
  local dir
  dir="$(cd "$1" 2>/dev/null && pwd -P)" || sbx_fail_plain "sandbox: no such directory: $1"
  [[ -f "$dir/sandbox/env" ]] || sbx_fail_plain "sandbox: $dir is not a sandbox host (run: tests/sandbox/sandbox up $dir)"
  export SANDBOX_ROOT="$dir"
  sbx_export_paths
  case ":$PATH:" in
    *":$SANDBOX_HOME/bin:"*) ;;
    *) export PATH="$SANDBOX_HOME/bin:$PATH" ;;
  esac
}
