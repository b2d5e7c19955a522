-- Version 1 to 2: a visitors column beside each count of a value, new
-- dimensions (campaigns and not-found pages) and the events table. SQLite
-- cannot change a CHECK constraint in place, so dimensions is copied into
-- a new table; every row keeps its count, and visitors starts at 0
-- (unknown) for the days counted before.
ALTER TABLE views ADD COLUMN visitors INTEGER NOT NULL DEFAULT 0 CHECK (visitors >= 0);

CREATE TABLE dimensions_v2 (
	day      TEXT NOT NULL,
	dim      TEXT NOT NULL CHECK (dim IN ('browser', 'os', 'device', 'language', 'referrer', 'country',
	                                      'source', 'medium', 'campaign', 'not-found')),
	value    TEXT NOT NULL,
	n        INTEGER NOT NULL CHECK (n >= 0),
	visitors INTEGER NOT NULL DEFAULT 0 CHECK (visitors >= 0),
	PRIMARY KEY (day, dim, value)
) WITHOUT ROWID;
INSERT INTO dimensions_v2 (day, dim, value, n) SELECT day, dim, value, n FROM dimensions;
DROP TABLE dimensions;
ALTER TABLE dimensions_v2 RENAME TO dimensions;

CREATE TABLE events (
	day      TEXT NOT NULL,
	kind     TEXT NOT NULL CHECK (kind IN ('outbound', 'download', 'event')),
	name     TEXT NOT NULL,
	n        INTEGER NOT NULL CHECK (n >= 0),
	visitors INTEGER NOT NULL DEFAULT 0 CHECK (visitors >= 0),
	PRIMARY KEY (day, kind, name)
) WITHOUT ROWID;
