#!/usr/bin/env bash
# Shared by the plugin's bats suites: a sandbox host with this repository's plugin installed,
# and helpers to build apps, services and data in it.
# shellcheck disable=SC2154 # status, output, lines: set by bats' run

load ../sandbox/tests/test_helper

PGUPGRADE_REPO="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
export PGUPGRADE_REPO
export PGUPGRADE_FIXTURES="$PGUPGRADE_REPO/tests/plugin/fixtures"
export SANDBOX_CLI="$PGUPGRADE_REPO/tests/sandbox/sandbox"

plugin_setup_file() {
  sandbox_setup_file with-plugin
  export PGUPGRADE_STATE="$DOKKU_LIB_ROOT/data/pgupgrade"
}

plugin_teardown_file() {
  sandbox_teardown_file
}

# SQL as the superuser on a service (stdin or arguments passed to psql).
service_sql() {
  local service="$1"
  shift
  "$SANDBOX_CLI" psql "$SANDBOX_TEST_HOST" "$service" -X -q -A -t -v ON_ERROR_STOP=1 "$@"
}

# app_with_service APP SERVICE IMAGE VERSION: an app linked to a new service as DATABASE_URL.
app_with_service() {
  dokku apps:create "$1" >/dev/null
  dokku postgres:create "$2" --image "$3" --image-version "$4" >/dev/null
  dokku postgres:link "$2" "$1" >/dev/null
}

# The host of the app's DATABASE_URL.
database_host() {
  dokku config:get "$1" DATABASE_URL | sed -E 's#^[a-z0-9+]+://[^@]*@([^:/]+).*#\1#'
}

# A text fingerprint of every table's content, ordered, independent of the plugin's checks.
table_fingerprint() {
  local service="$1" table
  for table in $(service_sql "$service" -c "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\_%' ORDER BY 1"); do
    printf '%s ' "$table"
    service_sql "$service" -c "SET TimeZone = 'UTC'; SELECT md5(coalesce(string_agg(t::text, E'\n' ORDER BY t::text), '')) FROM $table t"
  done
  printf 'sequences '
  service_sql "$service" -c "SELECT md5(string_agg(schemaname || '.' || sequencename || '=' || coalesce(last_value::text, 'null'), ',' ORDER BY schemaname, sequencename)) FROM pg_sequences"
  printf 'large-objects '
  service_sql "$service" -c "SELECT md5(coalesce(string_agg(md5(lo_get(oid)), ',' ORDER BY oid), '')) FROM pg_largeobject_metadata"
}

# What a failed or refused command must leave as it was: services, the app's env, maintenance.
host_state() {
  local app="$1"
  dokku --quiet postgres:list 2>/dev/null | sort
  dokku config:export --format json "$app" 2>/dev/null
  dokku maintenance:report "$app" --maintenance-enabled 2>/dev/null
}

service_of() {
  dokku --quiet postgres:list | grep -v "^$1\$" || true
}
