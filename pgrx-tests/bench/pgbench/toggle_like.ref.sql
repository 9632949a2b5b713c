-- toggle_like: reference.  What a client writes without the function: look,
-- then delete or insert (the spec's trigger keeps creations.like_count),
-- then read the count back.  ON CONFLICT DO NOTHING only so that two
-- clients drawing the same pair cannot abort the run.
\set u random(1, :nu)
\set c CASE WHEN :hot > 0 THEN :hot ELSE 10 * random(0, :nc / 10 - 1) + random(1, 8) END
BEGIN;
SELECT count(*) AS liked FROM likes WHERE user_id = bench.uid(:u) AND creation_id = bench.cid(:c) \gset
\if :liked
DELETE FROM likes WHERE user_id = bench.uid(:u) AND creation_id = bench.cid(:c);
\else
INSERT INTO likes (user_id, creation_id) VALUES (bench.uid(:u), bench.cid(:c)) ON CONFLICT DO NOTHING;
\endif
SELECT like_count FROM creations WHERE id = bench.cid(:c);
COMMIT;
