package geo_test

import (
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"folio/analytics/geo"
	"folio/analytics/geo/geotest"
)

func TestCountry(t *testing.T) {
	networks := map[string]string{
		"203.0.113.0/24":     "DE",
		"2001:db8:1234::/48": "FR",
		"198.51.100.0/25":    "JP",
	}
	for name, layout := range map[string]geotest.Layout{
		"maxmind":         geotest.MaxMind,
		"registered only": geotest.RegisteredOnly,
		"ip-location-db":  geotest.IPLocationDB,
	} {
		t.Run(name, func(t *testing.T) {
			db, err := geo.Open(geotest.Write(t, layout, networks))
			if err != nil {
				t.Fatalf("Open() = %v", err)
			}
			defer db.Close()
			for addr, want := range map[string]string{
				"203.0.113.0":     "DE",
				"203.0.113.255":   "DE",
				"2001:db8:1234::": "FR",
				"198.51.100.0":    "JP",
				"198.51.100.200":  "",
				"192.0.2.0":       "",
				"2001:db8:9999::": "",
			} {
				if got := db.Country(netip.MustParseAddr(addr)); got != want {
					t.Errorf("Country(%s) = %q, want %q", addr, got, want)
				}
			}
		})
	}
}

func TestOpenRefusesNonDatabases(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.mmdb")
	if err := os.WriteFile(junk, []byte("not a database at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := geotest.Write(t, geotest.MaxMind, map[string]string{"203.0.113.0/24": "DE"})
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.mmdb")
	if err := os.WriteFile(truncated, data[:len(data)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{junk, truncated, filepath.Join(dir, "missing.mmdb")} {
		if db, err := geo.Open(path); err == nil {
			db.Close()
			t.Errorf("Open(%s) = nil error, want one", filepath.Base(path))
		}
	}
}

func TestOpenRefusesASNDatabase(t *testing.T) {
	w, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: "GeoLite2-ASN", IncludeReservedNetworks: true})
	if err != nil {
		t.Fatal(err)
	}
	_, network, _ := net.ParseCIDR("8.8.8.0/24")
	if err := w.Insert(network, mmdbtype.Map{"autonomous_system_number": mmdbtype.Uint32(15169)}); err != nil {
		t.Fatal(err)
	}
	if db, err := geo.Open(geotest.Save(t, w)); err == nil {
		db.Close()
		t.Error("Open(ASN database) = nil error, want one")
	}
}
