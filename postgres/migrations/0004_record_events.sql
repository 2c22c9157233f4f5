-- The index of events by record: every event that wrote a version of a domain record,
-- by its position in the log, under the record's kind and id, written with the event.
-- A record's history is read from it in log order, without a scan of the log. The
-- ledger's events name no domain record, and are not in it.
CREATE TABLE record_events (
	seq  BIGINT PRIMARY KEY,
	kind TEXT   NOT NULL,
	id   TEXT   NOT NULL
);
CREATE INDEX record_events_by_record ON record_events (kind, id, seq);
