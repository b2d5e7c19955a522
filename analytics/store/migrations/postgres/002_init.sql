-- Folio analytics store on PostgreSQL. Its versions count with SQLite's, so
-- a version names the same tables on both engines; PostgreSQL starts at 2,
-- the first version with a site column. Aggregates only: no table has a row
-- per visit, and no column can hold an address or a user agent. Days are
-- text, YYYY-MM-DD, exactly as in SQLite, so the two engines compare and
-- copy byte for byte. Text collates as "C": rows sort by bytes, as in
-- SQLite, whatever the database's locale.
CREATE TABLE views (
	site TEXT COLLATE "C" NOT NULL CHECK (site <> ''),
	day  TEXT COLLATE "C" NOT NULL CHECK (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
	path TEXT COLLATE "C" NOT NULL,
	n    BIGINT NOT NULL CHECK (n >= 0),
	PRIMARY KEY (site, day, path)
);

CREATE TABLE dimensions (
	site  TEXT COLLATE "C" NOT NULL CHECK (site <> ''),
	day   TEXT COLLATE "C" NOT NULL CHECK (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
	dim   TEXT COLLATE "C" NOT NULL CHECK (dim IN ('browser', 'os', 'device', 'language', 'referrer', 'country')),
	value TEXT COLLATE "C" NOT NULL,
	n     BIGINT NOT NULL CHECK (n >= 0),
	PRIMARY KEY (site, day, dim, value)
);

CREATE TABLE dropped (
	site   TEXT COLLATE "C" NOT NULL CHECK (site <> ''),
	day    TEXT COLLATE "C" NOT NULL CHECK (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
	reason TEXT COLLATE "C" NOT NULL,
	n      BIGINT NOT NULL CHECK (n >= 0),
	PRIMARY KEY (site, day, reason)
);

CREATE TABLE visitors (
	site TEXT COLLATE "C" NOT NULL CHECK (site <> ''),
	day  TEXT COLLATE "C" NOT NULL CHECK (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
	n    BIGINT NOT NULL CHECK (n >= 0),
	PRIMARY KEY (site, day)
);
