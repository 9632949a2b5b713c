#!/usr/bin/env bash
# Every reading RPC runs inside a READ ONLY transaction, as PostgREST runs
# GET requests and as a hot standby runs everything, and assigns no
# transaction id; every writing RPC is refused there (25006, PostgREST's 405).
# Prints TAP.  Needs PGHOST/PGPORT/PGUSER; creates and drops its own database.
set -euo pipefail
DB=arcanea_read_only_$$
trap 'psql -qX -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
psql -qX -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $DB" >/dev/null
psql -qX -v ON_ERROR_STOP=1 -d "$DB" >/dev/null <<'SQL'
CREATE EXTENSION arcanea;
INSERT INTO auth.users (id, email, raw_user_meta_data) VALUES
    ('aaaaaaaa-0000-4000-8000-0000000000a1', 'alice@t.io', '{"username":"alice"}'),
    ('bbbbbbbb-0000-4000-8000-0000000000b2', 'bob@t.io', '{"username":"bob"}');
INSERT INTO public.creations (user_id, title, type, status, published_at)
VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'Dragon', 'image', 'published', now());
INSERT INTO public.follows (follower_id, following_id)
VALUES ('bbbbbbbb-0000-4000-8000-0000000000b2', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT set_config('request.jwt.claims', '{"sub":"bbbbbbbb-0000-4000-8000-0000000000b2"}', false);
SELECT add_key_memory('bbbbbbbb-0000-4000-8000-0000000000b2', '00000000-0000-4000-8000-00000000a001', 'fact', 'likes dragons');
SELECT get_or_create_conversation('bbbbbbbb-0000-4000-8000-0000000000b2', '00000000-0000-4000-8000-00000000a001', 's');
SQL
conversation=$(psql -qXAt -d "$DB" -c "SELECT id FROM public.luminor_conversations LIMIT 1")

# As bob, through PostgREST's transaction shape, READ ONLY.
as_bob_read_only() {
    psql -qXAt -v ON_ERROR_STOP=1 -d "$DB" 2>&1 <<SQL
BEGIN TRANSACTION READ ONLY;
SELECT set_config('role', 'authenticated', true),
       set_config('request.jwt.claims', '{"sub":"bbbbbbbb-0000-4000-8000-0000000000b2","role":"authenticated"}', true) \gset
SELECT ($1) IS NOT NULL AS answered, txid_current_if_assigned() IS NULL AS no_xid;
COMMIT;
SQL
}

readers=(
    "(SELECT count(*) FROM search_creations('dragon'))"
    "(SELECT count(*) FROM search_creations('dragn'))"
    "(SELECT count(*) FROM search_creations())"
    "(SELECT count(*) FROM get_user_feed())"
    "get_user_stats()"
    "get_key_memories(p_luminor_id => '00000000-0000-4000-8000-00000000a001', p_query => 'dragon')"
    "get_luminor_relationship(p_luminor_id => '00000000-0000-4000-8000-00000000a001')"
    "get_conversation_with_messages('$conversation')"
    "export_my_data()"
    "(SELECT count(*) FROM get_presence(ARRAY['aaaaaaaa-0000-4000-8000-0000000000a1']::uuid[]))"
)
writers=(
    "toggle_like(p_creation_id => (SELECT id FROM public.creations LIMIT 1))"
    "update_last_active()"
    "follow_user(p_following_id => 'aaaaaaaa-0000-4000-8000-0000000000a1')"
)
echo "1..$(( ${#readers[@]} + ${#writers[@]} ))"
n=0
for call in "${readers[@]}"; do
    n=$((n + 1))
    out=$(as_bob_read_only "$call" || true)
    if [[ "$out" == "t|t" ]]; then echo "ok $n - read only, no xid: $call"; else echo "not ok $n - $call"; echo "# $out"; fi
done
for call in "${writers[@]}"; do
    n=$((n + 1))
    out=$(as_bob_read_only "$call" || true)
    if [[ "$out" == *"25006"* || "$out" == *"read-only transaction"* ]]; then
        echo "ok $n - a writer is refused in a read-only transaction (405 through PostgREST): $call"
    else
        echo "not ok $n - $call"; echo "# $out"
    fi
done
