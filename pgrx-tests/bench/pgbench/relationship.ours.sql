-- get_luminor_relationship: ours (the bond behind a random conversation).
\set v random(1, :nv)
\set cu 1 + (:v * 2654435761) % :nu
\set k 1 + :v % 3
SELECT public.get_luminor_relationship(bench.uid(:cu), bench.lum(:k));
