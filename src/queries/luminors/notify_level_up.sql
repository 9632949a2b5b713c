-- check_bond_level_up / add_message_to_conversation: one bond_level_up
-- notification for a level reached.
--   $1 uuid  the user
--   $2 uuid  the Luminor
--   $3 int4  the level reached
SELECT arcanea.notify(
  $1, 'bond_level_up',
  'Your bond with ' || l.name || ' reached level ' || $3,
  l.name || ' feels closer to you than ever.',
  '/luminors/' || l.slug,
  jsonb_build_object('luminor_id', l.id, 'luminor_name', l.name, 'luminor_slug', l.slug,
                     'bond_level', $3, 'previous_level', $3 - 1))
FROM public.luminors l WHERE l.id = $2
