-- Version 3: a visitors column beside each count of a path or a value, the
-- dimensions source, medium, campaign and not-found, and the events table.
-- visitors is how many distinct visitors of that day the cell counts: a
-- number made from the day's in-memory visitor keys, never an identifier.
-- Days counted before version 3 have 0 there (unknown).
ALTER TABLE views ADD COLUMN visitors BIGINT NOT NULL DEFAULT 0 CHECK (visitors >= 0);

ALTER TABLE dimensions ADD COLUMN visitors BIGINT NOT NULL DEFAULT 0 CHECK (visitors >= 0);
ALTER TABLE dimensions DROP CONSTRAINT dimensions_dim_check;
ALTER TABLE dimensions ADD CONSTRAINT dimensions_dim_check
	CHECK (dim IN ('browser', 'os', 'device', 'language', 'referrer', 'country',
	               'source', 'medium', 'campaign', 'not-found'));

-- Events that are not page views, per day and name only: an outbound
-- link's host, a downloaded file's path, a name an editor gave an element.
CREATE TABLE events (
	site     TEXT COLLATE "C" NOT NULL CHECK (site <> ''),
	day      TEXT COLLATE "C" NOT NULL CHECK (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
	kind     TEXT COLLATE "C" NOT NULL CHECK (kind IN ('outbound', 'download', 'event')),
	name     TEXT COLLATE "C" NOT NULL,
	n        BIGINT NOT NULL CHECK (n >= 0),
	visitors BIGINT NOT NULL DEFAULT 0 CHECK (visitors >= 0),
	PRIMARY KEY (site, day, kind, name)
);
