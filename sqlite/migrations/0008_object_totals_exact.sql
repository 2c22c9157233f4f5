-- A total of the ordered index sums every entry of a value, as many as there are
-- records: past 9,223 amounts of linkfin.MaxAmount the sum passes 2^63, where SQLite
-- turns an INTEGER into an inexact REAL. Each total is kept exactly in two parts,
-- amount_high × 10^18 + amount with 0 ≤ amount < 10^18 (linkfin.Sum): the committer
-- carries what passes 10^18 from one to the other. A sum below 10^18 is amount alone.
-- The totals are summed again from the index, exactly, once the migrations have run
-- (0008_object_totals_exact_sums): one that passed 2^63 before is a REAL.
ALTER TABLE object_totals ADD COLUMN amount_high INTEGER NOT NULL DEFAULT 0;
