#!/usr/bin/env bash
# Helpers of the dokku-postgres emulation's bats files (service_*.bats, hook_*.bats), loaded
# after test_helper (whose sandbox_setup_file gives one host per bats file):
#
#   load test_helper
#   load service_helper
#   setup_file() { svc_setup_file; }
#   teardown_file() { svc_teardown_file; }
#
# The assertion names are dokku-postgres' tests/test_helper.bash ones (contract §6); they are
# only defined here when test_helper did not define them already.

# shellcheck disable=SC2034,SC2154 # SVC_* are used by the bats files; status/output/lines by bats
SVC_SANDBOX="$(cd "$BATS_TEST_DIRNAME/.." && pwd)/sandbox"
SVC_DOKKU_BIN="$(cd "$BATS_TEST_DIRNAME/.." && pwd)/bin/dokku"

# svc_setup_file: test_helper's host (no pgupgrade plugin), plus the plugin's paths.
svc_setup_file() {
  sandbox_setup_file --no-plugin || return 1
  export SVC_HOST="$SANDBOX_TEST_HOST"
  export SANDBOX_ROOT="$SVC_HOST"
  export PLUGIN_DATA_ROOT="$DOKKU_LIB_ROOT/services/postgres"
  export PLUGIN_CONFIG_ROOT="$DOKKU_LIB_ROOT/config/postgres"
  export SVC_CRON_DIR="$SVC_HOST/etc/cron.d"
}

svc_teardown_file() { sandbox_teardown_file; }

# svc_create NAME [FLAGS...]: create a service or fail the test with create's output.
svc_create() {
  local out
  if ! out="$(dokku postgres:create "$@" 2>&1)"; then
    echo "postgres:create $* failed:" >&2
    echo "$out" >&2
    return 1
  fi
}

svc_destroy() { dokku --force postgres:destroy "$1" >/dev/null 2>&1 || true; }

svc_app_create() { dokku apps:create "$1" >/dev/null 2>&1; }

svc_app_destroy() { dokku --force apps:destroy "$1" >/dev/null 2>&1 || true; }

svc_password() { cat "$PLUGIN_DATA_ROOT/$1/PASSWORD"; }

# svc_dsn SERVICE [SCHEME]: the URL the plugin writes into an app's env.
svc_dsn() {
  local host="dokku-postgres-${1//_/-}" db
  db="$(cat "$PLUGIN_DATA_ROOT/$1/DATABASE_NAME")"
  echo "${2:-postgres}://postgres:$(svc_password "$1")@$host:5432/$db"
}

# svc_sql SERVICE SQL: run SQL through postgres:connect, tuples only.
svc_sql() {
  dokku postgres:connect "$1" <<<"\\set QUIET on
\\pset tuples_only on
\\pset format unaligned
$2"
}

# ---------------------------------------------------------------------------------------------
# dokku-postgres' assertion helpers

if ! declare -F flunk >/dev/null; then
  flunk() {
    {
      if [[ "$#" -eq 0 ]]; then cat -; else echo "$*"; fi
    } >&2
    return 1
  }
fi

if ! declare -F assert_equal >/dev/null; then
  assert_equal() {
    if [[ "$1" != "$2" ]]; then
      {
        echo "expected: $1"
        echo "actual:   $2"
      } | flunk
    fi
  }
fi

if ! declare -F assert_exit_status >/dev/null; then
  assert_exit_status() {
    assert_equal "$1" "$status" || {
      echo "output: $output" >&2
      return 1
    }
  }
fi

if ! declare -F assert_success >/dev/null; then
  assert_success() {
    if [[ "$status" -ne 0 ]]; then
      flunk "command failed with exit status $status: $output"
    elif [[ "$#" -gt 0 ]]; then
      assert_output "$1"
    fi
  }
fi

if ! declare -F assert_failure >/dev/null; then
  assert_failure() {
    if [[ "$status" -eq 0 ]]; then
      flunk "expected failed exit status: $output"
    elif [[ "$#" -gt 0 ]]; then
      assert_output "$1"
    fi
  }
fi

if ! declare -F assert_exists >/dev/null; then
  assert_exists() {
    [[ -e "$1" ]] || flunk "expected file to exist: $1"
  }
fi

if ! declare -F assert_contains >/dev/null; then
  assert_contains() {
    [[ "$1" == *"$2"* ]] || flunk "expected to contain: $2
in: $1"
  }
fi

if ! declare -F assert_output >/dev/null; then
  assert_output() {
    local expected
    if [[ $# -eq 0 ]]; then expected="$(cat -)"; else expected="$1"; fi
    assert_equal "$expected" "$output"
  }
fi

# assert_output_contains NEEDLE [COUNT=1]: exactly COUNT occurrences (0 asserts absence).
if ! declare -F assert_output_contains >/dev/null; then
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
fi

# assert_line_equals N TEXT: line N (0-based, of bats' $lines) is exactly TEXT.
assert_line_equals() {
  [[ "${lines[$1]:-}" == "$2" ]] || flunk "line $1: expected '$2'
actual: '${lines[$1]:-}'
output: $output"
}

# svc_run_streams CMD...: run CMD keeping its streams apart (bats 1.8's --separate-stderr
# strips the leading spaces of " !     " lines): sets status, svc_stdout, svc_stderr.
svc_run_streams() {
  local out="$BATS_TEST_TMPDIR/svc-stdout" err="$BATS_TEST_TMPDIR/svc-stderr"
  status=0
  "$@" >"$out" 2>"$err" || status=$?
  svc_stdout="$(cat "$out")"
  svc_stderr="$(cat "$err")"
}
