-- The demo data of `scripts/stack.sh up --demo` (pgrx-tests/fixtures/demo.sql)
-- loads into the installed schema, and loading it again changes nothing:
-- every table keeps its row count and every counter equals its recount.
BEGIN;
SELECT plan(3);

\set ON_ERROR_STOP 1
\ir ../fixtures/demo.sql
CREATE TEMP TABLE after_one AS
SELECT (SELECT count(*) FROM public.profiles) AS profiles, (SELECT count(*) FROM public.creations) AS creations,
       (SELECT count(*) FROM public.likes) AS likes, (SELECT count(*) FROM public.follows) AS follows,
       (SELECT count(*) FROM public.luminor_messages) AS messages, (SELECT count(*) FROM public.notifications) AS notifications;
SELECT ok((SELECT profiles >= 3 AND creations > 0 AND likes > 0 AND follows > 0 AND messages = 3 AND notifications > 0
             FROM after_one),
          'the demo data loads: users, creations, likes, follows, three messages, notifications');
\ir ../fixtures/demo.sql
SELECT is((SELECT ROW((SELECT count(*) FROM public.profiles), (SELECT count(*) FROM public.creations),
                      (SELECT count(*) FROM public.likes), (SELECT count(*) FROM public.follows),
                      (SELECT count(*) FROM public.luminor_messages), (SELECT count(*) FROM public.notifications))::text),
          (SELECT ROW(profiles, creations, likes, follows, messages, notifications)::text FROM after_one),
          'loading it again changes no table''s row count');
SELECT is((SELECT count(*)::int FROM arcanea.recount_counters() WHERE rows_fixed <> 0), 0,
          'every counter equals its recount after both loads');

SELECT * FROM finish();
ROLLBACK;
