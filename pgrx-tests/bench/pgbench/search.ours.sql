-- search_creations: ours.
SELECT * FROM public.search_creations(:q);
