-- Accounts: balances in integer minor units. last_transfer (a transfer id) heads the
-- account's chain of transfers (transfers.prev_debit / prev_credit), so listing an
-- account's transfers needs no secondary index on the hot insert path.
CREATE TABLE accounts (
	id              INTEGER PRIMARY KEY,
	ledger          INTEGER NOT NULL,
	currency        TEXT    NOT NULL,
	code            INTEGER NOT NULL,
	flags           INTEGER NOT NULL,
	debits_pending  INTEGER NOT NULL,
	debits_posted   INTEGER NOT NULL,
	credits_pending INTEGER NOT NULL,
	credits_posted  INTEGER NOT NULL,
	created_at      INTEGER NOT NULL,
	last_transfer   INTEGER NOT NULL
);

-- Transfers are immutable, keyed by the client's id and nothing else: with ids that
-- grow (time-ordered ids, as TigerBeetle recommends), inserts append.
CREATE TABLE transfers (
	id                INTEGER PRIMARY KEY,
	ts                INTEGER NOT NULL,
	debit_account_id  INTEGER NOT NULL,
	credit_account_id INTEGER NOT NULL,
	amount            INTEGER NOT NULL,
	pending_id        INTEGER NOT NULL,
	ledger            INTEGER NOT NULL,
	currency          TEXT    NOT NULL,
	code              INTEGER NOT NULL,
	flags             INTEGER NOT NULL,
	timeout           INTEGER NOT NULL,
	prev_debit        INTEGER NOT NULL,
	prev_credit       INTEGER NOT NULL
);

-- The state of each pending (two-phase) transfer.
CREATE TABLE pending_transfers (
	id         INTEGER PRIMARY KEY,
	expires_at INTEGER NOT NULL,
	status     INTEGER NOT NULL
);
CREATE INDEX pending_transfers_open ON pending_transfers (status, expires_at);

-- The event log: one row per leaf of the transparency log. A transfer.created event
-- keeps nothing but its position and transfer_id: its time and data are those of the
-- transfers row it names, re-encoded when read. Other events have time, type and data.
CREATE TABLE events (
	seq         INTEGER PRIMARY KEY,
	time        INTEGER,
	type        TEXT,
	data        BLOB,
	transfer_id INTEGER,
	CHECK ((transfer_id IS NULL) = (time IS NOT NULL AND type IS NOT NULL AND data IS NOT NULL))
);

-- Tiles of the log's Merkle tree; a partial tile is replaced as it grows.
CREATE TABLE log_tiles (
	level INTEGER NOT NULL,
	idx   INTEGER NOT NULL,
	width INTEGER NOT NULL,
	data  BLOB    NOT NULL,
	PRIMARY KEY (level, idx)
) WITHOUT ROWID;

CREATE TABLE checkpoints (
	size INTEGER PRIMARY KEY,
	hash BLOB    NOT NULL,
	note BLOB    NOT NULL,
	time INTEGER NOT NULL
);

CREATE TABLE idempotency_keys (
	key          TEXT PRIMARY KEY,
	request_hash BLOB    NOT NULL,
	response     BLOB    NOT NULL,
	created_at   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
