-- ============================================================================
-- 45  Rate limits                        (requires: tables, luminors_seed, enforce_rate_limit)
-- ============================================================================
-- What a bot would spam (likes, follows, comments, messages, view counts) is
-- limited per user in the database itself, so the table API and the RPCs are
-- held to the same limits and no client can skip them.
--
-- A limit is "at most max_calls per `per`", counted in a fixed window that
-- opens at the subject's first call.  Going over raises SQLSTATE PT429
-- (HTTP 429 through PostgREST) and, as the error rolls the transaction
-- back, writes nothing.  Trusted callers (service role, BYPASSRLS,
-- superuser) are never limited.
--
-- Operators change the limits with plain SQL (rows survive pg_dump):
--   UPDATE arcanea.rate_limits SET max_calls = 200 WHERE action = 'like';
-- and lift one by setting its max_calls to NULL.
-- ============================================================================

CREATE TABLE arcanea.rate_limits (
    action      text PRIMARY KEY
                CHECK (action IN ('like', 'follow', 'comment', 'message', 'view', 'repeat_view')),
    max_calls   integer  CHECK (max_calls > 0),   -- NULL: no limit
    per         interval NOT NULL CHECK (per > interval '0' AND per <= interval '1 day'),
    description text
);
COMMENT ON TABLE arcanea.rate_limits IS
    'Per-user limits: at most max_calls per `per` (NULL: unlimited); over it raises PT429. Trusted callers are exempt. Edit freely.';

INSERT INTO arcanea.rate_limits (action, max_calls, per, description) VALUES
    ('like',        60, interval '1 minute',   'new likes (a like/unlike loop counts each like)'),
    ('follow',      30, interval '1 minute',   'new follows'),
    ('comment',     10, interval '1 minute',   'new comments and replies'),
    ('message',     30, interval '1 minute',   'new messages in Luminor conversations'),
    ('view',       120, interval '1 minute',   'calls to increment_creation_views'),
    -- Not an error: a viewer's repeated views of one creation are counted
    -- max_calls times per window and answered with the current count after.
    ('repeat_view',  1, interval '30 minutes', 'counted views of one creation by one viewer');

-- Restoring a dump replaces the seeded rows with the dumped ones, as for
-- the Luminors (40_luminors_seed.sql).
CREATE TRIGGER rate_limits_replace_seeded_row_on_restore BEFORE INSERT
    ON arcanea.rate_limits FOR EACH ROW EXECUTE FUNCTION arcanea.replace_seeded_row_on_restore('action');
ALTER TABLE arcanea.rate_limits ENABLE ALWAYS TRIGGER rate_limits_replace_seeded_row_on_restore;

-- Who used how much of the current window.  UNLOGGED: it is rewritten on
-- every limited call, so it should cost no WAL, and losing it in a crash
-- only forgives the windows open at the time.  Not dumped, for the same
-- reason.  `subject` is a user id, 'anon:' and an address, or, for
-- repeat_view, the viewer and the creation.
CREATE UNLOGGED TABLE arcanea.rate_limit_usage (
    subject      text        NOT NULL,
    -- No foreign key: its check would share-lock the one rate_limits row
    -- of an action from every concurrent call (multixacts on a hot row).
    action       text        NOT NULL,
    window_start timestamptz NOT NULL,
    calls        integer     NOT NULL,
    PRIMARY KEY (subject, action)
) WITH (fillfactor = 70);
COMMENT ON TABLE arcanea.rate_limit_usage IS
    'Calls per subject in the open window (unlogged, pruned by arcanea.prune_rate_limit_usage()).';

CREATE TRIGGER likes_rate_limit BEFORE INSERT ON public.likes
    FOR EACH ROW EXECUTE FUNCTION arcanea.enforce_rate_limit('like');
CREATE TRIGGER follows_rate_limit BEFORE INSERT ON public.follows
    FOR EACH ROW EXECUTE FUNCTION arcanea.enforce_rate_limit('follow');
CREATE TRIGGER comments_rate_limit BEFORE INSERT ON public.comments
    FOR EACH ROW EXECUTE FUNCTION arcanea.enforce_rate_limit('comment');
CREATE TRIGGER luminor_messages_rate_limit BEFORE INSERT ON public.luminor_messages
    FOR EACH ROW EXECUTE FUNCTION arcanea.enforce_rate_limit('message');

-- Windows that closed are dead rows; a nightly job (pg_cron) keeps the
-- table small:  SELECT arcanea.prune_rate_limit_usage();
CREATE FUNCTION arcanea.prune_rate_limit_usage() RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    WITH gone AS (
        DELETE FROM arcanea.rate_limit_usage u
         WHERE u.window_start <= now() - coalesce((SELECT l.per FROM arcanea.rate_limits l
                                                    WHERE l.action = u.action AND l.max_calls IS NOT NULL),
                                                  interval '0')
        RETURNING 1)
    SELECT count(*) FROM gone
$$;
COMMENT ON FUNCTION arcanea.prune_rate_limit_usage() IS
    'Deletes rate-limit windows that have closed; returns how many. Service role only.';
