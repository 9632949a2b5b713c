#!/usr/bin/env bash
# Materialised feeds under concurrency (sql/27_feeds.sql): 16 connections
# follow, unfollow (one and several at once), publish, archive, hide,
# create and delete creations among 8 readers and 90 authors, while the
# readers cross the materialisation threshold (64 follows) both ways.
#
# Afterwards the materialised state must be what follows and creations say:
# every reader past the threshold materialised, their subscriptions exactly
# their follows, their entries exactly the visible creations of the
# accounts they follow, and every reader's get_user_feed the plain query's
# answer.  A publish that missed a concurrent follow (or the other way)
# shows up here as a missing or a stale entry.  No session may fail and no
# deadlock may be recorded.
#
# Prints TAP; creates and drops its own database.
#
# Env: PGHOST/PGPORT/PGUSER (a cluster with arcanea installed);
# ARCANEA_CONCURRENCY_FEED_TX: transactions per client (default 400).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/tap.sh"

DB=arcanea_conc_feeds_$$
CLIENTS=16
TX=${ARCANEA_CONCURRENCY_FEED_TX:-400}
WORK=$(mktemp -d)
cleanup() { db_drop "$DB"; rm -rf "$WORK"; }
trap cleanup EXIT

tap_plan 9

# ---------------------------------------------------------------------------
# Seed: authors 1..90 with three creations each (1: published public, 2: a
# draft, 3: published private); readers 101..108, reader 100+r following
# authors 1..60+r (so 101..104 start by author, 105..108 materialised).
# ---------------------------------------------------------------------------
db_create "$DB" || tap_bail "cannot create database $DB with the extension"
q "$DB" "
CREATE SCHEMA bench;
CREATE FUNCTION bench.uid(n int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
    \$\$ SELECT ('0f000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid \$\$;
CREATE FUNCTION bench.cid(n int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
    \$\$ SELECT ('0fc00000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid \$\$;
INSERT INTO auth.users (id, email, raw_user_meta_data)
SELECT bench.uid(g), 'user' || g || '@feeds.test', jsonb_build_object('username', 'feeduser' || g)
  FROM generate_series(1, 90) g UNION ALL
SELECT bench.uid(g), 'user' || g || '@feeds.test', jsonb_build_object('username', 'feeduser' || g)
  FROM generate_series(101, 108) g;
INSERT INTO public.creations (id, user_id, title, type, status, is_public, published_at, created_at)
SELECT bench.cid(a * 3 + k - 3), bench.uid(a), 'work ' || a || '/' || k, 'image',
       CASE k WHEN 2 THEN 'draft' ELSE 'published' END, k <> 3, now(), now() - (a * 3 + k) * interval '1 minute'
  FROM generate_series(1, 90) a, generate_series(1, 3) k;
INSERT INTO public.follows (follower_id, following_id)
SELECT bench.uid(100 + r), bench.uid(a) FROM generate_series(1, 8) r, generate_series(1, 60 + r) a;
" >/dev/null || tap_bail "seeding failed"
deadlocks_before=$(q "$DB" "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
materialised_before=$(q "$DB" "SELECT count(*) FROM arcanea.feed_readers")

# pgbench scripts: one statement per transaction (autocommit), as an API
# call is.  Creations 1..270 are the seeded ones; inserted ones get random ids.
cat >"$WORK/follow.sql" <<'SQL'
\set r random(101, 108)
\set a random(1, 90)
INSERT INTO public.follows (follower_id, following_id) VALUES (bench.uid(:r), bench.uid(:a)) ON CONFLICT DO NOTHING;
SQL
cat >"$WORK/unfollow.sql" <<'SQL'
\set r random(101, 108)
\set a random(1, 90)
DELETE FROM public.follows WHERE follower_id = bench.uid(:r) AND following_id = bench.uid(:a);
SQL
cat >"$WORK/unfollow_many.sql" <<'SQL'
\set r random(101, 108)
\set a random(1, 86)
DELETE FROM public.follows WHERE follower_id = bench.uid(:r)
   AND following_id IN (bench.uid(:a), bench.uid(:a + 2), bench.uid(:a + 4));
SQL
cat >"$WORK/publish.sql" <<'SQL'
\set c random(1, 270)
UPDATE public.creations SET status = CASE status WHEN 'published' THEN 'archived' ELSE 'published' END,
                            published_at = coalesce(published_at, now())
 WHERE id = bench.cid(:c);
SQL
cat >"$WORK/hide.sql" <<'SQL'
\set c random(1, 270)
UPDATE public.creations SET is_public = NOT is_public WHERE id = bench.cid(:c);
SQL
cat >"$WORK/create.sql" <<'SQL'
\set a random(1, 90)
INSERT INTO public.creations (user_id, title, type, status, is_public, published_at)
VALUES (bench.uid(:a), 'fresh', 'image', 'published', true, now());
SQL
cat >"$WORK/delete.sql" <<'SQL'
\set a random(1, 90)
DELETE FROM public.creations
 WHERE id = (SELECT id FROM public.creations WHERE user_id = bench.uid(:a) AND title = 'fresh' LIMIT 1);
SQL

start=$SECONDS
status=0
# Weights: a follow adds one with probability (90 - n) / 90, the unfollows
# (one, and three at once) take n / 90 * 5, so a reader's follows wander
# around 90 * 13 / 18 = 65, across the threshold.  A fixed seed makes each
# client's choices the same from run to run.
pgbench -n -c "$CLIENTS" -j 2 -t "$TX" --random-seed=42 -f "$WORK/follow.sql@13" -f "$WORK/unfollow.sql@2" \
    -f "$WORK/unfollow_many.sql@1" -f "$WORK/publish.sql@3" -f "$WORK/hide.sql@2" \
    -f "$WORK/create.sql@2" -f "$WORK/delete.sql@1" "$DB" >"$WORK/mix.log" 2>&1 || status=$?
tap_is "16 sessions following, unfollowing, publishing, hiding, creating and deleting: pgbench exit status" "$status" 0
tap_is "all $((CLIENTS * TX)) transactions processed" \
    "$(pgbench_processed "$WORK/mix.log")" "$((CLIENTS * TX))"
tap_diag "$((SECONDS - start))s; $(grep -h '^tps' "$WORK/mix.log" || true)"
errors=$(grep -hiE 'error|abort|deadlock' "$WORK/mix.log" || true)
tap_is "no session reported an error" "$(printf '%s' "$errors" | grep -c . || true)" 0
if [[ -n "$errors" ]]; then printf '%s\n' "$errors" | head -20 | tap_diag || true; fi
db_wait_idle "$DB" 30 || tap_diag "pgbench sessions still connected after 30 s"

q "$DB" "SELECT 'readers materialised: $materialised_before before, ' || (SELECT count(*) FROM arcanea.feed_readers)
              || ' after; follows per reader now: '
              || (SELECT string_agg(n::text, ' ' ORDER BY r) FROM (SELECT follower_id r, count(*) n FROM public.follows GROUP BY 1) x)
              || '; entries: ' || (SELECT count(*) FROM arcanea.feed_entries)" | tap_diag
tap_is "every reader who follows more than 64 accounts is materialised" \
    "$(q "$DB" "SELECT count(*) FROM (SELECT follower_id FROM public.follows GROUP BY 1 HAVING count(*) > 64) f
                 WHERE NOT EXISTS (SELECT 1 FROM arcanea.feed_readers r WHERE r.reader_id = f.follower_id)")" 0
tap_is "the subscriptions are exactly the materialised readers' follows" \
    "$(q "$DB" "WITH want AS (SELECT f.following_id a, f.follower_id r FROM public.follows f
                               JOIN arcanea.feed_readers fr ON fr.reader_id = f.follower_id),
                     have AS (SELECT author_id a, reader_id r FROM arcanea.feed_subscriptions)
                SELECT (SELECT count(*) FROM (TABLE want EXCEPT TABLE have) x) || ' missing, '
                    || (SELECT count(*) FROM (TABLE have EXCEPT TABLE want) x) || ' stale'")" "0 missing, 0 stale"
tap_is "the entries are exactly the visible creations of the accounts each materialised reader follows" \
    "$(q "$DB" "WITH want AS (SELECT f.follower_id r, c.created_at t, c.id c FROM public.follows f
                               JOIN arcanea.feed_readers fr ON fr.reader_id = f.follower_id
                               JOIN public.creations c ON c.user_id = f.following_id
                                AND c.status = 'published' AND c.is_public),
                     have AS (SELECT reader_id r, created_at t, creation_id c FROM arcanea.feed_entries)
                SELECT (SELECT count(*) FROM (TABLE want EXCEPT TABLE have) x) || ' missing, '
                    || (SELECT count(*) FROM (TABLE have EXCEPT TABLE want) x) || ' stale'")" "0 missing, 0 stale"
tap_is "every reader's get_user_feed is the plain query's answer (first 100 rows)" \
    "$(q "$DB" "SELECT count(*) FROM generate_series(101, 108) r
                 WHERE ARRAY(SELECT id FROM public.get_user_feed(bench.uid(r), 100))
                    IS DISTINCT FROM
                       ARRAY(SELECT c.id FROM public.follows f
                               JOIN public.creations c ON c.user_id = f.following_id
                                AND c.status = 'published' AND c.is_public
                              WHERE f.follower_id = bench.uid(r)
                              ORDER BY c.created_at DESC, c.id DESC LIMIT 100)")" 0
tap_ok "the load made readers cross the threshold both ways" \
    "$(q "$DB" "SELECT (SELECT count(*) FROM arcanea.feed_readers) > $materialised_before
                   AND EXISTS (SELECT 1 FROM arcanea.feed_readers fr
                                WHERE (SELECT count(*) FROM public.follows f WHERE f.follower_id = fr.reader_id) <= 64)")"
tap_is "pg_stat_database.deadlocks did not increase" \
    "$(q "$DB" "SELECT pg_stat_clear_snapshot(); SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()" | tail -1)" \
    "$deadlocks_before"
tap_done
