-- Data model: the eleven tables' columns and types against the spec, the spec's
-- indexes under the spec's names, foreign keys and what ON DELETE does, every
-- CHECK / UNIQUE / NOT NULL rule, updated_at, the default Luminors, and tags
-- stored as given.  Runs as the superuser (constraints hold for everyone).
BEGIN;
-- Counters on shared rows are folded from their pending deltas when the
-- writer commits; this file, which never commits, folds at every statement
-- instead, and reads the columns as a committed writer would leave them.
SET CONSTRAINTS ALL IMMEDIATE;
SELECT plan(421);

-- ============================================================================
-- 1. Tables, columns, types
-- ============================================================================
-- The spec's columns, in the spec's order, with the extension's internal
-- extras marked.  DECIMAL columns are checked by base type below (the spec
-- gives no precision).
CREATE TEMP TABLE spec_columns (tbl name, col name, typ text, extra boolean DEFAULT false, ord serial);
INSERT INTO spec_columns (tbl, col, typ, extra) VALUES
    ('profiles', 'id', 'uuid', false), ('profiles', 'username', 'text', false),
    ('profiles', 'display_name', 'text', false), ('profiles', 'avatar_url', 'text', false),
    ('profiles', 'bio', 'text', false), ('profiles', 'arcanean_id', 'text', false),
    ('profiles', 'tier', 'text', false), ('profiles', 'subscription_status', 'text', false),
    ('profiles', 'stripe_customer_id', 'text', false), ('profiles', 'stripe_subscription_id', 'text', false),
    ('profiles', 'creation_count', 'integer', false),
    ('profiles', 'follower_count', 'integer', false), ('profiles', 'following_count', 'integer', false),
    ('profiles', 'is_active', 'boolean', false), ('profiles', 'is_verified', 'boolean', false),
    ('profiles', 'created_at', 'timestamp with time zone', false),
    ('profiles', 'updated_at', 'timestamp with time zone', false),

    -- The spec's private profile fields (preferences, onboarding, last
    -- activity) live in profile_private, one row per profile, keyed by its id.
    ('profile_private', 'id', 'uuid', true),
    ('profile_private', 'preferences', 'jsonb', false),
    ('profile_private', 'onboarding_completed', 'boolean', false),
    ('profile_private', 'onboarding_step', 'integer', false),
    ('profile_private', 'last_active_at', 'timestamp with time zone', false),
    ('profile_private', 'share_presence', 'boolean', true),
    ('profile_private', 'updated_at', 'timestamp with time zone', true),

    ('luminors', 'id', 'uuid', false), ('luminors', 'name', 'text', false), ('luminors', 'slug', 'text', false),
    ('luminors', 'title', 'text', false), ('luminors', 'specialty', 'text', false),
    ('luminors', 'color', 'text', false), ('luminors', 'avatar_url', 'text', false),
    ('luminors', 'icon', 'text', false), ('luminors', 'personality', 'jsonb', false),
    ('luminors', 'system_prompt', 'text', false), ('luminors', 'greeting_message', 'text', false),
    ('luminors', 'expertise', 'text[]', false), ('luminors', 'ai_tools', 'text[]', false),
    ('luminors', 'is_active', 'boolean', false), ('luminors', 'is_public', 'boolean', false),
    ('luminors', 'interaction_count', 'integer', false), ('luminors', 'user_count', 'integer', false),
    ('luminors', 'average_rating', 'DECIMAL', false),
    ('luminors', 'created_at', 'timestamp with time zone', false),
    ('luminors', 'updated_at', 'timestamp with time zone', false),
    ('luminors', 'rating_count', 'integer', true), ('luminors', 'rating_sum', 'bigint', true),

    ('luminor_conversations', 'id', 'uuid', false), ('luminor_conversations', 'user_id', 'uuid', false),
    ('luminor_conversations', 'luminor_id', 'uuid', false), ('luminor_conversations', 'title', 'text', false),
    ('luminor_conversations', 'session_id', 'text', false), ('luminor_conversations', 'context', 'jsonb', false),
    ('luminor_conversations', 'is_active', 'boolean', false),
    ('luminor_conversations', 'is_archived', 'boolean', false),
    ('luminor_conversations', 'message_count', 'integer', false),
    ('luminor_conversations', 'created_at', 'timestamp with time zone', false),
    ('luminor_conversations', 'updated_at', 'timestamp with time zone', false),
    ('luminor_conversations', 'last_message_at', 'timestamp with time zone', false),

    ('luminor_messages', 'id', 'uuid', false), ('luminor_messages', 'conversation_id', 'uuid', false),
    ('luminor_messages', 'user_id', 'uuid', false), ('luminor_messages', 'role', 'text', false),
    ('luminor_messages', 'content', 'text', false), ('luminor_messages', 'model', 'text', false),
    ('luminor_messages', 'tokens', 'integer', false), ('luminor_messages', 'cost', 'DECIMAL', false),
    ('luminor_messages', 'user_rating', 'integer', false), ('luminor_messages', 'was_helpful', 'boolean', false),
    ('luminor_messages', 'created_at', 'timestamp with time zone', false),

    ('luminor_relationships', 'id', 'uuid', false), ('luminor_relationships', 'user_id', 'uuid', false),
    ('luminor_relationships', 'luminor_id', 'uuid', false),
    ('luminor_relationships', 'bond_level', 'integer', false),
    ('luminor_relationships', 'bond_xp', 'integer', false),
    ('luminor_relationships', 'total_interactions', 'integer', false),
    ('luminor_relationships', 'personality_match', 'jsonb', false),
    ('luminor_relationships', 'user_preferences', 'jsonb', false),
    ('luminor_relationships', 'key_memories', 'jsonb', false),
    ('luminor_relationships', 'created_at', 'timestamp with time zone', false),
    ('luminor_relationships', 'updated_at', 'timestamp with time zone', false),
    ('luminor_relationships', 'last_interaction_at', 'timestamp with time zone', false),

    ('creations', 'id', 'uuid', false), ('creations', 'user_id', 'uuid', false),
    ('creations', 'title', 'text', false), ('creations', 'description', 'text', false),
    ('creations', 'type', 'text', false), ('creations', 'file_url', 'text', false),
    ('creations', 'thumbnail_url', 'text', false), ('creations', 'file_size', 'integer', false),
    ('creations', 'file_format', 'text', false), ('creations', 'ai_tool', 'text', false),
    ('creations', 'prompt', 'text', false), ('creations', 'model', 'text', false),
    ('creations', 'generation_params', 'jsonb', false), ('creations', 'seed', 'integer', false),
    ('creations', 'metadata', 'jsonb', false), ('creations', 'status', 'text', false),
    ('creations', 'is_public', 'boolean', false), ('creations', 'is_featured', 'boolean', false),
    ('creations', 'is_nsfw', 'boolean', false), ('creations', 'license', 'text', false),
    ('creations', 'allow_remix', 'boolean', false), ('creations', 'allow_commercial', 'boolean', false),
    ('creations', 'tags', 'text[]', false), ('creations', 'categories', 'text[]', false),
    ('creations', 'view_count', 'integer', false), ('creations', 'like_count', 'integer', false),
    ('creations', 'comment_count', 'integer', false), ('creations', 'remix_count', 'integer', false),
    ('creations', 'created_at', 'timestamp with time zone', false),
    ('creations', 'updated_at', 'timestamp with time zone', false),
    ('creations', 'published_at', 'timestamp with time zone', false),
    ('creations', 'search_vector', 'tsvector', true),

    ('likes', 'id', 'uuid', false), ('likes', 'user_id', 'uuid', false),
    ('likes', 'creation_id', 'uuid', false), ('likes', 'created_at', 'timestamp with time zone', false),

    ('comments', 'id', 'uuid', false), ('comments', 'user_id', 'uuid', false),
    ('comments', 'creation_id', 'uuid', false), ('comments', 'content', 'text', false),
    ('comments', 'parent_comment_id', 'uuid', false), ('comments', 'is_edited', 'boolean', false),
    ('comments', 'is_flagged', 'boolean', false), ('comments', 'like_count', 'integer', false),
    ('comments', 'created_at', 'timestamp with time zone', false),
    ('comments', 'updated_at', 'timestamp with time zone', false),

    ('follows', 'id', 'uuid', false), ('follows', 'follower_id', 'uuid', false),
    ('follows', 'following_id', 'uuid', false), ('follows', 'notify_creations', 'boolean', false),
    ('follows', 'created_at', 'timestamp with time zone', false),

    ('notifications', 'id', 'uuid', false), ('notifications', 'user_id', 'uuid', false),
    ('notifications', 'type', 'text', false), ('notifications', 'title', 'text', false),
    ('notifications', 'message', 'text', false), ('notifications', 'action_url', 'text', false),
    ('notifications', 'metadata', 'jsonb', false), ('notifications', 'is_read', 'boolean', false),
    ('notifications', 'is_archived', 'boolean', false),
    ('notifications', 'created_at', 'timestamp with time zone', false),
    ('notifications', 'read_at', 'timestamp with time zone', false),
    ('notifications', 'group_key', 'text', true);

-- 11 tables
SELECT has_table('public', t, 'table public.' || t || ' exists')
  FROM (SELECT DISTINCT tbl AS t FROM spec_columns) s ORDER BY t;
-- Every logged table of the extension has a replica identity: in a
-- publication FOR ALL TABLES (change capture, a logical replica)
-- PostgreSQL refuses UPDATE and DELETE on a table without one.
SELECT is((SELECT array_agg(c.oid::regclass::text ORDER BY c.oid::regclass::text)
             FROM pg_class c JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                             AND d.deptype = 'e'
                                             AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'arcanea')
            WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'p'
              AND NOT (c.relreplident = 'f'
                       OR (c.relreplident = 'd' AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary))
                       OR (c.relreplident = 'i' AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident)))),
          NULL, 'every logged table of the extension has a replica identity (a key, or FULL)');
-- 11 column lists (spec columns plus the documented internal ones, nothing else)
SELECT columns_are('public', tbl, array_agg(col ORDER BY ord),
                   'public.' || tbl || ' has exactly the spec''s columns'
                   || coalesce(' plus ' || string_agg(col, ', ' ORDER BY ord) FILTER (WHERE extra), ''))
  FROM spec_columns GROUP BY tbl ORDER BY tbl;
-- 142 column types
SELECT col_type_is('public', tbl, col, typ, 'public.' || tbl || '.' || col || ' is ' || typ)
  FROM spec_columns WHERE typ <> 'DECIMAL' ORDER BY tbl, ord;
-- 2 DECIMAL columns: numeric, any precision
SELECT is(format_type(a.atttypid, NULL), 'numeric', 'public.' || s.tbl || '.' || s.col || ' is DECIMAL (numeric)')
  FROM spec_columns s
  JOIN pg_attribute a ON a.attrelid = ('public.' || s.tbl)::regclass AND a.attname = s.col
 WHERE s.typ = 'DECIMAL' ORDER BY s.tbl;
-- 11 primary keys on id; on the two tables partitioned by month of
-- created_at (77_partitions.sql) the key must hold the partition key too.
SELECT CASE WHEN t IN ('luminor_messages', 'notifications')
            THEN col_is_pk('public', t, ARRAY['id', 'created_at']::name[],
                           'public.' || t || ' has primary key (id, created_at): partitioned by created_at')
            ELSE col_is_pk('public', t, 'id'::name, 'public.' || t || ' has primary key id') END
  FROM (SELECT DISTINCT tbl AS t FROM spec_columns) s ORDER BY t;

-- ============================================================================
-- 2. The spec's indexes, under the spec's names.  Where the extension widened
--    a spec index into a composite one (documented in 10_tables.sql), the
--    spec's columns must still lead it.
-- ============================================================================
CREATE FUNCTION pg_temp.index_keys(idx regclass) RETURNS text[] LANGUAGE sql AS $$
    SELECT array_agg(pg_get_indexdef(x.indexrelid, k, true)
                     || CASE WHEN x.indoption[k - 1] & 1 = 1 THEN ' DESC' ELSE '' END ORDER BY k)
      FROM pg_index x, generate_series(1, x.indnkeyatts) k
     WHERE x.indexrelid = idx
$$;
CREATE TEMP TABLE spec_indexes (tbl name, idx name, keys text[], ord serial);
INSERT INTO spec_indexes (tbl, idx, keys) VALUES
    ('profiles', 'idx_profiles_username', '{username}'),
    ('profiles', 'idx_profiles_arcanean_id', '{arcanean_id}'),
    ('profiles', 'idx_profiles_tier', '{tier}'),
    ('profiles', 'idx_profiles_created_at', '{created_at DESC}'),
    ('luminors', 'idx_luminors_slug', '{slug}'),
    ('luminors', 'idx_luminors_active', '{is_active,is_public}'),
    ('luminor_conversations', 'idx_conversations_user_id', '{user_id}'),
    ('luminor_conversations', 'idx_conversations_luminor_id', '{luminor_id}'),
    ('luminor_conversations', 'idx_conversations_session', '{session_id}'),
    ('luminor_conversations', 'idx_conversations_active', '{user_id,is_active}'),
    ('luminor_messages', 'idx_messages_conversation_id', '{conversation_id}'),
    ('luminor_messages', 'idx_messages_created_at', '{created_at DESC}'),
    ('luminor_relationships', 'idx_relationships_user_luminor', '{user_id,luminor_id}'),
    ('luminor_relationships', 'idx_relationships_bond_level', '{bond_level DESC}'),
    ('creations', 'idx_creations_user_id', '{user_id}'),
    ('creations', 'idx_creations_type', '{type}'),
    ('creations', 'idx_creations_status_public', '{status,is_public}'),
    ('creations', 'idx_creations_created_at', '{created_at DESC}'),
    ('creations', 'idx_creations_tags', '{tags}'),
    ('creations', 'idx_creations_featured', '{is_featured,is_public}'),
    ('likes', 'idx_likes_user_id', '{user_id}'),
    ('likes', 'idx_likes_creation_id', '{creation_id}'),
    ('likes', 'idx_likes_created_at', '{created_at DESC}'),
    ('comments', 'idx_comments_user_id', '{user_id}'),
    ('comments', 'idx_comments_creation_id', '{creation_id}'),
    ('comments', 'idx_comments_parent_id', '{parent_comment_id}'),
    ('comments', 'idx_comments_created_at', '{created_at DESC}'),
    ('follows', 'idx_follows_follower_id', '{follower_id}'),
    ('follows', 'idx_follows_following_id', '{following_id}'),
    ('notifications', 'idx_notifications_user_id', '{user_id}'),
    ('notifications', 'idx_notifications_unread', '{user_id,is_read}'),
    ('notifications', 'idx_notifications_created_at', '{created_at DESC}');
-- 32 exist
SELECT has_index('public', tbl, idx, 'index ' || idx || ' exists on public.' || tbl)
  FROM spec_indexes ORDER BY ord;
-- 32 lead with the spec's columns (and direction)
SELECT is((pg_temp.index_keys(to_regclass('public.' || idx)))[1:cardinality(keys)], keys,
          idx || ' is on (' || array_to_string(keys, ', ') || ')')
  FROM spec_indexes ORDER BY ord;
SELECT is((SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam
            WHERE c.oid = 'public.idx_creations_tags'::regclass)::text, 'gin',
          'idx_creations_tags is a GIN index');
SELECT is(pg_get_expr(x.indpred, x.indrelid), '(is_read = false)',
          'idx_notifications_unread is partial: WHERE is_read = false')
  FROM pg_index x WHERE x.indexrelid = 'public.idx_notifications_unread'::regclass;

-- ============================================================================
-- 3. Foreign keys (16) and their ON DELETE behaviour
-- ============================================================================
SELECT fk_ok('public', 'profiles', 'id', 'auth', 'users', 'id');
SELECT fk_ok('public', 'luminor_conversations', 'user_id', 'public', 'profiles', 'id');
SELECT fk_ok('public', 'luminor_conversations', 'luminor_id', 'public', 'luminors', 'id');
SELECT fk_ok('public', 'luminor_messages', ARRAY['conversation_id', 'user_id']::name[],
             'public', 'luminor_conversations', ARRAY['id', 'user_id']::name[]);
SELECT fk_ok('public', 'luminor_messages', 'user_id', 'public', 'profiles', 'id');
SELECT fk_ok('public', 'luminor_relationships', 'user_id', 'public', 'profiles', 'id');
SELECT fk_ok('public', 'luminor_relationships', 'luminor_id', 'public', 'luminors', 'id');
SELECT fk_ok('public', 'creations', 'user_id', 'public', 'profiles', 'id');
SELECT fk_ok('public', 'likes', 'user_id', 'public', 'profiles', 'id');
SELECT fk_ok('public', 'likes', 'creation_id', 'public', 'creations', 'id');
SELECT fk_ok('public', 'comments', 'user_id', 'public', 'profiles', 'id');
SELECT fk_ok('public', 'comments', 'creation_id', 'public', 'creations', 'id');
SELECT fk_ok('public', 'comments', ARRAY['parent_comment_id', 'creation_id']::name[],
             'public', 'comments', ARRAY['id', 'creation_id']::name[]);
SELECT fk_ok('public', 'follows', 'follower_id', 'public', 'profiles', 'id');
SELECT fk_ok('public', 'follows', 'following_id', 'public', 'profiles', 'id');
SELECT fk_ok('public', 'notifications', 'user_id', 'public', 'profiles', 'id');
SELECT is_empty($$
    SELECT conrelid::regclass::text || ' ' || conname FROM pg_constraint
     WHERE contype = 'f' AND connamespace = 'public'::regnamespace AND confdeltype <> 'c'
$$, 'every foreign key of the eleven tables is ON DELETE CASCADE');

-- ============================================================================
-- 4. The three default Luminors, as installed
-- ============================================================================
SELECT results_eq(
    $$SELECT name, title, color FROM public.luminors ORDER BY name$$,
    $$VALUES ('Harmonix', 'The Sound Weaver', '#FF44AA'),
             ('Kinetix', 'The Motion Master', '#44FFAA'),
             ('Lumina', 'The Vision Crafter', '#4444FF')$$,
    'default Luminors: exactly Lumina #4444FF The Vision Crafter, Harmonix #FF44AA The Sound Weaver, Kinetix #44FFAA The Motion Master');
CREATE TEMP VIEW default_luminors AS
    SELECT * FROM public.luminors WHERE name IN ('Lumina', 'Harmonix', 'Kinetix');
SELECT is((SELECT count(*)::int FROM default_luminors WHERE slug ~ '^[a-z0-9-]+$'), 3,
          'default Luminors: each has a non-empty URL slug');
SELECT is((SELECT count(DISTINCT slug)::int FROM default_luminors), 3, 'default Luminors: slugs are distinct');
SELECT is((SELECT count(*)::int FROM default_luminors
            WHERE jsonb_typeof(personality) = 'object' AND personality <> '{}'::jsonb), 3,
          'default Luminors: each has a non-empty personality object');
SELECT is((SELECT count(*)::int FROM default_luminors WHERE btrim(coalesce(system_prompt, '')) <> ''), 3,
          'default Luminors: each has a system_prompt');
SELECT is((SELECT count(*)::int FROM default_luminors WHERE btrim(coalesce(greeting_message, '')) <> ''), 3,
          'default Luminors: each has a greeting_message');
SELECT is((SELECT count(*)::int FROM default_luminors
            WHERE cardinality(expertise) > 0 AND array_position(expertise, NULL) IS NULL
              AND NOT '' = ANY (expertise)), 3,
          'default Luminors: each has a non-empty expertise list');
SELECT is((SELECT count(*)::int FROM default_luminors
            WHERE cardinality(ai_tools) > 0 AND array_position(ai_tools, NULL) IS NULL
              AND NOT '' = ANY (ai_tools)), 3,
          'default Luminors: each has a non-empty ai_tools list');
SELECT is((SELECT count(*)::int FROM default_luminors WHERE is_active AND is_public), 3,
          'default Luminors: each is active and public');
SELECT is((SELECT count(*)::int FROM default_luminors
            WHERE interaction_count = 0 AND user_count = 0 AND rating_count = 0 AND rating_sum = 0
              AND average_rating IS NULL), 3,
          'default Luminors: counters start at zero, no rating yet');

-- ---------------------------------------------------------------------------
-- Fixtures.  alice, bob, carol stay; dave is deleted to exercise the cascade.
-- ---------------------------------------------------------------------------
INSERT INTO auth.users (id, email, raw_user_meta_data) VALUES
    ('aaaaaaaa-0000-4000-8000-000000000001', 'alice@dm.test', '{"username":"alice"}'),
    ('bbbbbbbb-0000-4000-8000-000000000002', 'bob@dm.test',   '{"username":"bob"}'),
    ('cccccccc-0000-4000-8000-000000000003', 'carol@dm.test', '{"username":"carol"}'),
    ('dddddddd-0000-4000-8000-000000000004', 'dave@dm.test',  '{"username":"dave"}');
INSERT INTO public.creations (id, user_id, title, type, status, published_at) VALUES
    ('11111111-0000-4000-8000-0000000000a1', 'aaaaaaaa-0000-4000-8000-000000000001', 'Alice one', 'image', 'published', now()),
    ('11111111-0000-4000-8000-0000000000a2', 'aaaaaaaa-0000-4000-8000-000000000001', 'Alice two', 'music', 'published', now()),
    ('11111111-0000-4000-8000-0000000000b1', 'bbbbbbbb-0000-4000-8000-000000000002', 'Bob one', 'video', 'published', now()),
    ('11111111-0000-4000-8000-0000000000d1', 'dddddddd-0000-4000-8000-000000000004', 'Dave one', 'text', 'published', now()),
    ('11111111-0000-4000-8000-0000000000d2', 'dddddddd-0000-4000-8000-000000000004', 'Dave draft', 'multimodal', 'draft', NULL);
INSERT INTO public.luminor_conversations (id, user_id, luminor_id, title) VALUES
    ('22222222-0000-4000-8000-0000000000a1', 'aaaaaaaa-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000a001', 'Alice and Lumina'),
    ('22222222-0000-4000-8000-0000000000d1', 'dddddddd-0000-4000-8000-000000000004', '00000000-0000-4000-8000-00000000a002', 'Dave and Harmonix');
INSERT INTO public.luminor_messages (id, conversation_id, user_id, role, content) VALUES
    ('33333333-0000-4000-8000-0000000000a1', '22222222-0000-4000-8000-0000000000a1', 'aaaaaaaa-0000-4000-8000-000000000001', 'user', 'Hello Lumina'),
    ('33333333-0000-4000-8000-0000000000a2', '22222222-0000-4000-8000-0000000000a1', 'aaaaaaaa-0000-4000-8000-000000000001', 'assistant', 'Hello Alice');
INSERT INTO public.luminor_relationships (user_id, luminor_id) VALUES
    ('aaaaaaaa-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000a001');
INSERT INTO public.comments (id, user_id, creation_id, content) VALUES
    ('44444444-0000-4000-8000-0000000000b1', 'bbbbbbbb-0000-4000-8000-000000000002', '11111111-0000-4000-8000-0000000000a1', 'Bob on Alice one');

-- ============================================================================
-- 5. Constraints: every violating write is refused with the right SQLSTATE,
--    and the boundary value next to it is accepted.
-- ============================================================================
-- profiles -------------------------------------------------------------------
SELECT throws_ok($$UPDATE public.profiles SET tier = 'gold' WHERE username = 'alice'$$,
                 '23514', NULL, 'profiles.tier: unknown tier refused');
SELECT lives_ok($$UPDATE public.profiles SET tier = 'explorer' WHERE username = 'alice';
                  UPDATE public.profiles SET tier = 'creator' WHERE username = 'alice';
                  UPDATE public.profiles SET tier = 'realm_builder' WHERE username = 'alice'$$,
                'profiles.tier: explorer, creator, realm_builder accepted');
SELECT throws_ok($$UPDATE public.profiles SET tier = NULL WHERE username = 'alice'$$,
                 '23502', NULL, 'profiles.tier: NULL refused');
SELECT throws_ok($$UPDATE public.profiles SET subscription_status = 'expired' WHERE username = 'alice'$$,
                 '23514', NULL, 'profiles.subscription_status: unknown status refused');
SELECT lives_ok($$UPDATE public.profiles SET subscription_status = 'active' WHERE username = 'alice';
                  UPDATE public.profiles SET subscription_status = 'trialing' WHERE username = 'alice';
                  UPDATE public.profiles SET subscription_status = 'past_due' WHERE username = 'alice';
                  UPDATE public.profiles SET subscription_status = 'canceled' WHERE username = 'alice';
                  UPDATE public.profiles SET subscription_status = 'paused' WHERE username = 'alice';
                  UPDATE public.profiles SET subscription_status = NULL WHERE username = 'alice'$$,
                'profiles.subscription_status: the five statuses and NULL accepted');
SELECT throws_ok($$UPDATE public.profiles SET username = 'Alice' WHERE username = 'alice'$$,
                 '23514', NULL, 'profiles.username: uppercase refused');
SELECT throws_ok($$UPDATE public.profiles SET username = 'ab' WHERE username = 'alice'$$,
                 '23514', NULL, 'profiles.username: 2 characters refused');
SELECT throws_ok(format($$UPDATE public.profiles SET username = %L WHERE username = 'alice'$$, repeat('a', 31)),
                 '23514', NULL, 'profiles.username: 31 characters refused');
SELECT throws_ok($$UPDATE public.profiles SET username = 'al-ice' WHERE username = 'alice'$$,
                 '23514', NULL, 'profiles.username: hyphen refused');
SELECT throws_ok($$UPDATE public.profiles SET username = 'al ice' WHERE username = 'alice'$$,
                 '23514', NULL, 'profiles.username: space refused');
SELECT throws_ok($$UPDATE public.profiles SET username = 'alicé' WHERE username = 'alice'$$,
                 '23514', NULL, 'profiles.username: non-ASCII letter refused');
SELECT throws_ok($$UPDATE public.profiles SET username = 'alice.x' WHERE username = 'alice'$$,
                 '23514', NULL, 'profiles.username: dot refused');
SELECT throws_ok($$UPDATE public.profiles SET username = E'alice\n' WHERE username = 'alice'$$,
                 '23514', NULL, 'profiles.username: trailing newline refused');
SELECT lives_ok(format($$UPDATE public.profiles SET username = %L WHERE username = 'alice';
                         UPDATE public.profiles SET username = 'a_1' WHERE id = 'aaaaaaaa-0000-4000-8000-000000000001';
                         UPDATE public.profiles SET username = 'alice' WHERE id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
                       repeat('z', 30)),
                'profiles.username: 30 characters and a_1 (3, with digit and underscore) accepted');
SELECT throws_ok($$UPDATE public.profiles SET username = 'bob' WHERE username = 'alice'$$,
                 '23505', NULL, 'profiles.username: duplicate refused');
SELECT throws_ok($$UPDATE public.profiles SET username = NULL WHERE username = 'alice'$$,
                 '23502', NULL, 'profiles.username: NULL refused');
SELECT throws_ok($$UPDATE public.profiles SET arcanean_id = 'ARC-12345' WHERE username = 'alice'$$,
                 '23514', NULL, 'profiles.arcanean_id: 5 digits refused');
SELECT throws_ok($$UPDATE public.profiles SET arcanean_id = 'arc-000123' WHERE username = 'alice'$$,
                 '23514', NULL, 'profiles.arcanean_id: lowercase prefix refused');
SELECT throws_ok($$UPDATE public.profiles SET arcanean_id = 'ARC-000123x' WHERE username = 'alice'$$,
                 '23514', NULL, 'profiles.arcanean_id: trailing garbage refused');
SELECT throws_ok($$UPDATE public.profiles SET arcanean_id = 'ARC000123' WHERE username = 'alice'$$,
                 '23514', NULL, 'profiles.arcanean_id: missing dash refused');
SELECT throws_ok($$UPDATE public.profiles SET arcanean_id = 'ARC-00012a' WHERE username = 'alice'$$,
                 '23514', NULL, 'profiles.arcanean_id: letter among the digits refused');
SELECT throws_ok($$UPDATE public.profiles SET arcanean_id = E'ARC-000123\n' WHERE username = 'alice'$$,
                 '23514', NULL, 'profiles.arcanean_id: trailing newline refused');
SELECT lives_ok($$UPDATE public.profiles SET arcanean_id = 'ARC-000123' WHERE username = 'alice';
                  UPDATE public.profiles SET arcanean_id = 'ARC-1234567' WHERE username = 'alice'$$,
                'profiles.arcanean_id: ARC-000123 and ARC-1234567 (more than six digits) accepted');
SELECT throws_ok($$UPDATE public.profiles SET arcanean_id = (SELECT arcanean_id FROM public.profiles WHERE username = 'bob')
                    WHERE username = 'alice'$$,
                 '23505', NULL, 'profiles.arcanean_id: duplicate refused');
SELECT throws_ok($$UPDATE public.profiles SET arcanean_id = NULL WHERE username = 'alice'$$,
                 '23502', NULL, 'profiles.arcanean_id: NULL refused');
SELECT throws_ok(format($$UPDATE public.profiles SET bio = %L WHERE username = 'alice'$$, repeat('b', 501)),
                 '23514', NULL, 'profiles.bio: 501 characters refused');
SELECT lives_ok(format($$UPDATE public.profiles SET bio = %L WHERE username = 'alice'$$, repeat('é', 500)),
                'profiles.bio: 500 characters (multi-byte) accepted');
SELECT throws_ok($$UPDATE public.profiles SET creation_count = -1 WHERE username = 'alice'$$,
                 '23514', NULL, 'profiles.creation_count: negative refused');
SELECT throws_ok($$UPDATE public.profiles SET follower_count = -1 WHERE username = 'alice'$$,
                 '23514', NULL, 'profiles.follower_count: negative refused');
SELECT throws_ok($$UPDATE public.profiles SET following_count = -1 WHERE username = 'alice'$$,
                 '23514', NULL, 'profiles.following_count: negative refused');
SELECT throws_ok($$INSERT INTO public.profiles (id, username) VALUES ('eeeeeeee-0000-4000-8000-00000000ffff', 'ghost')$$,
                 '23503', NULL, 'profiles.id: a profile without an auth.users row refused');

-- luminors -------------------------------------------------------------------
SELECT throws_ok($$UPDATE public.luminors SET color = '#44F' WHERE slug = 'lumina'$$,
                 '23514', NULL, 'luminors.color: #RGB refused');
SELECT throws_ok($$UPDATE public.luminors SET color = '4444FF' WHERE slug = 'lumina'$$,
                 '23514', NULL, 'luminors.color: missing # refused');
SELECT throws_ok($$UPDATE public.luminors SET color = '#4444FFF' WHERE slug = 'lumina'$$,
                 '23514', NULL, 'luminors.color: 7 hex digits refused');
SELECT throws_ok($$UPDATE public.luminors SET color = '#GG44FF' WHERE slug = 'lumina'$$,
                 '23514', NULL, 'luminors.color: non-hex digit refused');
SELECT throws_ok($$UPDATE public.luminors SET color = 'blue' WHERE slug = 'lumina'$$,
                 '23514', NULL, 'luminors.color: a colour name refused');
SELECT lives_ok($$UPDATE public.luminors SET color = '#a1B2c3' WHERE slug = 'lumina'$$,
                'luminors.color: #RRGGBB (either case) accepted');
SELECT throws_ok($$UPDATE public.luminors SET interaction_count = -1 WHERE slug = 'lumina'$$,
                 '23514', NULL, 'luminors.interaction_count: negative refused');
SELECT throws_ok($$UPDATE public.luminors SET user_count = -1 WHERE slug = 'lumina'$$,
                 '23514', NULL, 'luminors.user_count: negative refused');
SELECT throws_ok($$UPDATE public.luminors SET rating_count = -1 WHERE slug = 'lumina'$$,
                 '23514', NULL, 'luminors.rating_count: negative refused');
SELECT throws_ok($$UPDATE public.luminors SET rating_sum = -1 WHERE slug = 'lumina'$$,
                 '23514', NULL, 'luminors.rating_sum: negative refused');
SELECT throws_ok($$UPDATE public.luminors SET average_rating = 0.99 WHERE slug = 'lumina'$$,
                 '23514', NULL, 'luminors.average_rating: below 1 refused');
SELECT throws_ok($$UPDATE public.luminors SET average_rating = 5.01 WHERE slug = 'lumina'$$,
                 '23514', NULL, 'luminors.average_rating: above 5 refused');
SELECT throws_ok($$INSERT INTO public.luminors (name, slug) VALUES ('Second Lumina', 'lumina')$$,
                 '23505', NULL, 'luminors.slug: duplicate refused');

-- luminor_conversations ----------------------------------------------------------
SELECT throws_ok($$UPDATE public.luminor_conversations SET message_count = -1
                    WHERE id = '22222222-0000-4000-8000-0000000000a1'$$,
                 '23514', NULL, 'luminor_conversations.message_count: negative refused');
SELECT throws_ok($$INSERT INTO public.luminor_conversations (user_id, luminor_id)
                   VALUES ('aaaaaaaa-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000fffff')$$,
                 'PT404', 'luminor not found',
                 'luminor_conversations.luminor_id: unknown Luminor refused (PT404, as an inactive one and as the RPC)');

-- luminor_messages -----------------------------------------------------------
SELECT throws_ok($$INSERT INTO public.luminor_messages (conversation_id, user_id, role, content)
                   VALUES ('22222222-0000-4000-8000-0000000000a1', 'aaaaaaaa-0000-4000-8000-000000000001', 'bot', 'hi')$$,
                 '23514', NULL, 'luminor_messages.role: unknown role refused');
SELECT throws_ok($$INSERT INTO public.luminor_messages (conversation_id, user_id, role, content)
                   VALUES ('22222222-0000-4000-8000-0000000000a1', 'aaaaaaaa-0000-4000-8000-000000000001', NULL, 'hi')$$,
                 '23502', NULL, 'luminor_messages.role: NULL refused');
SELECT lives_ok($$INSERT INTO public.luminor_messages (conversation_id, user_id, role, content)
                  SELECT '22222222-0000-4000-8000-0000000000a1', 'aaaaaaaa-0000-4000-8000-000000000001', r, 'role ' || r
                    FROM unnest(ARRAY['user', 'assistant', 'system']) r$$,
                'luminor_messages.role: user, assistant, system accepted');
SELECT throws_ok($$INSERT INTO public.luminor_messages (conversation_id, user_id, role, content)
                   VALUES ('22222222-0000-4000-8000-0000000000a1', 'aaaaaaaa-0000-4000-8000-000000000001', 'user', '')$$,
                 '23514', NULL, 'luminor_messages.content: empty refused');
SELECT throws_ok(format($$INSERT INTO public.luminor_messages (conversation_id, user_id, role, content)
                          VALUES ('22222222-0000-4000-8000-0000000000a1', 'aaaaaaaa-0000-4000-8000-000000000001', 'user', %L)$$,
                        repeat('m', 32001)),
                 '23514', NULL, 'luminor_messages.content: 32001 characters refused');
SELECT lives_ok(format($$INSERT INTO public.luminor_messages (conversation_id, user_id, role, content)
                         VALUES ('22222222-0000-4000-8000-0000000000a1', 'aaaaaaaa-0000-4000-8000-000000000001', 'user', %L),
                                ('22222222-0000-4000-8000-0000000000a1', 'aaaaaaaa-0000-4000-8000-000000000001', 'user', 'x')$$,
                       repeat('m', 32000)),
                'luminor_messages.content: 1 and 32000 characters accepted');
SELECT throws_ok($$INSERT INTO public.luminor_messages (conversation_id, user_id, role, content)
                   VALUES ('22222222-0000-4000-8000-0000000000a1', 'aaaaaaaa-0000-4000-8000-000000000001', 'user', NULL)$$,
                 '23502', NULL, 'luminor_messages.content: NULL refused');
SELECT throws_ok($$UPDATE public.luminor_messages SET user_rating = 0 WHERE id = '33333333-0000-4000-8000-0000000000a2'$$,
                 '23514', NULL, 'luminor_messages.user_rating: 0 refused');
SELECT throws_ok($$UPDATE public.luminor_messages SET user_rating = 6 WHERE id = '33333333-0000-4000-8000-0000000000a2'$$,
                 '23514', NULL, 'luminor_messages.user_rating: 6 refused');
SELECT lives_ok($$UPDATE public.luminor_messages SET user_rating = 1 WHERE id = '33333333-0000-4000-8000-0000000000a2';
                  UPDATE public.luminor_messages SET user_rating = 5 WHERE id = '33333333-0000-4000-8000-0000000000a2';
                  UPDATE public.luminor_messages SET user_rating = NULL WHERE id = '33333333-0000-4000-8000-0000000000a2'$$,
                'luminor_messages.user_rating: 1, 5 and NULL accepted');
SELECT throws_ok($$INSERT INTO public.luminor_messages (conversation_id, user_id, role, content)
                   VALUES ('22222222-0000-4000-8000-0000000000a1', 'bbbbbbbb-0000-4000-8000-000000000002', 'user', 'not mine')$$,
                 '23503', NULL, 'luminor_messages.user_id: must be the conversation''s owner (insert)');
SELECT throws_ok($$UPDATE public.luminor_messages SET user_id = 'bbbbbbbb-0000-4000-8000-000000000002'
                    WHERE id = '33333333-0000-4000-8000-0000000000a1'$$,
                 '23503', NULL, 'luminor_messages.user_id: must be the conversation''s owner (update)');
SELECT throws_ok($$INSERT INTO public.luminor_messages (conversation_id, user_id, role, content)
                   VALUES ('22222222-0000-4000-8000-0000000000ff', 'aaaaaaaa-0000-4000-8000-000000000001', 'user', 'nowhere')$$,
                 '23503', NULL, 'luminor_messages.conversation_id: unknown conversation refused');

-- luminor_relationships ------------------------------------------------------
SELECT throws_ok($$UPDATE public.luminor_relationships SET bond_level = 0 WHERE user_id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
                 '23514', NULL, 'luminor_relationships.bond_level: 0 refused');
SELECT throws_ok($$UPDATE public.luminor_relationships SET bond_level = 11 WHERE user_id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
                 '23514', NULL, 'luminor_relationships.bond_level: 11 refused');
SELECT lives_ok($$UPDATE public.luminor_relationships SET bond_level = 10 WHERE user_id = 'aaaaaaaa-0000-4000-8000-000000000001';
                  UPDATE public.luminor_relationships SET bond_level = 1 WHERE user_id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
                'luminor_relationships.bond_level: 1 and 10 accepted');
SELECT throws_ok($$UPDATE public.luminor_relationships SET bond_xp = -1 WHERE user_id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
                 '23514', NULL, 'luminor_relationships.bond_xp: negative refused');
SELECT throws_ok($$UPDATE public.luminor_relationships SET total_interactions = -1 WHERE user_id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
                 '23514', NULL, 'luminor_relationships.total_interactions: negative refused');
SELECT throws_ok($$INSERT INTO public.luminor_relationships (user_id, luminor_id)
                   VALUES ('aaaaaaaa-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000a001')$$,
                 '23505', NULL, 'luminor_relationships: a second (user, Luminor) pair refused');
SELECT lives_ok($$INSERT INTO public.luminor_relationships (user_id, luminor_id)
                  VALUES ('aaaaaaaa-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000a002'),
                         ('bbbbbbbb-0000-4000-8000-000000000002', '00000000-0000-4000-8000-00000000a001')$$,
                'luminor_relationships: same user with another Luminor, same Luminor with another user accepted');

-- creations ------------------------------------------------------------------
SELECT throws_ok($$INSERT INTO public.creations (user_id, title, type) VALUES ('aaaaaaaa-0000-4000-8000-000000000001', 'T', 'gif')$$,
                 '23514', NULL, 'creations.type: unknown type refused');
SELECT lives_ok($$INSERT INTO public.creations (user_id, title, type)
                  SELECT 'aaaaaaaa-0000-4000-8000-000000000001', 'Type ' || t, t
                    FROM unnest(ARRAY['image', 'music', 'video', 'text', 'multimodal']) t$$,
                'creations.type: image, music, video, text, multimodal accepted');
SELECT throws_ok($$INSERT INTO public.creations (user_id, title, type) VALUES ('aaaaaaaa-0000-4000-8000-000000000001', 'T', NULL)$$,
                 '23502', NULL, 'creations.type: NULL refused');
SELECT throws_ok($$UPDATE public.creations SET status = 'deleted' WHERE id = '11111111-0000-4000-8000-0000000000a2'$$,
                 '23514', NULL, 'creations.status: unknown status refused');
SELECT lives_ok($$INSERT INTO public.creations (user_id, title, type, status, published_at) VALUES
                      ('aaaaaaaa-0000-4000-8000-000000000001', 'S1', 'image', 'draft', NULL),
                      ('aaaaaaaa-0000-4000-8000-000000000001', 'S2', 'image', 'processing', NULL),
                      ('aaaaaaaa-0000-4000-8000-000000000001', 'S3', 'image', 'published', now()),
                      ('aaaaaaaa-0000-4000-8000-000000000001', 'S4', 'image', 'archived', NULL)$$,
                'creations.status: draft, processing, published, archived accepted');
SELECT throws_ok($$INSERT INTO public.creations (user_id, title, type, status) VALUES ('aaaaaaaa-0000-4000-8000-000000000001', 'P', 'image', 'published')$$,
                 '23514', NULL, 'creations: published without published_at refused (insert)');
SELECT throws_ok($$UPDATE public.creations SET status = 'published' WHERE id = '11111111-0000-4000-8000-0000000000d2'$$,
                 '23514', NULL, 'creations: publishing without published_at refused (update)');
SELECT throws_ok($$UPDATE public.creations SET published_at = NULL WHERE id = '11111111-0000-4000-8000-0000000000a2'$$,
                 '23514', NULL, 'creations: clearing published_at of a published creation refused');
SELECT throws_ok($$INSERT INTO public.creations (user_id, title, type) VALUES ('aaaaaaaa-0000-4000-8000-000000000001', '', 'image')$$,
                 '23514', NULL, 'creations.title: empty refused');
SELECT throws_ok($$INSERT INTO public.creations (user_id, title, type) VALUES ('aaaaaaaa-0000-4000-8000-000000000001', '    ', 'image')$$,
                 '23514', NULL, 'creations.title: spaces only refused');
SELECT throws_ok($$INSERT INTO public.creations (user_id, title, type) VALUES ('aaaaaaaa-0000-4000-8000-000000000001', E'\t\n \r\n', 'image')$$,
                 '23514', NULL, 'creations.title: whitespace only (tabs, newlines) refused');
SELECT throws_ok(format($$INSERT INTO public.creations (user_id, title, type) VALUES ('aaaaaaaa-0000-4000-8000-000000000001', %L, 'image')$$,
                        repeat('t', 201)),
                 '23514', NULL, 'creations.title: 201 characters refused');
SELECT throws_ok(format($$INSERT INTO public.creations (user_id, title, type) VALUES ('aaaaaaaa-0000-4000-8000-000000000001', %L, 'image')$$,
                        repeat('t', 200) || '   '),
                 '23514', NULL, 'creations.title: 203 characters refused even when the last are spaces');
SELECT lives_ok(format($$INSERT INTO public.creations (user_id, title, type) VALUES ('aaaaaaaa-0000-4000-8000-000000000001', %L, 'image'),
                                                                                  ('aaaaaaaa-0000-4000-8000-000000000001', 'x', 'image')$$,
                       repeat('ü', 200)),
                'creations.title: 1 and 200 characters accepted');
SELECT throws_ok($$INSERT INTO public.creations (user_id, title, type) VALUES ('aaaaaaaa-0000-4000-8000-000000000001', NULL, 'image')$$,
                 '23502', NULL, 'creations.title: NULL refused');
SELECT throws_ok($$UPDATE public.creations SET title = ' ' WHERE id = '11111111-0000-4000-8000-0000000000a2'$$,
                 '23514', NULL, 'creations.title: blanking it by UPDATE refused');
SELECT throws_ok($$UPDATE public.creations SET view_count = -1 WHERE id = '11111111-0000-4000-8000-0000000000a2'$$,
                 '23514', NULL, 'creations.view_count: negative refused');
SELECT throws_ok($$UPDATE public.creations SET like_count = -1 WHERE id = '11111111-0000-4000-8000-0000000000a2'$$,
                 '23514', NULL, 'creations.like_count: negative refused');
SELECT throws_ok($$UPDATE public.creations SET comment_count = -1 WHERE id = '11111111-0000-4000-8000-0000000000a2'$$,
                 '23514', NULL, 'creations.comment_count: negative refused');
SELECT throws_ok($$UPDATE public.creations SET remix_count = -1 WHERE id = '11111111-0000-4000-8000-0000000000a2'$$,
                 '23514', NULL, 'creations.remix_count: negative refused');
SELECT throws_ok($$INSERT INTO public.creations (user_id, title, type) VALUES ('eeeeeeee-0000-4000-8000-00000000ffff', 'Orphan', 'image')$$,
                 '23503', NULL, 'creations.user_id: unknown profile refused');

-- likes ----------------------------------------------------------------------
INSERT INTO public.likes (user_id, creation_id) VALUES
    ('bbbbbbbb-0000-4000-8000-000000000002', '11111111-0000-4000-8000-0000000000a1');
SELECT throws_ok($$INSERT INTO public.likes (user_id, creation_id)
                   VALUES ('bbbbbbbb-0000-4000-8000-000000000002', '11111111-0000-4000-8000-0000000000a1')$$,
                 '23505', NULL, 'likes: a second like by the same user on the same creation refused');
SELECT lives_ok($$INSERT INTO public.likes (user_id, creation_id)
                  VALUES ('bbbbbbbb-0000-4000-8000-000000000002', '11111111-0000-4000-8000-0000000000a2'),
                         ('cccccccc-0000-4000-8000-000000000003', '11111111-0000-4000-8000-0000000000a1')$$,
                'likes: same user on another creation, another user on the same creation accepted');
SELECT throws_ok($$INSERT INTO public.likes (user_id, creation_id)
                   VALUES ('bbbbbbbb-0000-4000-8000-000000000002', '11111111-0000-4000-8000-0000000000ff')$$,
                 '23503', NULL, 'likes.creation_id: unknown creation refused');
SELECT throws_ok($$INSERT INTO public.likes (user_id, creation_id)
                   VALUES ('eeeeeeee-0000-4000-8000-00000000ffff', '11111111-0000-4000-8000-0000000000a1')$$,
                 '23503', NULL, 'likes.user_id: unknown profile refused');

-- comments -------------------------------------------------------------------
SELECT throws_ok($$INSERT INTO public.comments (user_id, creation_id, content)
                   VALUES ('bbbbbbbb-0000-4000-8000-000000000002', '11111111-0000-4000-8000-0000000000a1', '')$$,
                 '23514', NULL, 'comments.content: empty refused');
SELECT throws_ok($$INSERT INTO public.comments (user_id, creation_id, content)
                   VALUES ('bbbbbbbb-0000-4000-8000-000000000002', '11111111-0000-4000-8000-0000000000a1', '     ')$$,
                 '23514', NULL, 'comments.content: spaces only refused');
SELECT throws_ok($$INSERT INTO public.comments (user_id, creation_id, content)
                   VALUES ('bbbbbbbb-0000-4000-8000-000000000002', '11111111-0000-4000-8000-0000000000a1', E'\n\t\n')$$,
                 '23514', NULL, 'comments.content: whitespace only (newlines, tabs) refused');
SELECT throws_ok(format($$INSERT INTO public.comments (user_id, creation_id, content)
                          VALUES ('bbbbbbbb-0000-4000-8000-000000000002', '11111111-0000-4000-8000-0000000000a1', %L)$$,
                        repeat('c', 5001)),
                 '23514', NULL, 'comments.content: 5001 characters refused');
SELECT throws_ok(format($$INSERT INTO public.comments (user_id, creation_id, content)
                          VALUES ('bbbbbbbb-0000-4000-8000-000000000002', '11111111-0000-4000-8000-0000000000a1', %L)$$,
                        repeat(' ', 20000) || 'c'),
                 '23514', NULL, 'comments.content: 20001 characters refused even when most are spaces');
SELECT lives_ok(format($$INSERT INTO public.comments (user_id, creation_id, content)
                         VALUES ('bbbbbbbb-0000-4000-8000-000000000002', '11111111-0000-4000-8000-0000000000a1', %L),
                                ('bbbbbbbb-0000-4000-8000-000000000002', '11111111-0000-4000-8000-0000000000a1', '!')$$,
                       repeat('ç', 5000)),
                'comments.content: 1 and 5000 characters accepted');
SELECT throws_ok($$INSERT INTO public.comments (user_id, creation_id, content)
                   VALUES ('bbbbbbbb-0000-4000-8000-000000000002', '11111111-0000-4000-8000-0000000000a1', NULL)$$,
                 '23502', NULL, 'comments.content: NULL refused');
SELECT throws_ok($$UPDATE public.comments SET content = '  ' WHERE id = '44444444-0000-4000-8000-0000000000b1'$$,
                 '23514', NULL, 'comments.content: blanking it by UPDATE refused');
SELECT throws_ok($$INSERT INTO public.comments (user_id, creation_id, content, parent_comment_id)
                   VALUES ('cccccccc-0000-4000-8000-000000000003', '11111111-0000-4000-8000-0000000000b1', 'wrong thread',
                           '44444444-0000-4000-8000-0000000000b1')$$,
                 '23503', NULL, 'comments: a reply whose parent is on another creation refused');
SELECT lives_ok($$INSERT INTO public.comments (user_id, creation_id, content, parent_comment_id)
                  VALUES ('cccccccc-0000-4000-8000-000000000003', '11111111-0000-4000-8000-0000000000a1', 'right thread',
                          '44444444-0000-4000-8000-0000000000b1')$$,
                'comments: a reply on the parent''s creation accepted');
SELECT throws_ok($$UPDATE public.comments SET creation_id = '11111111-0000-4000-8000-0000000000b1'
                    WHERE content = 'right thread'$$,
                 '23503', NULL, 'comments: moving a reply away from its parent''s creation refused');
SELECT throws_ok($$INSERT INTO public.comments (user_id, creation_id, content, parent_comment_id)
                   VALUES ('cccccccc-0000-4000-8000-000000000003', '11111111-0000-4000-8000-0000000000a1', 'orphan',
                           '44444444-0000-4000-8000-0000000000ff')$$,
                 '23503', NULL, 'comments: a reply to a missing comment refused');
SELECT throws_ok($$UPDATE public.comments SET like_count = -1 WHERE id = '44444444-0000-4000-8000-0000000000b1'$$,
                 '23514', NULL, 'comments.like_count: negative refused');

-- follows --------------------------------------------------------------------
SELECT throws_ok($$INSERT INTO public.follows (follower_id, following_id)
                   VALUES ('aaaaaaaa-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001')$$,
                 '23514', NULL, 'follows: following oneself refused');
INSERT INTO public.follows (follower_id, following_id) VALUES
    ('aaaaaaaa-0000-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000002');
SELECT throws_ok($$INSERT INTO public.follows (follower_id, following_id)
                   VALUES ('aaaaaaaa-0000-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000002')$$,
                 '23505', NULL, 'follows: the same (follower, following) twice refused');
SELECT lives_ok($$INSERT INTO public.follows (follower_id, following_id)
                  VALUES ('bbbbbbbb-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000001')$$,
                'follows: the reverse direction accepted');
SELECT throws_ok($$UPDATE public.follows SET following_id = follower_id
                    WHERE follower_id = 'aaaaaaaa-0000-4000-8000-000000000001'$$,
                 '23514', NULL, 'follows: turning a follow into a self-follow by UPDATE refused');

-- notifications ---------------------------------------------------------------
SELECT throws_ok($$INSERT INTO public.notifications (user_id, type, title)
                   VALUES ('aaaaaaaa-0000-4000-8000-000000000001', 'like', 'x')$$,
                 '23514', NULL, 'notifications.type: unknown type refused');
SELECT lives_ok(format($$INSERT INTO public.notifications (user_id, type, title)
                         VALUES ('aaaaaaaa-0000-4000-8000-000000000001', %L, 'type test')$$, t),
                'notifications.type: ' || t || ' accepted')
  FROM unnest(ARRAY['creation_liked', 'creation_commented', 'new_follower', 'comment_reply',
                    'mention', 'system_announcement', 'bond_level_up']) t;
SELECT throws_ok($$INSERT INTO public.notifications (user_id, type, title)
                   VALUES ('aaaaaaaa-0000-4000-8000-000000000001', NULL, 'x')$$,
                 '23502', NULL, 'notifications.type: NULL refused');
SELECT throws_ok($$INSERT INTO public.notifications (user_id, type, title)
                   VALUES ('eeeeeeee-0000-4000-8000-00000000ffff', 'system_announcement', 'x')$$,
                 '23503', NULL, 'notifications.user_id: unknown profile refused');

-- ============================================================================
-- 6. ON DELETE: deleting an auth.users row removes the profile and everything
--    hanging off it; deleting a creation removes its likes and comments.
-- ============================================================================
INSERT INTO public.likes (user_id, creation_id) VALUES
    ('bbbbbbbb-0000-4000-8000-000000000002', '11111111-0000-4000-8000-0000000000d1'),   -- on dave's creation
    ('dddddddd-0000-4000-8000-000000000004', '11111111-0000-4000-8000-0000000000a1');   -- by dave
INSERT INTO public.comments (id, user_id, creation_id, content, parent_comment_id) VALUES
    ('44444444-0000-4000-8000-0000000000d1', 'bbbbbbbb-0000-4000-8000-000000000002', '11111111-0000-4000-8000-0000000000d1', 'Bob on Dave', NULL),
    ('44444444-0000-4000-8000-0000000000d2', 'dddddddd-0000-4000-8000-000000000004', '11111111-0000-4000-8000-0000000000a1', 'Dave on Alice', NULL),
    ('44444444-0000-4000-8000-0000000000d3', 'cccccccc-0000-4000-8000-000000000003', '11111111-0000-4000-8000-0000000000a1', 'Carol replies to Dave',
     '44444444-0000-4000-8000-0000000000d2');
INSERT INTO public.follows (follower_id, following_id) VALUES
    ('dddddddd-0000-4000-8000-000000000004', 'aaaaaaaa-0000-4000-8000-000000000001'),
    ('cccccccc-0000-4000-8000-000000000003', 'dddddddd-0000-4000-8000-000000000004');
INSERT INTO public.luminor_messages (conversation_id, user_id, role, content) VALUES
    ('22222222-0000-4000-8000-0000000000d1', 'dddddddd-0000-4000-8000-000000000004', 'user', 'Hi Harmonix');
INSERT INTO public.luminor_relationships (user_id, luminor_id) VALUES
    ('dddddddd-0000-4000-8000-000000000004', '00000000-0000-4000-8000-00000000a002');
INSERT INTO public.notifications (user_id, type, title) VALUES
    ('dddddddd-0000-4000-8000-000000000004', 'system_announcement', 'Welcome');

CREATE TEMP TABLE dave_before AS
SELECT (SELECT count(*) FROM public.likes WHERE user_id = 'dddddddd-0000-4000-8000-000000000004'
           OR creation_id IN ('11111111-0000-4000-8000-0000000000d1', '11111111-0000-4000-8000-0000000000d2')) AS likes,
       (SELECT count(*) FROM public.comments WHERE id IN ('44444444-0000-4000-8000-0000000000d1', '44444444-0000-4000-8000-0000000000d2',
                                                          '44444444-0000-4000-8000-0000000000d3')) AS comments,
       (SELECT count(*) FROM public.notifications WHERE user_id = 'dddddddd-0000-4000-8000-000000000004') AS notifications;
SELECT ok((SELECT likes = 2 AND comments = 3 AND notifications >= 2 FROM dave_before),
          'cascade fixture: dave has likes, comments (with a reply to his) and notifications to lose');

DELETE FROM auth.users WHERE id = 'dddddddd-0000-4000-8000-000000000004';

SELECT is_empty($$SELECT 1 FROM public.profiles WHERE id = 'dddddddd-0000-4000-8000-000000000004'$$,
                'delete auth.users: the profile is gone');
SELECT is_empty($$SELECT 1 FROM public.creations WHERE user_id = 'dddddddd-0000-4000-8000-000000000004'$$,
                'delete auth.users: the user''s creations (published and draft) are gone');
SELECT is_empty($$SELECT 1 FROM public.likes WHERE user_id = 'dddddddd-0000-4000-8000-000000000004'$$,
                'delete auth.users: the user''s likes are gone');
SELECT is_empty($$SELECT 1 FROM public.likes WHERE creation_id = '11111111-0000-4000-8000-0000000000d1'$$,
                'delete auth.users: other users'' likes on the user''s creations are gone');
SELECT is_empty($$SELECT 1 FROM public.comments WHERE user_id = 'dddddddd-0000-4000-8000-000000000004'$$,
                'delete auth.users: the user''s comments are gone');
SELECT is_empty($$SELECT 1 FROM public.comments WHERE id IN ('44444444-0000-4000-8000-0000000000d1', '44444444-0000-4000-8000-0000000000d3')$$,
                'delete auth.users: comments on the user''s creations and replies to the user''s comments are gone');
SELECT is_empty($$SELECT 1 FROM public.follows WHERE 'dddddddd-0000-4000-8000-000000000004' IN (follower_id, following_id)$$,
                'delete auth.users: follows in both directions are gone');
SELECT is_empty($$SELECT 1 FROM public.luminor_conversations WHERE user_id = 'dddddddd-0000-4000-8000-000000000004'$$,
                'delete auth.users: the user''s conversations are gone');
SELECT is_empty($$SELECT 1 FROM public.luminor_messages WHERE user_id = 'dddddddd-0000-4000-8000-000000000004'
                   OR conversation_id = '22222222-0000-4000-8000-0000000000d1'$$,
                'delete auth.users: the user''s messages are gone');
SELECT is_empty($$SELECT 1 FROM public.luminor_relationships WHERE user_id = 'dddddddd-0000-4000-8000-000000000004'$$,
                'delete auth.users: the user''s Luminor relationships are gone');
SELECT is_empty($$SELECT 1 FROM public.notifications WHERE user_id = 'dddddddd-0000-4000-8000-000000000004'$$,
                'delete auth.users: the user''s notifications are gone');
SELECT is((SELECT count(*)::int FROM public.profiles
            WHERE id IN ('aaaaaaaa-0000-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000002',
                         'cccccccc-0000-4000-8000-000000000003')), 3,
          'delete auth.users: the other profiles stay');
SELECT is((SELECT count(*)::int FROM public.comments WHERE id = '44444444-0000-4000-8000-0000000000b1'), 1,
          'delete auth.users: other users'' comments elsewhere stay');

-- Deleting a creation removes its likes and comments (and replies).
SELECT ok((SELECT count(*) FROM public.likes WHERE creation_id = '11111111-0000-4000-8000-0000000000a1') > 0
          AND (SELECT count(*) FROM public.comments WHERE creation_id = '11111111-0000-4000-8000-0000000000a1') > 1,
          'creation delete fixture: Alice one has likes, comments and a reply');
DELETE FROM public.creations WHERE id = '11111111-0000-4000-8000-0000000000a1';
SELECT is_empty($$SELECT 1 FROM public.likes WHERE creation_id = '11111111-0000-4000-8000-0000000000a1'$$,
                'delete creation: its likes are gone');
SELECT is_empty($$SELECT 1 FROM public.comments WHERE creation_id = '11111111-0000-4000-8000-0000000000a1'$$,
                'delete creation: its comments and replies are gone');
SELECT is((SELECT count(*)::int FROM public.likes WHERE creation_id = '11111111-0000-4000-8000-0000000000a2'), 1,
          'delete creation: likes on other creations stay');

-- Deleting a Luminor (an operator's) removes its conversations, their messages
-- and its relationships.
INSERT INTO public.luminors (id, name, slug) VALUES ('00000000-0000-4000-8000-00000000a0ff', 'Ephemera', 'ephemera');
INSERT INTO public.luminor_conversations (id, user_id, luminor_id) VALUES
    ('22222222-0000-4000-8000-0000000000e1', 'aaaaaaaa-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000a0ff');
INSERT INTO public.luminor_messages (conversation_id, user_id, role, content) VALUES
    ('22222222-0000-4000-8000-0000000000e1', 'aaaaaaaa-0000-4000-8000-000000000001', 'user', 'Hello Ephemera');
INSERT INTO public.luminor_relationships (user_id, luminor_id) VALUES
    ('aaaaaaaa-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000a0ff');
DELETE FROM public.luminors WHERE id = '00000000-0000-4000-8000-00000000a0ff';
SELECT is_empty($$SELECT 1 FROM public.luminor_conversations WHERE luminor_id = '00000000-0000-4000-8000-00000000a0ff'
                  UNION ALL SELECT 1 FROM public.luminor_messages WHERE conversation_id = '22222222-0000-4000-8000-0000000000e1'
                  UNION ALL SELECT 1 FROM public.luminor_relationships WHERE luminor_id = '00000000-0000-4000-8000-00000000a0ff'$$,
                'delete luminor: its conversations, their messages and its relationships are gone');

-- ============================================================================
-- 7. updated_at: bumped by a person's edit, never by a counter.  Rows start
--    with an old updated_at so that a bump (to now()) is visible.
-- ============================================================================
INSERT INTO public.creations (id, user_id, title, type, status, published_at, updated_at) VALUES
    ('11111111-0000-4000-8000-0000000000c1', 'cccccccc-0000-4000-8000-000000000003', 'Carol one', 'image', 'published', now(), '2000-01-01');
INSERT INTO public.luminor_conversations (id, user_id, luminor_id, updated_at) VALUES
    ('22222222-0000-4000-8000-0000000000c1', 'cccccccc-0000-4000-8000-000000000003', '00000000-0000-4000-8000-00000000a003', '2000-01-01');
INSERT INTO public.comments (id, user_id, creation_id, content, updated_at) VALUES
    ('44444444-0000-4000-8000-0000000000c1', 'aaaaaaaa-0000-4000-8000-000000000001', '11111111-0000-4000-8000-0000000000c1', 'Nice', '2000-01-01');
UPDATE public.profiles SET updated_at = '2000-01-01' WHERE id = 'cccccccc-0000-4000-8000-000000000003';
UPDATE public.luminors SET updated_at = '2000-01-01' WHERE id = '00000000-0000-4000-8000-00000000a003';

INSERT INTO public.likes (user_id, creation_id) VALUES ('bbbbbbbb-0000-4000-8000-000000000002', '11111111-0000-4000-8000-0000000000c1');
INSERT INTO public.comments (user_id, creation_id, content) VALUES ('bbbbbbbb-0000-4000-8000-000000000002', '11111111-0000-4000-8000-0000000000c1', 'Wow');
UPDATE public.creations SET view_count = view_count + 1 WHERE id = '11111111-0000-4000-8000-0000000000c1';
SELECT is((SELECT updated_at FROM public.creations WHERE id = '11111111-0000-4000-8000-0000000000c1'), '2000-01-01'::timestamptz,
          'updated_at: a like, a comment and a view do not touch creations.updated_at');
SELECT is((SELECT (like_count, comment_count, view_count)::text FROM public.creations WHERE id = '11111111-0000-4000-8000-0000000000c1'),
          '(1,2,1)', 'updated_at: (the counters did move)');
UPDATE public.creations SET title = 'Carol one, edited' WHERE id = '11111111-0000-4000-8000-0000000000c1';
SELECT is((SELECT updated_at FROM public.creations WHERE id = '11111111-0000-4000-8000-0000000000c1'), now(),
          'updated_at: editing a creation''s title bumps it');

INSERT INTO public.follows (follower_id, following_id) VALUES ('aaaaaaaa-0000-4000-8000-000000000001', 'cccccccc-0000-4000-8000-000000000003');
INSERT INTO public.creations (user_id, title, type, status, published_at) VALUES
    ('cccccccc-0000-4000-8000-000000000003', 'Carol two', 'image', 'published', now());
SELECT is((SELECT updated_at FROM public.profiles WHERE id = 'cccccccc-0000-4000-8000-000000000003'), '2000-01-01'::timestamptz,
          'updated_at: a new follower and a new published creation do not touch profiles.updated_at');
UPDATE public.profiles SET bio = 'I paint with light.' WHERE id = 'cccccccc-0000-4000-8000-000000000003';
SELECT is((SELECT updated_at FROM public.profiles WHERE id = 'cccccccc-0000-4000-8000-000000000003'), now(),
          'updated_at: editing one''s bio bumps it');

INSERT INTO public.luminor_messages (conversation_id, user_id, role, content) VALUES
    ('22222222-0000-4000-8000-0000000000c1', 'cccccccc-0000-4000-8000-000000000003', 'user', 'Hi Kinetix');
SELECT is((SELECT updated_at FROM public.luminor_conversations WHERE id = '22222222-0000-4000-8000-0000000000c1'), '2000-01-01'::timestamptz,
          'updated_at: a new message does not touch luminor_conversations.updated_at');
SELECT is((SELECT updated_at FROM public.luminors WHERE id = '00000000-0000-4000-8000-00000000a003'), '2000-01-01'::timestamptz,
          'updated_at: a new message (interaction_count) does not touch luminors.updated_at');
UPDATE public.luminor_conversations SET title = 'Storyboard' WHERE id = '22222222-0000-4000-8000-0000000000c1';
SELECT is((SELECT updated_at FROM public.luminor_conversations WHERE id = '22222222-0000-4000-8000-0000000000c1'), now(),
          'updated_at: renaming a conversation bumps it');
UPDATE public.luminors SET greeting_message = 'Action!' WHERE id = '00000000-0000-4000-8000-00000000a003';
SELECT is((SELECT updated_at FROM public.luminors WHERE id = '00000000-0000-4000-8000-00000000a003'), now(),
          'updated_at: an operator editing a Luminor bumps it');

UPDATE public.comments SET like_count = like_count + 1 WHERE id = '44444444-0000-4000-8000-0000000000c1';
SELECT is((SELECT (updated_at, is_edited)::text FROM public.comments WHERE id = '44444444-0000-4000-8000-0000000000c1'),
          ('2000-01-01'::timestamptz, false)::text, 'updated_at: a comment''s like_count does not touch it or mark it edited');
UPDATE public.comments SET content = 'Nice!' WHERE id = '44444444-0000-4000-8000-0000000000c1';
SELECT is((SELECT (updated_at, is_edited)::text FROM public.comments WHERE id = '44444444-0000-4000-8000-0000000000c1'),
          (now(), true)::text, 'updated_at: editing a comment bumps it and marks it edited');

-- ============================================================================
-- 8. Tags and categories are stored exactly as given (no normalisation)
-- ============================================================================
INSERT INTO public.creations (id, user_id, title, type, tags, categories) VALUES
    ('11111111-0000-4000-8000-0000000000c9', 'cccccccc-0000-4000-8000-000000000003', 'Tagged', 'image',
     ARRAY['Dragon', 'dragon', '  Neon City ', 'sci-fi', '#art', 'ドラゴン', 'Dragon'],
     ARRAY['Fan Art', 'fan art']);
SELECT is((SELECT tags FROM public.creations WHERE id = '11111111-0000-4000-8000-0000000000c9'),
          ARRAY['Dragon', 'dragon', '  Neon City ', 'sci-fi', '#art', 'ドラゴン', 'Dragon'],
          'tags: stored as given (case, spaces, punctuation, duplicates, order)');
SELECT is((SELECT categories FROM public.creations WHERE id = '11111111-0000-4000-8000-0000000000c9'),
          ARRAY['Fan Art', 'fan art'], 'categories: stored as given');
ROLLBACK;
