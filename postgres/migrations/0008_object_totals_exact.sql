-- A total of the ordered index sums every entry of a value, as many as there are
-- records: past 9,223 amounts of linkfin.MaxAmount the sum passes 2^63, and a BIGINT
-- total made the commit fail ("bigint out of range"), for every request of its batch.
-- A NUMERIC total is exact at any size; it is read as the two parts of a linkfin.Sum,
-- and a report refuses a figure beyond an int64 (total_too_large) instead. The totals
-- kept so far are exact: the commit that would have passed 2^63 failed.
ALTER TABLE object_totals ALTER COLUMN amount TYPE NUMERIC;
