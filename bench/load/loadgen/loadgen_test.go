package loadgen

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"
	"time"
)

func TestClientAddrIsOneNetworkEach(t *testing.T) {
	seen := map[netip.Prefix]int{}
	for n := range 16384 {
		a := ClientAddr(n)
		bits := 24
		if a.Is6() {
			bits = 48
		}
		p, err := a.Prefix(bits)
		if err != nil {
			t.Fatal(err)
		}
		if m, dup := seen[p]; dup {
			t.Fatalf("ClientAddr(%d) = %s shares %s with ClientAddr(%d)", n, a, p, m)
		}
		seen[p] = n
	}
}

func TestHistogramQuantiles(t *testing.T) {
	var h histogram
	for i := 1; i <= 1000; i++ {
		h.add(time.Duration(i) * time.Millisecond)
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Millisecond}, {0.9, 900 * time.Millisecond}, {0.99, 990 * time.Millisecond}} {
		got := h.quantile(c.q)
		if got < c.want*90/100 || got > c.want*110/100 {
			t.Errorf("quantile(%v) = %s, want about %s", c.q, got, c.want)
		}
	}
	if h.max != time.Second {
		t.Errorf("max = %s, want 1s", h.max)
	}
}

// TestRunCountsAnswers runs against a collector stand-in that accepts,
// refuses with a reason, or fails with a status, and checks that every
// answer is tallied where it belongs and that the beacons look like a
// browser's.
func TestRunCountsAnswers(t *testing.T) {
	var mu sync.Mutex
	paths := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev struct{ P, R string }
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &ev); err != nil || r.Method != http.MethodPost ||
			r.Header.Get("Content-Type") != "text/plain;charset=UTF-8" || r.Header.Get("Origin") != "https://docs.example.org" ||
			r.Header.Get("User-Agent") == "" || r.Header.Get("Accept-Language") == "" || r.Header.Get("X-Forwarded-For") == "" {
			http.Error(w, "not a beacon", http.StatusBadRequest)
			return
		}
		mu.Lock()
		paths[ev.P]++
		mu.Unlock()
		switch ev.P {
		case "/bot/":
			w.Header().Set("X-Folio-Reason", "bot")
			w.WriteHeader(http.StatusNoContent)
		case "/big/":
			w.WriteHeader(http.StatusRequestEntityTooLarge)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	defer srv.Close()
	res, err := Run(context.Background(), Config{URL: srv.URL, N: 300, Concurrency: 7, Paths: []string{"/", "/bot/", "/big/"}, Origin: "https://docs.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 300 || res.Accepted != 100 || res.Reasons["bot"] != 100 || res.Statuses[413] != 100 || res.Errors != 0 {
		t.Errorf("Run() = %+v, want 300 sent: 100 accepted, 100 refused as bot, 100 answered 413", res)
	}
	if res.AcceptedByPath["/"] != 100 || len(res.AcceptedByPath) != 1 {
		t.Errorf("AcceptedByPath = %v, want 100 for /", res.AcceptedByPath)
	}
	if paths["/"] != 100 || paths["/bot/"] != 100 || paths["/big/"] != 100 {
		t.Errorf("the server saw paths %v", paths)
	}
}

func TestRunStopsWithItsContext(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var once sync.Once
	res, err := Run(ctx, Config{URL: srv.URL, Concurrency: 4, OnResult: func(_ string, accepted bool, _ time.Time) {
		if accepted {
			once.Do(cancel)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Accepted == 0 {
		t.Errorf("Run() = %+v, want some accepted events before the context ended", res)
	}
	if _, err := Run(context.Background(), Config{URL: srv.URL}); err == nil {
		t.Error("Run() without N, Duration or an ending context = nil error, want one")
	}
}
