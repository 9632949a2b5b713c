-- get_user_feed: ours, the page after :cursor (page 49's last cursor).
SELECT * FROM public.get_user_feed(bench.uid(:feed_user), 20, 0, :cursor);
