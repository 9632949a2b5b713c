-- get_luminor_relationship: the bond as a document, with the Luminor's
-- name and colour.
--   $1 uuid  the user
--   $2 uuid  the Luminor
-- Returns (bond_level, bond_xp, the document).
SELECT lr.bond_level, lr.bond_xp,
      to_jsonb(lr) || jsonb_build_object('luminor_name', l.name, 'luminor_color', l.color)
 FROM public.luminor_relationships lr JOIN public.luminors l ON l.id = lr.luminor_id
WHERE lr.user_id = $1 AND lr.luminor_id = $2
