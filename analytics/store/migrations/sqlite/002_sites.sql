-- Version 2: every table gets a site column, so one database holds the
-- counts of several sites. SQLite cannot change a primary key in place, so
-- each table is made again and its rows copied; the rows a single-site
-- Folio wrote belong to the site named {{site}}.
CREATE TABLE views_v2 (
	site TEXT NOT NULL CHECK (site <> ''),
	day  TEXT NOT NULL,
	path TEXT NOT NULL,
	n    INTEGER NOT NULL CHECK (n >= 0),
	PRIMARY KEY (site, day, path)
) WITHOUT ROWID;
INSERT INTO views_v2 (site, day, path, n) SELECT {{site}}, day, path, n FROM views;
DROP TABLE views;
ALTER TABLE views_v2 RENAME TO views;

CREATE TABLE dimensions_v2 (
	site  TEXT NOT NULL CHECK (site <> ''),
	day   TEXT NOT NULL,
	dim   TEXT NOT NULL CHECK (dim IN ('browser', 'os', 'device', 'language', 'referrer', 'country')),
	value TEXT NOT NULL,
	n     INTEGER NOT NULL CHECK (n >= 0),
	PRIMARY KEY (site, day, dim, value)
) WITHOUT ROWID;
INSERT INTO dimensions_v2 (site, day, dim, value, n) SELECT {{site}}, day, dim, value, n FROM dimensions;
DROP TABLE dimensions;
ALTER TABLE dimensions_v2 RENAME TO dimensions;

CREATE TABLE dropped_v2 (
	site   TEXT NOT NULL CHECK (site <> ''),
	day    TEXT NOT NULL,
	reason TEXT NOT NULL,
	n      INTEGER NOT NULL CHECK (n >= 0),
	PRIMARY KEY (site, day, reason)
) WITHOUT ROWID;
INSERT INTO dropped_v2 (site, day, reason, n) SELECT {{site}}, day, reason, n FROM dropped;
DROP TABLE dropped;
ALTER TABLE dropped_v2 RENAME TO dropped;

CREATE TABLE visitors_v2 (
	site TEXT NOT NULL CHECK (site <> ''),
	day  TEXT NOT NULL,
	n    INTEGER NOT NULL CHECK (n >= 0),
	PRIMARY KEY (site, day)
) WITHOUT ROWID;
INSERT INTO visitors_v2 (site, day, n) SELECT {{site}}, day, n FROM visitors;
DROP TABLE visitors;
ALTER TABLE visitors_v2 RENAME TO visitors;
