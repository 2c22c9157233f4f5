-- The committer keeps the totals of the ordered index itself: per batch, it moves each
-- total once by the sum of the batch's changes to it, rather than a trigger moving it
-- once per entry. The index by status has no totals (linkfin.Totaled).
DROP TRIGGER object_index_kept ON object_index;
DROP FUNCTION object_totals_keep();
DELETE FROM object_totals WHERE name = 'status';
