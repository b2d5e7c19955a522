-- Folio analytics store, schema version 1. Aggregates only: no table has a
-- row per visit, and no column can hold an address or a user agent.
CREATE TABLE views (
	day  TEXT NOT NULL,            -- UTC date YYYY-MM-DD
	path TEXT NOT NULL,            -- a page of the site, query and fragment dropped
	n    INTEGER NOT NULL CHECK (n >= 0),
	PRIMARY KEY (day, path)
) WITHOUT ROWID;

CREATE TABLE dimensions (
	day   TEXT NOT NULL,
	dim   TEXT NOT NULL CHECK (dim IN ('browser', 'os', 'device', 'language', 'referrer', 'country')),
	value TEXT NOT NULL,
	n     INTEGER NOT NULL CHECK (n >= 0),
	PRIMARY KEY (day, dim, value)
) WITHOUT ROWID;

CREATE TABLE dropped (
	day    TEXT NOT NULL,
	reason TEXT NOT NULL,
	n      INTEGER NOT NULL CHECK (n >= 0),
	PRIMARY KEY (day, reason)
) WITHOUT ROWID;

CREATE TABLE visitors (
	day TEXT NOT NULL PRIMARY KEY,
	n   INTEGER NOT NULL CHECK (n >= 0)
) WITHOUT ROWID;
