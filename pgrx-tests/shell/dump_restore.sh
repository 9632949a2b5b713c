#!/usr/bin/env bash
# Backup and restore, as docs/operations.md says to do it: pg_dump -Fc of a
# database with realistic data in every table of the extension (the two
# partitioned ones with rows in a month's partition and in DEFAULT), restored
# into a fresh database by scripts/restore.sh (pg_restore with
# session_replication_role=replica: the dump's CREATE EXTENSION arcanea runs
# first, then the data loads with the triggers quiet).  Then, for every table the extension owns (the eleven public tables,
# auth.users, storage.buckets, storage.objects and arcanea's own tables),
# the restored copy must hold the same rows: same count, same checksum of
# the rows' text.  Counters must not drift, the signup sequence must carry
# on after the restored maximum, and the restored database must work.
# Prints TAP; creates and drops both databases.
#
# Env: PGHOST/PGPORT/PGUSER (a cluster with arcanea installed).
set -euo pipefail
ARCANEA_ROOT=${ARCANEA_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
source "$(dirname "${BASH_SOURCE[0]}")/lib/tap.sh"

SRC=arcanea_dump_src_$$
DST=arcanea_dump_dst_$$
WORK=$(mktemp -d)
cleanup() { db_drop "$SRC"; db_drop "$DST"; rm -rf "$WORK"; }
trap cleanup EXIT

TABLES=(
    public.profiles public.profile_private public.luminors public.luminor_conversations public.luminor_messages
    public.luminor_relationships public.creations public.likes public.comments public.follows
    public.notifications auth.users storage.buckets storage.objects arcanea.search_terms arcanea.buckets
    arcanea.rate_limits arcanea.storage_erasures
)
tap_plan $((11 + 2 * ${#TABLES[@]}))

# ---------------------------------------------------------------------------
# Source: rows in every table
# ---------------------------------------------------------------------------
db_create "$SRC" || tap_bail "cannot create database $SRC with the extension"
q "$SRC" "
-- This month and the next ones of the partitioned tables, as the daily job
-- makes them: monthly partitions are ordinary tables in the dump, the
-- DEFAULT partitions extension data (sql/77_partitions.sql).
SELECT count(*) FROM arcanea.ensure_partitions();
-- Five users sign up as the auth server does; one more is removed again.
INSERT INTO auth.users (id, email, raw_user_meta_data, email_confirmed_at) VALUES
    ('d0000000-0000-4000-8000-000000000001', 'ada@dump.test',   '{\"username\": \"ada\", \"full_name\": \"Ada Lovelace\"}', now()),
    ('d0000000-0000-4000-8000-000000000002', 'brian@dump.test', '{\"display_name\": \"Brian K.\"}', now()),
    ('d0000000-0000-4000-8000-000000000003', 'chloé.o+art@dump.test', '{}', NULL),
    ('d0000000-0000-4000-8000-000000000004', 'dmitri@dump.test', '{\"username\": \"dmitri\", \"avatar_url\": \"https://cdn.test/d.png\"}', now()),
    ('d0000000-0000-4000-8000-000000000005', 'eun@dump.test',   '{\"username\": \"eun\"}', now()),
    ('d0000000-0000-4000-8000-000000000006', 'gone@dump.test',  '{}', now());
-- The removed one had an avatar: its file waits in arcanea.storage_erasures.
INSERT INTO storage.objects (bucket_id, name, owner_id, metadata) VALUES
    ('avatars', 'd0000000-0000-4000-8000-000000000006/avatar.png', 'd0000000-0000-4000-8000-000000000006', '{}');
DELETE FROM auth.users WHERE id = 'd0000000-0000-4000-8000-000000000006';
UPDATE public.profiles SET bio = 'Engines & poems — “analytical”', tier = 'creator', subscription_status = 'active',
       stripe_customer_id = 'cus_123'
 WHERE id = 'd0000000-0000-4000-8000-000000000001';
UPDATE public.profile_private SET preferences = '{\"theme\": \"dark\", \"langs\": [\"en\", \"fr\"]}',
       onboarding_completed = true, onboarding_step = 5, last_active_at = now() - interval '1 hour', share_presence = true
 WHERE id = 'd0000000-0000-4000-8000-000000000001';

-- The operator edits Lumina and adds a Luminor of their own.
UPDATE public.luminors SET greeting_message = 'Welcome back, creator. What shall we light up today?',
       color = '#5555FF', expertise = expertise || ARRAY['storyboards']
 WHERE slug = 'lumina';
INSERT INTO public.luminors (id, name, slug, title, specialty, color, icon, personality, system_prompt,
                             greeting_message, expertise, ai_tools)
VALUES ('00000000-0000-4000-8000-00000000b001', 'Scriptor', 'scriptor', 'The Word Smith', 'Writing', '#AA8844', 'quill',
        '{\"traits\": [\"precise\"]}', 'You are Scriptor.', 'Let us write.', ARRAY['prose', 'poetry'], ARRAY['claude']);

-- Creations in every status, with the JSON and array columns filled.
INSERT INTO public.creations (id, user_id, title, description, type, file_url, thumbnail_url, file_size, file_format,
                              ai_tool, prompt, model, generation_params, seed, metadata, status, is_featured, tags,
                              categories, view_count, published_at)
VALUES
    ('d1000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001', 'Difference Engine at dawn',
     'Brass gears, morning light', 'image', 'https://cdn.test/c1.png', 'https://cdn.test/c1-thumb.png', 123456, 'png',
     'midjourney', 'brass engine, dawn, volumetric light', 'v6', '{\"ar\": \"16:9\", \"stylize\": 250}', 42,
     '{\"width\": 1920, \"height\": 1080}', 'published', true, ARRAY['Steampunk', 'engine', 'dawn'], ARRAY['art'], 17, now() - interval '2 days'),
    ('d1000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000002', 'Night drive', NULL, 'music',
     'https://cdn.test/c2.mp3', NULL, 3000000, 'mp3', 'suno', 'synthwave night drive', NULL, '{}', NULL, '{}',
     'published', false, ARRAY['synthwave'], '{}', 3, now() - interval '1 day'),
    ('d1000000-0000-4000-8000-000000000003', 'd0000000-0000-4000-8000-000000000001', 'Work in progress', NULL, 'video',
     NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{}', NULL, '{}', 'draft', false, '{}', '{}', 0, NULL),
    ('d1000000-0000-4000-8000-000000000004', 'd0000000-0000-4000-8000-000000000004', 'Old piece', 'retired', 'text',
     NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{}', NULL, '{}', 'archived', false, ARRAY['poem'], '{}', 9, now() - interval '30 days'),
    ('d1000000-0000-4000-8000-000000000005', 'd0000000-0000-4000-8000-000000000005', 'Rendering…', NULL, 'multimodal',
     NULL, NULL, NULL, NULL, 'runway', NULL, NULL, '{}', 7, '{}', 'processing', false, '{}', '{}', 0, NULL);

INSERT INTO public.likes (user_id, creation_id) VALUES
    ('d0000000-0000-4000-8000-000000000002', 'd1000000-0000-4000-8000-000000000001'),
    ('d0000000-0000-4000-8000-000000000003', 'd1000000-0000-4000-8000-000000000001'),
    ('d0000000-0000-4000-8000-000000000004', 'd1000000-0000-4000-8000-000000000001'),
    ('d0000000-0000-4000-8000-000000000001', 'd1000000-0000-4000-8000-000000000002');
INSERT INTO public.comments (id, user_id, creation_id, content) VALUES
    ('d2000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000002', 'd1000000-0000-4000-8000-000000000001',
     'Gorgeous light, @dmitri look at this');
INSERT INTO public.comments (id, user_id, creation_id, content, parent_comment_id) VALUES
    ('d2000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000001', 'd1000000-0000-4000-8000-000000000001',
     'Thank you! Took ages.', 'd2000000-0000-4000-8000-000000000001'),
    ('d2000000-0000-4000-8000-000000000003', 'd0000000-0000-4000-8000-000000000004', 'd1000000-0000-4000-8000-000000000001',
     E'Agreed.\nMultiline, too.', 'd2000000-0000-4000-8000-000000000001');
UPDATE public.comments SET content = 'Gorgeous light, @dmitri look at this!' WHERE id = 'd2000000-0000-4000-8000-000000000001';
INSERT INTO public.follows (follower_id, following_id, notify_creations) VALUES
    ('d0000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000001', true),
    ('d0000000-0000-4000-8000-000000000003', 'd0000000-0000-4000-8000-000000000001', false),
    ('d0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000002', true);

INSERT INTO public.luminor_conversations (id, user_id, luminor_id, title, session_id, context) VALUES
    ('d3000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000a001',
     'Engine lighting', 'sess-1', '{\"project\": \"engine\", \"module\": 2}'),
    ('d3000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-00000000b001',
     NULL, NULL, '{}');
INSERT INTO public.luminor_messages (conversation_id, user_id, role, content, model, tokens, cost, user_rating, was_helpful) VALUES
    ('d3000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001', 'user', 'How do I light brass?', NULL, NULL, NULL, NULL, NULL),
    ('d3000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001', 'assistant', 'Warm key light, cool rim.', 'gpt-4o', 321, 0.004815, 5, true),
    ('d3000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001', 'user', 'And at dawn?', NULL, NULL, NULL, NULL, NULL),
    ('d3000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001', 'assistant', 'Low sun, long shadows.', 'gpt-4o', 120, 0.0018, 3, false),
    ('d3000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000002', 'system', 'Session started.', NULL, NULL, NULL, NULL, NULL),
    ('d3000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000002', 'user', 'Write me a verse.', NULL, NULL, NULL, NULL, NULL);
INSERT INTO public.luminor_relationships (user_id, luminor_id, bond_level, bond_xp, total_interactions, personality_match,
                                          user_preferences, key_memories, last_interaction_at) VALUES
    ('d0000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000a001', 3, 40, 27,
     '{\"score\": 0.82}', '{\"style\": \"painterly\"}',
     '[{\"type\": \"project\", \"content\": \"Difference Engine series\", \"importance\": 8},
       {\"type\": \"preference\", \"content\": \"likes warm palettes\", \"importance\": 5}]', now()),
    ('d0000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-00000000b001', 1, 10, 1, '{}', '{}', '[]', now());

-- Notifications: the triggers wrote some; add an announcement and read one.
INSERT INTO public.notifications (user_id, type, title, message, metadata) VALUES
    ('d0000000-0000-4000-8000-000000000005', 'system_announcement', 'Welcome to Arcanea', 'Say hi to the Luminors', '{\"campaign\": \"launch\"}');
-- A backdated one, of a month without a partition: it sits in DEFAULT.
INSERT INTO public.notifications (user_id, type, title, created_at) VALUES
    ('d0000000-0000-4000-8000-000000000005', 'system_announcement', 'From the beta', now() - interval '400 days');
UPDATE public.notifications SET is_read = true WHERE user_id = 'd0000000-0000-4000-8000-000000000001' AND type = 'creation_liked';

-- The operator tuned the rate limits: a changed default and a lifted one.
UPDATE arcanea.rate_limits SET max_calls = 200, per = interval '5 minutes' WHERE action = 'like';
UPDATE arcanea.rate_limits SET max_calls = NULL WHERE action = 'repeat_view';

-- Storage: the operator allows bigger avatars, adds a bucket of their own,
-- and there are files in every bucket.
UPDATE storage.buckets SET file_size_limit = 10485760, updated_at = now() - interval '1 day' WHERE id = 'avatars';
INSERT INTO storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
VALUES ('exports', 'exports', false, 1048576, ARRAY['application/zip']);
INSERT INTO storage.objects (bucket_id, name, owner, owner_id, metadata) VALUES
    ('avatars', 'd0000000-0000-4000-8000-000000000001/avatar.png', 'd0000000-0000-4000-8000-000000000001',
     'd0000000-0000-4000-8000-000000000001', '{\"size\": 2048, \"mimetype\": \"image/png\"}'),
    ('creations', 'd0000000-0000-4000-8000-000000000001/image/d1000000-0000-4000-8000-000000000001.png',
     'd0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001', '{\"size\": 123456}'),
    ('thumbnails', 'd0000000-0000-4000-8000-000000000001/d1000000-0000-4000-8000-000000000001-thumb.png',
     'd0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001', '{\"size\": 4096}'),
    ('exports', 'd0000000-0000-4000-8000-000000000002/export-2025.zip', NULL, 'd0000000-0000-4000-8000-000000000002', '{}');
" >/dev/null || tap_bail "loading the source data failed"

# (count, checksum) of a table: the rows as text, sorted.
fingerprint() { # fingerprint DB TABLE
    q "$1" "SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '-') FROM $2 t"
}
empty=()
for t in "${TABLES[@]}"; do
    [[ "$(q "$SRC" "SELECT count(*) > 0 FROM $t")" == t ]] || empty+=("$t")
done
tap_is "the source has rows in every table (empty: ${empty[*]:-none})" "${#empty[@]}" 0
declare -A before
for t in "${TABLES[@]}"; do before[$t]=$(fingerprint "$SRC" "$t"); done
seq_before=$(q "$SRC" "SELECT last_value FROM arcanea.arcanean_id_seq")

# ---------------------------------------------------------------------------
# Dump, restore
# ---------------------------------------------------------------------------
start=$SECONDS
dump_status=0
pg_dump -Fc -d "$SRC" -f "$WORK/arcanea.dump" 2>"$WORK/dump.err" || dump_status=$?
tap_is "pg_dump -Fc succeeds" "$dump_status" 0
if [[ -s "$WORK/dump.err" ]]; then tap_diag "pg_dump said:"; tap_diag <"$WORK/dump.err"; fi
db_drop "$DST"
psql -qX -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $DST" >/dev/null
restore_status=0
# The documented recipe (docs/operations.md#backup-and-restore).
bash "$ARCANEA_ROOT/scripts/restore.sh" "$WORK/arcanea.dump" -d "$DST" 2>"$WORK/restore.err" || restore_status=$?
# One error is expected: the dump creates the supabase_realtime publication,
# which is not the extension's (PostgreSQL cannot make a publication part of
# an extension) but which CREATE EXTENSION made already.
other_errors=$(grep 'ERROR:' "$WORK/restore.err" | grep -v 'publication "supabase_realtime" already exists' || true)
tap_is "scripts/restore.sh (pg_restore, replica role): no error but 'publication supabase_realtime already exists'" \
    "$(grep -c 'ERROR:' "$WORK/restore.err" || true) ${other_errors:-none}" "1 none"
tap_diag "dump $(stat -c %s "$WORK/arcanea.dump") bytes; dump and restore took $((SECONDS - start)) s"

# ---------------------------------------------------------------------------
# Same rows in every table
# ---------------------------------------------------------------------------
rows_of() { q "$1" "SELECT t::text FROM $2 t ORDER BY 1" 2>/dev/null || true; }
for t in "${TABLES[@]}"; do
    after=$(fingerprint "$DST" "$t" 2>/dev/null || echo "missing -")
    tap_is "$t: same row count after restore" "${after%% *}" "${before[$t]%% *}"
    tap_is "$t: same content (md5 of the sorted rows) after restore" "${after#* }" "${before[$t]#* }"
    if [[ "$after" != "${before[$t]}" ]]; then
        diff <(rows_of "$SRC" "$t") <(rows_of "$DST" "$t") | grep '^[<>]' | head -8 \
            | sed 's/^</  source:  /; s/^>/  restored:/' | tap_diag || true
    fi
done

tap_is "restored copy: recount_counters() reports no drift" \
    "$(q "$DST" "SELECT string_agg(counter || '=' || rows_fixed, ' ') FILTER (WHERE rows_fixed <> 0) FROM arcanea.recount_counters()")" ""
tap_is "restored copy: the supabase_realtime publication carries notifications and messages, as in the source" \
    "$(q "$DST" "SELECT string_agg(tablename, ' ' ORDER BY tablename) FROM pg_publication_tables WHERE pubname = 'supabase_realtime'")" \
    "luminor_messages notifications"
# Each partition of the two partitioned tables, with its bounds and rows.
partitions() { # partitions DB
    q "$1" "SELECT string_agg(i.inhrelid::regclass || ' ' || pg_get_expr(c.relpartbound, c.oid) || ' '
                              || (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %s', i.inhrelid::regclass),
                                                                      false, true, '')))[1]::text,
                              '; ' ORDER BY i.inhrelid::regclass::text)
              FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent IN ('public.notifications'::regclass, 'public.luminor_messages'::regclass)"
}
src_partitions=$(partitions "$SRC")
tap_is "restored copy: the same partitions (monthly and DEFAULT), each with the same rows" \
    "$(partitions "$DST")" "$src_partitions"
tap_diag "partitions: $(sed 's/ FOR VALUES FROM ([^)]*) TO ([^)]*)//g' <<<"$src_partitions")"
tap_is "restored copy: arcanea.arcanean_id_seq continues where the source was" \
    "$(q "$DST" "SELECT last_value FROM arcanea.arcanean_id_seq")" "$seq_before"

# ---------------------------------------------------------------------------
# The restored database works: a new signup, a like
# ---------------------------------------------------------------------------
q "$DST" "INSERT INTO auth.users (id, email, raw_user_meta_data)
          VALUES ('d0000000-0000-4000-8000-000000000010', 'ada@after.test', '{\"username\": \"ada\"}')" >/dev/null 2>&1 || true
tap_ok "restored copy: a new signup gets a profile with a fresh arcanean_id above every restored one" \
    "$(q "$DST" "SELECT count(*) = 1
                        AND bool_and(p.arcanean_id ~ '^ARC-[0-9]{6,}\$')
                        AND bool_and(substr(p.arcanean_id, 5)::bigint > (SELECT max(substr(o.arcanean_id, 5)::bigint)
                                                                            FROM public.profiles o WHERE o.id <> p.id))
                   FROM public.profiles p WHERE p.id = 'd0000000-0000-4000-8000-000000000010'")"
tap_is "restored copy: the new signup asking for ada gets another name (ada is taken)" \
    "$(q "$DST" "SELECT username <> 'ada' AND username ~ '^ada' FROM public.profiles WHERE id = 'd0000000-0000-4000-8000-000000000010'")" t
q "$DST" "INSERT INTO public.likes (user_id, creation_id)
          VALUES ('d0000000-0000-4000-8000-000000000010', 'd1000000-0000-4000-8000-000000000001')" >/dev/null 2>&1 || true
tap_is "restored copy: triggers work again (a like moves like_count 3 -> 4 and notifies the owner)" \
    "$(q "$DST" "SELECT like_count || ' ' || (SELECT count(*) FROM public.notifications n
                                              WHERE n.type = 'creation_liked' AND n.metadata ->> 'actor_id' = 'd0000000-0000-4000-8000-000000000010')
                   FROM public.creations WHERE id = 'd1000000-0000-4000-8000-000000000001'")" "4 1"
tap_is "restored copy: the edited Lumina and the operator's Scriptor are there, once each" \
    "$(q "$DST" "SELECT string_agg(slug || ':' || color, ' ' ORDER BY slug) FROM public.luminors")" \
    "harmonix:#FF44AA kinetix:#44FFAA lumina:#5555FF scriptor:#AA8844"

tap_done
