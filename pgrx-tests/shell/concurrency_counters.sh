#!/usr/bin/env bash
# Counters under concurrency, at the table level (no RPC layer): 16
# connections write likes, follows, comments, status changes, messages,
# ratings and Luminor relationships on a few hot rows.
#
#   phase 1: 16 sessions like and unlike THE SAME creation, each as its own user
#   phase 1b: the same, every other session in REPEATABLE READ (deltas
#            beside in-place updates)
#   phase 2: 16 sessions run a weighted mix of single-row writes (and a
#            multi-row like in key order) on 4 hot creations, 6 hot
#            accounts and the users' conversations
#   phase 2b: 8 sessions like and unlike 60 of 200 creations at once (a
#            bulk fold: its own deltas straight into their rows) beside
#            single likes and unlikes of the same creations
#
# Afterwards every counter must equal its count(*), recount_counters() must
# find nothing to fix, no session may have failed, no deadlock may have been
# recorded, and the 24-hour notification grouping must still hold.
#
# Last, interleavings that random load rarely hits, forced with two
# sessions: a like while another session holds the creation's slot for an
# in-place update (the second appends a delta, does not wait, and the
# holder folds it at its commit); the same holder rolling back instead (the
# folder waits for it briefly and folds); a bulk fold holding its rows open
# (a like in a slot it counted in does not wait; a like of a row it holds
# waits and folds); and a message deleted while another is being added to
# the same conversation (last_message_at must stay on the newest message).
# Then a like and a follow must lock only the partition of notifications
# that their notification goes to, with six more months in the table.
#
# Prints TAP; creates and drops its own database.
#
# Env: PGHOST/PGPORT/PGUSER (a cluster with arcanea installed);
# ARCANEA_CONCURRENCY_HOT_TX / ARCANEA_CONCURRENCY_MIX_TX /
# ARCANEA_CONCURRENCY_BULK_TX: transactions per client in each phase
# (default 200, 400 and 30: 9,840 in all).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/tap.sh"

DB=arcanea_conc_counters_$$
CLIENTS=16
HOT_TX=${ARCANEA_CONCURRENCY_HOT_TX:-200}
MIX_TX=${ARCANEA_CONCURRENCY_MIX_TX:-400}
BULK_TX=${ARCANEA_CONCURRENCY_BULK_TX:-30}
WORK=$(mktemp -d)
cleanup() { db_drop "$DB"; rm -rf "$WORK"; }
trap cleanup EXIT

tap_plan 40

# ---------------------------------------------------------------------------
# Seed: users 1..20 (usernames user1..user20); users 1..4 own the hot
# creations 1..4 (published) and drafts 5..8; user 20 wrote two root
# comments on each hot creation (replies go under those, and only replies
# and the actors' own comments are deleted); users 1..16 each have a
# conversation with Lumina.
# ---------------------------------------------------------------------------
db_create "$DB" || tap_bail "cannot create database $DB with the extension"
q "$DB" "
CREATE SCHEMA bench;
CREATE FUNCTION bench.uid(n int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
    \$\$ SELECT ('0c000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid \$\$;
CREATE FUNCTION bench.cid(n int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
    \$\$ SELECT ('0cc00000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid \$\$;
CREATE FUNCTION bench.conv(n int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
    \$\$ SELECT ('0cd00000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid \$\$;
CREATE FUNCTION bench.root(c int, k int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
    \$\$ SELECT ('0ce00000-0000-4000-8000-' || lpad((c * 10 + k)::text, 12, '0'))::uuid \$\$;
CREATE FUNCTION bench.lid(n int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
    \$\$ SELECT ('00000000-0000-4000-8000-00000000a00' || n)::uuid \$\$;

INSERT INTO auth.users (id, email, raw_user_meta_data)
SELECT bench.uid(g), 'user' || g || '@conc.test', jsonb_build_object('username', 'user' || g)
  FROM generate_series(1, 20) g;
INSERT INTO public.creations (id, user_id, title, type, status, published_at)
SELECT bench.cid(g), bench.uid(g), 'Hot ' || g, 'image', 'published', now() FROM generate_series(1, 4) g;
INSERT INTO public.creations (id, user_id, title, type, status)
SELECT bench.cid(g), bench.uid(g - 4), 'Draft ' || g, 'video', 'draft' FROM generate_series(5, 8) g;
INSERT INTO public.comments (id, user_id, creation_id, content)
SELECT bench.root(c, k), bench.uid(20), bench.cid(c), 'root ' || k
  FROM generate_series(1, 4) c, generate_series(1, 2) k;
INSERT INTO public.luminor_conversations (id, user_id, luminor_id)
SELECT bench.conv(g), bench.uid(g), bench.lid(1) FROM generate_series(1, 16) g;
INSERT INTO public.creations (id, user_id, title, type, status, published_at)
SELECT bench.cid(g), bench.uid(5 + g % 4), 'Wide ' || g, 'image', 'published', now() FROM generate_series(1001, 1200) g;
" >/dev/null || tap_bail "seeding $DB failed"
deadlocks_before=$(q "$DB" "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")

# ---------------------------------------------------------------------------
# pgbench scripts: one statement per transaction (autocommit), as an API
# call would write them.
# ---------------------------------------------------------------------------
cat >"$WORK/hot_like.sql" <<'SQL'
\set u :client_id + 1
INSERT INTO public.likes (user_id, creation_id) VALUES (bench.uid(:u), bench.cid(1)) ON CONFLICT DO NOTHING;
\set op random(0, 1)
\if :op = 0
DELETE FROM public.likes WHERE user_id = bench.uid(:u) AND creation_id = bench.cid(1);
\endif
SQL
# The same, with every other session in REPEATABLE READ: those append
# deltas (an in-place update is for READ COMMITTED only) while the others
# update the row in place.
cat >"$WORK/hot_like_rr.sql" <<'SQL'
\set u :client_id + 1
\if :client_id % 2 = 0
BEGIN ISOLATION LEVEL REPEATABLE READ;
INSERT INTO public.likes (user_id, creation_id) VALUES (bench.uid(:u), bench.cid(1)) ON CONFLICT DO NOTHING;
COMMIT;
BEGIN ISOLATION LEVEL REPEATABLE READ;
DELETE FROM public.likes WHERE user_id = bench.uid(:u) AND creation_id = bench.cid(1);
COMMIT;
\else
INSERT INTO public.likes (user_id, creation_id) VALUES (bench.uid(:u), bench.cid(1)) ON CONFLICT DO NOTHING;
DELETE FROM public.likes WHERE user_id = bench.uid(:u) AND creation_id = bench.cid(1);
\endif
INSERT INTO public.likes (user_id, creation_id) VALUES (bench.uid(:u), bench.cid(1)) ON CONFLICT DO NOTHING;
SQL
# like_script FIRST LAST: a random user likes or unlikes one of creations FIRST..LAST.
like_script() {
    cat <<SQL
\\set u random(1, 16)
\\set c random($1, $2)
\\set op random(0, 1)
\\if :op = 0
INSERT INTO public.likes (user_id, creation_id) VALUES (bench.uid(:u), bench.cid(:c)) ON CONFLICT DO NOTHING;
\\else
DELETE FROM public.likes WHERE user_id = bench.uid(:u) AND creation_id = bench.cid(:c);
\\endif
SQL
}
like_script 1 4 >"$WORK/like.sql"
cat >"$WORK/bulk_like.sql" <<'SQL'
\set u random(1, 16)
INSERT INTO public.likes (user_id, creation_id)
SELECT bench.uid(:u), c.id FROM public.creations c
 WHERE c.id IN (bench.cid(1), bench.cid(2), bench.cid(3), bench.cid(4)) ORDER BY c.id
    ON CONFLICT DO NOTHING;
SQL
# 60 creations in one statement: past 43-85 slots the commit is a bulk fold.
cat >"$WORK/bulk_wide.sql" <<'SQL'
\set u random(1, 16)
\set first random(1001, 1141)
\set op random(0, 1)
\if :op = 0
INSERT INTO public.likes (user_id, creation_id)
SELECT bench.uid(:u), bench.cid(g) FROM generate_series(:first, :first + 59) g ORDER BY 2
    ON CONFLICT DO NOTHING;
\else
DELETE FROM public.likes
 WHERE user_id = bench.uid(:u) AND creation_id IN (SELECT bench.cid(g) FROM generate_series(:first, :first + 59) g);
\endif
SQL
like_script 1001 1200 >"$WORK/like_wide.sql"
cat >"$WORK/follow.sql" <<'SQL'
\set f random(1, 16)
\set t random(1, 6)
\set op random(0, 2)
\if :f = :t
SELECT 1;
\elif :op < 2
INSERT INTO public.follows (follower_id, following_id) VALUES (bench.uid(:f), bench.uid(:t)) ON CONFLICT DO NOTHING;
\else
DELETE FROM public.follows WHERE follower_id = bench.uid(:f) AND following_id = bench.uid(:t);
\endif
SQL
cat >"$WORK/comment.sql" <<'SQL'
\set u random(1, 16)
\set c random(1, 4)
\set m random(1, 20)
\set k random(1, 2)
\set op random(0, 2)
\if :op = 0
INSERT INTO public.comments (user_id, creation_id, content) VALUES (bench.uid(:u), bench.cid(:c), 'nice work @user' || :m);
\elif :op = 1
INSERT INTO public.comments (user_id, creation_id, content, parent_comment_id)
VALUES (bench.uid(:u), bench.cid(:c), 'agreed', bench.root(:c, :k));
\else
DELETE FROM public.comments
 WHERE id = (SELECT id FROM public.comments WHERE user_id = bench.uid(:u) AND creation_id = bench.cid(:c) LIMIT 1);
\endif
SQL
cat >"$WORK/status.sql" <<'SQL'
\set c random(1, 8)
\set op random(0, 1)
\if :op = 0
UPDATE public.creations SET status = 'published', published_at = coalesce(published_at, now()) WHERE id = bench.cid(:c);
\else
UPDATE public.creations SET status = 'archived' WHERE id = bench.cid(:c);
\endif
SQL
cat >"$WORK/message.sql" <<'SQL'
\set u random(1, 16)
\set r random(1, 5)
\set op random(0, 3)
\if :op = 0
INSERT INTO public.luminor_messages (conversation_id, user_id, role, content) VALUES (bench.conv(:u), bench.uid(:u), 'user', 'question');
\elif :op = 1
INSERT INTO public.luminor_messages (conversation_id, user_id, role, content) VALUES (bench.conv(:u), bench.uid(:u), 'assistant', 'answer');
\elif :op = 2
UPDATE public.luminor_messages SET user_rating = :r
 WHERE id = (SELECT id FROM public.luminor_messages WHERE conversation_id = bench.conv(:u) AND role = 'assistant'
              ORDER BY created_at DESC LIMIT 1);
\else
DELETE FROM public.luminor_messages
 WHERE id = (SELECT id FROM public.luminor_messages WHERE conversation_id = bench.conv(:u) ORDER BY created_at LIMIT 1);
\endif
SQL
cat >"$WORK/relationship.sql" <<'SQL'
\set u random(1, 16)
\set l random(1, 3)
\set op random(0, 1)
\if :op = 0
INSERT INTO public.luminor_relationships (user_id, luminor_id) VALUES (bench.uid(:u), bench.lid(:l)) ON CONFLICT DO NOTHING;
\else
DELETE FROM public.luminor_relationships WHERE user_id = bench.uid(:u) AND luminor_id = bench.lid(:l);
\endif
SQL

run_pgbench() { # run_pgbench LOG TX SCRIPT-ARGS...
    local log=$1 tx=$2
    shift 2
    local start=$SECONDS status=0
    pgbench -n -c "$CLIENTS" -j 2 -t "$tx" "$@" "$DB" >"$log" 2>&1 || status=$?
    echo "$status $((SECONDS - start))"
}

read -r hot_status hot_secs < <(run_pgbench "$WORK/hot.log" "$HOT_TX" -f "$WORK/hot_like.sql")
tap_is "phase 1 (16 sessions like/unlike one creation): pgbench exit status" "$hot_status" 0
tap_is "phase 1: all $((CLIENTS * HOT_TX)) transactions processed" "$(pgbench_processed "$WORK/hot.log")" "$((CLIENTS * HOT_TX))"
tap_diag "phase 1: ${hot_secs}s; $(grep -h '^tps' "$WORK/hot.log" || true)"
read -r rr_status rr_secs < <(run_pgbench "$WORK/hot_rr.log" "$HOT_TX" -f "$WORK/hot_like_rr.sql")
tap_is "phase 1b (the same, half the sessions in REPEATABLE READ): pgbench exit status" "$rr_status" 0
tap_is "phase 1b: all $((CLIENTS * HOT_TX)) transactions processed" "$(pgbench_processed "$WORK/hot_rr.log")" "$((CLIENTS * HOT_TX))"
tap_diag "phase 1b: ${rr_secs}s; $(grep -h '^tps' "$WORK/hot_rr.log" || true)"

read -r mix_status mix_secs < <(run_pgbench "$WORK/mix.log" "$MIX_TX" \
    -f "$WORK/like.sql@4" -f "$WORK/bulk_like.sql@1" -f "$WORK/follow.sql@3" -f "$WORK/comment.sql@3" \
    -f "$WORK/status.sql@2" -f "$WORK/message.sql@3" -f "$WORK/relationship.sql@1")
tap_is "phase 2 (weighted mix on hot rows): pgbench exit status" "$mix_status" 0
tap_is "phase 2: all $((CLIENTS * MIX_TX)) transactions processed" "$(pgbench_processed "$WORK/mix.log")" "$((CLIENTS * MIX_TX))"
tap_diag "phase 2: ${mix_secs}s; $(grep -h '^tps' "$WORK/mix.log" || true)"
# Bulk statements collide on the same slots and queue for them (a folder
# holds its slots to its commit): 8 sessions, not 16, so that this phase
# takes seconds, not minutes.
read -r bulk_status bulk_secs < <(CLIENTS=8 run_pgbench "$WORK/bulk.log" "$BULK_TX" \
    -f "$WORK/bulk_wide.sql@1" -f "$WORK/like_wide.sql@4")
tap_is "phase 2b (bulk and single likes of 200 creations): pgbench exit status" "$bulk_status" 0
tap_is "phase 2b: all $((8 * BULK_TX)) transactions processed" "$(pgbench_processed "$WORK/bulk.log")" "$((8 * BULK_TX))"
tap_diag "phase 2b: ${bulk_secs}s; $(grep -h '^tps' "$WORK/bulk.log" || true)"
errors=$(grep -hiE 'error|abort|deadlock' "$WORK/hot.log" "$WORK/hot_rr.log" "$WORK/mix.log" "$WORK/bulk.log" || true)
tap_is "no session reported an error" "$(printf '%s' "$errors" | grep -c . || true)" 0
if [[ -n "$errors" ]]; then printf '%s\n' "$errors" | head -20 | tap_diag || true; fi

db_wait_idle "$DB" 30 || tap_diag "pgbench sessions still connected after 30 s"
tap_ok "the workload wrote likes, comments, follows, messages and notifications" \
    "$(q "$DB" "SELECT (SELECT count(*) FROM public.likes) > 0 AND (SELECT count(*) FROM public.comments) > 8
                   AND (SELECT count(*) FROM public.follows) > 0 AND (SELECT count(*) FROM public.luminor_messages) > 0
                   AND (SELECT count(*) FROM public.notifications) > 0")"
q "$DB" "SELECT 'rows now: ' || (SELECT count(*) FROM public.likes) || ' likes, ' || (SELECT count(*) FROM public.comments)
              || ' comments, ' || (SELECT count(*) FROM public.follows) || ' follows, '
              || (SELECT count(*) FROM public.luminor_messages) || ' messages, '
              || (SELECT count(*) FROM public.notifications) || ' notifications'" | tap_diag

# ---------------------------------------------------------------------------
# Every counter against count(*), before recount_counters() could fix it.
# ---------------------------------------------------------------------------
mismatches() { # mismatches SQL: prints "0" or the count and the first rows
    local rows
    rows=$(q "$DB" "$1")
    if [[ -z "$rows" ]]; then echo 0; else echo "$(printf '%s\n' "$rows" | wc -l): $(printf '%s\n' "$rows" | head -3 | tr '\n' ' ')"; fi
}
tap_is "creations.like_count = count(likes) for every creation" "$(mismatches "
    SELECT c.title, c.like_count, (SELECT count(*) FROM public.likes l WHERE l.creation_id = c.id) AS n
      FROM public.creations c WHERE c.like_count <> (SELECT count(*) FROM public.likes l WHERE l.creation_id = c.id)")" 0
tap_is "creations.comment_count = count(comments) for every creation" "$(mismatches "
    SELECT c.title, c.comment_count, (SELECT count(*) FROM public.comments m WHERE m.creation_id = c.id)
      FROM public.creations c WHERE c.comment_count <> (SELECT count(*) FROM public.comments m WHERE m.creation_id = c.id)")" 0
tap_is "profiles.follower_count and following_count = count(follows) for every profile" "$(mismatches "
    SELECT p.username, p.follower_count, p.following_count FROM public.profiles p
     WHERE p.follower_count <> (SELECT count(*) FROM public.follows f WHERE f.following_id = p.id)
        OR p.following_count <> (SELECT count(*) FROM public.follows f WHERE f.follower_id = p.id)")" 0
tap_is "profiles.creation_count = count(published creations) for every profile" "$(mismatches "
    SELECT p.username, p.creation_count FROM public.profiles p
     WHERE p.creation_count <> (SELECT count(*) FROM public.creations c WHERE c.user_id = p.id AND c.status = 'published')")" 0
tap_is "luminor_conversations.message_count and last_message_at = their messages for every conversation" "$(mismatches "
    SELECT c.id, c.message_count, c.last_message_at FROM public.luminor_conversations c
     WHERE c.message_count <> (SELECT count(*) FROM public.luminor_messages m WHERE m.conversation_id = c.id)
        OR c.last_message_at IS DISTINCT FROM (SELECT max(m.created_at) FROM public.luminor_messages m WHERE m.conversation_id = c.id)")" 0
tap_is "luminors.interaction_count, user_count and ratings = their rows for every Luminor" "$(mismatches "
    SELECT l.slug, l.interaction_count, l.user_count, l.rating_count, l.rating_sum, l.average_rating
      FROM public.luminors l
      LEFT JOIN LATERAL (
            SELECT count(*) FILTER (WHERE m.role = 'user') AS interactions, count(m.user_rating) AS rated,
                   coalesce(sum(m.user_rating), 0) AS rating_sum
              FROM public.luminor_conversations c JOIN public.luminor_messages m ON m.conversation_id = c.id
             WHERE c.luminor_id = l.id) r ON true
     WHERE l.interaction_count <> r.interactions
        OR l.user_count <> (SELECT count(*) FROM public.luminor_relationships x WHERE x.luminor_id = l.id)
        OR l.rating_count <> r.rated OR l.rating_sum <> r.rating_sum
        OR l.average_rating IS DISTINCT FROM CASE WHEN r.rated > 0 THEN round(r.rating_sum::numeric / r.rated, 2) END")" 0

# ---------------------------------------------------------------------------
# recount_counters(): every counter, nothing to fix
# ---------------------------------------------------------------------------
recount=$(q "$DB" "SELECT counter || '=' || rows_fixed FROM arcanea.recount_counters()")
for counter in creations.like_count creations.comment_count profiles.follower_count profiles.following_count \
    profiles.creation_count luminor_conversations.message_count luminors.interaction_count \
    luminors.average_rating luminors.user_count; do
    tap_is "recount_counters(): $counter fixed 0 rows" \
        "$(printf '%s\n' "$recount" | sed -n "s/^${counter//./\\.}=//p")" 0
done

db_wait_idle "$DB" 10 || true
tap_is "pg_stat_database.deadlocks did not increase" \
    "$(q "$DB" "SELECT pg_stat_clear_snapshot(); SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()" | tail -1)" \
    "$deadlocks_before"
tap_is "notification grouping held: no (recipient, group_key) notified twice within 24h" "$(mismatches "
    SELECT user_id, group_key, count(*) FROM public.notifications WHERE group_key IS NOT NULL
     GROUP BY user_id, group_key HAVING count(*) > 1")" 0

# wait_until SQL: poll (every 50 ms, up to 5 s) until SQL returns t.
wait_until() {
    for _ in $(seq 1 100); do
        [[ "$(q "$DB" "$1")" == t ]] && return 0
        sleep 0.05
    done
    return 1
}

# hold_open NAME SECONDS SQL: in the background, a session that runs SQL in a
# transaction and keeps it open SECONDS before it commits (its output in
# $WORK/NAME.log, its pid in HELD_PID); returns once it is holding.
hold_open() {
    local name=$1 secs=$2 sql=$3
    psql -qX -v ON_ERROR_STOP=1 -d "$DB" -c "BEGIN" -c "$sql" -c "SELECT pg_sleep($secs)" -c "COMMIT" \
        >"$WORK/$name.log" 2>&1 &
    HELD_PID=$!
    wait_until "SELECT count(*) = 1 FROM pg_stat_activity
                 WHERE datname = current_database() AND query = 'SELECT pg_sleep($secs)'" || true
}

# ---------------------------------------------------------------------------
# A like while another session holds the creation's slot.  Session A likes
# creation 9 in place and holds its transaction open; session B likes it
# meanwhile: B finds the slot held (hold_slot_rows), appends a delta, skips
# the fold and commits at once; A folds B's delta at its commit.
# ---------------------------------------------------------------------------
q "$DB" "INSERT INTO public.creations (id, user_id, title, type, status, published_at)
         VALUES (bench.cid(9), bench.uid(1), 'Quiet', 'image', 'published', now())" >/dev/null
hold_open holder 3 "INSERT INTO public.likes (user_id, creation_id) VALUES (bench.uid(18), bench.cid(9))"
started=$(date +%s%N)
q "$DB" "INSERT INTO public.likes (user_id, creation_id) VALUES (bench.uid(19), bench.cid(9))" >/dev/null
waited_ms=$(( ($(date +%s%N) - started) / 1000000 ))
tap_ok "a like while another session holds the slot does not wait for it (${waited_ms} ms)" \
    "$( [[ $waited_ms -lt 1500 ]] && echo t || echo f)"
tap_is "while the holder is open: the second like is a pending delta, the column unchanged" \
    "$(q "$DB" "SELECT (SELECT count(*) FROM arcanea.creation_count_deltas WHERE creation_id = bench.cid(9))
                    || '/' || like_count FROM public.creations WHERE id = bench.cid(9)")" "1/0"
wait "$HELD_PID" || tap_diag "the holder failed: $(cat "$WORK/holder.log")"
tap_is "after the holder commits: no delta pending" \
    "$(q "$DB" "SELECT count(*) FROM arcanea.creation_count_deltas WHERE creation_id = bench.cid(9)")" 0
tap_is "after the holder commits: like_count = 2" \
    "$(q "$DB" "SELECT like_count FROM public.creations WHERE id = bench.cid(9)")" 2

# ---------------------------------------------------------------------------
# An in-place writer that rolls back while a folder waits for its slot.
# Session A likes creation 10 in place, then waits for an advisory lock that
# session C holds, then rolls back.  Session B likes creation 10 meanwhile:
# its delta's fold finds the slot held and polls for it
# (await_slot_rows); C lets A go as soon as B polls.  B must get the slot
# once A is gone and fold its own delta: nobody else is left to.
# ---------------------------------------------------------------------------
q "$DB" "INSERT INTO public.creations (id, user_id, title, type, status, published_at)
         VALUES (bench.cid(10), bench.uid(2), 'Undone', 'image', 'published', now())" >/dev/null
psql -qX -v ON_ERROR_STOP=1 -d "$DB" -c "SELECT pg_advisory_lock(4242)" -c "
DO \$\$
BEGIN
    FOR i IN 1 .. 2000 LOOP  -- up to 10 s
        PERFORM pg_stat_clear_snapshot();
        EXIT WHEN EXISTS (SELECT 1 FROM pg_stat_activity
                           WHERE datname = current_database() AND wait_event = 'PgSleep'
                             AND query LIKE 'INSERT INTO public.likes%');
        PERFORM pg_sleep(0.005);
    END LOOP;
    PERFORM pg_advisory_unlock(4242);
END
\$\$" >"$WORK/releaser.log" 2>&1 &
releaser=$!
wait_until "SELECT count(*) = 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND granted" || true
psql -qX -d "$DB" -c "BEGIN" -c "INSERT INTO public.likes (user_id, creation_id) VALUES (bench.uid(18), bench.cid(10))" \
    -c "SELECT pg_advisory_xact_lock(4242)" -c "ROLLBACK" >"$WORK/undone.log" 2>&1 &
undone=$!
wait_until "SELECT count(*) = 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory'" || true
q "$DB" "INSERT INTO public.likes (user_id, creation_id) VALUES (bench.uid(19), bench.cid(10))" >/dev/null
wait "$undone" || true
wait "$releaser" || tap_diag "the releaser failed: $(cat "$WORK/releaser.log")"
tap_is "a writer that rolls back after counting in place: the folder waiting for its slot folds (pending/column/likes)" \
    "$(q "$DB" "SELECT (SELECT count(*) FROM arcanea.creation_count_deltas WHERE creation_id = bench.cid(10))
                    || '/' || like_count || '/' || (SELECT count(*) FROM public.likes WHERE creation_id = bench.cid(10))
                  FROM public.creations WHERE id = bench.cid(10)")" "0/1/1"

# ---------------------------------------------------------------------------
# A bulk fold holding its rows.  Session A likes creations 2001-2150 in one
# statement, folds (SET CONSTRAINTS ALL IMMEDIATE: its own deltas go into
# the 150 rows, which it then holds) and keeps its transaction open.  A like
# of another creation, in a slot of A's statement that A did not list, must
# not wait for A: folding slot by slot, A held every such slot to its
# commit.  A like of A's creation in that slot, whose row A holds, appends
# a delta that its fold cannot fold; it waits for A's commit (A holds the
# bulk lock) and folds it then.
# ---------------------------------------------------------------------------
q "$DB" "INSERT INTO public.creations (id, user_id, title, type, status, published_at)
         SELECT bench.cid(g), bench.uid(3), 'Bulk ' || g, 'image', 'published', now() FROM generate_series(2001, 2150) g" >/dev/null
# One of the statement's last 50 creations whose slot is none of its first
# 100's (the list stops growing long before), and a new creation in it.
read -r held unlisted < <(q "$DB" "SELECT g || ' ' || arcanea.count_slot('creations', bench.cid(g))
                                     FROM generate_series(2101, 2150) g
                                    WHERE arcanea.count_slot('creations', bench.cid(g)) NOT IN
                                          (SELECT arcanea.count_slot('creations', bench.cid(h)) FROM generate_series(2001, 2100) h)
                                    LIMIT 1")
q "$DB" "INSERT INTO public.creations (id, user_id, title, type, status, published_at)
         SELECT x, bench.uid(4), 'Neighbour', 'image', 'published', now()
           FROM (SELECT ('0cf00000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid AS x
                   FROM generate_series(1, 100000) i) y
          WHERE arcanea.count_slot('creations', x) = $unlisted LIMIT 1" >/dev/null
neighbour=$(q "$DB" "SELECT id FROM public.creations WHERE title = 'Neighbour'")
hold_open bulk 3 "INSERT INTO public.likes (user_id, creation_id)
                  SELECT bench.uid(18), bench.cid(g) FROM generate_series(2001, 2150) g ORDER BY 2;
                  SET CONSTRAINTS ALL IMMEDIATE"
started=$(date +%s%N)
q "$DB" "INSERT INTO public.likes (user_id, creation_id) VALUES (bench.uid(19), '$neighbour')" >/dev/null
waited_ms=$(( ($(date +%s%N) - started) / 1000000 ))
tap_ok "a like in a slot that a bulk fold counted in does not wait for its commit (${waited_ms} ms)" \
    "$( [[ -n "$neighbour" && $waited_ms -lt 1500 ]] && echo t || echo f)"
q "$DB" "INSERT INTO public.likes (user_id, creation_id) VALUES (bench.uid(19), bench.cid($held))" >/dev/null
wait "$HELD_PID" || tap_diag "the bulk session failed: $(cat "$WORK/bulk.log")"
tap_is "a like of a row the bulk fold held: folded after its commit (pending/like_count)" \
    "$(q "$DB" "SELECT (SELECT count(*) FROM arcanea.creation_count_deltas WHERE creation_id = bench.cid($held))
                    || '/' || like_count FROM public.creations WHERE id = bench.cid($held)")" "0/2"
tap_is "after the bulk fold: the neighbour's like is counted, nothing pending (pending/like_count)" \
    "$(q "$DB" "SELECT (SELECT count(*) FROM arcanea.creation_count_deltas WHERE creation_id = c.id)
                    || '/' || like_count FROM public.creations c WHERE c.id = '$neighbour'")" "0/1"
tap_is "after the bulk fold: all 150 counts exact, no delta left" \
    "$(q "$DB" "SELECT count(*) FILTER (WHERE like_count = (SELECT count(*) FROM public.likes l WHERE l.creation_id = c.id))
                    || '/' || (SELECT count(*) FROM arcanea.creation_count_deltas)
                  FROM public.creations c WHERE c.id IN (SELECT bench.cid(g) FROM generate_series(2001, 2150) g)")" "150/0"

# ---------------------------------------------------------------------------
# A message deleted while another is being added to the same conversation.
# Session A adds a message and holds its transaction open; session B deletes
# the oldest message meanwhile (its counter update waits for A's row lock);
# A commits, then B.
# ---------------------------------------------------------------------------
q "$DB" "
INSERT INTO public.luminor_conversations (id, user_id, luminor_id) VALUES (bench.conv(99), bench.uid(17), bench.lid(2));
INSERT INTO public.luminor_messages (id, conversation_id, user_id, role, content, created_at) VALUES
    (bench.conv(991), bench.conv(99), bench.uid(17), 'user', 'old one', '2020-01-01'),
    (bench.conv(992), bench.conv(99), bench.uid(17), 'user', 'old two', '2020-01-02');" >/dev/null
hold_open session_a 2 \
    "INSERT INTO public.luminor_messages (conversation_id, user_id, role, content) VALUES (bench.conv(99), bench.uid(17), 'user', 'new')"
q "$DB" "DELETE FROM public.luminor_messages WHERE id = bench.conv(991)" >/dev/null
wait "$HELD_PID" || tap_diag "session A failed: $(cat "$WORK/session_a.log")"
tap_is "delete during a concurrent add: message_count = count(messages)" \
    "$(q "$DB" "SELECT message_count = (SELECT count(*) FROM public.luminor_messages WHERE conversation_id = c.id)
                  FROM public.luminor_conversations c WHERE c.id = bench.conv(99)")" t
tap_is "delete during a concurrent add: last_message_at is the newest message's time" \
    "$(q "$DB" "SELECT last_message_at FROM public.luminor_conversations WHERE id = bench.conv(99)")" \
    "$(q "$DB" "SELECT max(created_at) FROM public.luminor_messages WHERE conversation_id = bench.conv(99)")"

# ---------------------------------------------------------------------------
# A like and a follow lock one partition of notifications, the one their
# notification goes to, however many months the table has: the 24-hour
# grouping claims its key in arcanea.notification_groups.  (It used to look
# for the key among the recipient's notifications, and the plan of that
# look-up locked every monthly partition at every like and follow.)
# ---------------------------------------------------------------------------
q "$DB" "SELECT count(arcanea.create_month_partition('public.notifications', now() - make_interval(months => m)))
           FROM generate_series(1, 6) m" >/dev/null
partitions=$(q "$DB" "SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.notifications'::regclass")
# notifications_locked SQL: runs SQL, then counts the partitions of
# notifications the transaction holds a lock on (one implicit transaction).
notifications_locked() {
    q "$DB" "$1; SELECT count(*) FROM pg_locks l JOIN pg_inherits i ON i.inhrelid = l.relation
                WHERE l.pid = pg_backend_pid() AND i.inhparent = 'public.notifications'::regclass"
}
tap_is "a like (and its notification) locks 1 of the $partitions partitions of notifications" \
    "$(notifications_locked "INSERT INTO public.likes (user_id, creation_id) VALUES (bench.uid(17), bench.cid(2))")" 1
tap_is "a follow (and its notification) locks 1 of the $partitions partitions of notifications" \
    "$(notifications_locked "INSERT INTO public.follows (follower_id, following_id) VALUES (bench.uid(18), bench.uid(3))")" 1

tap_done
