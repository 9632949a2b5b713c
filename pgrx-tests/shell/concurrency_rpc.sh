#!/usr/bin/env bash
# 16 sessions hammer toggle_like, follow_user / unfollow_user and
# get_or_create_conversation on the same few rows, as PostgREST would call
# them (role + JWT claims inside each transaction).  Afterwards: no client
# saw an error, every counter equals its recount, each user has exactly one
# live conversation for the shared session, and no deadlock happened.
# Prints TAP.  Needs PGHOST/PGPORT/PGUSER for a cluster with the extension
# installed; creates and drops its own database.
set -euo pipefail
DB=arcanea_concurrency_rpc_$$
CLIENTS=16
TX_PER_CLIENT=${ARCANEA_CONCURRENCY_TX:-150}
WORK=$(mktemp -d)
cleanup() { psql -qX -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

q() { psql -qXAt -v ON_ERROR_STOP=1 -d "$DB" -c "$1"; }
n=0
check() { # check "description" actual expected
    n=$((n + 1))
    if [[ "$2" == "$3" ]]; then echo "ok $n - $1"; else echo "not ok $n - $1"; echo "#   got: $2"; echo "#  want: $3"; fi
}

psql -qX -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $DB" >/dev/null
q "CREATE EXTENSION arcanea" >/dev/null
# Users 1..16 act; 17 and 18 are the hot accounts everyone follows; user 1
# owns the hot creation.
q "INSERT INTO auth.users (id, email)
   SELECT ('00000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, 'user' || g || '@t.io'
     FROM generate_series(1, 18) g" >/dev/null
q "INSERT INTO public.creations (id, user_id, title, type, status, published_at)
   VALUES ('11111111-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001', 'Hot', 'image', 'published', now())" >/dev/null
# This script is about concurrency: each user toggles ~75 likes in seconds,
# beyond the default limits.  Raise them as an operator would
# (pgrx-tests/sql/34_rate_limits_test.sql tests the limits).
q "UPDATE arcanea.rate_limits SET max_calls = 1000000" >/dev/null
deadlocks_before=$(q "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")

cat > "$WORK/mix.sql" <<'SQL'
\set u random(1, 16)
\set target random(17, 18)
\set op random(1, 4)
BEGIN;
SELECT set_config('role', 'authenticated', true),
       set_config('request.jwt.claims',
                  '{"sub":"00000000-0000-4000-8000-' || lpad(:u::text, 12, '0') || '","role":"authenticated"}', true);
SELECT toggle_like(p_creation_id => '11111111-0000-4000-8000-000000000001');
SELECT CASE WHEN :op <= 2
            THEN follow_user(p_following_id => ('00000000-0000-4000-8000-' || lpad(:target::text, 12, '0'))::uuid)
            ELSE unfollow_user(p_following_id => ('00000000-0000-4000-8000-' || lpad(:target::text, 12, '0'))::uuid) END;
SELECT get_or_create_conversation(p_luminor_id => '00000000-0000-4000-8000-00000000a001', p_session_id => 'shared');
END;
SQL

if pgbench -n -c "$CLIENTS" -j 2 -t "$TX_PER_CLIENT" -f "$WORK/mix.sql" "$DB" > "$WORK/pgbench.log" 2>&1; then
    status=0
else
    status=$?
fi
echo "1..8"
check "pgbench: all $CLIENTS clients finished (exit status)" "$status" "0"
check "pgbench: no client aborted" "$(grep -c 'aborted' "$WORK/pgbench.log" || true)" "0"
check "pgbench: every transaction processed" \
      "$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$WORK/pgbench.log")" \
      "$((CLIENTS * TX_PER_CLIENT))"
check "like_count equals the likes on the hot creation" \
      "$(q "SELECT like_count = (SELECT count(*) FROM public.likes WHERE creation_id = c.id) FROM public.creations c WHERE c.id = '11111111-0000-4000-8000-000000000001'")" "t"
check "follower and following counts equal their recount" \
      "$(q "SELECT bool_and(follower_count = (SELECT count(*) FROM public.follows f WHERE f.following_id = p.id)
                       AND following_count = (SELECT count(*) FROM public.follows f WHERE f.follower_id = p.id))
              FROM public.profiles p")" "t"
check "arcanea.recount_counters() finds nothing to fix" "$(q "SELECT sum(rows_fixed) FROM arcanea.recount_counters()")" "0"
check "one live conversation per user for the shared session" \
      "$(q "SELECT count(*) = count(DISTINCT user_id) AND count(*) = 16 FROM public.luminor_conversations WHERE session_id = 'shared' AND is_active")" "t"
check "no deadlock" "$(q "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")" "$deadlocks_before"
sed -n 's/^\(tps = .*\)/# \1/p; s/^\(latency average = .*\)/# \1/p' "$WORK/pgbench.log"
