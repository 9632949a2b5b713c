-- follow_user: reference.  Insert the edge (the spec's trigger keeps
-- follower_count / following_count), read both counts back.
\set f random(1, :nu)
\set t 1 + (:f + random(0, :nu - 2)) % :nu
BEGIN;
INSERT INTO follows (follower_id, following_id) VALUES (bench.uid(:f), bench.uid(:t)) ON CONFLICT DO NOTHING;
SELECT id, follower_count, following_count FROM profiles WHERE id IN (bench.uid(:f), bench.uid(:t));
COMMIT;
