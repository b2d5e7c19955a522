// Package geo looks up the country of an address in a MaxMind-format
// database (GeoLite2 Country, DB-IP Lite Country or ip-location-db's
// country files).
//
// Folio only ever asks it about truncated addresses (the first address of
// a /24 or /48), which country databases resolve like the full address,
// since their networks are rarely smaller. Without a database the country
// dimension is simply not counted.
package geo

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/oschwald/maxminddb-golang/v2"
)

// DB is an open country database. It is safe for concurrent use.
type DB struct {
	r *maxminddb.Reader
}

// record covers the layouts in use: MaxMind and DB-IP put the code at
// country.iso_code (and registered_country.iso_code for anycast and
// satellite networks), ip-location-db at country_code.
type record struct {
	Country struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"country"`
	RegisteredCountry struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"registered_country"`
	CountryCode string `maxminddb:"country_code"`
}

// Open opens the database at path. A file that is not a MaxMind DB, or
// was cut short by a failed download (its metadata sits at the end), fails
// here. Reader.Verify is not used: it also insists on optional metadata
// that some free databases leave out.
func Open(path string) (*DB, error) {
	r, err := maxminddb.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open country database %s: %w", path, err)
	}
	db := &DB{r: r}
	if !db.hasCountries() {
		return nil, errors.Join(fmt.Errorf("open country database %s: %s has no country codes (want a country database such as GeoLite2-Country)", path, r.Metadata.DatabaseType), r.Close())
	}
	return db, nil
}

// hasCountries probes a few well-known public networks, so that an ASN
// database given by mistake is refused rather than counting every visit as
// unknown.
func (db *DB) hasCountries() bool {
	for _, a := range []string{"8.8.8.0", "1.1.1.0", "81.2.69.0", "2a02:2e0::", "2001:4860::"} {
		if db.Country(netip.MustParseAddr(a)) != "" {
			return true
		}
	}
	// A database that knows none of them may still be a country
	// database (a test one, or a regional extract): accept it if its
	// type says so.
	return strings.Contains(strings.ToLower(db.r.Metadata.DatabaseType), "country")
}

// Country returns the ISO 3166-1 alpha-2 code of a, or "" when the
// database does not know it.
func (db *DB) Country(a netip.Addr) string {
	var rec record
	if err := db.r.Lookup(a).Decode(&rec); err != nil {
		return ""
	}
	switch {
	case rec.Country.ISOCode != "":
		return rec.Country.ISOCode
	case rec.CountryCode != "":
		return rec.CountryCode
	default:
		return rec.RegisteredCountry.ISOCode
	}
}

// Close releases the database.
func (db *DB) Close() error {
	if err := db.r.Close(); err != nil {
		return fmt.Errorf("close country database: %w", err)
	}
	return nil
}
