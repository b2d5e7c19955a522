-- Folio analytics store, schema version 2. Aggregates only: no table has a
-- row per visit, and no column can hold an address or a user agent.
--
-- visitors beside n is how many distinct visitors of that day the cell
-- counts: a number made from the day's in-memory visitor keys, never an
-- identifier. Days counted before version 2 have 0 there (unknown).
CREATE TABLE views (
	day      TEXT NOT NULL,            -- the site's day, YYYY-MM-DD in its timezone
	path     TEXT NOT NULL,            -- a page of the site, query and fragment dropped
	n        INTEGER NOT NULL CHECK (n >= 0),
	visitors INTEGER NOT NULL DEFAULT 0 CHECK (visitors >= 0),
	PRIMARY KEY (day, path)
) WITHOUT ROWID;

CREATE TABLE dimensions (
	day      TEXT NOT NULL,
	dim      TEXT NOT NULL CHECK (dim IN ('browser', 'os', 'device', 'language', 'referrer', 'country',
	                                      'source', 'medium', 'campaign', 'not-found')),
	value    TEXT NOT NULL,
	n        INTEGER NOT NULL CHECK (n >= 0),
	visitors INTEGER NOT NULL DEFAULT 0 CHECK (visitors >= 0),
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

-- Events that are not page views, per day and name only: an outbound
-- link's host, a downloaded file's path, a name an editor gave an element.
CREATE TABLE events (
	day      TEXT NOT NULL,
	kind     TEXT NOT NULL CHECK (kind IN ('outbound', 'download', 'event')),
	name     TEXT NOT NULL,
	n        INTEGER NOT NULL CHECK (n >= 0),
	visitors INTEGER NOT NULL DEFAULT 0 CHECK (visitors >= 0),
	PRIMARY KEY (day, kind, name)
) WITHOUT ROWID;
