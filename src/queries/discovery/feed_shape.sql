-- get_user_feed: what domain::feed needs to choose the cheaper way to read
-- a page: how many accounts the reader follows, and the planner's row
-- counts of profiles and of published public creations (reltuples, -1
-- before the first ANALYZE; the partial index holds exactly those rows).
--   $1 uuid  the reader
SELECT coalesce((SELECT following_count FROM public.profiles WHERE id = $1), 0)::float8,
       (SELECT reltuples::float8 FROM pg_catalog.pg_class WHERE oid = 'public.profiles'::regclass),
       (SELECT reltuples::float8 FROM pg_catalog.pg_class
         WHERE oid = 'public.idx_creations_public_newest'::regclass)
