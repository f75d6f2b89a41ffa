# Sourced by the bench scripts: small helpers shared by bench/run and bench/dataset.
# shellcheck shell=bash

# bench_service_pgenv SERVICE: export PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE for
# SERVICE from `postgres:info --dsn` and `--internal-ip` (the container's address: the DSN's
# host name resolves only inside linked containers). Never prints the password.
bench_service_pgenv() {
  local service="$1" dsn address
  dsn="$(dokku postgres:info "$service" --dsn 2>/dev/null)" || {
    echo " !     bench: no postgres service $service" >&2
    return 1
  }
  address="$(dokku postgres:info "$service" --internal-ip 2>/dev/null)"
  [[ -n "$address" ]] || {
    echo " !     bench: the container of $service is not running" >&2
    return 1
  }
  eval "$(DSN="$dsn" python3 -c '
import os, shlex, urllib.parse
u = urllib.parse.urlsplit(os.environ["DSN"])
print("PGUSER=%s PGPASSWORD=%s PGPORT=%s PGDATABASE=%s" % (shlex.quote(urllib.parse.unquote(u.username or "postgres")),
      shlex.quote(urllib.parse.unquote(u.password or "")), u.port or 5432, shlex.quote(u.path.lstrip("/"))))')"
  PGHOST="$address"
  export PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE
}

# bench_now: seconds since the epoch with microseconds (bash 5's EPOCHREALTIME).
bench_now() {
  printf '%s\n' "$EPOCHREALTIME"
}
