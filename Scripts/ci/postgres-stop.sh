#!/usr/bin/env bash
# Stops the server Scripts/ci/postgres-start.sh started and removes its files.
set -u
[ -n "${CLVKIT_TEST_PGROOT:-}" ] || exit 0
if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$CLVKIT_TEST_PGBIN/pg_ctl" -D "$CLVKIT_TEST_PGROOT/data" -m fast -w stop >&2
else
    "$CLVKIT_TEST_PGBIN/pg_ctl" -D "$CLVKIT_TEST_PGROOT/data" -m fast -w stop >&2
fi
rm -rf "$CLVKIT_TEST_PGROOT"
