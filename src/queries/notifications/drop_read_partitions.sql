-- cleanup_notifications, first: drop the monthly partitions of
-- notifications in which every row was read longer ago than $1
-- (sql/77_partitions.sql); the DELETE of cleanup.sql takes the rest.
--   $1 interval  the age
-- Returns how many rows left with the dropped partitions.
SELECT arcanea.drop_read_notification_partitions(now() - $1)
