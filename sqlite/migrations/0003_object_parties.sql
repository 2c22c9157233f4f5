-- The party index: each domain record under every organization that is or was party
-- to it. Rows are only added, never removed, so a former party keeps seeing the record.
CREATE TABLE object_parties (
	party TEXT NOT NULL,
	kind  TEXT NOT NULL,
	id    TEXT NOT NULL,
	PRIMARY KEY (party, kind, id)
) WITHOUT ROWID;
