-- The ordered index is one B-tree, keyed in the order it is listed: (kind, name, value,
-- id). It had a second one, by record, that every entry written and deleted paid for
-- twice; nothing reads by record but linkfin verify, which looks each entry up by its
-- whole key instead.
CREATE TABLE object_index_new (
	kind   TEXT    NOT NULL,
	id     TEXT    NOT NULL,
	name   TEXT    NOT NULL,
	value  TEXT    NOT NULL,
	amount INTEGER NOT NULL,
	PRIMARY KEY (kind, name, value, id)
) WITHOUT ROWID;
INSERT INTO object_index_new (kind, id, name, value, amount)
	SELECT kind, id, name, value, amount FROM object_index ORDER BY kind, name, value, id;
DROP TABLE object_index;
ALTER TABLE object_index_new RENAME TO object_index;
