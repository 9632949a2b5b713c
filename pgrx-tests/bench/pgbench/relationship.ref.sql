-- Spec "Common Query Patterns" 5 (Get Luminor Relationship with Bond Level),
-- as written; $1 = bench.uid(:cu), $2 = bench.lum(:k).
\set v random(1, :nv)
\set cu 1 + (:v * 2654435761) % :nu
\set k 1 + :v % 3
SELECT lr.*, l.name as luminor_name, l.color as luminor_color, FLOOR(100 * POWER(lr.bond_level, 1.5)) as xp_for_next_level, (lr.bond_xp::FLOAT / FLOOR(100 * POWER(lr.bond_level, 1.5))::FLOAT * 100) as level_progress_percent FROM luminor_relationships lr JOIN luminors l ON l.id = lr.luminor_id WHERE lr.user_id = bench.uid(:cu) AND lr.luminor_id = bench.lum(:k);
