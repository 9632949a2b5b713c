-- ============================================================================
-- 10  Tables, constraints and indexes              (requires: supabase_compat)
-- ============================================================================
-- The ten tables of the spec, column for column, plus what the spec implies
-- but does not say: CHECK constraints for every enumerated or bounded value,
-- counters that can never go negative, and the foreign keys' ON DELETE
-- behaviour (deleting an auth.users row removes the profile and everything
-- hanging off it; deleting a creation removes its likes and comments).  The
-- length and size limits that stop abuse are all in one place,
-- 15_limits.sql.
--
-- Where the spec names an index on a column that is also the leading column
-- of a more useful composite index (the keyset orderings used by the feed
-- and the notification list), the spec's name is kept for the composite one
-- so there is one index, not two.
--
-- Internal helpers live in the `arcanea` schema, which PostgREST does not
-- expose.
--
-- Tables whose rows carry counters (profiles, creations, conversations,
-- relationships) leave 15% of each page free: a counter update then fits
-- on the row's own page and is a HOT update, which touches no index.  With
-- full pages a third of the like-counter updates at scale 1 were not HOT
-- and wrote into every index of creations (bench/analysis.md).
-- ============================================================================

-- The partitions of the two time-partitioned tables, luminor_messages and
-- notifications (77_partitions.sql).  Nobody but the owner has USAGE on it:
-- clients reach the rows through the partitioned table in public and its
-- policies, never a partition directly (row-level security is not
-- inherited by partitions).
CREATE SCHEMA arcanea_partitions;
COMMENT ON SCHEMA arcanea_partitions IS
    'Arcanea: the monthly partitions of public.luminor_messages and public.notifications. Read them through those tables.';

-- The extension's own relations in public, arcanea and arcanea_partitions,
-- read from the catalog (pg_depend): RLS (50_security.sql), the service
-- role's grants (55_privileges.sql), backups (90_finalize.sql) and the drop
-- guard (80_drop_guard.sql) take their lists of tables from here, so a new
-- table cannot be left out of one.
CREATE FUNCTION arcanea.own_relations()
RETURNS TABLE (rel regclass, relkind "char", relpersistence "char", relnamespace regnamespace)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT c.oid::regclass, c.relkind, c.relpersistence, c.relnamespace::regnamespace
      FROM pg_class c
      JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
      JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'arcanea'
     WHERE c.relnamespace IN ('public'::regnamespace, 'arcanea'::regnamespace, 'arcanea_partitions'::regnamespace)
$$;

-- ARC-000123: six digits at least, more once a million users have signed up.
CREATE SEQUENCE arcanea.arcanean_id_seq AS bigint START 1;

-- ---------------------------------------------------------------------------
-- 1. profiles: one per auth.users row, created by the handle_new_user trigger
-- ---------------------------------------------------------------------------
CREATE TABLE public.profiles (
    id                      uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE,
    username                text NOT NULL
        CONSTRAINT profiles_username_format CHECK (username ~ '^[a-z0-9_]{3,30}$'),
    display_name            text,
    avatar_url              text,
    bio                     text,
    arcanean_id             text NOT NULL
        DEFAULT 'ARC-' || lpad(nextval('arcanea.arcanean_id_seq')::text, 6, '0')
        CONSTRAINT profiles_arcanean_id_format CHECK (arcanean_id ~ '^ARC-[0-9]{6,}$'),
    tier                    text NOT NULL DEFAULT 'explorer'
        CONSTRAINT profiles_tier_check CHECK (tier IN ('explorer', 'creator', 'realm_builder')),
    subscription_status     text
        CONSTRAINT profiles_subscription_status_check
        CHECK (subscription_status IN ('active', 'trialing', 'past_due', 'canceled', 'paused')),
    stripe_customer_id      text,
    stripe_subscription_id  text,
    creation_count          integer NOT NULL DEFAULT 0
        CONSTRAINT profiles_creation_count_nonnegative CHECK (creation_count >= 0),
    follower_count          integer NOT NULL DEFAULT 0
        CONSTRAINT profiles_follower_count_nonnegative CHECK (follower_count >= 0),
    following_count         integer NOT NULL DEFAULT 0
        CONSTRAINT profiles_following_count_nonnegative CHECK (following_count >= 0),
    is_active               boolean NOT NULL DEFAULT true,
    is_verified             boolean NOT NULL DEFAULT false,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now()
) WITH (fillfactor = 85);
-- The spec's two lookup indexes double as the uniqueness guarantees.
CREATE UNIQUE INDEX idx_profiles_username    ON public.profiles (username);
CREATE UNIQUE INDEX idx_profiles_arcanean_id ON public.profiles (arcanean_id);
CREATE INDEX idx_profiles_tier       ON public.profiles (tier);
CREATE INDEX idx_profiles_created_at ON public.profiles (created_at DESC);

-- ---------------------------------------------------------------------------
-- 1b. profile_private: what a profile keeps to its owner (and the service
-- role): settings, onboarding progress, when they were last active, and
-- whether followers may see that.  A table of its own, with its own
-- policy, because column privileges cannot depend on the row: on profiles
-- every column one user may read is readable on every profile.  One row
-- per profile, made with it (20_counters.sql).
-- ---------------------------------------------------------------------------
CREATE TABLE public.profile_private (
    id                   uuid PRIMARY KEY REFERENCES public.profiles (id) ON DELETE CASCADE,
    preferences          jsonb NOT NULL DEFAULT '{}'
        CONSTRAINT profile_private_preferences_object CHECK (jsonb_typeof(preferences) = 'object'),
    onboarding_completed boolean NOT NULL DEFAULT false,
    onboarding_step      integer NOT NULL DEFAULT 0
        CONSTRAINT profile_private_onboarding_step_range CHECK (onboarding_step BETWEEN 0 AND 100),
    last_active_at       timestamptz,
    -- Presence: may the people who follow this user see last_active_at
    -- (get_presence)?  Private unless the user says so.
    share_presence       boolean NOT NULL DEFAULT false,
    updated_at           timestamptz NOT NULL DEFAULT now()
) WITH (fillfactor = 85);

-- ---------------------------------------------------------------------------
-- 2. luminors: the AI companions; written only by operators
-- ---------------------------------------------------------------------------
CREATE TABLE public.luminors (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name                text NOT NULL,
    slug                text NOT NULL
        CONSTRAINT luminors_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length(slug) <= 60),
    title               text,
    specialty           text,
    color               text NOT NULL DEFAULT '#4444FF'
        CONSTRAINT luminors_color_hex CHECK (color ~ '^#[0-9A-Fa-f]{6}$'),
    avatar_url          text,
    icon                text,
    personality         jsonb NOT NULL DEFAULT '{}'
        CONSTRAINT luminors_personality_object CHECK (jsonb_typeof(personality) = 'object'),
    system_prompt       text,
    greeting_message    text,
    expertise           text[] NOT NULL DEFAULT '{}',
    ai_tools            text[] NOT NULL DEFAULT '{}',
    is_active           boolean NOT NULL DEFAULT true,
    is_public           boolean NOT NULL DEFAULT true,
    interaction_count   integer NOT NULL DEFAULT 0
        CONSTRAINT luminors_interaction_count_nonnegative CHECK (interaction_count >= 0),
    user_count          integer NOT NULL DEFAULT 0
        CONSTRAINT luminors_user_count_nonnegative CHECK (user_count >= 0),
    -- NULL until the first rated message.  rating_count and rating_sum are
    -- kept beside it so the average moves exactly, without a rescan.
    average_rating      numeric(3, 2)
        CONSTRAINT luminors_average_rating_range CHECK (average_rating BETWEEN 1 AND 5),
    rating_count        integer NOT NULL DEFAULT 0
        CONSTRAINT luminors_rating_count_nonnegative CHECK (rating_count >= 0),
    rating_sum          bigint NOT NULL DEFAULT 0
        CONSTRAINT luminors_rating_sum_nonnegative CHECK (rating_sum >= 0),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX idx_luminors_slug ON public.luminors (slug);
CREATE INDEX idx_luminors_active      ON public.luminors (is_active, is_public);

-- ---------------------------------------------------------------------------
-- 3. luminor_conversations: chat sessions between a user and a Luminor
-- ---------------------------------------------------------------------------
CREATE TABLE public.luminor_conversations (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         uuid NOT NULL REFERENCES public.profiles (id) ON DELETE CASCADE,
    luminor_id      uuid NOT NULL REFERENCES public.luminors (id) ON DELETE CASCADE,
    title           text,
    session_id      text,
    context         jsonb NOT NULL DEFAULT '{}'
        CONSTRAINT luminor_conversations_context_object CHECK (jsonb_typeof(context) = 'object'),
    is_active       boolean NOT NULL DEFAULT true,
    is_archived     boolean NOT NULL DEFAULT false,
    message_count   integer NOT NULL DEFAULT 0
        CONSTRAINT luminor_conversations_message_count_nonnegative CHECK (message_count >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    last_message_at timestamptz,
    -- Lets messages prove they belong to their conversation's owner.
    CONSTRAINT luminor_conversations_id_user_key UNIQUE (id, user_id)
) WITH (fillfactor = 85);
CREATE INDEX idx_conversations_user_id    ON public.luminor_conversations (user_id);
CREATE INDEX idx_conversations_luminor_id ON public.luminor_conversations (luminor_id);
CREATE INDEX idx_conversations_session    ON public.luminor_conversations (session_id);
CREATE INDEX idx_conversations_active     ON public.luminor_conversations (user_id, is_active);
-- One live conversation per (user, Luminor, session): what makes concurrent
-- get_or_create_conversation calls converge on a single row.  A NULL session
-- is one session of its own (NULLS NOT DISTINCT, PostgreSQL 15).
CREATE UNIQUE INDEX idx_conversations_live_session
    ON public.luminor_conversations (user_id, luminor_id, session_id) NULLS NOT DISTINCT
    WHERE is_active AND NOT is_archived;

-- ---------------------------------------------------------------------------
-- 4. luminor_messages: the chat history
-- ---------------------------------------------------------------------------
CREATE TABLE public.luminor_messages (
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    conversation_id uuid NOT NULL,
    -- Always the conversation's owner, whoever wrote the message (the
    -- composite key below enforces it), so ownership checks need no join.
    user_id         uuid NOT NULL REFERENCES public.profiles (id) ON DELETE CASCADE,
    role            text NOT NULL
        CONSTRAINT luminor_messages_role_check CHECK (role IN ('user', 'assistant', 'system')),
    content         text NOT NULL,
    model           text,
    tokens          integer
        CONSTRAINT luminor_messages_tokens_nonnegative CHECK (tokens >= 0),
    cost            numeric(12, 6)
        CONSTRAINT luminor_messages_cost_nonnegative CHECK (cost >= 0),
    user_rating     integer
        CONSTRAINT luminor_messages_user_rating_range CHECK (user_rating BETWEEN 1 AND 5),
    was_helpful     boolean,
    -- clock_timestamp(), not now(): a user turn and the assistant's reply
    -- written in one transaction must still sort in the order written.
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT luminor_messages_conversation_owner
        FOREIGN KEY (conversation_id, user_id)
        REFERENCES public.luminor_conversations (id, user_id) ON DELETE CASCADE,
    -- Ratings say how good the Luminor's answers are: only its messages
    -- take one (one value per message: changing it moves the Luminor's
    -- average, see 20_counters.sql).
    CONSTRAINT luminor_messages_rating_on_assistant
        CHECK ((user_rating IS NULL AND was_helpful IS NULL) OR role = 'assistant'),
    -- Partitioned by month of created_at (77_partitions.sql), and a
    -- partitioned table's unique keys must hold its partition key: the
    -- primary key is (id, created_at).  id alone stays unique in practice
    -- (random uuids); the table API filters on it as before.
    CONSTRAINT luminor_messages_pkey PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
-- Newest-first within a conversation is the only way messages are read.
CREATE INDEX idx_messages_conversation_id ON public.luminor_messages (conversation_id, created_at DESC, id DESC);
CREATE INDEX idx_messages_created_at      ON public.luminor_messages (created_at DESC);
CREATE INDEX idx_messages_user_id         ON public.luminor_messages (user_id);
-- Rows of a month that has no partition yet (before the first
-- arcanea.ensure_partitions() run, or backdated ones) land here.
CREATE TABLE arcanea_partitions.luminor_messages_default PARTITION OF public.luminor_messages DEFAULT;

-- ---------------------------------------------------------------------------
-- 5. luminor_relationships: the bond between a user and a Luminor
-- ---------------------------------------------------------------------------
CREATE TABLE public.luminor_relationships (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id             uuid NOT NULL REFERENCES public.profiles (id) ON DELETE CASCADE,
    luminor_id          uuid NOT NULL REFERENCES public.luminors (id) ON DELETE CASCADE,
    bond_level          integer NOT NULL DEFAULT 1
        CONSTRAINT luminor_relationships_bond_level_range CHECK (bond_level BETWEEN 1 AND 10),
    -- XP inside the current level (the remainder carries over on level-up).
    bond_xp             integer NOT NULL DEFAULT 0
        CONSTRAINT luminor_relationships_bond_xp_nonnegative CHECK (bond_xp >= 0),
    total_interactions  integer NOT NULL DEFAULT 0
        CONSTRAINT luminor_relationships_total_interactions_nonnegative CHECK (total_interactions >= 0),
    personality_match   jsonb NOT NULL DEFAULT '{}'
        CONSTRAINT luminor_relationships_personality_match_object CHECK (jsonb_typeof(personality_match) = 'object'),
    user_preferences    jsonb NOT NULL DEFAULT '{}'
        CONSTRAINT luminor_relationships_user_preferences_object CHECK (jsonb_typeof(user_preferences) = 'object'),
    key_memories        jsonb NOT NULL DEFAULT '[]'
        CONSTRAINT luminor_relationships_key_memories_array
        CHECK (jsonb_typeof(key_memories) = 'array' AND jsonb_array_length(key_memories) <= 100),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    last_interaction_at timestamptz
) WITH (fillfactor = 85);
CREATE UNIQUE INDEX idx_relationships_user_luminor ON public.luminor_relationships (user_id, luminor_id);
CREATE INDEX idx_relationships_bond_level          ON public.luminor_relationships (bond_level DESC);
CREATE INDEX idx_relationships_luminor_id          ON public.luminor_relationships (luminor_id);

-- ---------------------------------------------------------------------------
-- 6. creations: what users make
-- ---------------------------------------------------------------------------
CREATE TABLE public.creations (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id             uuid NOT NULL REFERENCES public.profiles (id) ON DELETE CASCADE,
    title               text NOT NULL,
    description         text,
    type                text NOT NULL
        CONSTRAINT creations_type_check CHECK (type IN ('image', 'music', 'video', 'text', 'multimodal')),
    file_url            text,
    thumbnail_url       text,
    file_size           integer
        CONSTRAINT creations_file_size_nonnegative CHECK (file_size >= 0),
    file_format         text,
    ai_tool             text,
    prompt              text,
    model               text,
    generation_params   jsonb NOT NULL DEFAULT '{}',
    seed                integer,
    metadata            jsonb NOT NULL DEFAULT '{}',
    status              text NOT NULL DEFAULT 'draft'
        CONSTRAINT creations_status_check CHECK (status IN ('draft', 'processing', 'published', 'archived')),
    is_public           boolean NOT NULL DEFAULT true,
    is_featured         boolean NOT NULL DEFAULT false,
    is_nsfw             boolean NOT NULL DEFAULT false,
    license             text,
    allow_remix         boolean NOT NULL DEFAULT true,
    allow_commercial    boolean NOT NULL DEFAULT false,
    tags                text[] NOT NULL DEFAULT '{}',
    categories          text[] NOT NULL DEFAULT '{}',
    view_count          integer NOT NULL DEFAULT 0
        CONSTRAINT creations_view_count_nonnegative CHECK (view_count >= 0),
    like_count          integer NOT NULL DEFAULT 0
        CONSTRAINT creations_like_count_nonnegative CHECK (like_count >= 0),
    comment_count       integer NOT NULL DEFAULT 0
        CONSTRAINT creations_comment_count_nonnegative CHECK (comment_count >= 0),
    remix_count         integer NOT NULL DEFAULT 0
        CONSTRAINT creations_remix_count_nonnegative CHECK (remix_count >= 0),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    published_at        timestamptz,
    -- Weighted document for search: title (A), tags (B), description (C).
    -- Kept by a trigger, because array_to_string() is not IMMUTABLE and so
    -- cannot feed a generated column.
    search_vector       tsvector NOT NULL DEFAULT ''::tsvector,
    CONSTRAINT creations_published_has_date CHECK (status <> 'published' OR published_at IS NOT NULL)
) WITH (fillfactor = 85);
CREATE INDEX idx_creations_user_id       ON public.creations (user_id);
CREATE INDEX idx_creations_type          ON public.creations (type);
CREATE INDEX idx_creations_status_public ON public.creations (status, is_public);
CREATE INDEX idx_creations_created_at    ON public.creations (created_at DESC);
-- The two GIN indexes take each write at once (fastupdate off): with
-- PostgreSQL's default, writes queue in a pending list that every search
-- reads whole until a vacuum empties it (after the benchmark's writes at
-- scale 1: 459 pages, 6.4 ms on every search naming a tag).
CREATE INDEX idx_creations_tags          ON public.creations USING gin (tags) WITH (fastupdate = off);
CREATE INDEX idx_creations_featured      ON public.creations (is_featured, is_public);
-- The following feed reads each followed author's newest public creations by
-- keyset; the discovery listing reads everyone's newest the same way.
CREATE INDEX idx_creations_feed ON public.creations (user_id, created_at DESC, id DESC)
    WHERE status = 'published' AND is_public;
CREATE INDEX idx_creations_public_newest ON public.creations (created_at DESC, id DESC)
    WHERE status = 'published' AND is_public;
CREATE INDEX idx_creations_search ON public.creations USING gin (search_vector) WITH (fastupdate = off)
    WHERE status = 'published' AND is_public;

-- ---------------------------------------------------------------------------
-- 7. likes
-- ---------------------------------------------------------------------------
CREATE TABLE public.likes (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES public.profiles (id) ON DELETE CASCADE,
    creation_id uuid NOT NULL REFERENCES public.creations (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT likes_user_creation_key UNIQUE (user_id, creation_id)
);
-- (user_id, created_at) rather than user_id alone: "my likes, newest first".
CREATE INDEX idx_likes_user_id     ON public.likes (user_id, created_at DESC);
-- (creation_id, created_at) rather than creation_id alone: "who liked this,
-- newest first" reads one page, not every like of a popular creation.
CREATE INDEX idx_likes_creation_id ON public.likes (creation_id, created_at DESC);
CREATE INDEX idx_likes_created_at  ON public.likes (created_at DESC);

-- ---------------------------------------------------------------------------
-- 8. comments (threaded through parent_comment_id)
-- ---------------------------------------------------------------------------
CREATE TABLE public.comments (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id           uuid NOT NULL REFERENCES public.profiles (id) ON DELETE CASCADE,
    creation_id       uuid NOT NULL REFERENCES public.creations (id) ON DELETE CASCADE,
    content           text NOT NULL,
    parent_comment_id uuid,
    is_edited         boolean NOT NULL DEFAULT false,
    is_flagged        boolean NOT NULL DEFAULT false,
    like_count        integer NOT NULL DEFAULT 0
        CONSTRAINT comments_like_count_nonnegative CHECK (like_count >= 0),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    -- A reply must sit under a comment on the same creation: the composite
    -- key says so declaratively.  Deleting a comment removes its replies.
    CONSTRAINT comments_id_creation_key UNIQUE (id, creation_id),
    CONSTRAINT comments_parent_same_creation
        FOREIGN KEY (parent_comment_id, creation_id)
        REFERENCES public.comments (id, creation_id) ON DELETE CASCADE,
    CONSTRAINT comments_not_own_parent CHECK (parent_comment_id IS DISTINCT FROM id)
);
CREATE INDEX idx_comments_user_id     ON public.comments (user_id);
-- A creation's comments in the order they are shown, id breaking ties, so
-- that "the first N by created_at, id" stops after N rows in every plan.
-- With (creation_id, created_at) alone, PostgREST's prepared statement
-- switched to a generic plan that sorted all of a creation's comments: the
-- benchmark's hot creation had 61,055, read with their policy checks for
-- 288 s (the soak of pgrx-tests/bench/analysis.md, auto_explain).
CREATE INDEX idx_comments_creation_id ON public.comments (creation_id, created_at, id);
CREATE INDEX idx_comments_parent_id   ON public.comments (parent_comment_id);
CREATE INDEX idx_comments_created_at  ON public.comments (created_at DESC);

-- ---------------------------------------------------------------------------
-- 9. follows
-- ---------------------------------------------------------------------------
CREATE TABLE public.follows (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    follower_id      uuid NOT NULL REFERENCES public.profiles (id) ON DELETE CASCADE,
    following_id     uuid NOT NULL REFERENCES public.profiles (id) ON DELETE CASCADE,
    notify_creations boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT follows_pair_key UNIQUE (follower_id, following_id),
    CONSTRAINT follows_not_self CHECK (follower_id <> following_id)
);
CREATE INDEX idx_follows_follower_id  ON public.follows (follower_id, created_at DESC);
CREATE INDEX idx_follows_following_id ON public.follows (following_id, created_at DESC);

-- ---------------------------------------------------------------------------
-- 10. notifications (written by the database and the service role only)
-- ---------------------------------------------------------------------------
CREATE TABLE public.notifications (
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES public.profiles (id) ON DELETE CASCADE,
    type        text NOT NULL
        CONSTRAINT notifications_type_check CHECK (type IN (
            'creation_liked', 'creation_commented', 'new_follower', 'comment_reply',
            'mention', 'system_announcement', 'bond_level_up')),
    title       text NOT NULL,
    message     text,
    action_url  text,
    metadata    jsonb NOT NULL DEFAULT '{}'
        CONSTRAINT notifications_metadata_object CHECK (jsonb_typeof(metadata) = 'object'),
    is_read     boolean NOT NULL DEFAULT false,
    is_archived boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    read_at     timestamptz,
    -- Identifies "the same event" (type, actor, target) so that like, unlike,
    -- like again within a day does not notify twice.
    group_key   text,
    -- Partitioned by month of created_at, as luminor_messages is.
    CONSTRAINT notifications_pkey PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
CREATE INDEX idx_notifications_user_id    ON public.notifications (user_id, created_at DESC, id DESC);
CREATE INDEX idx_notifications_unread     ON public.notifications (user_id, is_read) WHERE is_read = false;
CREATE INDEX idx_notifications_created_at ON public.notifications (created_at DESC);
-- The notifications an account caused (as their actor), removed when the
-- account is erased (57_erasure.sql).
CREATE INDEX idx_notifications_actor      ON public.notifications ((metadata ->> 'actor_id'))
    WHERE metadata ? 'actor_id';
-- The notifications a comment caused, withdrawn when it is deleted.
CREATE INDEX idx_notifications_comment    ON public.notifications ((metadata ->> 'comment_id'))
    WHERE type IN ('mention', 'comment_reply', 'creation_commented');
CREATE TABLE arcanea_partitions.notifications_default PARTITION OF public.notifications DEFAULT;
