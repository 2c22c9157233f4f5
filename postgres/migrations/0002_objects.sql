-- Domain records (organizations, relationships, programs, trade documents, …): canonical
-- JSON under (kind, id), written only by the engine, every change also an event in the log.
CREATE TABLE objects (
	kind       TEXT   NOT NULL,
	id         TEXT   NOT NULL,
	version    BIGINT NOT NULL,
	data       BYTEA  NOT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (kind, id)
);
