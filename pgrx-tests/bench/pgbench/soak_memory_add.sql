-- soak-weight: 8
-- Write: remember something about the user (POST /rpc/add_key_memory),
-- mostly for a conversation's owner and Luminor, one time in four for a
-- random user and Luminor (which may create the relationship).  The
-- contents repeat, so most calls update a memory rather than add one.
\set r random(1, 100)
\set v random(1, :nv)
\set u CASE WHEN :r <= 25 THEN random(1, :nu) ELSE 1 + (:v * 2654435761) % :nu END
\set k CASE WHEN :r <= 25 THEN random(1, 3) ELSE 1 + :v % 3 END
\set w random(1, 6)
BEGIN;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'POST', '/rpc/add_key_memory');
SELECT public.add_key_memory(
    p_luminor_id => ('00000000-0000-4000-8000-00000000a00' || :k)::uuid,
    p_memory_type => (ARRAY['fact', 'preference', 'goal', 'fact', 'preference', 'goal'])[:w],
    p_content => (ARRAY['Plays the cello', 'Prefers watercolor over oil', 'Wants to finish an album by spring',
                        'Has a dog called Miso', 'Likes music in minor keys', 'Is learning to animate'])[:w],
    p_importance => 1 + :r % 10);
END;
