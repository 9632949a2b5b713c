-- ============================================================================
-- 60  Row types returned by the set-returning RPCs         (requires: tables)
-- ============================================================================
-- search_creations and get_user_feed return real columns (not json), so
-- PostgREST's filters, `select`, `order` and `Prefer: count=exact` work on
-- their results.  Each is a creation's public columns plus what the list
-- needs to render without another query.
-- ============================================================================

CREATE TYPE public.creation_search_result AS (
    id uuid, user_id uuid, title text, description text, type text, file_url text,
    thumbnail_url text, file_size integer, file_format text, ai_tool text, prompt text,
    model text, generation_params jsonb, seed integer, metadata jsonb, status text,
    is_public boolean, is_featured boolean, is_nsfw boolean, license text,
    allow_remix boolean, allow_commercial boolean, tags text[], categories text[],
    view_count integer, like_count integer, comment_count integer, remix_count integer,
    created_at timestamptz, updated_at timestamptz, published_at timestamptz,
    username text, display_name text, avatar_url text,
    -- Relevance: title over tags over description, an exact tag on top.
    rank real
);

CREATE TYPE public.user_feed_item AS (
    id uuid, user_id uuid, title text, description text, type text, file_url text,
    thumbnail_url text, file_size integer, file_format text, ai_tool text, prompt text,
    model text, generation_params jsonb, seed integer, metadata jsonb, status text,
    is_public boolean, is_featured boolean, is_nsfw boolean, license text,
    allow_remix boolean, allow_commercial boolean, tags text[], categories text[],
    view_count integer, like_count integer, comment_count integer, remix_count integer,
    created_at timestamptz, updated_at timestamptz, published_at timestamptz,
    username text, display_name text, avatar_url text,
    user_has_liked boolean,
    -- Pass the last row's cursor as p_cursor for the next page.
    cursor text
);
