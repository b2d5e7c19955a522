// Package geotest writes small MaxMind-format country databases for tests,
// in each of the layouts package geo reads.
package geotest

import (
	"net"
	"os"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// Layout is the shape of a database's records.
type Layout int

const (
	// MaxMind is GeoLite2 Country's and DB-IP Lite's layout:
	// {"country": {"iso_code": "DE"}}.
	MaxMind Layout = iota
	// RegisteredOnly has only {"registered_country": {"iso_code": "DE"}},
	// as MaxMind writes for some anycast networks.
	RegisteredOnly
	// IPLocationDB is ip-location-db's layout: {"country_code": "DE"}.
	IPLocationDB
)

// Write writes a country database mapping each network (CIDR) to an ISO
// country code and returns its path inside t.TempDir().
func Write(t testing.TB, layout Layout, networks map[string]string) string {
	t.Helper()
	w, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType: "Folio-Test-Country",
		// The documentation networks used in tests (192.0.2.0/24,
		// 203.0.113.0/24, 2001:db8::/32) are reserved; include them.
		IncludeReservedNetworks: true,
		RecordSize:              24,
	})
	if err != nil {
		t.Fatal(err)
	}
	for cidr, code := range networks {
		_, network, err := net.ParseCIDR(cidr)
		if err != nil {
			t.Fatal(err)
		}
		var rec mmdbtype.Map
		iso := mmdbtype.Map{"iso_code": mmdbtype.String(code)}
		switch layout {
		case MaxMind:
			rec = mmdbtype.Map{"country": iso, "registered_country": iso}
		case RegisteredOnly:
			rec = mmdbtype.Map{"registered_country": iso}
		case IPLocationDB:
			rec = mmdbtype.Map{"country_code": mmdbtype.String(code)}
		}
		if err := w.Insert(network, rec); err != nil {
			t.Fatal(err)
		}
	}
	return Save(t, w)
}

// Save writes a database made with mmdbwriter into t.TempDir() and
// returns its path.
func Save(t testing.TB, w *mmdbwriter.Tree) string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "db-*.mmdb")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}
