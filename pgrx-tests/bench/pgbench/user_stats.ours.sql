-- get_user_stats: ours (:who > 0 reads that user, else a random one).
\set u CASE WHEN :who > 0 THEN :who ELSE random(1, :nu) END
SELECT public.get_user_stats(bench.uid(:u));
