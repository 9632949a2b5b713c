-- toggle_like: ours.  :hot > 0 toggles that creation, else a random
-- published public one (creation n is published and public iff n % 10 is 1..8).
\set u random(1, :nu)
\set c CASE WHEN :hot > 0 THEN :hot ELSE 10 * random(0, :nc / 10 - 1) + random(1, 8) END
SELECT public.toggle_like(bench.uid(:u), bench.cid(:c));
