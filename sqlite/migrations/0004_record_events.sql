-- The index of events by record: every event that wrote a version of a domain record,
-- by its position in the log, under the record's kind and id, written with the event.
-- A record's history is read from it in log order, without a scan of the log. The
-- ledger's events name no domain record, and are not in it.
CREATE TABLE record_events (
	seq  INTEGER PRIMARY KEY,
	kind TEXT    NOT NULL,
	id   TEXT    NOT NULL
);
-- seq is the rowid, which ends every entry of the index: a record's are in log order.
CREATE INDEX record_events_by_record ON record_events (kind, id);
