-- Version 3: a visitors column beside each count of a path or a value, the
-- dimensions source, medium, campaign and not-found, and the events table.
-- visitors is how many distinct visitors of that day the cell counts: a
-- number made from the day's in-memory visitor keys, never an identifier.
-- Days counted before version 3 have 0 there (unknown). SQLite cannot
-- change a CHECK constraint in place, so dimensions is made again and its
-- rows copied; every row keeps its site and its count.
ALTER TABLE views ADD COLUMN visitors INTEGER NOT NULL DEFAULT 0 CHECK (visitors >= 0);

CREATE TABLE dimensions_v3 (
	site     TEXT NOT NULL CHECK (site <> ''),
	day      TEXT NOT NULL,
	dim      TEXT NOT NULL CHECK (dim IN ('browser', 'os', 'device', 'language', 'referrer', 'country',
	                                      'source', 'medium', 'campaign', 'not-found')),
	value    TEXT NOT NULL,
	n        INTEGER NOT NULL CHECK (n >= 0),
	visitors INTEGER NOT NULL DEFAULT 0 CHECK (visitors >= 0),
	PRIMARY KEY (site, day, dim, value)
) WITHOUT ROWID;
INSERT INTO dimensions_v3 (site, day, dim, value, n) SELECT site, day, dim, value, n FROM dimensions;
DROP TABLE dimensions;
ALTER TABLE dimensions_v3 RENAME TO dimensions;

-- Events that are not page views, per day and name only: an outbound
-- link's host, a downloaded file's path, a name an editor gave an element.
CREATE TABLE events (
	site     TEXT NOT NULL CHECK (site <> ''),
	day      TEXT NOT NULL,
	kind     TEXT NOT NULL CHECK (kind IN ('outbound', 'download', 'event')),
	name     TEXT NOT NULL,
	n        INTEGER NOT NULL CHECK (n >= 0),
	visitors INTEGER NOT NULL DEFAULT 0 CHECK (visitors >= 0),
	PRIMARY KEY (site, day, kind, name)
) WITHOUT ROWID;
