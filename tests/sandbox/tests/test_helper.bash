#!/usr/bin/env bash
# Shared by the sandbox's bats files: dokku-postgres-style assertions (contract §6) and one
# sandbox host per bats file:
#
#   load test_helper
#   setup_file() { sandbox_setup_file; }
#   teardown_file() { sandbox_teardown_file; }
#
# The host lives in BATS_FILE_TMPDIR/host (created with `up --no-plugin`); its `env` is
# exported for every test of the file, plus DOKKU_ROOT, DOKKU_LIB_ROOT, PLUGIN_PATH...

# shellcheck disable=SC2154 # status, output, lines: set by bats' run
SANDBOX_CLI="$(cd "$BATS_TEST_DIRNAME/.." && pwd)/sandbox"
export SANDBOX_CLI

# sandbox_setup_file [UP_ARGS...]: a fresh host (default `--no-plugin`), environment exported.
sandbox_setup_file() {
  local host="$BATS_FILE_TMPDIR/host" line
  local -a up_args=("$@")
  [[ ${#up_args[@]} -gt 0 ]] || up_args=(--no-plugin)
  # `with-plugin`: install this repository's plugin too (the plugin's own suites).
  [[ "${up_args[0]}" == with-plugin ]] && up_args=()
  if ! "$SANDBOX_CLI" up "$host" "${up_args[@]}" >"$BATS_FILE_TMPDIR/up.log" 2>&1; then
    {
      echo "# sandbox up $host ${up_args[*]} failed:"
      sed 's/^/# /' "$BATS_FILE_TMPDIR/up.log"
    } >&3
    return 1
  fi
  while IFS= read -r line; do
    eval "$line"
  done < <("$SANDBOX_CLI" env "$host")
  export SANDBOX_TEST_HOST="$host"
  export DOKKU_ROOT="$host/home/dokku"
  export DOKKU_LIB_ROOT="$host/var/lib/dokku"
  export PLUGIN_PATH="$DOKKU_LIB_ROOT/plugins"
  export PLUGIN_AVAILABLE_PATH="$PLUGIN_PATH/available"
  export PLUGIN_ENABLED_PATH="$PLUGIN_PATH/enabled"
  export SANDBOX_STATE="$host/sandbox"
  # A directory every sandbox user may write (trigger recorders of test plugins).
  export SANDBOX_TEST_SCRATCH="$host/scratch"
  mkdir -p "$SANDBOX_TEST_SCRATCH"
  chmod 1777 "$SANDBOX_TEST_SCRATCH"
}

sandbox_teardown_file() {
  [[ -n "${SANDBOX_TEST_HOST:-}" ]] || return 0
  "$SANDBOX_CLI" destroy "$SANDBOX_TEST_HOST" >/dev/null 2>&1 || true
}

# sandbox_test_plugin NAME [TOML]: an enabled community plugin in the host (plugin.toml with
# an empty [plugin.config] unless TOML is given). Add files with sandbox_test_plugin_file.
sandbox_test_plugin() {
  local name="$1" dir="$PLUGIN_AVAILABLE_PATH/$1"
  mkdir -p "$dir/subcommands"
  if [[ $# -ge 2 ]]; then
    printf '%s\n' "$2" >"$dir/plugin.toml"
  else
    printf '[plugin]\ndescription = "test plugin %s"\nversion = "0.0.1"\n[plugin.config]\n' "$name" >"$dir/plugin.toml"
  fi
  chmod -R a+rX "$dir"
  ln -sfn "$dir" "$PLUGIN_ENABLED_PATH/$name"
}

# sandbox_test_plugin_file NAME PATH [MODE] < CONTENT: a file of a test plugin (default mode 755).
sandbox_test_plugin_file() {
  local file="$PLUGIN_AVAILABLE_PATH/$1/$2"
  mkdir -p "$(dirname "$file")"
  cat >"$file"
  chmod "${3:-755}" "$file"
}

sandbox_test_plugin_remove() {
  rm -rf "${PLUGIN_ENABLED_PATH:?}/$1" "${PLUGIN_AVAILABLE_PATH:?}/$1"
}

# as_sandbox_user CMD...: run CMD as the host's unprivileged user (root: setpriv; else as is).
as_sandbox_user() {
  if [[ "$(id -u)" == 0 && "${SANDBOX_USER_NAME:-dokku}" != root ]]; then
    setpriv --reuid="$(sandbox_user)" --regid="$(id -g "$(sandbox_user)")" --init-groups -- \
      env HOME="$DOKKU_ROOT" "$@"
  else
    "$@"
  fi
}

sandbox_user() {
  # shellcheck source=/dev/null
  (source "$SANDBOX_TEST_HOST/sandbox/env" && echo "$SANDBOX_USER_NAME")
}

# ---------------------------------------------------------------------------------------------
# dokku-postgres' assertion helpers (tests/test_helper.bash there), same names and behaviour.

flunk() {
  {
    if [[ "$#" -eq 0 ]]; then cat -; else echo "$*"; fi
  } >&2
  return 1
}

assert_equal() {
  if [[ "$1" != "$2" ]]; then
    {
      echo "expected: $1"
      echo "actual:   $2"
    } | flunk
  fi
}

assert_exit_status() {
  assert_equal "$1" "$status" || {
    echo "output: $output" >&2
    return 1
  }
}

assert_success() {
  if [[ "$status" -ne 0 ]]; then
    flunk "command failed with exit status $status: $output"
  elif [[ "$#" -gt 0 ]]; then
    assert_output "$1"
  fi
}

assert_failure() {
  if [[ "$status" -eq 0 ]]; then
    flunk "expected failed exit status: $output"
  elif [[ "$#" -gt 0 ]]; then
    assert_output "$1"
  fi
}

assert_exists() {
  [[ -e "$1" ]] || flunk "expected file to exist: $1"
}

assert_not_exists() {
  [[ ! -e "$1" ]] || flunk "expected file not to exist: $1"
}

assert_contains() {
  [[ "$1" == *"$2"* ]] || flunk "expected to contain: $2
in: $1"
}

assert_output() {
  local expected
  if [[ $# -eq 0 ]]; then expected="$(cat -)"; else expected="$1"; fi
  assert_equal "$expected" "$output"
}

# assert_output_contains NEEDLE [COUNT=1]: exactly COUNT occurrences (0 asserts absence).
assert_output_contains() {
  local input="$output" expected="$1" count="${2:-1}" found=0
  until [[ "${input/"$expected"/}" == "$input" ]]; do
    input="${input/"$expected"/}"
    found=$((found + 1))
  done
  assert_equal "$count" "$found" || {
    echo "needle: $expected" >&2
    echo "output: $output" >&2
    return 1
  }
}

# assert_line_equals N TEXT: line N (0-based, of bats' $lines) is exactly TEXT.
assert_line_equals() {
  [[ "${lines[$1]:-}" == "$2" ]] || flunk "line $1: expected '$2'
actual: '${lines[$1]:-}'
output: $output"
}

# run_stderr CMD...: like bats' run, but $output/$lines hold only CMD's stderr (stdout is
# dropped). bats 1.8's --separate-stderr strips leading blanks, which Dokku messages have.
run_stderr() {
  run bash -c '"$@" 2>&1 >/dev/null' _ "$@"
}

# run_stdout CMD...: like bats' run, but stderr is dropped.
run_stdout() {
  run bash -c '"$@" 2>/dev/null' _ "$@"
}

# sandbox_trigger_recorder TRIGGER...: an enabled test plugin `recorder` whose TRIGGERs append
# "TRIGGER ARGS" to $SANDBOX_TEST_SCRATCH/events (read with sandbox_recorded, reset with
# sandbox_recorder_reset).
sandbox_trigger_recorder() {
  local trigger
  sandbox_test_plugin recorder
  for trigger in "$@"; do
    sandbox_test_plugin_file recorder "$trigger" <<SCRIPT
#!/usr/bin/env bash
echo "$trigger \$*" >>"$SANDBOX_TEST_SCRATCH/events"
SCRIPT
  done
}
sandbox_recorded() { cat "$SANDBOX_TEST_SCRATCH/events" 2>/dev/null || true; }
sandbox_recorder_reset() { rm -f "$SANDBOX_TEST_SCRATCH/events"; }

# pid_running PID: PID exists and is not a zombie.
pid_running() {
  [[ "$1" =~ ^[0-9]+$ && -d "/proc/$1" ]] || return 1
  [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]]
}
