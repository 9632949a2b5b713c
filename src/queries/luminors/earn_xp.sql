-- add_message_to_conversation: a user message earns the bond XP.  Earning
-- locks the relationship row until commit, which serialises the level-up
-- check for that user and Luminor.
--   $1 uuid  the user
--   $2 uuid  the Luminor
--   $3 int4  XP earned
-- Returns the bond's (level, XP) before any level-up is settled.
INSERT INTO public.luminor_relationships AS r
       (user_id, luminor_id, bond_xp, total_interactions, last_interaction_at)
VALUES ($1, $2, $3, 1, now())
ON CONFLICT (user_id, luminor_id) DO UPDATE
   SET bond_xp = r.bond_xp + excluded.bond_xp,
       total_interactions = r.total_interactions + 1,
       last_interaction_at = now()
RETURNING bond_level, bond_xp
