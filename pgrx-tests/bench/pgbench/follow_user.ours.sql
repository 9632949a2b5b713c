-- follow_user: ours (a random pair, never oneself).
\set f random(1, :nu)
\set t 1 + (:f + random(0, :nu - 2)) % :nu
SELECT public.follow_user(bench.uid(:f), bench.uid(:t));
