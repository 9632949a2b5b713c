-- add_message_to_conversation: reference.  "Add message and update stats"
-- in plain SQL: insert the message (the trigger keeps message_count and
-- last_message_at), then add the bond XP.
\set v random(1, :nv)
\set cu 1 + (:v * 2654435761) % :nu
BEGIN;
INSERT INTO luminor_messages (conversation_id, user_id, role, content) VALUES (bench.vid(:v), bench.uid(:cu), 'user', 'How do I make the lighting in this scene feel warmer?') RETURNING *;
UPDATE luminor_relationships SET bond_xp = bond_xp + 10, total_interactions = total_interactions + 1, last_interaction_at = now() WHERE user_id = bench.uid(:cu) AND luminor_id = (SELECT luminor_id FROM luminor_conversations WHERE id = bench.vid(:v));
COMMIT;
