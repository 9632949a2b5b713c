-- get_user_stats: a user's public figures, from the profile's counters and
-- one pass over the user's creations, each exact (the columns plus the
-- deltas not yet folded into them, one index probe per creation); and the
-- private part (drafts, messages, bonds, unread notifications, billing)
-- when $2 says the caller may see it (the user themself or a trusted
-- caller).
--   $1 uuid  the user
--   $2 bool  include the private part
-- Returns (is_active, the document).
SELECT p.is_active,
       jsonb_build_object(
           'user_id', p.id, 'username', p.username, 'display_name', p.display_name,
           'tier', p.tier, 'is_verified', p.is_verified, 'member_since', p.created_at,
           'creation_count', p.creation_count + pp_counts.creations,
           'follower_count', p.follower_count + pp_counts.followers,
           'following_count', p.following_count + pp_counts.followings,
           'likes_received', s.likes_public, 'views_received', s.views_public,
           'comments_received', s.comments_public)
       || CASE WHEN $2 THEN jsonb_build_object('private', jsonb_build_object(
           'creations_by_status', jsonb_build_object(
               'draft', s.draft, 'processing', s.processing,
               'published', s.published, 'archived', s.archived),
           'likes_received_all', s.likes_all, 'views_received_all', s.views_all,
           'comments_received_all', s.comments_all,
           'messages_sent', (SELECT count(*) FROM public.luminor_messages m
                              WHERE m.user_id = p.id AND m.role = 'user'),
           'luminor_bonds', (SELECT jsonb_build_object('count', count(*),
                                                       'highest_level', coalesce(max(r.bond_level), 0))
                               FROM public.luminor_relationships r WHERE r.user_id = p.id),
           'unread_notifications', (SELECT count(*) FROM public.notifications n
                                     WHERE n.user_id = p.id AND NOT n.is_read),
           'subscription_status', p.subscription_status,
           'onboarding_completed', pp.onboarding_completed,
           'last_active_at', pp.last_active_at)) ELSE '{}'::jsonb END
  FROM public.profiles p
  LEFT JOIN public.profile_private pp ON pp.id = p.id
      CROSS JOIN LATERAL (
       SELECT count(*) FILTER (WHERE c.status = 'draft') AS draft,
              count(*) FILTER (WHERE c.status = 'processing') AS processing,
              count(*) FILTER (WHERE c.status = 'published') AS published,
              count(*) FILTER (WHERE c.status = 'archived') AS archived,
              coalesce(sum(c.like_count + pc.likes) FILTER (WHERE c.status = 'published' AND c.is_public), 0) AS likes_public,
              coalesce(sum(c.view_count + pc.views) FILTER (WHERE c.status = 'published' AND c.is_public), 0) AS views_public,
              coalesce(sum(c.comment_count + pc.comments) FILTER (WHERE c.status = 'published' AND c.is_public), 0) AS comments_public,
              coalesce(sum(c.like_count + pc.likes), 0) AS likes_all,
              coalesce(sum(c.view_count + pc.views), 0) AS views_all,
              coalesce(sum(c.comment_count + pc.comments), 0) AS comments_all
         FROM public.creations c CROSS JOIN LATERAL arcanea.pending_creation_counts(c.id) pc
        WHERE c.user_id = p.id) s
      CROSS JOIN LATERAL arcanea.pending_profile_counts(p.id) pp_counts
      WHERE p.id = $1
