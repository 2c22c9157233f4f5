-- The committer keeps the totals of the ordered index itself: per batch, it moves each
-- total once by the sum of the batch's changes to it, rather than a trigger moving it
-- once per entry. The index by status has no totals (linkfin.Totaled).
DROP TRIGGER object_index_added;
DROP TRIGGER object_index_removed;
DELETE FROM object_totals WHERE name = 'status';
