-- get_user_feed: ours, page by offset (:offset 0 is the first page).
SELECT * FROM public.get_user_feed(bench.uid(:feed_user), 20, :offset);
