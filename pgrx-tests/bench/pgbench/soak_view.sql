-- soak-weight: 70
-- Write: count a view (POST /rpc/increment_creation_views), seven times in
-- ten as a visitor; one view in four is of the hot creation.
\set r random(1, 100)
\set u random(1, :nu)
\set c CASE WHEN :r % 4 = 0 THEN :hot ELSE 10 * random(0, :nc / 10 - 1) + random(1, 8) END
\set ipa random(0, 249)
\set ipb random(1, 250)
\if :r <= 70
BEGIN;
SELECT bench.request_as_anon('10.0.' || :ipa || '.' || :ipb, 'POST', '/rpc/increment_creation_views');
\else
BEGIN;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'POST', '/rpc/increment_creation_views');
\endif
SELECT public.increment_creation_views(p_creation_id => md5('c' || :c)::uuid);
END;
