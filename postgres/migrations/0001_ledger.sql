-- Accounts: balances in integer minor units. last_transfer (a transfer id) heads the
-- account's chain of transfers (transfers.prev_debit / prev_credit), so listing an
-- account's transfers needs no secondary index on the hot insert path. Every batch
-- rewrites thousands of accounts in place: the free space left on each page lets those
-- updates stay HOT (heap-only, no index write).
CREATE TABLE accounts (
	id              BIGINT  PRIMARY KEY,
	ledger          BIGINT  NOT NULL, -- uint32
	currency        TEXT    NOT NULL,
	code            INTEGER NOT NULL, -- uint16
	flags           INTEGER NOT NULL, -- uint16
	debits_pending  BIGINT  NOT NULL,
	debits_posted   BIGINT  NOT NULL,
	credits_pending BIGINT  NOT NULL,
	credits_posted  BIGINT  NOT NULL,
	created_at      BIGINT  NOT NULL,
	last_transfer   BIGINT  NOT NULL
) WITH (fillfactor = 70);

-- Transfers are immutable, keyed by the client's id and nothing else: with ids that
-- grow (time-ordered ids, as TigerBeetle recommends), inserts append.
CREATE TABLE transfers (
	id                BIGINT  PRIMARY KEY,
	ts                BIGINT  NOT NULL,
	debit_account_id  BIGINT  NOT NULL,
	credit_account_id BIGINT  NOT NULL,
	amount            BIGINT  NOT NULL,
	pending_id        BIGINT  NOT NULL,
	ledger            BIGINT  NOT NULL, -- uint32
	currency          TEXT    NOT NULL,
	code              INTEGER NOT NULL, -- uint16
	flags             INTEGER NOT NULL, -- uint16
	timeout           BIGINT  NOT NULL, -- uint32 seconds
	prev_debit        BIGINT  NOT NULL,
	prev_credit       BIGINT  NOT NULL
);

-- The state of each pending (two-phase) transfer.
CREATE TABLE pending_transfers (
	id         BIGINT   PRIMARY KEY,
	expires_at BIGINT   NOT NULL,
	status     SMALLINT NOT NULL
);
CREATE INDEX pending_transfers_open ON pending_transfers (status, expires_at);

-- The event log: one row per leaf of the transparency log.
-- A transfer.created event keeps nothing but its position and transfer_id: its time
-- and data are those of the transfers row it names, re-encoded when read.
CREATE TABLE events (
	seq         BIGINT PRIMARY KEY,
	time        BIGINT,
	type        TEXT,
	data        BYTEA,
	transfer_id BIGINT,
	CHECK ((transfer_id IS NULL) = (time IS NOT NULL AND type IS NOT NULL AND data IS NOT NULL))
);

-- Tiles of the log's Merkle tree; a partial tile is replaced as it grows.
CREATE TABLE log_tiles (
	level INTEGER NOT NULL,
	idx   BIGINT  NOT NULL,
	width INTEGER NOT NULL,
	data  BYTEA   NOT NULL,
	PRIMARY KEY (level, idx)
);

CREATE TABLE checkpoints (
	size BIGINT PRIMARY KEY,
	hash BYTEA  NOT NULL,
	note BYTEA  NOT NULL,
	time BIGINT NOT NULL
);

CREATE TABLE idempotency_keys (
	key          TEXT   PRIMARY KEY,
	request_hash BYTEA  NOT NULL,
	response     BYTEA  NOT NULL,
	created_at   BIGINT NOT NULL
);

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
