-- The first schema of the history. Times are UTC text in one fixed-width layout
-- (2006-01-02T15:04:05.000000Z), so that text order is time order.

-- A document is one file or mail attachment that arrived. Its SHA-256 is unique
-- among real documents; a second arrival of the same bytes is kept as a row of
-- state 'duplicate' pointing at the first, so the UI can say when and from where.
CREATE TABLE documents (
	id           INTEGER PRIMARY KEY,
	source       TEXT NOT NULL CHECK (source IN ('folder', 'mailbox', 'manual')),
	origin       TEXT NOT NULL DEFAULT '', -- a path, or account/folder/uid
	name         TEXT NOT NULL,
	sha256       TEXT NOT NULL,
	format       TEXT NOT NULL DEFAULT '',
	state        TEXT NOT NULL CHECK (state IN ('imported', 'failed', 'duplicate')),
	problem      TEXT NOT NULL DEFAULT '',
	duplicate_of INTEGER REFERENCES documents (id),
	received_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX documents_sha256 ON documents (sha256) WHERE state <> 'duplicate';
CREATE INDEX documents_state ON documents (state, id);

-- An order is known once per shop and order number. order_json is the canonical
-- order (json.Marshal of order.Order); content_hash is over its content without
-- where it came from, so the same order in two files is the same content.
-- pending_* is a second version that arrived with other content, kept until the
-- user chooses.
CREATE TABLE orders (
	id                  INTEGER PRIMARY KEY,
	shop                TEXT NOT NULL,
	order_number        TEXT NOT NULL,
	document_id         INTEGER NOT NULL REFERENCES documents (id),
	order_json          TEXT NOT NULL,
	content_hash        TEXT NOT NULL,
	state               TEXT NOT NULL CHECK (state IN
		('new', 'ready', 'needs_attention', 'sending', 'sent', 'failed', 'skipped')),
	reason              TEXT NOT NULL DEFAULT '', -- why skipped, or why it needs attention
	problems_json       TEXT NOT NULL DEFAULT '[]',
	warnings_json       TEXT NOT NULL DEFAULT '[]',
	invoice_id          INTEGER,
	invoice_number      TEXT NOT NULL DEFAULT '',
	channel             TEXT NOT NULL DEFAULT '',
	channel_reason      TEXT NOT NULL DEFAULT '',
	customer            TEXT NOT NULL DEFAULT '',
	order_date          TEXT NOT NULL DEFAULT '',
	gross               TEXT NOT NULL DEFAULT '', -- exact decimal text, never a float
	currency            TEXT NOT NULL DEFAULT '',
	tries               INTEGER NOT NULL DEFAULT 0,
	not_before          TEXT NOT NULL DEFAULT '',
	pending_json        TEXT,
	pending_hash        TEXT,
	pending_document_id INTEGER REFERENCES documents (id),
	created_at          TEXT NOT NULL,
	updated_at          TEXT NOT NULL,
	UNIQUE (shop, order_number)
);
CREATE INDEX orders_state ON orders (state, id);
CREATE INDEX orders_document ON orders (document_id);

-- Substring search over order number, customer and invoice number (trigrams,
-- case-insensitive, also for ä and ö).
CREATE VIRTUAL TABLE orders_search USING fts5 (
	order_number, customer, invoice_number,
	content = 'orders', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER orders_search_insert AFTER INSERT ON orders BEGIN
	INSERT INTO orders_search (rowid, order_number, customer, invoice_number)
	VALUES (new.id, new.order_number, new.customer, new.invoice_number);
END;
CREATE TRIGGER orders_search_delete AFTER DELETE ON orders BEGIN
	INSERT INTO orders_search (orders_search, rowid, order_number, customer, invoice_number)
	VALUES ('delete', old.id, old.order_number, old.customer, old.invoice_number);
END;
CREATE TRIGGER orders_search_update AFTER UPDATE OF order_number, customer, invoice_number ON orders BEGIN
	INSERT INTO orders_search (orders_search, rowid, order_number, customer, invoice_number)
	VALUES ('delete', old.id, old.order_number, old.customer, old.invoice_number);
	INSERT INTO orders_search (rowid, order_number, customer, invoice_number)
	VALUES (new.id, new.order_number, new.customer, new.invoice_number);
END;

-- Counts per state, kept by triggers so that the UI's tab counts cost one
-- small read however long the history grows.
CREATE TABLE state_counts (
	state TEXT PRIMARY KEY,
	n     INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO state_counts (state) VALUES
	('new'), ('ready'), ('needs_attention'), ('sending'), ('sent'), ('failed'), ('skipped');
CREATE TRIGGER state_counts_insert AFTER INSERT ON orders BEGIN
	UPDATE state_counts SET n = n + 1 WHERE state = new.state;
END;
CREATE TRIGGER state_counts_delete AFTER DELETE ON orders BEGIN
	UPDATE state_counts SET n = n - 1 WHERE state = old.state;
END;
CREATE TRIGGER state_counts_update AFTER UPDATE OF state ON orders WHEN old.state <> new.state BEGIN
	UPDATE state_counts SET n = n - 1 WHERE state = old.state;
	UPDATE state_counts SET n = n + 1 WHERE state = new.state;
END;

-- Every call that could create or change an invoice. An attempt is written
-- 'in_doubt' before the call and settled after it.
CREATE TABLE attempts (
	id          INTEGER PRIMARY KEY,
	order_id    INTEGER NOT NULL REFERENCES orders (id),
	at          TEXT NOT NULL,
	action      TEXT NOT NULL CHECK (action IN ('create', 'approve', 'send', 'markpaid', 'lookup')),
	outcome     TEXT NOT NULL CHECK (outcome IN ('ok', 'failed', 'in_doubt')),
	http_status INTEGER NOT NULL DEFAULT 0,
	error       TEXT NOT NULL DEFAULT '',
	finished_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX attempts_order ON attempts (order_id, id);

CREATE TABLE mailbox_positions (
	account     TEXT NOT NULL,
	folder      TEXT NOT NULL,
	uidvalidity INTEGER NOT NULL,
	last_uid    INTEGER NOT NULL,
	updated_at  TEXT NOT NULL,
	PRIMARY KEY (account, folder)
) WITHOUT ROWID;

CREATE TABLE events (
	id          INTEGER PRIMARY KEY,
	at          TEXT NOT NULL,
	level       TEXT NOT NULL CHECK (level IN ('info', 'warning', 'error')),
	order_id    INTEGER REFERENCES orders (id),
	document_id INTEGER REFERENCES documents (id),
	text        TEXT NOT NULL
);
CREATE INDEX events_order ON events (order_id, id);
