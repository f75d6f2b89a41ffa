#!/usr/bin/env bash
# The sandbox's docker, part 1: the image catalogue (images.conf), the per-host "registry"
# (re-published tags), local images (pull, images, image inspect, rmi) and the image caches
# built by `sandbox prepare` (relocated Debian 15, initdb templates, a self-signed cert).
# Sourced by lib/docker.bash; defines functions only.
# jq programs are single-quoted on purpose; C_*/CAT_*/SBX_L_* are shared between the parts.
# shellcheck disable=SC2016,SC2034,SC2154,SC2054

SBX_IMAGES_CONF="${SBX_IMAGES_CONF:-$SANDBOX_HOME/images.conf}"
# Bump when the layout of <cache>/images changes, so `prepare` rebuilds it.
SBX_IMAGES_CACHE_VERSION=3

# ---------------------------------------------------------------------------------------------
# References and the catalogue

# Normalise an image reference like the docker CLI: drop docker.io/ and library/, add :latest.
# Prints REPO:TAG. Returns 2 on a reference docker would reject.
sbx_ref_normalize() {
  local ref="$1" repo tag
  [[ -n "$ref" && "$ref" != *@* && "$ref" != *' '* ]] || return 2
  ref="${ref#docker.io/}"
  ref="${ref#index.docker.io/}"
  ref="${ref#library/}"
  if [[ "${ref##*/}" == *:* ]]; then
    tag="${ref##*:}"
    repo="${ref%:*}"
  else
    repo="$ref"
    tag=latest
  fi
  [[ "$repo" =~ ^[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*$ ]] || return 2
  [[ "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || return 2
  printf '%s:%s\n' "$repo" "$tag"
}

# The "pulling from" name docker prints: library/postgres for official images.
sbx_ref_remote_name() {
  local repo="$1"
  if [[ "$repo" == */* ]]; then echo "$repo"; else echo "library/$repo"; fi
}

# Look REPO:TAG up in images.conf. Sets CAT_ENTRY (the canonical REPO:TAG), CAT_CREATED,
# CAT_KIND, CAT_BINSET, CAT_MAJOR, CAT_VERSION. Returns 1 if the tag is unknown, 3 if the
# repository is unknown.
sbx_catalogue_find() {
  local want="$1" want_repo="${1%:*}" want_tag="${1##*:}"
  local entry created kind binset major version more repo_known=""
  while read -r entry created kind binset major version more; do
    [[ -z "$entry" || "$entry" == \#* ]] && continue
    local repo="${entry%:*}" tag="${entry##*:}"
    [[ "$repo" == "$want_repo" ]] || continue
    repo_known=1
    local hit=""
    [[ "$tag" == "$want_tag" ]] && hit=1
    if [[ -z "$hit" && "$more" != - ]]; then
      local t
      IFS=, read -r -a _more_tags <<<"$more"
      for t in "${_more_tags[@]}"; do [[ "$t" == "$want_tag" ]] && hit=1; done
    fi
    if [[ -n "$hit" ]]; then
      CAT_ENTRY="$entry" CAT_CREATED="$created" CAT_KIND="$kind" CAT_BINSET="$binset"
      CAT_MAJOR="$major" CAT_VERSION="$version"
      return 0
    fi
  done <"$SBX_IMAGES_CONF"
  [[ -n "$repo_known" ]] && return 1
  return 3
}

# Every catalogue entry (REPO:TAG KIND BINSET), for prepare.
sbx_catalogue_entries() {
  local entry created kind binset rest
  while read -r entry created kind binset rest; do
    [[ -z "$entry" || "$entry" == \#* ]] && continue
    echo "$entry $kind $binset"
  done <"$SBX_IMAGES_CONF"
}

# What the host's registry serves for REPO:TAG: the catalogue entry plus REG_ID (hex) and
# REG_CREATED, taking re-published tags (DIR/docker/registry.json) into account.
sbx_registry_lookup() {
  local ref="$1" rc=0
  sbx_catalogue_find "$ref" || rc=$?
  ((rc == 0)) || return "$rc"
  REG_CREATED="$CAT_CREATED"
  REG_ID="$(sbx_sha256 "sandbox-image|$CAT_ENTRY|$CAT_CREATED")"
  local reg="$SANDBOX_DOCKER/registry.json"
  if [[ -f "$reg" ]]; then
    local over
    over="$(jq -r --arg r "$ref" '.[$r] // empty | "\(.Id) \(.Created)"' "$reg")"
    if [[ -n "$over" ]]; then
      REG_ID="${over%% *}"
      REG_ID="${REG_ID#sha256:}"
      REG_CREATED="${over#* }"
    fi
  fi
  return 0
}

# ---------------------------------------------------------------------------------------------
# Binary sets and the image cache

# Paths of a binary set (images.conf BINSET). Sets BS_BIN (server binaries), BS_SHARE (share
# dir: extension/, timezone/...), BS_LIB (pkglibdir) and BS_TEMPLATE (initdb'd template cluster).
sbx_binset_paths() {
  local binset="$1" cache
  cache="$(sbx_docker_cache_dir)"
  case "$binset" in
    npm:pg[0-9]*)
      local pkg="${binset#npm:}"
      local native="$cache/node/node_modules/$pkg/native"
      BS_BIN="$native/bin"
      BS_SHARE="$native/share/postgresql"
      BS_LIB="$native/lib/postgresql"
      BS_TEMPLATE="$cache/images/template-$pkg"
      ;;
    debian:postgres)
      local root="$cache/images/debian-postgres"
      BS_BIN="$root/lib/postgresql/15/bin"
      BS_SHARE="$root/share/postgresql/15"
      BS_LIB="/usr/lib/postgresql/15/lib"
      BS_TEMPLATE="$cache/images/template-debian15"
      ;;
    debian:postgis)
      BS_BIN="/usr/lib/postgresql/15/bin"
      BS_SHARE="/usr/share/postgresql/15"
      BS_LIB="/usr/lib/postgresql/15/lib"
      BS_TEMPLATE="$cache/images/template-debian15"
      ;;
    *)
      return 1
      ;;
  esac
}

sbx_images_cache_stamp() {
  local cache="$1" lock=""
  [[ -f "$SANDBOX_HOME/node/package-lock.json" ]] && lock="$(sha256sum <"$SANDBOX_HOME/node/package-lock.json")"
  printf 'v%s %s %s %s\n' "$SBX_IMAGES_CACHE_VERSION" \
    "$(sha256sum <"$SBX_IMAGES_CONF" | cut -c1-16)" "${lock:0:16}" \
    "$(/usr/lib/postgresql/15/bin/postgres --version 2>/dev/null | tr ' ' _)"
}

# Run a command as an unprivileged user (initdb refuses root): the sandbox user when known,
# else nobody. Non-root callers run it as themselves.
sbx_images_as_unprivileged() {
  if sbx_is_root; then
    local user="${SANDBOX_USER_NAME:-nobody}"
    id "$user" >/dev/null 2>&1 || user=nobody
    setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups -- "$@"
  else
    "$@"
  fi
}

# Build <cache>/images. Idempotent; quick when the stamp matches.
sbx_images_prepare_cache() {
  local cache="$1" images="$1/images" stamp
  stamp="$(sbx_images_cache_stamp "$cache")"
  if [[ -f "$images/.prepared" && "$(cat "$images/.prepared")" == "$stamp" ]]; then
    return 0
  fi
  [[ -x /usr/lib/postgresql/15/bin/postgres ]] ||
    sbx_fail_plain "sandbox: Debian's postgresql-15 is not installed (run: tests/sandbox/sandbox prepare)"
  mkdir -p "$images"
  chmod 0755 "$cache" "$images" 2>/dev/null || true

  # 1. Server packages from npm: hydrate the library symlinks if npm left them out.
  local pkg
  for pkg in pg14 pg16 pg17 pg18; do
    local dir="$cache/node/node_modules/$pkg"
    [[ -x "$dir/native/bin/postgres" ]] ||
      sbx_fail_plain "sandbox: $dir is missing (run: tests/sandbox/sandbox prepare)"
    if ! "$dir/native/bin/postgres" --version >/dev/null 2>&1; then
      (cd "$dir" && node scripts/hydrate-symlinks.js)
    fi
  done

  # 2. Debian 15 relocated, so that its share dir can leave postgis out (PostgreSQL finds
  # share/ and lib/ relative to the real path of its executable).
  local root="$images/debian-postgres"
  rm -rf "$root.new"
  mkdir -p "$root.new/lib/postgresql/15/bin" "$root.new/share/postgresql/15/extension"
  local b
  for b in postgres initdb pg_ctl; do
    ln "/usr/lib/postgresql/15/bin/$b" "$root.new/lib/postgresql/15/bin/$b" 2>/dev/null ||
      cp "/usr/lib/postgresql/15/bin/$b" "$root.new/lib/postgresql/15/bin/$b"
  done
  ln -s /usr/lib/postgresql/15/lib "$root.new/lib/postgresql/15/lib"
  local f n
  for f in /usr/share/postgresql/15/*; do
    n="${f##*/}"
    [[ "$n" == extension ]] && continue
    ln -s "$f" "$root.new/share/postgresql/15/$n"
  done
  for f in /usr/share/postgresql/15/extension/*; do
    n="${f##*/}"
    case "$n" in postgis* | address_standardizer*) continue ;; esac
    ln -s "$f" "$root.new/share/postgresql/15/extension/$n"
  done
  rm -rf "$root"
  mv "$root.new" "$root"

  # 3. One initdb'd template cluster per server build (copied into an empty PGDATA).
  chmod -R a+rX "$images"
  local binset
  for binset in npm:pg14 debian:postgres npm:pg16 npm:pg17 npm:pg18; do
    sbx_binset_paths "$binset"
    sbx_images_make_template "$BS_BIN" "$BS_TEMPLATE"
  done

  # 4. A self-signed certificate (2048 bits; RSA-4096 generation is slow) for the SSL step.
  mkdir -p "$images/ssl"
  if [[ ! -s "$images/ssl/server.crt" ]]; then
    openssl req -new -x509 -nodes -days 365000 -newkey rsa:2048 -subj "/CN=sandbox.postgres" \
      -keyout "$images/ssl/server.key" -out "$images/ssl/server.crt" >/dev/null 2>&1
  fi
  chmod -R a+rX "$images"
  echo "$stamp" >"$images/.prepared"
}

sbx_images_make_template() {
  local bin="$1" template="$2" tmp
  rm -rf "$template" "$template.new"
  tmp="$(mktemp -d "$template.XXXXXX")"
  chmod 0755 "$tmp"
  if sbx_is_root; then
    chown "${SANDBOX_USER_NAME:-nobody}" "$tmp" 2>/dev/null || chown nobody "$tmp"
  fi
  if ! sbx_images_as_unprivileged "$bin/initdb" -D "$tmp/data" -U postgres -E UTF8 --locale=C.UTF-8 \
    -A trust --no-sync >"$tmp/initdb.log" 2>&1; then
    cat "$tmp/initdb.log" >&2
    sbx_fail_plain "sandbox: initdb of the template for $bin failed"
  fi
  # pg_hba.conf as the official image leaves it, minus initdb's "host ... 127.0.0.1/32 trust"
  # lines: from the host every address is 127.x, so only the socket is trusted; the
  # entrypoint appends "host all all all scram-sha-256".
  cat >"$tmp/data/pg_hba.conf" <<'EOF'
# PostgreSQL Client Authentication Configuration File (sandbox template)
# TYPE  DATABASE        USER            ADDRESS                 METHOD

# "local" is for Unix domain socket connections only (the container's own socket)
local   all             all                                     trust
local   replication     all                                     trust
EOF
  sed -i -E "s/^#?listen_addresses = '[^']*'/listen_addresses = '*'/" "$tmp/data/postgresql.conf"
  mv "$tmp/data" "$template"
  rm -rf "$tmp"
  chmod -R a+rX "$template"
}

# ---------------------------------------------------------------------------------------------
# Local images

# The local image file holding tag REPO:TAG (prints the path), if any.
sbx_local_image_by_tag() {
  local ref="$1" hex idx="$SANDBOX_DOCKER/images/.tags"
  [[ -f "$idx" ]] || sbx_images_reindex
  hex="$(awk -v r="$ref" '$1 == r { print $2; exit }' "$idx")"
  [[ -n "$hex" && -f "$SANDBOX_DOCKER/images/$hex.json" ]] || return 1
  echo "$SANDBOX_DOCKER/images/$hex.json"
}

# images/.tags: "REPO:TAG HEX" per local tag (rebuilt after every change, under the lock).
sbx_images_reindex() {
  mkdir -p "$SANDBOX_DOCKER/images"
  shopt -s nullglob
  local -a files=("$SANDBOX_DOCKER"/images/*.json)
  shopt -u nullglob
  if ((${#files[@]})); then
    jq -r '.Id[7:] as $h | (.RepoTags // [])[] | "\(.) \($h)"' "${files[@]}"
  fi | sbx_write_atomic "$SANDBOX_DOCKER/images/.tags"
}

# Find a local image by reference or (prefix of) id. Prints the path.
sbx_local_image_find() {
  local ref="$1" norm hex
  if norm="$(sbx_ref_normalize "$ref" 2>/dev/null)" && sbx_local_image_by_tag "$norm"; then
    return 0
  fi
  hex="${ref#sha256:}"
  if [[ "$hex" =~ ^[0-9a-f]{4,64}$ ]]; then
    shopt -s nullglob
    local -a hits=("$SANDBOX_DOCKER"/images/"$hex"*.json)
    shopt -u nullglob
    if ((${#hits[@]} == 1)); then
      echo "${hits[0]}"
      return 0
    fi
  fi
  return 1
}

# The JSON docker keeps for an image of the catalogue entry CAT_* with id HEX.
sbx_image_json() {
  local hex="$1" created="$2" ref="$3"
  local repo="${ref%:*}"
  local -a env=() cmd=() entrypoint=() volumes=()
  local stop="" exposed=""
  case "$CAT_KIND" in
    postgres)
      local pgdata=/var/lib/postgresql/data volume=/var/lib/postgresql/data
      if ((CAT_MAJOR >= 18)); then
        pgdata="/var/lib/postgresql/$CAT_MAJOR/docker"
        volume=/var/lib/postgresql
      fi
      env=("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/$CAT_MAJOR/bin"
        "GOSU_VERSION=1.19" "LANG=C.UTF-8" "PG_MAJOR=$CAT_MAJOR" "PG_VERSION=$CAT_VERSION-1.pgdg13+1"
        "PGDATA=$pgdata")
      if [[ "$CAT_BINSET" == debian:postgis ]]; then
        env+=("POSTGIS_MAJOR=3" "POSTGIS_VERSION=3.3.2+dfsg-1.pgdg110+1")
      fi
      entrypoint=(docker-entrypoint.sh)
      cmd=(postgres)
      volumes=("$volume")
      stop=SIGINT
      exposed=5432/tcp
      ;;
    wait)
      env=("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
      entrypoint=(/entrypoint)
      ;;
    s3backup)
      env=("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
      cmd=(/usr/bin/backup.sh)
      ;;
    busybox)
      env=("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
      cmd=(sh)
      ;;
    ambassador)
      env=("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
      entrypoint=(/bin/ambassador)
      ;;
  esac
  local digest
  digest="$(sbx_sha256 "digest|$hex")"
  jq -n --arg id "sha256:$hex" --arg ref "$ref" --arg repo "$repo" --arg digest "$digest" \
    --arg created "$created" --arg now "$(sbx_now)" --arg stop "$stop" --arg exposed "$exposed" \
    --arg entry "$CAT_ENTRY" --arg kind "$CAT_KIND" --arg binset "$CAT_BINSET" \
    --arg major "$CAT_MAJOR" --arg version "$CAT_VERSION" \
    '
    def arr($n): $ARGS.positional | map(select(startswith($n + "\u001f")) | ltrimstr($n + "\u001f"));
    {
      Id: $id,
      RepoTags: [$ref],
      RepoDigests: ["\($repo)@sha256:\($digest)"],
      Parent: "",
      Comment: "",
      Created: $created,
      DockerVersion: "",
      Author: "",
      Config: {
        Hostname: "", Domainname: "", User: "",
        ExposedPorts: (if $exposed == "" then null else {($exposed): {}} end),
        Env: arr("env"),
        Cmd: (arr("cmd") | if length == 0 then null else . end),
        Entrypoint: (arr("entrypoint") | if length == 0 then null else . end),
        Volumes: (arr("volume") | if length == 0 then null else map({(.): {}}) | add end),
        WorkingDir: "",
        Labels: null,
        StopSignal: (if $stop == "" then null else $stop end)
      },
      Architecture: "amd64",
      Os: "linux",
      Size: (if $kind == "postgres" then 438000000 else 12000000 end),
      RootFS: {Type: "layers", Layers: [range(3) as $i | "sha256:\($digest[($i*8):] + $digest[:($i*8)])"]},
      Metadata: {LastTagTime: $now},
      Sandbox: {entry: $entry, kind: $kind, binset: $binset, major: $major, version: $version}
    }' \
    --args -- "${env[@]/#/env$'\x1f'}" "${cmd[@]/#/cmd$'\x1f'}" "${entrypoint[@]/#/entrypoint$'\x1f'}" \
    "${volumes[@]/#/volume$'\x1f'}"
}

# docker pull REF (and image pull). OUT is where progress goes (stdout for pull, stderr when
# run/create pull implicitly).
sbx_image_pull() {
  local ref="$1" quiet="${2:-}" norm rc=0
  if ! norm="$(sbx_ref_normalize "$ref")"; then
    sbx_docker_die 1 "invalid reference format"
  fi
  local repo="${norm%:*}" tag="${norm##*:}"
  sbx_registry_lookup "$norm" || rc=$?
  if ((rc == 3)); then
    [[ -z "$quiet" && "$ref" != *:* ]] && echo "Using default tag: latest"
    sbx_daemon_error "pull access denied for $repo, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"
  elif ((rc != 0)); then
    [[ -z "$quiet" && "$ref" != *:* ]] && echo "Using default tag: latest"
    sbx_daemon_error "manifest for $norm not found: manifest unknown: manifest unknown"
  fi
  local status
  status="$(sbx_docker_locked sbx_image_store "$norm" "$REG_ID" "$REG_CREATED")"
  local digest
  digest="$(sbx_sha256 "digest|$REG_ID")"
  if [[ -n "$quiet" ]]; then
    echo "docker.io/$(sbx_ref_remote_name "$repo"):$tag"
    return 0
  fi
  [[ "$ref" != *:* ]] && echo "Using default tag: latest"
  echo "$tag: Pulling from $(sbx_ref_remote_name "$repo")"
  if [[ "$status" == new-layers ]]; then
    local i
    for i in 0 8 16; do echo "${digest:$i:12}: Pull complete"; done
  fi
  echo "Digest: sha256:$digest"
  if [[ "$status" == up-to-date ]]; then
    echo "Status: Image is up to date for $norm"
  else
    echo "Status: Downloaded newer image for $norm"
  fi
  echo "docker.io/$(sbx_ref_remote_name "$repo"):$tag"
}

# Record tag NORM -> image HEX locally (under the lock). Prints up-to-date, new-tag or new-layers.
sbx_image_store() {
  local norm="$1" hex="$2" created="$3"
  sbx_docker_dirs
  local file="$SANDBOX_DOCKER/images/$hex.json" old
  if old="$(sbx_local_image_by_tag "$norm")"; then
    if [[ "$old" == "$file" ]]; then
      echo up-to-date
      return 0
    fi
    # The tag moves to the new image; the old one keeps its other tags or becomes dangling.
    sbx_json_update "$old" '.RepoTags -= [$r]' --arg r "$norm"
  fi
  if [[ -f "$file" ]]; then
    sbx_json_update "$file" '.RepoTags = ((.RepoTags // []) + [$r] | unique)' --arg r "$norm"
    echo new-tag
  else
    sbx_image_json "$hex" "$created" "$norm" | sbx_write_atomic "$file"
    echo new-layers
  fi
  sbx_images_reindex
}

# Make sure REF is a local image (pull it like docker run/create do, progress on stderr).
# Prints the image file.
sbx_image_ensure() {
  local ref="$1" file norm
  if file="$(sbx_local_image_find "$ref")"; then
    echo "$file"
    return 0
  fi
  norm="$(sbx_ref_normalize "$ref")" || sbx_docker_die 125 "docker: invalid reference format." "See 'docker run --help'."
  echo "Unable to find image '$norm' locally" >&2
  sbx_image_pull "$ref" >&2
  sbx_local_image_by_tag "$norm"
}

# Load the Sandbox attributes of an image file into CAT_* / IMG_*.
sbx_image_load() {
  local file="$1"
  local line
  line="$(jq -r '[.Id, .Sandbox.entry, .Sandbox.kind, .Sandbox.binset, .Sandbox.major, .Sandbox.version] | join(" ")' "$file")"
  read -r IMG_ID CAT_ENTRY CAT_KIND CAT_BINSET CAT_MAJOR CAT_VERSION <<<"$line"
}

# ---------------------------------------------------------------------------------------------
# Commands

sbx_cmd_pull() {
  local cmdpath="$1"
  shift
  local quiet="" arg
  local -a pos=()
  while (($#)); do
    arg="$1"
    shift
    case "$arg" in
      -q | --quiet) quiet=1 ;;
      -a | --all-tags) ;;
      --platform=* | --disable-content-trust=*) ;;
      --platform | --disable-content-trust) shift ;;
      --) pos+=("$@"); break ;;
      --*) sbx_docker_flag_error "$cmdpath" "unknown flag: ${arg%%=*}" ;;
      -?*) sbx_docker_flag_error "$cmdpath" "unknown shorthand flag: '${arg:1:1}' in $arg" ;;
      *) pos+=("$arg") ;;
    esac
  done
  if ((${#pos[@]} != 1)); then
    sbx_docker_args_error "$cmdpath" "exactly 1 argument" "$cmdpath [OPTIONS] NAME[:TAG|@DIGEST]" \
      "Download an image from a registry"
  fi
  sbx_image_pull "${pos[0]}" "$quiet"
}

# docker images / image ls [-q] [-a] [--no-trunc] [--digests] [--format T] [-f k=v] [REPO[:TAG]]
sbx_cmd_images() {
  local cmdpath="$1"
  shift
  local quiet="" notrunc="" digests="" format="" arg
  local -a pos=() filters=()
  while (($#)); do
    arg="$1"
    shift
    case "$arg" in
      -q | --quiet) quiet=1 ;;
      -a | --all) ;;
      --no-trunc) notrunc=1 ;;
      --digests) digests=1 ;;
      --format=*) format="${arg#*=}" ;;
      --format) format="${1:-}"; shift ;;
      -f | --filter) filters+=("${1:-}"); shift ;;
      --filter=*) filters+=("${arg#*=}") ;;
      -aq | -qa) quiet=1 ;;
      --*) sbx_docker_flag_error "$cmdpath" "unknown flag: ${arg%%=*}" ;;
      -?*) sbx_docker_flag_error "$cmdpath" "unknown shorthand flag: '${arg:1:1}' in $arg" ;;
      *) pos+=("$arg") ;;
    esac
  done
  ((${#pos[@]} <= 1)) || sbx_docker_args_error "$cmdpath" "at most 1 argument" "$cmdpath [OPTIONS] [REPOSITORY[:TAG]]" "List images"
  local want_repo="" want_tag=""
  if ((${#pos[@]})); then
    local r="${pos[0]}"
    r="${r#docker.io/}"
    r="${r#library/}"
    if [[ "${r##*/}" == *:* ]]; then
      want_repo="${r%:*}"
      want_tag="${r##*:}"
    else
      want_repo="$r"
    fi
  fi
  local f
  for f in "${filters[@]}"; do
    case "$f" in
      reference=*) want_repo="${f#reference=}"; [[ "${want_repo##*/}" == *:* ]] && { want_tag="${want_repo##*:}"; want_repo="${want_repo%:*}"; } ;;
      dangling=* | label=* | before=* | since=*) ;;
      *) sbx_docker_die 1 "Error response from daemon: invalid filter '${f%%=*}'" ;;
    esac
  done
  shopt -s nullglob
  local -a files=("$SANDBOX_DOCKER"/images/*.json)
  shopt -u nullglob
  local rows="[]"
  if ((${#files[@]})); then
    rows="$(jq -s --arg repo "$want_repo" --arg tag "$want_tag" --arg now "$(date -u +%s)" '
      [ .[] | . as $img
        | ((.RepoTags // []) | if length == 0 then ["<none>:<none>"] else . end)[]
        | {ref: ., repo: (.[:rindex(":")]), tag: (.[rindex(":") + 1:]), img: $img}
        | select($repo == "" or .repo == $repo)
        | select($tag == "" or .tag == $tag) ]
      | sort_by(.img.Created) | reverse' "${files[@]}")"
  fi
  if [[ -n "$quiet" ]]; then
    jq -r --arg notrunc "$notrunc" '[.[] | .img.Id] | unique_by(.) | .[] |
      if $notrunc == "1" then . else ltrimstr("sha256:")[:12] end' <<<"$rows"
    return 0
  fi
  local objs
  objs="$(jq -c --arg notrunc "$notrunc" --arg now "$(date -u +%s)" '
    def ago($t): ($now | tonumber) - ($t | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) |
      if . < 60 then "Less than a second ago" elif . < 3600 then "\(. / 60 | floor) minutes ago"
      elif . < 86400 then "\(. / 3600 | floor) hours ago" elif . < 86400 * 14 then "\(. / 86400 | floor) days ago"
      elif . < 86400 * 60 then "\(. / 604800 | floor) weeks ago" elif . < 86400 * 365 * 2 then "\(. / 2592000 | floor) months ago"
      else "\(. / 31536000 | floor) years ago" end;
    .[] | {
      ID: (if $notrunc == "1" then .img.Id else (.img.Id | ltrimstr("sha256:")[:12]) end),
      Repository: .repo, Tag: .tag,
      Digest: ((.img.RepoDigests // [])[0] // "<none>" | sub("^.*@"; "")),
      CreatedAt: (.img.Created | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601 | strftime("%Y-%m-%d %H:%M:%S +0000 UTC")),
      CreatedSince: ago(.img.Created),
      Size: "\(.img.Size / 1000000 | floor)MB",
      Containers: "N/A", SharedSize: "N/A", UniqueSize: "N/A", VirtualSize: "\(.img.Size / 1000000 | floor)MB"
    }' <<<"$rows")"
  if [[ -z "$format" ]]; then
    if [[ -n "$digests" ]]; then
      format='table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}'
    else
      format='table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}'
    fi
  fi
  sbx_render_list "$format" '{"Repository":"REPOSITORY","Tag":"TAG","ID":"IMAGE ID","Digest":"DIGEST","CreatedSince":"CREATED","CreatedAt":"CREATED AT","Size":"SIZE"}' <<<"$objs"
}

# docker image inspect [-f T] IMAGE...
sbx_cmd_image_inspect() {
  local cmdpath="$1"
  shift
  local format="" arg
  local -a pos=()
  while (($#)); do
    arg="$1"
    shift
    case "$arg" in
      -f | --format) format="${1:-}"; shift ;;
      -f=* | --format=*) format="${arg#*=}" ;;
      --*) sbx_docker_flag_error "$cmdpath" "unknown flag: ${arg%%=*}" ;;
      -?*) sbx_docker_flag_error "$cmdpath" "unknown shorthand flag: '${arg:1:1}' in $arg" ;;
      *) pos+=("$arg") ;;
    esac
  done
  ((${#pos[@]})) || sbx_docker_args_error "$cmdpath" "at least 1 argument" "$cmdpath [OPTIONS] IMAGE [IMAGE...]" "Display detailed information on one or more images"
  local -a found=() missing=()
  local ref file
  for ref in "${pos[@]}"; do
    if file="$(sbx_local_image_find "$ref")"; then found+=("$file"); else missing+=("$ref"); fi
  done
  sbx_inspect_output "$format" image "${found[@]}"
  local rc=0
  for ref in "${missing[@]}"; do
    [[ -z "$format" && ${#found[@]} -eq 0 && "$ref" == "${missing[0]}" ]] && echo "[]"
    echo "Error: No such image: $ref" >&2
    rc=1
  done
  return "$rc"
}

# Print inspect output for FILES: a JSON array without the Sandbox keys, or the template per object.
sbx_inspect_output() {
  local format="$1" kind="$2"
  shift 2
  (($#)) || return 0
  local filter='del(.Sandbox)'
  [[ "$kind" == container ]] && filter='sbx_container_view'
  if [[ -z "$format" ]]; then
    jq -s "$(sbx_container_view_def) [.[] | $filter]" "$@" | sed 's/^/    /; 1s/^    //; $s/^    //'
  else
    jq -c "$(sbx_container_view_def) $filter" "$@" | sbx_render_each "$format"
  fi
}

# docker rmi / image rm [-f] IMAGE...
sbx_cmd_rmi() {
  local cmdpath="$1"
  shift
  local force="" arg rc=0
  local -a pos=()
  while (($#)); do
    arg="$1"
    shift
    case "$arg" in
      -f | --force) force=1 ;;
      --no-prune) ;;
      --*) sbx_docker_flag_error "$cmdpath" "unknown flag: ${arg%%=*}" ;;
      -?*) sbx_docker_flag_error "$cmdpath" "unknown shorthand flag: '${arg:1:1}' in $arg" ;;
      *) pos+=("$arg") ;;
    esac
  done
  ((${#pos[@]})) || sbx_docker_args_error "$cmdpath" "at least 1 argument" "$cmdpath [OPTIONS] IMAGE [IMAGE...]" "Remove one or more images"
  local ref
  for ref in "${pos[@]}"; do
    sbx_docker_locked sbx_image_remove "$ref" "$force" || rc=1
  done
  return "$rc"
}

sbx_image_remove() {
  local ref="$1" force="$2" file norm id
  if ! file="$(sbx_local_image_find "$ref")"; then
    echo "Error response from daemon: No such image: $ref" >&2
    return 1
  fi
  id="$(jq -r .Id "$file")"
  if [[ -z "$force" ]]; then
    local user
    user="$(sbx_containers_using_image "$id" | head -n1)"
    if [[ -n "$user" ]]; then
      echo "Error response from daemon: conflict: unable to remove repository reference \"$ref\" (must force) - container ${user:0:12} is using its referenced image ${id#sha256:}" | cut -c1-400 >&2
      return 1
    fi
  fi
  norm="$(sbx_ref_normalize "$ref" 2>/dev/null)" || norm=""
  local tags
  tags="$(jq -r '(.RepoTags // []) | length' "$file")"
  if [[ -n "$norm" ]] && jq -e --arg r "$norm" '(.RepoTags // []) | index($r)' "$file" >/dev/null && ((tags > 1)); then
    sbx_json_update "$file" '.RepoTags -= [$r]' --arg r "$norm"
    sbx_images_reindex
    echo "Untagged: $norm"
    return 0
  fi
  jq -r '(.RepoTags // [])[] | "Untagged: \(.)"' "$file"
  rm -f "$file"
  sbx_images_reindex
  echo "Deleted: $id"
}

# sandbox republish: give TAG of this host's registry a new Id and Created.
sbx_registry_republish() {
  local norm="$1" created="$2"
  sbx_docker_dirs
  local reg="$SANDBOX_DOCKER/registry.json"
  [[ -f "$reg" ]] || echo '{}' | sbx_write_atomic "$reg"
  local id
  id="$(sbx_sha256 "sandbox-image|$norm|$created|$(sbx_random_hex 8)")"
  sbx_json_update "$reg" '.[$r] = {Id: ("sha256:" + $id), Created: $c}' --arg r "$norm" --arg id "$id" --arg c "$created"
  echo "sha256:$id"
}
