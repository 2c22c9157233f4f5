-- The ordered index of records (linkfin.IndexOf): each record's entries under a name
-- and a value, replaced whenever the record is written, listed in (value, id) order.
CREATE TABLE object_index (
	kind   TEXT   NOT NULL,
	id     TEXT   NOT NULL,
	name   TEXT   NOT NULL,
	value  TEXT   NOT NULL COLLATE "C",
	amount BIGINT NOT NULL,
	PRIMARY KEY (kind, id, name, value)
);
CREATE INDEX object_index_by_value ON object_index (kind, name, value, id);
-- The totals of the index: per name and value, the count and the sum of the amounts
-- of its entries, kept by the trigger below as entries come and go.
CREATE TABLE object_totals (
	kind   TEXT   NOT NULL,
	name   TEXT   NOT NULL,
	value  TEXT   NOT NULL COLLATE "C",
	count  BIGINT NOT NULL,
	amount BIGINT NOT NULL,
	PRIMARY KEY (kind, name, value)
);
CREATE FUNCTION object_totals_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO object_totals (kind, name, value, count, amount) VALUES (NEW.kind, NEW.name, NEW.value, 1, NEW.amount)
			ON CONFLICT (kind, name, value) DO UPDATE SET count = object_totals.count + 1, amount = object_totals.amount + EXCLUDED.amount;
		RETURN NEW;
	END IF;
	UPDATE object_totals SET count = count - 1, amount = amount - OLD.amount
		WHERE kind = OLD.kind AND name = OLD.name AND value = OLD.value;
	RETURN OLD;
END
$$;
CREATE TRIGGER object_index_kept AFTER INSERT OR DELETE ON object_index
	FOR EACH ROW EXECUTE FUNCTION object_totals_keep();
