#!/usr/bin/env bash
# Upgrades in place, as an operator does them, and the way back.
#
# On its own throwaway cluster (port ARCANEA_UPGRADE_PORT, default 54372),
# whose dynamic_library_path points at a private lib folder so that this
# test can swap arcanea.so under running backends without touching the
# system install:
#
#  1. The previous release, built from its recorded commit
#     (sql/released/releases.txt; release_package caches the build per
#     machine), is the arcanea.so there.  Databases are created at that
#     version: with data loaded through the API (upgrade/load_data.sql), in
#     a bare database and in a database set up as Supabase sets up its own
#     (fixtures/supabase.sql), and one empty.  Their rows are recorded, and
#     one is dumped with pg_dump.
#  2. The new build (the installed arcanea.so) replaces the old one by
#     rename, while a backend that loaded the old one stays connected: that
#     backend keeps working; new backends run the OLD catalog on the NEW
#     library: every C function called with NULL arguments answers or fails
#     with a clear SQLSTATE (never XX000, never a crash), and the app's
#     calls (upgrade/smoke.sql) work.
#  3. ALTER EXTENSION arcanea UPDATE in each database.  Then:
#     - catalog parity with a fresh install (upgrade/catalog.sql: members,
#       functions, columns, defaults, constraints, indexes, triggers,
#       policies, grants, RLS, config dumps, publications), printed as a
#       diff when it fails, in the bare and the Supabase world, and the
#       seeded rows equal;
#     - every row survives (upgrade/rows.sql) and every counter equals its
#       recount; the notification groups of the last day come along; the
#       app's calls work;
#     - inside Supabase, nothing of auth or storage changed but the
#       extension's own policies and triggers.
#  4. The way back: ALTER EXTENSION arcanea UPDATE TO the old version gives
#     the old version's catalog (parity with a fresh old install) and keeps
#     the rows; with the old package installed again, the app's calls work.
#  5. A pg_dump of the old database restores into a server that has the
#     new version installed: CREATE EXTENSION at the old version first,
#     pg_restore (session_replication_role=replica), ALTER EXTENSION UPDATE;
#     parity and rows.
#
# Prints TAP.  Env: ARCANEA_ROOT, ARCANEA_UPGRADE_PORT,
# ARCANEA_UPGRADE_KEEP=1 (keep the temp dir: data, logs, snapshots).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ARCANEA_ROOT=${ARCANEA_ROOT:-$(cd "$HERE/../.." && pwd)}
# shellcheck source=scripts/lib.sh
source "$ARCANEA_ROOT/scripts/lib.sh"
# shellcheck source=pgrx-tests/shell/lib/tap.sh
source "$HERE/lib/tap.sh"

PORT=${ARCANEA_UPGRADE_PORT:-54372}
U=$HERE/upgrade
FIXTURES=$ARCANEA_ROOT/pgrx-tests/fixtures
OLD=$(release_versions | tail -n 1)
NEW=$(sed -n 's/^version = "\(.*\)"/\1/p' "$ARCANEA_ROOT/Cargo.toml" | head -n 1)
SHAREDIR="$("$ARCANEA_PG_CONFIG" --sharedir)/extension"
NEW_SO="$("$ARCANEA_PG_CONFIG" --pkglibdir)/arcanea.so"

WORK=$(mktemp -d)
WORK=$(cd "$WORK" && pwd -P)
chmod 0755 "$WORK"
DATA=$WORK/pgdata
LIB=$WORK/lib
SERVER_LOG=$WORK/pgdata.log
OLD_BACKEND_PID=

cleanup() {
    set +e
    if [[ -n "$OLD_BACKEND_PID" ]]; then
        exec 7>&- 2>/dev/null
        kill "$OLD_BACKEND_PID" 2>/dev/null
    fi
    if ((TAP_FAILED > 0)) && [[ -f "$SERVER_LOG" ]]; then
        grep -E 'PANIC|FATAL|terminated by signal|server process' "$SERVER_LOG" | tail -n 10 | sed 's/^/# server log: /'
    fi
    cluster_stop "$DATA" >/dev/null 2>&1
    if [[ -n "${ARCANEA_UPGRADE_KEEP:-}" ]]; then
        echo "# kept $WORK" >&2
    else
        rm -rf -- "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres
# sq DB [psql args]: superuser psql on the throwaway cluster, stop on error.
sq() {
    local db=$1
    shift
    PGOPTIONS="-c client_min_messages=warning" psql -qXAt -v ON_ERROR_STOP=1 -d "$db" "$@"
}
now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }

# snapshot DB NAME [by_name]: the catalog facts of DB into $WORK/NAME.catalog
# (columns keyed by name rather than position with by_name).
snapshot() { sq "$1" -v columns="${3:-by_position}" -f "$U/catalog.sql" >"$WORK/$2.catalog"; }
# parity DESC A B: the two catalog snapshots are equal; else their diff.
parity() {
    local desc=$1 a=$WORK/$2.catalog b=$WORK/$3.catalog
    if diff -q "$a" "$b" >/dev/null; then
        tap_is "$desc" same same
    else
        tap_is "$desc" "differs ($(diff "$a" "$b" | grep -c '^[<>]') lines)" same
        diff -U0 --label "$2" --label "$3" "$a" "$b" | grep -v '^@@' | head -n 80 | tap_diag
    fi
}
# The seeded rows (Luminors, rate limits, buckets), without timestamps.
seeds() {
    sq "$1" -c "SELECT 'luminor ' || (to_jsonb(l) - 'created_at' - 'updated_at')::text FROM public.luminors l
                UNION ALL SELECT 'rate_limit ' || to_jsonb(r)::text FROM arcanea.rate_limits r
                UNION ALL SELECT 'bucket ' || (to_jsonb(b) - 'created_at' - 'updated_at')::text FROM storage.buckets b
                ORDER BY 1"
}
# rows_check DB: the tables whose rows did not all survive (empty: all did).
rows_check() { sq "$1" -v phase=check -f "$U/rows.sql"; }
# drift DB: counters that differ from their recount (empty: none).
drift() {
    sq "$1" -c "BEGIN" -c "SELECT string_agg(counter || '=' || rows_fixed, ' ') FILTER (WHERE rows_fixed <> 0)
                           FROM arcanea.recount_counters()" -c "ROLLBACK"
}
# smoke DB LABEL DESC: the app's calls (upgrade/smoke.sql) work in DB.
smoke() {
    local status=0
    sq "$1" -f "$U/smoke.sql" >"$WORK/smoke_$2.out" 2>&1 || status=$?
    tap_is "$3" "$status" 0
    [[ $status -eq 0 ]] || tail -n 5 "$WORK/smoke_$2.out" | tap_diag
}
version_of() { sq "$1" -c "SELECT extversion FROM pg_extension WHERE extname = 'arcanea'"; }
# The inode of the arcanea.so that backend PID has mapped ("" if none).
mapped_inode() { awk '/\/arcanea\.so/ { print $5; exit }' "/proc/$1/maps" 2>/dev/null; }
create_db() { # create_db DB [supabase]
    sq postgres -c "CREATE DATABASE $1"
    if [[ "${2:-}" == supabase ]]; then sq "$1" -f "$FIXTURES/supabase.sql" >/dev/null; fi
}

tap_plan 40

[[ -n "$OLD" && -n "$NEW" && "$OLD" != "$NEW" ]] || tap_bail "no previous release to upgrade from (old '$OLD', new '$NEW')"
tap_diag "upgrading $OLD -> $NEW"
OLD_PKG=$(release_package "$OLD" 2>"$WORK/release_build.log") \
    || { tap_diag <"$WORK/release_build.log"; tap_bail "cannot build release $OLD"; }
[[ -f "$SHAREDIR/arcanea--$OLD.sql" && -f "$SHAREDIR/arcanea--$OLD--$NEW.sql" && -f "$SHAREDIR/arcanea--$NEW--$OLD.sql" ]] \
    || tap_bail "the installed package lacks arcanea--$OLD.sql or the scripts between $OLD and $NEW (run pgrx_install)"

# ---------------------------------------------------------------------------
# 1. The old release, with data
# ---------------------------------------------------------------------------
install -d -m 0755 "$LIB"
install -m 0755 "$OLD_PKG/lib/arcanea.so" "$LIB/arcanea.so"
OLD_INODE=$(stat -c %i "$LIB/arcanea.so")
(cluster_start "$DATA" "$PORT" --fast) >"$WORK/admin.log" 2>&1 || { tail -n 20 "$WORK/admin.log" | tap_diag; tap_bail "cluster did not start"; }
sq postgres -c "ALTER SYSTEM SET dynamic_library_path = '$LIB:\$libdir'" -c "SELECT pg_reload_conf()" >/dev/null

for db in up_data up_empty up_down; do create_db "$db"; done
create_db sb_up supabase
for db in up_data up_empty up_down sb_up; do
    sq "$db" -c "CREATE EXTENSION arcanea VERSION '$OLD'" || tap_bail "CREATE EXTENSION arcanea VERSION '$OLD' failed in $db"
done
tap_is "the databases run $OLD" "$(version_of up_data) $(version_of sb_up)" "$OLD $OLD"
for db in up_data up_down sb_up; do
    sq "$db" -f "$U/load_data.sql" >"$WORK/load_$db.log" 2>&1 || { tail -n 5 "$WORK/load_$db.log" | tap_diag; tap_bail "loading data into $db failed"; }
done
tap_is "data loaded through $OLD's API (profiles, creations, likes, follows, comments, messages, relationships, notifications, objects)" \
    "$(sq up_data -c "SELECT (SELECT count(*) FROM public.profiles) || ' ' || (SELECT count(*) FROM public.creations) || ' '
                           || (SELECT count(*) FROM public.likes) || ' ' || (SELECT count(*) FROM public.follows) || ' '
                           || (SELECT count(*) FROM public.comments) || ' ' || (SELECT count(*) FROM public.luminor_messages) || ' '
                           || (SELECT count(*) FROM public.luminor_relationships) || ' '
                           || (SELECT count(*) > 5 FROM public.notifications) || ' ' || (SELECT count(*) FROM storage.objects)")" \
    "5 5 5 3 3 4 2 true 4"
for db in up_data up_down sb_up; do sq "$db" -v phase=record -f "$U/rows.sql" >/dev/null; done
tap_is "$OLD's counters equal their recount before the upgrade" "$(drift up_data)" ""
# The dump an operator would have taken of the old database.
pg_dump -Fc -d up_data -f "$WORK/old.dump" 2>"$WORK/dump.err" || tap_bail "pg_dump failed: $(head -c 300 "$WORK/dump.err")"
# What Supabase owns, as the old version left it.
sq sb_up -f "$U/catalog.sql" | grep -E '^[a-z_]+ \| (auth|storage)\.' \
    | grep -vE '^(policy|trigger) \| [a-z.]+ (arcanea_|buckets_replace_seeded)' >"$WORK/sb_before.supabase"

# A backend that has loaded the old library and stays connected.
mkfifo "$WORK/old_backend.in"
PGOPTIONS="-c client_min_messages=warning" psql -qXAt -d up_data <"$WORK/old_backend.in" >"$WORK/old_backend.out" 2>&1 &
OLD_BACKEND_PID=$!
exec 7>"$WORK/old_backend.in"
old_backend() { # old_backend SQL: run SQL in the old backend, wait for its marker line
    local marker="done-$RANDOM$RANDOM" deadline=$((SECONDS + 20))
    printf '%s\n\\echo %s\n' "$1" "$marker" >&7
    until grep -q "$marker" "$WORK/old_backend.out"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.05
    done
}
old_backend "SELECT 'pid=' || pg_backend_pid(), public.get_user_stats('e0000000-0000-4000-8000-000000000001') IS NOT NULL;" \
    || tap_bail "the old backend does not answer"
OLD_PID=$(sed -n 's/^pid=\([0-9]*\)|.*/\1/p' "$WORK/old_backend.out" | head -n 1)
tap_is "a backend has $OLD's arcanea.so mapped" "$(mapped_inode "$OLD_PID")" "$OLD_INODE"

# ---------------------------------------------------------------------------
# 2. The new build replaces arcanea.so under the running backends
# ---------------------------------------------------------------------------
put_library "$NEW_SO" "$LIB"
NEW_INODE=$(stat -c %i "$LIB/arcanea.so")

: >"$WORK/old_backend.out"
old_backend "BEGIN;
SELECT set_config('role', 'authenticated', true),
       set_config('request.jwt.claims', '{\"sub\": \"e0000000-0000-4000-8000-000000000003\", \"role\": \"authenticated\"}', true);
SELECT 'liked=' || (public.toggle_like(p_creation_id => 'e1000000-0000-4000-8000-000000000002') ->> 'liked');
ROLLBACK;" || tap_bail "the old backend stopped answering after the swap"
tap_is "the connected backend keeps running on the old library after the swap (a like works)" \
    "$(grep -c '^liked=true' "$WORK/old_backend.out")/$(mapped_inode "$OLD_PID")" "1/$OLD_INODE"

# New backends load the new library under the old catalog.
sq up_data -f "$U/null_calls.sql" >"$WORK/null_calls.sql"
calls_expected=$(grep -c '^SELECT pg_temp.act_as' "$WORK/null_calls.sql")
null_status=0
PGOPTIONS="-c client_min_messages=notice" psql -qXAt -d up_data -v ON_ERROR_STOP=1 \
    -c "SET client_min_messages = warning" -f "$FIXTURES/../sql/fixtures/act_as.sql" \
    -c "SET client_min_messages = notice" -f "$WORK/null_calls.sql" >"$WORK/null_calls.out" 2>&1 || null_status=$?
calls_done=$(grep -c 'NOTICE:  call ' "$WORK/null_calls.out" || true)
bad_calls=$(grep 'NOTICE:  call ' "$WORK/null_calls.out" | grep -E ': (XX[0-9A-Z]{3}|58[0-9A-Z]{3})$' || true)
tap_is "the old catalog on the new library: every Rust function called with NULL arguments returns or fails clearly ($calls_expected calls)" \
    "status=$null_status calls=$calls_done internal_errors=${bad_calls:-none}" "status=0 calls=$calls_expected internal_errors=none"
if [[ $null_status -ne 0 || $calls_done -ne $calls_expected ]]; then tail -n 5 "$WORK/null_calls.out" | tap_diag; fi
tap_diag "outcomes: $(grep -o 'NOTICE:  call .*: [A-Z0-9a-z]*$' "$WORK/null_calls.out" | sed 's/.*: //' | sort | uniq -c | tr -s ' ' | tr '\n' ' ')"
# The app's calls, each to its end whatever the one before did: those that
# need an object only the new version's script creates fail, with a clear
# SQLSTATE (undefined function or table), never an internal error.
PGOPTIONS="-c client_min_messages=warning" psql -qXAt -d up_data -v ON_ERROR_STOP=0 -v VERBOSITY=sqlstate \
    -f "$U/smoke.sql" >"$WORK/smoke_before.out" 2>&1 || true
smoke_codes=$(grep -oE '^psql:[^ ]* ERROR:  [0-9A-Z]{5}' "$WORK/smoke_before.out" | awk '{print $3}' | grep -v 25P02 \
    | sort | uniq -c | tr -s ' ' | paste -sd ',' - || true)
tap_diag "the app's calls on the old catalog and the new library: $(grep -c '^psql:.*ERROR' "$WORK/smoke_before.out" || true) errors (${smoke_codes:-none}; 25P02 = the rest of a failed transaction)"
tap_is "the old catalog on the new library: the app's calls return or fail with a clear SQLSTATE (no XX000)" \
    "$(grep -cE 'ERROR:  XX|server closed the connection' "$WORK/smoke_before.out" || true)" 0
tap_is "no backend crashed while the old catalog ran on the new library" \
    "$(grep -cE 'terminated by signal|was terminated' "$SERVER_LOG" || true)" 0
new_backend_inode=$(sq up_data <<'SQL'
SELECT arcanea.parse_mentions('@ada') IS NOT NULL AS loaded, pg_backend_pid() AS pid \gset
\setenv BACKEND_PID :pid
\! awk '/arcanea\.so/ { print $5; exit }' /proc/$BACKEND_PID/maps
SQL
)
tap_is "a new backend maps the new library" "$new_backend_inode" "$NEW_INODE"

# ---------------------------------------------------------------------------
# 3. ALTER EXTENSION UPDATE, and what it must leave behind
# ---------------------------------------------------------------------------
t0=$(now_ms)
update_status=0
sq up_data -c "ALTER EXTENSION arcanea UPDATE" 2>"$WORK/update.err" || update_status=$?
tap_is "ALTER EXTENSION arcanea UPDATE on the database with data ($(($(now_ms) - t0)) ms)" \
    "$update_status $(version_of up_data)" "0 $NEW"
[[ $update_status -eq 0 ]] || tap_diag <"$WORK/update.err"
for db in up_empty up_down sb_up; do
    sq "$db" -c "ALTER EXTENSION arcanea UPDATE" 2>"$WORK/update.$db.err" || true
done
tap_is "ALTER EXTENSION arcanea UPDATE in the empty, the second and the Supabase database" \
    "$(version_of up_empty) $(version_of up_down) $(version_of sb_up)" "$NEW $NEW $NEW"
# The search leaders are left to the operator (the update would hold every
# table for as long as they take to rank): the update says so where there
# are creations (a WARNING: ALTER EXTENSION holds client_min_messages at
# warning while its script runs), and says nothing where there are none.
tap_is "the update asks for refresh_search_leaders() where there are creations, not where there are none" \
    "$(grep -c 'WARNING: .*refresh_search_leaders' "$WORK/update.err") $(grep -c 'refresh_search_leaders' "$WORK/update.up_empty.err")" \
    "1 0"

create_db fresh
create_db sb_fresh supabase
sq fresh -c "CREATE EXTENSION arcanea"
sq sb_fresh -c "CREATE EXTENSION arcanea"
snapshot fresh fresh
snapshot up_data upgraded
snapshot up_empty upgraded_empty
snapshot sb_fresh supabase_fresh
snapshot sb_up supabase_upgraded
parity "catalog: $OLD with data + upgrade = fresh $NEW ($(wc -l <"$WORK/fresh.catalog") facts)" fresh upgraded
parity "catalog: empty $OLD + upgrade = fresh $NEW" fresh upgraded_empty
parity "catalog, Supabase: $OLD + upgrade = fresh $NEW, with Supabase's default privileges" supabase_fresh supabase_upgraded
tap_is "the seeded rows (Luminors, rate limits, buckets) of an upgraded empty database equal a fresh install's" \
    "$(diff <(seeds fresh) <(seeds up_empty) | head -n 5)" ""

tap_is "every row survives the upgrade (bare)" "$(rows_check up_data)" ""
tap_is "every row survives the upgrade (Supabase)" "$(rows_check sb_up)" ""
tap_is "every counter equals its recount after the upgrade (bare)" "$(drift up_data)" ""
# The 24-hour notification groups move to arcanea.notification_groups: the
# ones notified in the last day come along, so a like repeated after the
# upgrade does not notify again (tried in a transaction rolled back, so the
# rows stay as recorded for the way back).
tap_is "the notification groups of the last day are carried over (missing / carried)" \
    "$(sq up_data -c "SELECT count(*) FILTER (WHERE g.user_id IS NULL) || ' / ' || (count(g.user_id) > 0)
                        FROM (SELECT DISTINCT user_id, group_key FROM public.notifications
                               WHERE group_key IS NOT NULL AND created_at > now() - interval '24 hours') n
                        LEFT JOIN arcanea.notification_groups g ON g.user_id = n.user_id AND g.group_key = n.group_key")" \
    "0 / true"
tap_is "a like notified before the upgrade, undone and made again after it, does not notify again" \
    "$(sq up_data <<'SQL'
SELECT metadata ->> 'actor_id' AS actor, metadata ->> 'creation_id' AS creation, user_id AS recipient, group_key AS gk
  FROM public.notifications
 WHERE type = 'creation_liked' AND group_key IS NOT NULL AND created_at > now() - interval '24 hours'
 ORDER BY created_at DESC LIMIT 1 \gset
BEGIN;
DELETE FROM public.likes WHERE user_id = :'actor' AND creation_id = :'creation';
INSERT INTO public.likes (user_id, creation_id) VALUES (:'actor', :'creation');
SELECT count(*) FROM public.notifications WHERE user_id = :'recipient' AND group_key = :'gk';
ROLLBACK;
SQL
)" 1
tap_is "every counter equals its recount after the upgrade (Supabase)" "$(drift sb_up)" ""
smoke up_data after "after the upgrade the app's calls work (bare)"
smoke sb_up sb "after the upgrade the app's calls work (Supabase)"
sq sb_up -f "$U/catalog.sql" | grep -E '^[a-z_]+ \| (auth|storage)\.' \
    | grep -vE '^(policy|trigger) \| [a-z.]+ (arcanea_|buckets_replace_seeded)' >"$WORK/sb_after.supabase"
tap_is "inside Supabase the upgrade changed nothing of auth and storage but the extension's own policies and triggers" \
    "$(diff "$WORK/sb_before.supabase" "$WORK/sb_after.supabase" | head -n 10)" ""

# The old backend, still connected, is still alive.
: >"$WORK/old_backend.out"
old_backend "SELECT 'alive=' || (SELECT count(*) FROM public.profiles);" || true
tap_is "the backend connected through the upgrade is still alive" "$(grep -c '^alive=' "$WORK/old_backend.out")" 1

# ---------------------------------------------------------------------------
# 4. The way back
# ---------------------------------------------------------------------------
down_status=0
sq up_down -c "ALTER EXTENSION arcanea UPDATE TO '$OLD'" 2>"$WORK/downgrade.err" || down_status=$?
tap_is "ALTER EXTENSION arcanea UPDATE TO '$OLD' (the downgrade script)" "$down_status $(version_of up_down)" "0 $OLD"
[[ $down_status -eq 0 ]] || tap_diag <"$WORK/downgrade.err"
create_db fresh_old
sq fresh_old -c "CREATE EXTENSION arcanea VERSION '$OLD'"
# A downgrade adds back the columns the upgrade moved (profiles' private
# fields) at the end of their table: columns compare by name here, and
# their order is checked apart.
snapshot fresh_old fresh_old by_name
snapshot up_down downgraded by_name
parity "catalog: $OLD + upgrade + downgrade = fresh $OLD (columns by name)" fresh_old downgraded
tap_is "after the downgrade, profiles' restored columns are its last four" \
    "$(sq up_down -c "SELECT string_agg(attname, ',' ORDER BY attnum) FROM (SELECT attname, attnum FROM pg_attribute
                       WHERE attrelid = 'public.profiles'::regclass AND attnum > 0 AND NOT attisdropped
                       ORDER BY attnum DESC LIMIT 4) a")" \
    "preferences,onboarding_completed,onboarding_step,last_active_at"
tap_is "every row survives the round trip" "$(rows_check up_down)" ""
tap_is "every counter equals its recount after the round trip" "$(drift up_down)" ""
# The operator installs the old package back (its arcanea.so), as the
# downgrade's documentation says.
put_library "$OLD_PKG/lib/arcanea.so" "$LIB"
smoke up_down down "after the downgrade and the old package back, the app's calls work"
put_library "$NEW_SO" "$LIB"
up_again=0
sq up_down -c "ALTER EXTENSION arcanea UPDATE" 2>>"$WORK/downgrade.err" || up_again=$?
snapshot up_down upgraded_again
tap_is "and up again: $OLD -> $NEW -> $OLD -> $NEW" "$up_again $(version_of up_down)" "0 $NEW"
parity "catalog after the second upgrade = fresh $NEW" fresh upgraded_again

# ---------------------------------------------------------------------------
# 5. A dump of the old database, restored where the new version is installed
# ---------------------------------------------------------------------------
create_db restored
sq restored -c "CREATE EXTENSION arcanea VERSION '$OLD'"
restore_status=0
PGOPTIONS='-c session_replication_role=replica' pg_restore -d restored "$WORK/old.dump" 2>"$WORK/restore.err" \
    || restore_status=$?
tap_is "pg_restore of the $OLD dump into a database created at $OLD (the new version installed)" \
    "$restore_status $(version_of restored)" "0 $OLD"
[[ $restore_status -eq 0 ]] || head -n 10 "$WORK/restore.err" | tap_diag
sq restored -c "ALTER EXTENSION arcanea UPDATE" 2>>"$WORK/restore.err" || true
tap_is "then ALTER EXTENSION arcanea UPDATE" "$(version_of restored)" "$NEW"
snapshot restored restored
parity "catalog: restored $OLD dump + upgrade = fresh $NEW" fresh restored
tap_is "every row of the dump is in the restored and upgraded database" "$(rows_check restored)" ""
tap_is "every counter equals its recount in the restored and upgraded database" "$(drift restored)" ""

tap_is "no server process crashed during the whole test" \
    "$(grep -cE 'terminated by signal|was terminated' "$SERVER_LOG" || true)" 0

tap_done
