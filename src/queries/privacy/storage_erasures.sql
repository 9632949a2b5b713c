-- pending_storage_erasures: the files of erased accounts that are still in
-- storage, for the service to delete through the Storage API (which then
-- deletes their storage.objects rows).  Entries whose object is gone are
-- dropped first.
-- Returns (bucket_id, name, requested_at) of what is left to delete.
WITH done AS (
    DELETE FROM arcanea.storage_erasures e
     WHERE NOT EXISTS (SELECT 1 FROM storage.objects o WHERE o.bucket_id = e.bucket_id AND o.name = e.name))
SELECT e.bucket_id, e.name, e.requested_at
  FROM arcanea.storage_erasures e
 WHERE EXISTS (SELECT 1 FROM storage.objects o WHERE o.bucket_id = e.bucket_id AND o.name = e.name)
 ORDER BY e.requested_at, e.bucket_id, e.name
