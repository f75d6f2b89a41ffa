#!/usr/bin/env bash
# Run inside the service's image (`docker container run --rm -i … IMG bash -s < enable_ssl.sh`)
# with the service's data/ mounted where the image expects it and the certificate in
# /var/lib/postgresql/certs: copy it into PGDATA and turn SSL on in postgresql.conf.
set -eo pipefail

DATA="${PGDATA:-/var/lib/postgresql/data}"
CERTS=/var/lib/postgresql/certs

cp "$CERTS/server.crt" "$CERTS/server.key" "$DATA/"
chmod 600 "$DATA/server.key"
if id postgres >/dev/null 2>&1 && [[ "$(id -u)" == 0 ]]; then
  chown postgres:postgres "$DATA/server.crt" "$DATA/server.key"
fi

CONF="$DATA/postgresql.conf"
sed -i -e "s/^#\?ssl = .*/ssl = on/" -e "s/^#\?ssl_ciphers = .*/ssl_ciphers = 'AES256+EECDH:AES256+EDH'/" "$CONF"
grep -q "^ssl = on" "$CONF" || echo "ssl = on" >>"$CONF"
grep -q "^ssl_ciphers = 'AES256+EECDH:AES256+EDH'" "$CONF" || echo "ssl_ciphers = 'AES256+EECDH:AES256+EDH'" >>"$CONF"
