#!/usr/bin/env bash
# Erasure: a deleted account leaves nothing behind.  A database with a
# heavy-ish user (hundreds of likes, dozens of followers and followings,
# comments with mentions of and by them, replies both ways, a conversation
# with a Luminor, key memories, notifications they caused in other people's
# inboxes, creations with words nobody else uses, files in all three
# buckets, and their own calls through the API, which spend rate limits)
# among 80 other users.  Their id, username and avatar URL are recorded,
# then the auth.users row is deleted (GoTrue's "delete user").  Then:
#
#   * a CATALOG-DRIVEN scan (erasure/scan.sql) of every table of the
#     extension in schemas public and arcanea (pg_depend deptype 'e'), every
#     column of type text, varchar, json, jsonb, text[] or uuid: no uuid
#     equal to the user's id (or to the id of a creation or comment they
#     owned), no text or json value containing any of those ids, the avatar
#     URL or the username, in any letter case.  Other users' comments that
#     mention "@username" stay, with the mention rewritten as "@[deleted]".
#     One test per table, with every finding printed as table.column and
#     value;
#   * arcanea.storage_erasures (the app's to-do list) is the exception: it
#     must list exactly the user's files in the extension's buckets, which
#     pending_storage_erasures() (service role only) returns until the
#     Storage API deletes them (here: deleting the storage.objects rows),
#     after which it returns nothing and the table is empty;
#   * the vocabulary lost the words only the user's creations used and kept
#     those others use too;
#   * nothing else was lost: other users' notifications survive unless they
#     were caused by the user or tied to a comment that went with the
#     account; no notification points at a comment or creation that is
#     gone; every counter equals its recount.
# The deletion's time is printed as a diagnostic.  Prints TAP; creates and
# drops its own database.
#
# Env: PGHOST/PGPORT/PGUSER (a cluster with arcanea installed).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/tap.sh"

DB=arcanea_erasure_$$
WORK=$(mktemp -d)
cleanup() { db_drop "$DB"; rm -rf "$WORK"; }
trap cleanup EXIT

# The user who leaves, and what identifies them.
U=e7a5ed00-0000-4000-8000-000000000001
UNAME=zed_erased
AVATAR=https://cdn.erasure.test/a/zed-7f3a.png
# Words only their creations use, and words others' creations use too.
UNIQUE_WORDS="murmelstone quokkaflora zeddwave"
SHARED_WORDS="harbor sunset"

# qf DB: the SQL on stdin in one session (helpers in pg_temp survive
# between its statements).
qf() {
    PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" psql -qXAt -v ON_ERROR_STOP=1 -d "$1" -f -
}
# as_user DB UUID SQL: as PostgREST runs a request with that user's token.
as_user() {
    qf "$1" >/dev/null <<SQL
BEGIN;
SELECT set_config('role', 'authenticated', true),
       set_config('request.jwt.claims', json_build_object('sub', '$2', 'role', 'authenticated')::text, true) \g /dev/null
$3;
COMMIT;
SQL
}
# as_role ROLE DB SQL: the SQL's result as that API role (a user: ROLE is their
# uuid), or 'ERROR <sqlstate>: <message>' when it fails.
as_role() {
    local role=$1 db=$2 sql=$3 claims
    if [[ $role == service_role ]]; then claims='{"role": "service_role"}'
    else claims="{\"sub\": \"$role\", \"role\": \"authenticated\"}"; role=authenticated; fi
    qf "$db" <<SQL
CREATE FUNCTION pg_temp.val(q text) RETURNS text LANGUAGE plpgsql AS \$\$
DECLARE v text;
BEGIN
    EXECUTE q INTO v;
    RETURN coalesce(v, '');
EXCEPTION WHEN OTHERS THEN
    RETURN 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
END
\$\$;
BEGIN;
SELECT set_config('role', '$role', true), set_config('request.jwt.claims', '$claims', true) \g /dev/null
SELECT pg_temp.val(\$q\$$sql\$q\$);
COMMIT;
SQL
}

db_create "$DB" || tap_bail "cannot create database $DB with the extension"

# The tables the scan covers, from the catalog: one test each (the to-do
# list arcanea.storage_erasures is checked on its own).
SCAN_SQL_TABLES="
SELECT c.oid::regclass::text FROM pg_class c
  JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'arcanea'
 WHERE c.relkind IN ('r', 'p') AND c.relnamespace IN ('public'::regnamespace, 'arcanea'::regnamespace)
   AND c.oid <> 'arcanea.storage_erasures'::regclass
 ORDER BY 1"
mapfile -t TABLES < <(q "$DB" "$SCAN_SQL_TABLES")
tap_plan $((17 + ${#TABLES[@]}))

# ---------------------------------------------------------------------------
# The data
#   zed (U): 12 creations (8 published public with the unique words, 2
#   drafts, a private one, an archived one), 25 files; likes 300 of the
#   others' creations; followed by members 1-40, follows 41-70; comments.
#   members 1..80: 5 published creations each, titled with the shared words.
# ---------------------------------------------------------------------------
q "$DB" "
CREATE SCHEMA fx;
CREATE FUNCTION fx.m(n int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
    \$\$ SELECT ('e7000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid \$\$;
CREATE FUNCTION fx.mc(n int, k int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
    \$\$ SELECT ('e7c00000-0000-4000-8000-' || lpad((n * 10 + k)::text, 12, '0'))::uuid \$\$;
CREATE FUNCTION fx.zc(k int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
    \$\$ SELECT ('e7a5c000-0000-4000-8000-' || lpad(k::text, 12, '0'))::uuid \$\$;
CREATE FUNCTION fx.zcm(k int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
    \$\$ SELECT ('e7a5cc00-0000-4000-8000-' || lpad(k::text, 12, '0'))::uuid \$\$;
CREATE FUNCTION fx.mcm(k int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
    \$\$ SELECT ('e7ccc000-0000-4000-8000-' || lpad(k::text, 12, '0'))::uuid \$\$;

INSERT INTO auth.users (id, email, raw_user_meta_data)
VALUES ('$U', 'zed.private@erasure.test', jsonb_build_object('username', '$UNAME', 'avatar_url', '$AVATAR'));
INSERT INTO auth.users (id, email, raw_user_meta_data)
SELECT fx.m(g), 'member' || g || '@erasure.test', jsonb_build_object('username', 'member_' || g)
  FROM generate_series(1, 80) g;
UPDATE public.profiles SET avatar_url = '$AVATAR', bio = 'I am $UNAME', stripe_customer_id = 'cus_zed'
 WHERE id = '$U';
UPDATE public.profiles SET avatar_url = 'https://cdn.erasure.test/a/member_' || substr(id::text, 25) || '.png'
 WHERE id <> '$U';
UPDATE public.profile_private SET preferences = '{\"theme\": \"dark\", \"handle\": \"$UNAME\"}', share_presence = true,
       onboarding_completed = true, onboarding_step = 9
 WHERE id = '$U';

INSERT INTO public.creations (id, user_id, title, description, type, tags, status, is_public, published_at, created_at)
SELECT fx.mc(g, k), fx.m(g), 'Sunset harbor ' || g || '-' || k, 'by member ' || g, 'image', ARRAY['sunset'],
       'published', true, now(), now() - (g * 10 + k) * interval '1 minute'
  FROM generate_series(1, 80) g, generate_series(1, 5) k;
INSERT INTO public.creations (id, user_id, title, description, type, tags, status, is_public, published_at, created_at)
SELECT fx.zc(k), '$U',
       CASE WHEN k <= 8 THEN 'Quokkaflora sunset ' || k ELSE 'Zed piece ' || k END,
       CASE WHEN k <= 8 THEN 'murmelstone by the harbor' END, 'image',
       CASE WHEN k <= 8 THEN ARRAY['zeddwave', '$UNAME'] ELSE ARRAY[]::text[] END,
       CASE WHEN k IN (9, 10) THEN 'draft' WHEN k = 12 THEN 'archived' ELSE 'published' END,
       k <> 11, CASE WHEN k NOT IN (9, 10) THEN now() END, now() - k * interval '1 hour'
  FROM generate_series(1, 12) k;

-- Files: the user's avatar, each published creation's file and thumbnail,
-- a draft's file; members' avatars; a file of a member named after one of
-- the user's creations (in the member's folder: not the user's); a file of
-- the user in a bucket of the project's own (not the extension's).
INSERT INTO storage.buckets (id, name, public) VALUES ('exports', 'exports', false);
INSERT INTO storage.objects (bucket_id, name, owner_id)
SELECT 'avatars', '$U/avatar.png', '$U'
UNION ALL SELECT 'creations', '$U/image/' || fx.zc(k) || '.png', '$U' FROM generate_series(1, 9) k
UNION ALL SELECT 'thumbnails', '$U/' || fx.zc(k) || '-thumb.png', '$U' FROM generate_series(1, 8) k
UNION ALL SELECT 'avatars', fx.m(g) || '/avatar.png', fx.m(g)::text FROM generate_series(1, 10) g
UNION ALL SELECT 'thumbnails', fx.m(1) || '/' || fx.zc(1) || '-thumb.png', fx.m(1)::text
UNION ALL SELECT 'exports', '$U/export-2025.zip', '$U';

-- Likes: 300 by the user, 160 of the user's creations.
INSERT INTO public.likes (user_id, creation_id)
SELECT '$U', fx.mc(g, k) FROM generate_series(1, 60) g, generate_series(1, 5) k;
INSERT INTO public.likes (user_id, creation_id)
SELECT fx.m(g), fx.zc(k) FROM generate_series(1, 40) g, generate_series(1, 8) k WHERE (g + k) % 2 = 0;

-- Follows: members 1-40 follow the user, the user follows 41-70; members
-- follow each other too.
INSERT INTO public.follows (follower_id, following_id) SELECT fx.m(g), '$U' FROM generate_series(1, 40) g;
INSERT INTO public.follows (follower_id, following_id) SELECT '$U', fx.m(g) FROM generate_series(41, 70) g;
INSERT INTO public.follows (follower_id, following_id) SELECT fx.m(g), fx.m(g % 80 + 1) FROM generate_series(1, 80) g;

-- Comments:
--   the user on members' creations, mentioning members (1-20);
--   members on the user's creations, mentioning the user (101-120);
--   members replying to the user's comments (121-125);
--   members' root comments that the user replies to (126-130, 21-25);
--   members mentioning the user on members' creations: theirs, they stay, the mention rewritten (131-140);
--   a member on the user's creation mentioning another, and a reply (141, 142).
INSERT INTO public.comments (id, user_id, creation_id, content)
SELECT fx.zcm(g), '$U', fx.mc(g, 1), 'Lovely light, @member_' || (g + 1) FROM generate_series(1, 20) g;
INSERT INTO public.comments (id, user_id, creation_id, content)
SELECT fx.mcm(100 + g), fx.m(g), fx.zc((g % 8) + 1), 'Great work @$UNAME' FROM generate_series(1, 20) g;
INSERT INTO public.comments (id, user_id, creation_id, content, parent_comment_id)
SELECT fx.mcm(120 + g), fx.m(20 + g), fx.mc(g, 1), 'Replying to you, @$UNAME', fx.zcm(g) FROM generate_series(1, 5) g;
INSERT INTO public.comments (id, user_id, creation_id, content)
SELECT fx.mcm(125 + g), fx.m(25 + g), fx.mc(25 + g, 2), 'What do you think?' FROM generate_series(1, 5) g;
INSERT INTO public.comments (id, user_id, creation_id, content, parent_comment_id)
SELECT fx.zcm(20 + g), '$U', fx.mc(25 + g, 2), 'I think it is fine', fx.mcm(125 + g) FROM generate_series(1, 5) g;
INSERT INTO public.comments (id, user_id, creation_id, content)
SELECT fx.mcm(130 + g), fx.m(30 + g), fx.mc(31 + g, 3), 'cc @$UNAME and @member_2' FROM generate_series(1, 10) g;
INSERT INTO public.comments (id, user_id, creation_id, content)
VALUES (fx.mcm(141), fx.m(50), fx.zc(1), 'hey @member_51, look at this');
INSERT INTO public.comments (id, user_id, creation_id, content, parent_comment_id)
VALUES (fx.mcm(142), fx.m(52), fx.zc(1), 'Agreed', fx.mcm(141));

-- A conversation with Lumina, rated answers, a bond with key memories.
INSERT INTO public.luminor_conversations (id, user_id, luminor_id, title, session_id, context)
VALUES ('e7a5cd00-0000-4000-8000-000000000001', '$U', '00000000-0000-4000-8000-00000000a001',
        'Sunsets with $UNAME', 'zed-1', '{\"user\": \"$UNAME\"}');
INSERT INTO public.luminor_messages (conversation_id, user_id, role, content, user_rating)
SELECT 'e7a5cd00-0000-4000-8000-000000000001', '$U', CASE WHEN g % 2 = 1 THEN 'user' ELSE 'assistant' END,
       'Turn ' || g || ' for $UNAME', CASE WHEN g % 4 = 0 THEN 4 END
  FROM generate_series(1, 20) g;
INSERT INTO public.luminor_relationships (user_id, luminor_id, bond_level, bond_xp, total_interactions, key_memories)
VALUES ('$U', '00000000-0000-4000-8000-00000000a001', 2, 30, 10,
        '[{\"type\": \"fact\", \"content\": \"$UNAME paints sunsets\", \"importance\": 8},
          {\"type\": \"preference\", \"content\": \"warm palettes\", \"importance\": 6},
          {\"type\": \"goal\", \"content\": \"a show in spring\", \"importance\": 7},
          {\"type\": \"fact\", \"content\": \"lives by the harbor\", \"importance\": 4}]');
-- Members' own conversations, for the Luminor counters.
INSERT INTO public.luminor_conversations (id, user_id, luminor_id)
SELECT ('e7cd0000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, fx.m(g), '00000000-0000-4000-8000-00000000a001'
  FROM generate_series(1, 5) g;
INSERT INTO public.luminor_messages (conversation_id, user_id, role, content)
SELECT ('e7cd0000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, fx.m(g), 'user', 'Hello'
  FROM generate_series(1, 5) g;
INSERT INTO public.notifications (user_id, type, title) VALUES ('$U', 'system_announcement', 'Welcome, $UNAME');
" >/dev/null || tap_bail "loading the data failed"

# The user's own calls through the API (their token): a few likes, two
# follows, a comment, a message, a key memory, views, being seen.
q "$DB" "GRANT USAGE ON SCHEMA fx TO authenticated; GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA fx TO authenticated" >/dev/null
as_user "$DB" "$U" "
SELECT public.toggle_like(p_creation_id => fx.mc(g, 1)) FROM generate_series(61, 63) g;
SELECT public.follow_user(p_following_id => fx.m(71));
SELECT public.follow_user(p_following_id => fx.m(72));
INSERT INTO public.comments (id, user_id, creation_id, content)
VALUES (fx.zcm(30), '$U', fx.mc(72, 1), 'Hello @member_73, from the API');
SELECT public.add_message_to_conversation(p_conversation_id => 'e7a5cd00-0000-4000-8000-000000000001',
                                          p_content => 'One more question');
SELECT public.add_key_memory(p_luminor_id => '00000000-0000-4000-8000-00000000a001', p_content => 'prefers dusk');
SELECT public.increment_creation_views(fx.mc(g, 2)) FROM generate_series(1, 2) g;
SELECT public.update_last_active()" || tap_bail "the user's API calls failed"

# ---------------------------------------------------------------------------
# Before: what the user has, and what must survive them
# ---------------------------------------------------------------------------
before=$(q "$DB" "
SELECT string_agg(what || '=' || n, ' ' ORDER BY k) FROM (VALUES
    (1, 'creations',            (SELECT count(*) FROM public.creations WHERE user_id = '$U')),
    (2, 'files',                (SELECT count(*) FROM storage.objects WHERE name LIKE '$U/%')),
    (3, 'likes',                (SELECT count(*) FROM public.likes WHERE user_id = '$U')),
    (4, 'likes_received',       (SELECT count(*) FROM public.likes l JOIN public.creations c ON c.id = l.creation_id WHERE c.user_id = '$U')),
    (5, 'followers',            (SELECT count(*) FROM public.follows WHERE following_id = '$U')),
    (6, 'following',            (SELECT count(*) FROM public.follows WHERE follower_id = '$U')),
    (7, 'comments',             (SELECT count(*) FROM public.comments WHERE user_id = '$U')),
    (8, 'comments_received',    (SELECT count(*) FROM public.comments c JOIN public.creations cr ON cr.id = c.creation_id WHERE cr.user_id = '$U')),
    (9, 'messages',             (SELECT count(*) FROM public.luminor_messages WHERE user_id = '$U')),
    (10, 'key_memories',        (SELECT sum(jsonb_array_length(key_memories)) FROM public.luminor_relationships WHERE user_id = '$U')),
    (11, 'notifications',       (SELECT count(*) FROM public.notifications WHERE user_id = '$U')),
    (12, 'mentions_of_them',    (SELECT count(*) FROM public.notifications WHERE user_id = '$U' AND type = 'mention')),
    (13, 'caused_in_others',    (SELECT count(*) FROM public.notifications WHERE metadata ->> 'actor_id' = '$U')),
    (14, 'rate_limit_windows',  (SELECT count(*) FROM arcanea.rate_limit_usage WHERE subject LIKE '$U%'))) v(k, what, n)")
tap_diag "the user before: $before"
tap_is "the user has rows of every kind (none of these is 0)" "$(grep -oE '[a-z_]+=0( |$)' <<<"$before" | tr -d ' ' | xargs)" ""
tap_is "the vocabulary has their words and the shared ones" \
    "$(q "$DB" "SELECT string_agg(term, ' ' ORDER BY term) FROM arcanea.search_terms
                 WHERE term = ANY (string_to_array('$UNIQUE_WORDS $SHARED_WORDS', ' '))")" \
    "$(tr ' ' '\n' <<<"$UNIQUE_WORDS $SHARED_WORDS" | sort | xargs)"

# What identifies the user (the needles), their files, and what of everyone
# else must be there after: the rows that neither are theirs nor hang off
# theirs.  A comment goes with the account when it is theirs, on one of
# their creations, or a reply (at any depth) under one of those.
q "$DB" "
CREATE TABLE fx.needles (kind text, value text);
INSERT INTO fx.needles
SELECT 'user', '$U' UNION ALL SELECT 'avatar', '$AVATAR' UNION ALL SELECT 'username', '$UNAME'
UNION ALL SELECT 'creation', id::text FROM public.creations WHERE user_id = '$U'
UNION ALL SELECT 'comment', id::text FROM public.comments WHERE user_id = '$U';
CREATE TABLE fx.doomed_comments AS
WITH RECURSIVE d AS (
    SELECT c.id FROM public.comments c
     WHERE c.user_id = '$U' OR c.creation_id IN (SELECT id FROM public.creations WHERE user_id = '$U')
    UNION
    SELECT c.id FROM public.comments c JOIN d ON c.parent_comment_id = d.id)
SELECT id FROM d;
CREATE FUNCTION fx.others() RETURNS text LANGUAGE sql AS \$\$
    SELECT concat_ws(' ',
        (SELECT count(*) || ':' || md5(string_agg(id::text, ',' ORDER BY id)) FROM public.profiles),
        (SELECT count(*) || ':' || md5(string_agg(id::text, ',' ORDER BY id)) FROM public.creations),
        (SELECT count(*) || ':' || md5(string_agg(id::text, ',' ORDER BY id)) FROM public.likes),
        (SELECT count(*) || ':' || md5(string_agg(id::text, ',' ORDER BY id)) FROM public.comments),
        (SELECT count(*) || ':' || md5(string_agg(id::text, ',' ORDER BY id)) FROM public.follows),
        (SELECT count(*) || ':' || md5(string_agg(id::text, ',' ORDER BY id)) FROM public.luminor_conversations),
        (SELECT count(*) || ':' || md5(string_agg(id::text, ',' ORDER BY id)) FROM public.luminor_messages),
        (SELECT count(*) || ':' || md5(string_agg(id::text, ',' ORDER BY id)) FROM public.luminor_relationships),
        (SELECT count(*) || ':' || md5(string_agg(id::text, ',' ORDER BY id)) FROM public.notifications),
        (SELECT count(*) || ':' || md5(string_agg(bucket_id || '/' || name, ',' ORDER BY bucket_id, name)) FROM storage.objects
          WHERE name NOT LIKE '$U/%' OR bucket_id NOT IN (SELECT id FROM arcanea.buckets)))
\$\$;
CREATE TABLE fx.expected_others AS
SELECT concat_ws(' ',
    (SELECT count(*) || ':' || md5(string_agg(id::text, ',' ORDER BY id)) FROM public.profiles WHERE id <> '$U'),
    (SELECT count(*) || ':' || md5(string_agg(id::text, ',' ORDER BY id)) FROM public.creations WHERE user_id <> '$U'),
    (SELECT count(*) || ':' || md5(string_agg(l.id::text, ',' ORDER BY l.id)) FROM public.likes l
      WHERE l.user_id <> '$U' AND l.creation_id NOT IN (SELECT id FROM public.creations WHERE user_id = '$U')),
    (SELECT count(*) || ':' || md5(string_agg(id::text, ',' ORDER BY id)) FROM public.comments
      WHERE id NOT IN (SELECT id FROM fx.doomed_comments)),
    (SELECT count(*) || ':' || md5(string_agg(id::text, ',' ORDER BY id)) FROM public.follows
      WHERE '$U' NOT IN (follower_id, following_id)),
    (SELECT count(*) || ':' || md5(string_agg(id::text, ',' ORDER BY id)) FROM public.luminor_conversations WHERE user_id <> '$U'),
    (SELECT count(*) || ':' || md5(string_agg(id::text, ',' ORDER BY id)) FROM public.luminor_messages WHERE user_id <> '$U'),
    (SELECT count(*) || ':' || md5(string_agg(id::text, ',' ORDER BY id)) FROM public.luminor_relationships WHERE user_id <> '$U'),
    (SELECT count(*) || ':' || md5(string_agg(id::text, ',' ORDER BY id)) FROM public.notifications
      WHERE user_id <> '$U' AND (metadata ->> 'actor_id') IS DISTINCT FROM '$U'
        AND coalesce(metadata ->> 'comment_id', '') NOT IN (SELECT id::text FROM fx.doomed_comments)),
    (SELECT count(*) || ':' || md5(string_agg(bucket_id || '/' || name, ',' ORDER BY bucket_id, name)) FROM storage.objects
      WHERE name NOT LIKE '$U/%' OR bucket_id NOT IN (SELECT id FROM arcanea.buckets))) AS fingerprint;
" >/dev/null || tap_bail "recording the expectations failed"
FILES=$(q "$DB" "SELECT string_agg(bucket_id || '/' || name, ' ' ORDER BY bucket_id, name) FROM storage.objects
                  WHERE bucket_id IN (SELECT id FROM arcanea.buckets) AND (storage.foldername(name))[1] = '$U'")
caused=$(q "$DB" "SELECT count(*) FROM public.notifications WHERE metadata ->> 'actor_id' = '$U'")

# ---------------------------------------------------------------------------
# The deletion (GoTrue's "delete user": the auth.users row)
# ---------------------------------------------------------------------------
delete_status=0
ms=$(qf "$DB" 2>"$WORK/delete.err" <<SQL
SELECT clock_timestamp() AS t0 \gset
DELETE FROM auth.users WHERE id = '$U';
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000, 1);
SQL
) || delete_status=$?
tap_is "deleting the user's auth.users row succeeds" "$delete_status $(cat "$WORK/delete.err")" "0 "
tap_diag "the deletion took $ms ms (${before//=/: })"
tap_is "their profile and private row are gone" \
    "$(q "$DB" "SELECT (SELECT count(*) FROM public.profiles WHERE id = '$U') + (SELECT count(*) FROM public.profile_private WHERE id = '$U')")" 0

# ---------------------------------------------------------------------------
# The scan: every text, varchar, json, jsonb, text[] and uuid column of every
# table of the extension in public and arcanea
# ---------------------------------------------------------------------------
# One line per column scanned ("table|column|") and per value found
# ("table|column|value").
SCAN=$(cat "$(dirname "${BASH_SOURCE[0]}")/erasure/scan.sql" - <<'SQL' | qf "$DB"
SELECT tbl || '|' || col || '|' || val
  FROM pg_temp.erasure_scan(ARRAY(SELECT value::uuid FROM fx.needles WHERE kind NOT IN ('avatar', 'username')),
                            ARRAY(SELECT value FROM fx.needles),
                            ARRAY['arcanea.storage_erasures', 'storage.objects']::regclass[]);
SQL
) || tap_bail "the scan failed"
for t in "${TABLES[@]}"; do
    columns=$(grep -c "^$t|[^|]*|\$" <<<"$SCAN" || true)
    found=$(grep -v "^$t|[^|]*|\$" <<<"$SCAN" | grep "^$t|" || true)
    tap_is "$t: no trace of the user in its $columns text, json or uuid column(s)" "$(grep -c . <<<"$found" || true)" 0
    if [[ -n "$found" ]]; then
        tap_diag "found in $t:"
        sed -E 's/^([^|]*)\|([^|]*)\|/  \1.\2 = /' <<<"$found" | head -20 | tap_diag
        (($(grep -c . <<<"$found") <= 20)) || tap_diag "  ... $(($(grep -c . <<<"$found") - 20)) more"
    fi
done
scanned=$(grep -cE '\|$' <<<"$SCAN" || true)
tap_ok "the scan read $scanned columns of ${#TABLES[@]} tables, among them every public table of the spec and arcanea.rate_limit_usage" \
    "$(q "$DB" "SELECT ${#TABLES[@]} >= 14 AND $scanned >= 60
                       AND string_to_array('${TABLES[*]}', ' ') @> ARRAY['profiles', 'profile_private', 'creations', 'likes',
                           'comments', 'follows', 'notifications', 'luminor_conversations', 'luminor_messages',
                           'luminor_relationships', 'arcanea.search_terms', 'arcanea.rate_limit_usage']")"

tap_is "others' comments that mentioned the user keep their text, the mention rewritten (10 comments)" \
    "$(q "$DB" "SELECT count(*) || ' ' || string_agg(DISTINCT content, ' | ') FROM public.comments
                 WHERE id IN (SELECT fx.mcm(130 + g) FROM generate_series(1, 10) g)")" "10 cc @[deleted] and @member_2"

# ---------------------------------------------------------------------------
# Notifications, and everyone else's rows
# ---------------------------------------------------------------------------
tap_is "no notification names the user as its actor any more (there were $caused in others' inboxes)" \
    "$(q "$DB" "SELECT count(*) FROM public.notifications WHERE metadata ->> 'actor_id' = '$U'")" 0
tap_is "no notification points at a comment or a creation that is gone" \
    "$(q "$DB" "SELECT count(*) FROM public.notifications n
                 WHERE (n.metadata ? 'comment_id'
                        AND NOT EXISTS (SELECT 1 FROM public.comments c WHERE c.id::text = n.metadata ->> 'comment_id'))
                    OR (n.metadata ? 'creation_id'
                        AND NOT EXISTS (SELECT 1 FROM public.creations c WHERE c.id::text = n.metadata ->> 'creation_id'))")" 0
tap_is "everyone else's rows are all there (profiles, creations, likes, comments, follows, conversations, messages, bonds, notifications, files)" \
    "$(q "$DB" "SELECT fx.others()")" "$(q "$DB" "SELECT fingerprint FROM fx.expected_others")"

# ---------------------------------------------------------------------------
# Their files: the to-do list for the app
# ---------------------------------------------------------------------------
tap_is "arcanea.storage_erasures lists exactly their files in the extension's buckets ($(wc -w <<<"$FILES") files)" \
    "$(q "$DB" "SELECT string_agg(bucket_id || '/' || name, ' ' ORDER BY bucket_id, name) FROM arcanea.storage_erasures")" "$FILES"
tap_is "pending_storage_erasures() as the service role lists them" \
    "$(as_role service_role "$DB" "SELECT string_agg(bucket_id || '/' || name, ' ' ORDER BY bucket_id, name) FROM public.pending_storage_erasures()")" \
    "$FILES"
tap_is "pending_storage_erasures() as a user: refused (42501)" \
    "$(as_role e7000000-0000-4000-8000-000000000001 "$DB" "SELECT count(*) FROM public.pending_storage_erasures()" | cut -d: -f1)" "ERROR 42501"
# The app deletes them through the Storage API, which deletes their rows.
q "$DB" "DELETE FROM storage.objects WHERE bucket_id IN (SELECT id FROM arcanea.buckets) AND (storage.foldername(name))[1] = '$U'" >/dev/null
tap_is "once the files are deleted, pending_storage_erasures() lists nothing" \
    "$(as_role service_role "$DB" "SELECT count(*) FROM public.pending_storage_erasures()")" 0
tap_is "and arcanea.storage_erasures is empty" "$(q "$DB" "SELECT count(*) FROM arcanea.storage_erasures")" 0

# ---------------------------------------------------------------------------
# Vocabulary and counters
# ---------------------------------------------------------------------------
tap_is "the vocabulary lost the words only their creations used ($UNIQUE_WORDS)" \
    "$(q "$DB" "SELECT string_agg(term, ' ' ORDER BY term) FROM arcanea.search_terms
                 WHERE term = ANY (string_to_array('$UNIQUE_WORDS', ' '))")" ""
tap_is "and kept the words others use too ($SHARED_WORDS)" \
    "$(q "$DB" "SELECT string_agg(term, ' ' ORDER BY term) FROM arcanea.search_terms
                 WHERE term = ANY (string_to_array('$SHARED_WORDS', ' '))")" "$SHARED_WORDS"
tap_is "every counter equals its recount (recount_counters() in a rolled-back transaction fixes nothing)" \
    "$(qf "$DB" <<'SQL'
BEGIN;
SELECT string_agg(counter || ' ' || rows_fixed, ', ') FROM arcanea.recount_counters() WHERE rows_fixed <> 0;
ROLLBACK;
SQL
)" ""

tap_done
