// Package pgtest gives tests a real PostgreSQL: a fresh schema in the
// server that FOLIO_TEST_POSTGRES names (.ci/run starts one), or a whole
// throwaway cluster that a test may stop and start (.ci/postgres.sh).
//
// Without a server a test is skipped, except in CI (the environment
// variable CI is set), where a missing server fails it: a database test
// must never pass by not running.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the environment variable that holds the URL of the
// server's database for tests, such as
// postgres://postgres@127.0.0.1:5433/folio?sslmode=disable.
const EnvURL = "FOLIO_TEST_POSTGRES"

// Need skips t outside CI and fails it in CI, saying why.
func Need(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("PostgreSQL needed in CI: %s", why)
	}
	t.Skipf("no PostgreSQL: %s", why)
}

// URL returns the URL of a new empty schema in the FOLIO_TEST_POSTGRES
// database (through search_path), dropped with everything in it when the
// test ends. Tests running at once each get their own.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		Need(t, EnvURL+" is not set (.ci/run sets it; .ci/postgres.sh start DIR prints a URL)")
	}
	return NewSchema(t, base)
}

// NewSchema makes an empty schema in the database at base and returns
// base with its search_path set to it; the schema is dropped when the test
// ends.
func NewSchema(t testing.TB, base string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to the test database: %v", err)
	}
	defer conn.Close(ctx)
	var b [6]byte
	rand.Read(b[:])
	schema := "test_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Exec runs statements in the database at dsn, for a test's setup.
func Exec(t testing.TB, dsn string, statements ...string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	for _, s := range statements {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// Cluster is a PostgreSQL server of one test's own, made and run by the
// repository's .ci/postgres.sh, so that the test can take it away.
type Cluster struct {
	URL    string
	dir    string
	script string
}

// Start makes and starts a cluster for t, stopped and removed when t ends.
func Start(t testing.TB) *Cluster {
	t.Helper()
	script, err := findScript()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("/usr/lib/postgresql"); err != nil && os.Getenv("FOLIO_POSTGRES_BIN") == "" {
		Need(t, "no server installed (apt-get install postgresql)")
	}
	// Directly under the temporary folder: as root the server runs as the
	// postgres user, which could not enter t.TempDir()'s private parents.
	dir, err := os.MkdirTemp("", "folio-pg-")
	if err != nil {
		t.Fatal(err)
	}
	c := &Cluster{dir: dir, script: script}
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Errorf("stop PostgreSQL: %v", err)
		}
		os.RemoveAll(dir)
	})
	out, err := c.run("start")
	if err != nil {
		t.Fatalf("start PostgreSQL: %v", err)
	}
	c.URL = strings.TrimSpace(out)
	return c
}

// Stop stops the server, cutting every connection.
func (c *Cluster) Stop() error {
	_, err := c.run("stop")
	return err
}

// Restart starts the stopped server again, with its data, at the same
// address.
func (c *Cluster) Restart() error {
	_, err := c.run("start")
	return err
}

func (c *Cluster) run(cmd string) (string, error) {
	var stderr strings.Builder
	x := exec.Command("bash", c.script, cmd, c.dir)
	x.Stderr = &stderr
	out, err := x.Output()
	if err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", filepath.Base(c.script), cmd, err, stderr.String())
	}
	return string(out), nil
}

// findScript finds .ci/postgres.sh in the repository around the working
// directory (a package folder when go test runs).
func findScript() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, ".ci", "postgres.sh")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("pgtest: no .ci/postgres.sh above the working directory")
		}
		dir = parent
	}
}
