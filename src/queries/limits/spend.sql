-- Count one call of an action against a subject's rate limit (sql/45_rate_limits.sql)
-- and report where the window stands.  One statement: it opens a window at
-- the first call, adds to the open one, or starts over once the window has
-- passed; the row lock it takes serialises only the same subject's
-- concurrent calls.
--   $1 text  the action ('like', 'follow', 'comment', 'message', 'view', 'repeat_view')
--   $2 text  the subject, or NULL for the calling user: the JWT's sub,
--            spending nothing (no row) for an anonymous or trusted caller
--            (the insert triggers' form: identity and budget in one
--            statement, as it runs for every limited row)
-- Returns (calls in the window, max_calls, window seconds, seconds until it
-- ends); no row when the action has no limit or nobody is charged.
-- The trust test is arcanea.caller_is_trusted()'s expression written out, as
-- in queries/identity/caller.sql (why there; identity::trust_rule
-- holds the copies to the function).
WITH lim AS (SELECT max_calls, per FROM arcanea.rate_limits WHERE action = $1 AND max_calls IS NOT NULL),
who AS (SELECT coalesce($2, (SELECT auth.uid()::text
                              WHERE NOT coalesce((SELECT r.rolsuper OR r.rolbypassrls
                                                    FROM pg_catalog.pg_roles r
                                                   WHERE r.rolname = coalesce(nullif(pg_catalog.current_setting('role'), 'none'),
                                                                              pg_catalog.session_user())), false)))
               AS subject)
INSERT INTO arcanea.rate_limit_usage AS u (subject, action, window_start, calls)
SELECT who.subject, $1, now(), 1 FROM lim, who WHERE who.subject IS NOT NULL
ON CONFLICT (subject, action) DO UPDATE
   SET (window_start, calls) =
       (SELECT CASE WHEN u.window_start > now() - lim.per THEN u.window_start ELSE now() END,
               CASE WHEN u.window_start > now() - lim.per THEN u.calls + 1 ELSE 1 END
          FROM lim)
RETURNING u.calls::int8,
          (SELECT lim.max_calls::int8 FROM lim),
          (SELECT ceil(extract(epoch FROM lim.per))::int8 FROM lim),
          (SELECT greatest(ceil(extract(epoch FROM u.window_start + lim.per - now())), 1)::int8 FROM lim)
