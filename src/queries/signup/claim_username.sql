-- handle_new_user: claim one candidate username for a new profile.
-- ON CONFLICT DO NOTHING with no target: the username index is the
-- conflict we expect, and a concurrent sign-up for the same id is one we
-- tolerate.
--   $1 uuid  the user's id
--   $2 text  the candidate username
--   $3 text  display name
--   $4 text  avatar URL, or NULL
--   $5 text  arcanean_id (ARC-000123), drawn once per sign-up
-- Returns the id when the profile was created, no row when the name was taken.
INSERT INTO public.profiles (id, username, display_name, avatar_url, arcanean_id)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT DO NOTHING
RETURNING id
