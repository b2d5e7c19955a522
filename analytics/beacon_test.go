package analytics

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/js"
)

const beaconPath = "../themes/default/assets/beacon.js"

func TestBeaconSize(t *testing.T) {
	src, err := os.ReadFile(beaconPath)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := js.Minify(minify.New(), &out, bytes.NewReader(src), nil); err != nil {
		t.Fatalf("minify beacon.js: %v", err)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(out.Bytes())
	zw.Close()
	if gz.Len() > 700 {
		t.Errorf("beacon.js is %d bytes minified and gzipped, want at most 700:\n%s", gz.Len(), out.String())
	}
	t.Logf("beacon.js: %d bytes minified, %d gzipped", out.Len(), gz.Len())
	for _, banned := range []string{"cookie", "localStorage", "sessionStorage", "indexedDB", "http://", "https://"} {
		if strings.Contains(out.String(), banned) {
			t.Errorf("beacon.js mentions %q", banned)
		}
	}
}

// beaconHarness runs beacon.js in Node with a fake browser: every call to
// sendBeacon and fetch is recorded, and touching cookies or storage throws.
const beaconHarness = `
const vm = require("vm"), fs = require("fs");
const src = fs.readFileSync(process.argv[2], "utf8");
const cases = JSON.parse(process.argv[3]);
const out = [];
for (const c of cases) {
  const calls = [];
  const forbid = (name) => ({ get() { throw new Error("touched " + name); } });
  const listeners = [];
  const document = { addEventListener: (type, fn) => listeners.push(fn), referrer: c.referrer, currentScript: { dataset: Object.assign(c.endpoint === null ? {} : { endpoint: c.endpoint }, c.downloads ? { downloads: c.downloads } : {}) } };
  Object.defineProperty(document, "cookie", forbid("document.cookie"));
  const navigator = {
    doNotTrack: c.dnt,
    globalPrivacyControl: c.gpc,
    sendBeacon: c.beacon === "none" ? undefined : (url, body) => { calls.push({ via: "sendBeacon", url, body: String(body) }); return c.beacon === "ok"; },
  };
  const sandbox = {
    document, navigator, JSON, URLSearchParams, URL,
    location: { pathname: "/docs/setup/", search: c.search || "?secret=1", hash: "#x", host: "docs.example.org", href: "https://docs.example.org/docs/setup/?secret=1#x" },
    fetch: (url, opts) => { calls.push({ via: "fetch", url, body: opts.body, keepalive: opts.keepalive, credentials: opts.credentials, type: opts.headers["Content-Type"] }); return Promise.resolve(); },
  };
  sandbox.window = sandbox;
  for (const name of ["localStorage", "sessionStorage", "indexedDB"]) Object.defineProperty(sandbox, name, forbid(name));
  let error = "";
  try {
    vm.runInNewContext(src, sandbox);
    for (const k of c.clicks || []) {
      const el = { href: k.href, getAttribute: (n) => (n === "data-folio-event" ? k.event || null : null) };
      for (const fn of listeners) fn({ target: { closest: () => el } });
    }
  } catch (e) { error = String(e); }
  out.push({ calls, error });
}
console.log(JSON.stringify(out));
`

func TestBeaconBehaviour(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed; the beacon's behaviour is not checked")
	}
	type call struct {
		Via, URL, Body, Credentials, Type string
		Keepalive                         bool
	}
	type result struct {
		Calls []call
		Error string
	}
	type click struct {
		Href  string `json:"href"`
		Event string `json:"event"`
	}
	type tcase struct {
		Endpoint *string `json:"endpoint"`
		Referrer string  `json:"referrer"`
		DNT      any     `json:"dnt"`
		GPC      any     `json:"gpc"`
		Beacon   string  `json:"beacon"` // ok, fail, none
		Search   string  `json:"search"`
		Clicks   []click `json:"clicks"`
		Download string  `json:"downloads"`
	}
	custom := "/stats/event"
	body := `{"p":"/docs/setup/","r":"https://search.example.com/"}`
	tests := []struct {
		name string
		c    tcase
		want []call
	}{
		{"sendBeacon", tcase{Endpoint: &custom, Referrer: "https://search.example.com/", Beacon: "ok"},
			[]call{{Via: "sendBeacon", URL: custom, Body: body}}},
		{"default endpoint", tcase{Referrer: "https://search.example.com/", Beacon: "ok"},
			[]call{{Via: "sendBeacon", URL: "/api/event", Body: body}}},
		{"fetch when sendBeacon refuses", tcase{Endpoint: &custom, Referrer: "https://search.example.com/", Beacon: "fail"},
			[]call{{Via: "sendBeacon", URL: custom, Body: body}, {Via: "fetch", URL: custom, Body: body, Keepalive: true, Credentials: "omit", Type: "text/plain"}}},
		{"fetch without sendBeacon", tcase{Endpoint: &custom, Referrer: "https://search.example.com/", Beacon: "none"},
			[]call{{Via: "fetch", URL: custom, Body: body, Keepalive: true, Credentials: "omit", Type: "text/plain"}}},
		{"do not track", tcase{DNT: "1", Beacon: "ok"}, nil},
		{"global privacy control", tcase{GPC: true, Beacon: "ok"}, nil},
		{"campaign parameters, and nothing else of the query", tcase{Search: "?utm_source=News&utm_medium=Email&utm_campaign=Launch&email=a@b.example", Beacon: "ok"},
			[]call{{Via: "sendBeacon", URL: "/api/event", Body: `{"p":"/docs/setup/","r":"","s":"news","m":"email","c":"launch"}`}}},
		{"ref stands in for utm_source", tcase{Search: "?ref=producthunt", Beacon: "ok"},
			[]call{{Via: "sendBeacon", URL: "/api/event", Body: `{"p":"/docs/setup/","r":"","s":"producthunt"}`}}},
		{"clicks", tcase{Beacon: "ok", Download: "pdf,zip", Clicks: []click{
			{Href: "https://github.com/org/repo?token=1"}, {Href: "https://docs.example.org/files/guide.pdf"},
			{Href: "https://docs.example.org/docs/"}, {Href: "mailto:a@b.example"}, {Event: "signup"}}},
			[]call{{Via: "sendBeacon", URL: "/api/event", Body: `{"p":"/docs/setup/","r":""}`},
				{Via: "sendBeacon", URL: "/api/event", Body: `{"p":"/docs/setup/","e":"outbound","n":"github.com"}`},
				{Via: "sendBeacon", URL: "/api/event", Body: `{"p":"/docs/setup/","e":"download","n":"/files/guide.pdf"}`},
				{Via: "sendBeacon", URL: "/api/event", Body: `{"p":"/docs/setup/","e":"event","n":"signup"}`}}},
		{"no clicks under do not track", tcase{DNT: "1", Beacon: "ok", Clicks: []click{{Href: "https://github.com/"}}}, nil},
		{"dnt 0 still counts", tcase{DNT: "0", Referrer: "https://search.example.com/", Beacon: "ok"},
			[]call{{Via: "sendBeacon", URL: "/api/event", Body: body}}},
	}
	var cases []tcase
	for _, tt := range tests {
		cases = append(cases, tt.c)
	}
	in, _ := json.Marshal(cases)
	harness := filepath.Join(t.TempDir(), "harness.js")
	if err := os.WriteFile(harness, []byte(beaconHarness), 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := filepath.Abs(beaconPath)
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(node, harness, src, string(in))
	cmd.Stderr = &stderr
	outb, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var got []result
	if err := json.Unmarshal(outb, &got); err != nil {
		t.Fatalf("harness output %q: %v", outb, err)
	}
	for i, tt := range tests {
		if got[i].Error != "" {
			t.Errorf("%s: %s", tt.name, got[i].Error)
		}
		if len(got[i].Calls) != len(tt.want) {
			t.Errorf("%s: calls = %+v, want %+v", tt.name, got[i].Calls, tt.want)
			continue
		}
		for j := range tt.want {
			if got[i].Calls[j] != tt.want[j] {
				t.Errorf("%s: call %d = %+v, want %+v", tt.name, j, got[i].Calls[j], tt.want[j])
			}
		}
	}
}
