-- soak-weight: 100
-- Read: a profile's stats (GET /rpc/get_user_stats), half the time as a
-- visitor; one time in ten a celebrity (users 1-5, followed by half of
-- everyone); a signed-in user reads their own stats one time in four.
\set r random(1, 100)
\set u random(1, :nu)
\set t CASE WHEN :r % 10 = 0 THEN random(1, least(5, :nu)) ELSE random(1, :nu) END
\set ipa random(0, 249)
\set ipb random(1, 250)
\if :r <= 50
BEGIN READ ONLY;
SELECT bench.request_as_anon('10.0.' || :ipa || '.' || :ipb, 'GET', '/rpc/get_user_stats');
SELECT public.get_user_stats(p_user_id => md5('u' || :t)::uuid);
END;
\else
BEGIN READ ONLY;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'GET', '/rpc/get_user_stats');
SELECT public.get_user_stats(p_user_id => md5('u' || CASE WHEN :r <= 62 THEN :u ELSE :t END)::uuid);
END;
\endif
