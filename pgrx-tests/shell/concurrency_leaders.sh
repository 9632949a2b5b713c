#!/usr/bin/env bash
# Search leaders under concurrency (sql/26_search_leaders.sql): one session
# refreshes the lists over and over while 8 sessions publish, hide, retitle,
# create and delete creations that use a common word.
#
# A refresh computes its lists from a snapshot without locking them, and
# locks them only to put them in; the creations written meanwhile are
# noted and applied again.  Afterwards the lists must be what the rows
# say, for every common word and tag:
#   * every row of a list is a published public creation with that key
#     and that score (nothing stale);
#   * every published public creation that scores above the list's floor
#     is in it (nothing missed: a publish during a refresh lost to the
#     refresh's older snapshot shows up here).
# No session may fail and no deadlock may be recorded.
#
# Prints TAP; creates and drops its own database.
#
# Env: PGHOST/PGPORT/PGUSER (a cluster with arcanea installed);
# ARCANEA_CONCURRENCY_LEADERS_SECONDS: how long the load runs (default 20).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/tap.sh"

DB=arcanea_conc_leaders_$$
CLIENTS=8
SECS=${ARCANEA_CONCURRENCY_LEADERS_SECONDS:-20}
WORK=$(mktemp -d)
cleanup() { db_drop "$DB"; rm -rf "$WORK"; }
trap cleanup EXIT

tap_plan 7

# ---------------------------------------------------------------------------
# Seed: 20 authors, 3,000 creations with the word zephyr (2,000 make it
# common) at five strengths, most tagged breeze (also common), a tenth drafts.
# ---------------------------------------------------------------------------
db_create "$DB" || tap_bail "cannot create database $DB with the extension"
q "$DB" "
CREATE SCHEMA bench;
CREATE FUNCTION bench.uid(n int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
    \$\$ SELECT ('0e000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid \$\$;
CREATE FUNCTION bench.cid(n int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
    \$\$ SELECT ('0ec00000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid \$\$;
-- A title of strength k (0-4): k times the word, so five scores.
CREATE FUNCTION bench.title(k int, n int) RETURNS text LANGUAGE sql IMMUTABLE AS
    \$\$ SELECT trim(repeat('zephyr ', k) || 'work ' || n) \$\$;
INSERT INTO auth.users (id, email, raw_user_meta_data)
SELECT bench.uid(g), 'user' || g || '@leaders.test', jsonb_build_object('username', 'leaderuser' || g)
  FROM generate_series(1, 20) g;
INSERT INTO public.creations (id, user_id, title, description, tags, type, status, is_public, published_at, created_at)
SELECT bench.cid(n), bench.uid(1 + n % 20), bench.title(n % 5, n), 'a quiet zephyr morning',
       CASE WHEN n % 10 <> 0 THEN '{breeze}'::text[] ELSE '{}'::text[] END, 'image',
       CASE WHEN n % 10 = 0 THEN 'draft' ELSE 'published' END, true, now(),
       now() - n * interval '1 minute'
  FROM generate_series(1, 3000) n;
SELECT * FROM arcanea.refresh_search_leaders();
" >/dev/null || tap_bail "seeding failed"
tap_is "the seed makes zephyr and the tag breeze common" \
    "$(q "$DB" "SELECT string_agg(lexeme, ' ' ORDER BY lexeme) FROM arcanea.search_common_lexemes WHERE lexeme IN ('zephyr', '#breeze')")" \
    "#breeze zephyr"
deadlocks_before=$(q "$DB" "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")

# pgbench scripts: one statement per transaction, as an API call is.
cat >"$WORK/refresh.sql" <<'SQL'
SELECT count(*) FROM arcanea.refresh_search_leaders();
SQL
cat >"$WORK/publish.sql" <<'SQL'
\set c random(1, 3000)
UPDATE public.creations SET status = CASE status WHEN 'published' THEN 'archived' ELSE 'published' END
 WHERE id = bench.cid(:c);
SQL
cat >"$WORK/hide.sql" <<'SQL'
\set c random(1, 3000)
UPDATE public.creations SET is_public = NOT is_public WHERE id = bench.cid(:c);
SQL
cat >"$WORK/retitle.sql" <<'SQL'
\set c random(1, 3000)
\set k random(0, 4)
UPDATE public.creations SET title = bench.title(:k, :c) WHERE id = bench.cid(:c);
SQL
cat >"$WORK/create.sql" <<'SQL'
\set a random(1, 20)
\set k random(2, 4)
INSERT INTO public.creations (user_id, title, description, tags, type, status, is_public, published_at)
VALUES (bench.uid(:a), bench.title(:k, :a), 'fresh zephyr', '{breeze}', 'image', 'published', true, now());
SQL
cat >"$WORK/delete.sql" <<'SQL'
\set a random(1, 20)
DELETE FROM public.creations
 WHERE id = (SELECT id FROM public.creations WHERE user_id = bench.uid(:a) AND description = 'fresh zephyr' LIMIT 1);
SQL

start=$SECONDS
refresh_status=0
pgbench -n -c 1 -T "$SECS" -f "$WORK/refresh.sql" "$DB" >"$WORK/refresh.log" 2>&1 &
refresh_pid=$!
status=0
pgbench -n -c "$CLIENTS" -j 2 -T "$SECS" --random-seed=42 -f "$WORK/publish.sql@3" -f "$WORK/hide.sql@2" \
    -f "$WORK/retitle.sql@3" -f "$WORK/create.sql@2" -f "$WORK/delete.sql@1" "$DB" >"$WORK/mix.log" 2>&1 || status=$?
wait "$refresh_pid" || refresh_status=$?
refreshes=$(pgbench_processed "$WORK/refresh.log")
writes=$(pgbench_processed "$WORK/mix.log")
tap_is "one session refreshing, $CLIENTS publishing, hiding, retitling, creating and deleting: pgbench exit statuses" \
    "$refresh_status $status" "0 0"
tap_diag "$((SECONDS - start))s: $refreshes refreshes, $writes writes; $(grep -h '^tps' "$WORK/mix.log" || true)"
tap_ok "the refreshes ran among the writes (at least 5 refreshes and 1,000 writes)" \
    "$( [[ ${refreshes:-0} -ge 5 && ${writes:-0} -ge 1000 ]] && echo t || echo f)"
errors=$(grep -hiE 'error|abort|deadlock' "$WORK/mix.log" "$WORK/refresh.log" || true)
tap_is "no session reported an error" "$(printf '%s' "$errors" | grep -c . || true)" 0
if [[ -n "$errors" ]]; then printf '%s\n' "$errors" | head -20 | tap_diag || true; fi
db_wait_idle "$DB" 30 || tap_diag "pgbench sessions still connected after 30 s"

# Every key a published public creation has, with its score: what the lists
# hold rows of (the trigger's arcanea.leader_keys()).
keys="SELECT k.key AS lexeme, k.score, c.created_at, c.id AS creation_id
        FROM public.creations c CROSS JOIN LATERAL arcanea.leader_keys(c.search_vector, c.tags) k
       WHERE c.status = 'published' AND c.is_public"
tap_is "every row of the lists is a published public creation with that key and score" \
    "$(q "$DB" "SELECT count(*) FROM (SELECT lexeme, score, created_at, creation_id FROM arcanea.search_leaders
                                      EXCEPT $keys) stale")" 0
tap_is "every published public creation scoring above a list's floor is in it" \
    "$(q "$DB" "SELECT count(*) FROM (SELECT k.* FROM ($keys) k
                                        JOIN arcanea.search_common_lexemes l ON l.lexeme = k.lexeme AND k.score > l.floor
                                      EXCEPT SELECT lexeme, score, created_at, creation_id FROM arcanea.search_leaders) missed")" 0
q "$DB" "SELECT 'notes left for the next refresh: ' || count(*) FROM arcanea.search_leaders_pending" | tap_diag
tap_is "pg_stat_database.deadlocks did not increase" \
    "$(q "$DB" "SELECT pg_stat_clear_snapshot(); SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()" | tail -1)" \
    "$deadlocks_before"
tap_done
