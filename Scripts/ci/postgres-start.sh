#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on 127.0.0.1 for the store tests (installing Debian's package if the
# machine has none) and prints the `export` lines that point the tests at it:
#     eval "$(Scripts/ci/postgres-start.sh)"; trap Scripts/ci/postgres-stop.sh EXIT
# Trust authentication on loopback, fsync off: for tests only, never for data.
set -euo pipefail
port="${CLVKIT_TEST_PGPORT:-54329}"
server_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [ -z "$(server_bin)" ]; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >&2
fi
bin="$(server_bin)"
root="$(mktemp -d "${TMPDIR:-/tmp}/clvkit-pg.XXXXXX")"
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$root"; fi
as_postgres "$bin/initdb" -D "$root/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$root/initdb.log" 2>&1 \
    || { cat "$root/initdb.log" >&2; exit 1; }
as_postgres "$bin/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 30 start \
    -o "-p $port -k $root -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >&2 \
    || { cat "$root/server.log" >&2; exit 1; }
as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres clv_test >&2
echo "export CLVKIT_TEST_PGROOT='$root' CLVKIT_TEST_PGBIN='$bin'"
echo "export CLVKIT_TEST_POSTGRES='postgres://postgres@127.0.0.1:$port/clv_test?sslmode=disable'"
