-- follow_user's and unfollow_user's answer: whether $1 follows $2 now, $2's
-- follower count and $1's following count, exact at this statement's
-- snapshot (the columns plus the deltas not yet folded into them).
--   $1 uuid  the follower
--   $2 uuid  the followed
SELECT EXISTS (SELECT 1 FROM public.follows WHERE follower_id = $1 AND following_id = $2),
       (SELECT p.follower_count + pc.followers
          FROM public.profiles p CROSS JOIN LATERAL arcanea.pending_profile_counts(p.id) pc
         WHERE p.id = $2),
       (SELECT p.following_count + pc.followings
          FROM public.profiles p CROSS JOIN LATERAL arcanea.pending_profile_counts(p.id) pc
         WHERE p.id = $1)
