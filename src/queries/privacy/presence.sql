-- get_presence: when each of the given users was last active, for those
-- the caller may see it of: themself, and the active accounts they follow
-- that share their presence (profile_private.share_presence); all of them
-- for a trusted caller.  Others are left out, as if never seen.
--   $1 uuid    the caller, or NULL for a trusted caller
--   $2 uuid[]  the users asked about
SELECT pp.id, pp.last_active_at
  FROM public.profile_private pp
  JOIN public.profiles p ON p.id = pp.id
 WHERE pp.id = ANY ($2)
   AND ($1 IS NULL OR pp.id = $1
        OR (pp.share_presence AND p.is_active
            AND EXISTS (SELECT 1 FROM public.follows f WHERE f.follower_id = $1 AND f.following_id = pp.id)))
 ORDER BY pp.id
