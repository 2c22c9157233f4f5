-- Domain records (organizations, relationships, programs, trade documents, …): canonical
-- JSON under (kind, id), written only by the engine, every change also an event in the log.
CREATE TABLE objects (
	kind       TEXT    NOT NULL,
	id         TEXT    NOT NULL,
	version    INTEGER NOT NULL,
	data       BLOB    NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (kind, id)
) WITHOUT ROWID;
