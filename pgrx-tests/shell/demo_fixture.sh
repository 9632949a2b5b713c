#!/usr/bin/env bash
# The demo data of `scripts/stack.sh up --demo` (pgrx-tests/fixtures/demo.sql,
# which runs in a transaction of its own) loads into a fresh database with
# the extension, and loading it again changes nothing: every table keeps its
# row count and every counter equals its recount.  Prints TAP; creates and
# drops its own database.  Env: PGHOST/PGPORT/PGUSER (a cluster with arcanea
# installed); ARCANEA_ROOT (the repo; default: from this file's path).
set -euo pipefail
ARCANEA_ROOT=${ARCANEA_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
source "$(dirname "${BASH_SOURCE[0]}")/lib/tap.sh"

DB=arcanea_demo_$$
ERR=$(mktemp)
trap 'db_drop "$DB"; rm -f "$ERR"' EXIT
tap_plan 4
db_create "$DB" || tap_bail "cannot create database $DB with the extension"
DEMO=$ARCANEA_ROOT/pgrx-tests/fixtures/demo.sql
counts() {
    q "$DB" "SELECT concat_ws(' ', (SELECT count(*) FROM public.profiles), (SELECT count(*) FROM public.creations),
                                   (SELECT count(*) FROM public.likes), (SELECT count(*) FROM public.follows),
                                   (SELECT count(*) FROM public.luminor_messages),
                                   (SELECT count(*) FROM public.notifications))"
}
status=0
psql -qX -v ON_ERROR_STOP=1 -d "$DB" -f "$DEMO" >/dev/null 2>"$ERR" || status=$?
tap_is "demo.sql loads into a fresh database" "$status" 0
[[ $status -eq 0 ]] || tap_diag <"$ERR"
first=$(counts)
tap_ok "it made users, creations, likes, follows, three messages and notifications ($first)" \
    "$(read -r p c l f m n <<<"$first"; ((p >= 3 && c > 0 && l > 0 && f > 0 && m == 3 && n > 0)) && echo t)"
status=0
psql -qX -v ON_ERROR_STOP=1 -d "$DB" -f "$DEMO" >/dev/null 2>>"$ERR" || status=$?
tap_is "loading it again succeeds and changes no table's row count" "$status $(counts)" "0 $first"
tap_is "every counter equals its recount" \
    "$(q "$DB" "SELECT count(*) FROM arcanea.recount_counters() WHERE rows_fixed <> 0")" 0
tap_done
