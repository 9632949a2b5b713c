-- What a soak run must leave intact besides the counters (which
-- arcanea.recount_counters() checks): one row per invariant, its name and
-- how many rows break it.  Read by pgrx-tests/shell/soak.sh (short form)
-- and the soak stage of scripts/bench.sh (long form), with psql variable
-- `since`: the soak's start.  Bonds are checked among the relationships
-- that earned XP during the soak (last_interaction_at): the benchmark's
-- naive reference job for messages adds XP without levelling up, and
-- leaves unsettled bonds that are not ours.
SELECT 'one live conversation per (user, Luminor, session)' AS invariant, count(*) AS violations
  FROM (SELECT 1 FROM public.luminor_conversations WHERE is_active AND NOT is_archived
         GROUP BY user_id, luminor_id, session_id HAVING count(*) > 1) d
UNION ALL
SELECT 'notification grouping held: no (recipient, group_key) notified twice within 24 h', count(*)
  FROM public.notifications n
 WHERE n.group_key IS NOT NULL AND EXISTS (
       SELECT 1 FROM public.notifications o
        WHERE o.user_id = n.user_id AND o.group_key = n.group_key AND o.id <> n.id
          AND o.created_at BETWEEN n.created_at - interval '24 hours' AND n.created_at)
UNION ALL
SELECT 'every bond is settled (no level below 10 holds the XP of the next level)', count(*)
  FROM public.luminor_relationships
 WHERE bond_level < 10 AND bond_xp >= floor(100 * power(bond_level, 1.5))
   AND last_interaction_at >= :'since'::timestamptz;
