-- Data shapes (scripts/bench.sh, issue 15): the cost of a publish to the
-- materialised feeds (sql/27_feeds.sql), as a client does it through
-- PostgREST, signed in as account :author (id): insert a draft (POST
-- /creations), then, when :publish is 1, publish it (POST
-- /rpc/publish_creation), which fans out to every materialised follower.
-- :publish 0 measures the draft alone: the difference is the publish.
-- Both in one transaction, rolled back, so the data set does not grow.
BEGIN;
SELECT bench.request_as_user(:author::uuid, 'POST', '/rpc/publish_creation');
INSERT INTO public.creations (user_id, title, type, status, is_public)
VALUES (:author::uuid, 'bench publish', 'image', 'draft', true) RETURNING id AS cid \gset
\if :publish
SELECT status FROM public.publish_creation(:cid::uuid);
\endif
ROLLBACK;
