-- Every text column compares as bytes (COLLATE "C"), as in
-- SQLite and in Go, whatever locale the database was created with. Under a linguistic
-- default (en_US.UTF-8, an ICU locale: the common ones), "Beta" came after "alpha" and
-- "a_b" before "a-b": the two stores listed the same records in different orders, and
-- an upgrade of the system's collation rules could leave an index out of order. The
-- ordered index's and the totals' values already compared as bytes (0005).
ALTER TABLE objects
	ALTER COLUMN kind TYPE TEXT COLLATE "C",
	ALTER COLUMN id TYPE TEXT COLLATE "C";
ALTER TABLE object_parties
	ALTER COLUMN party TYPE TEXT COLLATE "C",
	ALTER COLUMN kind TYPE TEXT COLLATE "C",
	ALTER COLUMN id TYPE TEXT COLLATE "C";
ALTER TABLE record_events
	ALTER COLUMN kind TYPE TEXT COLLATE "C",
	ALTER COLUMN id TYPE TEXT COLLATE "C";
ALTER TABLE object_index
	ALTER COLUMN kind TYPE TEXT COLLATE "C",
	ALTER COLUMN id TYPE TEXT COLLATE "C",
	ALTER COLUMN name TYPE TEXT COLLATE "C";
ALTER TABLE object_totals
	ALTER COLUMN kind TYPE TEXT COLLATE "C",
	ALTER COLUMN name TYPE TEXT COLLATE "C";
ALTER TABLE idempotency_keys
	ALTER COLUMN key TYPE TEXT COLLATE "C";
ALTER TABLE meta
	ALTER COLUMN key TYPE TEXT COLLATE "C",
	ALTER COLUMN value TYPE TEXT COLLATE "C";
ALTER TABLE accounts
	ALTER COLUMN currency TYPE TEXT COLLATE "C";
ALTER TABLE transfers
	ALTER COLUMN currency TYPE TEXT COLLATE "C";
ALTER TABLE events
	ALTER COLUMN type TYPE TEXT COLLATE "C";
