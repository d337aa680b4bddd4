package config

import (
	"errors"
	"testing"
	"time"
)

// key32 is a valid key: base64 of the bytes 1..32.
const key32 = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="

func load(env map[string]string) (Config, error) {
	return Load(func(k string) string { return env[k] }, nil)
}

func TestDefaults(t *testing.T) {
	c, err := load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Env != EnvDevelopment || c.Addr != "127.0.0.1:8080" || c.DataDir != "data" {
		t.Errorf("unexpected defaults: %+v", c)
	}
	if c.SQLitePath() != "data/fingraph.db" || !c.Introspection || !c.Sandbox || !c.Dev() {
		t.Errorf("SQLitePath=%q Introspection=%v Sandbox=%v", c.SQLitePath(), c.Introspection, c.Sandbox)
	}
	if c.MaxBodyBytes != 1<<20 || c.RequestTimeout != 10*time.Second {
		t.Errorf("limits: %d %v", c.MaxBodyBytes, c.RequestTimeout)
	}
	if len(c.CORSOrigins) != 2 || c.CORSOrigins[0] != "http://localhost:*" {
		t.Errorf("development CORS origins: %v", c.CORSOrigins)
	}
}

func TestProductionDefaults(t *testing.T) {
	c, err := load(map[string]string{
		"FINGRAPH_ENV": "production", "DATABASE_URL": "postgres://db/fingraph",
		"AUTH_JWKS_URL": "https://id.example.com/jwks.json", "AUTH_ISSUER": "i", "AUTH_AUDIENCE": "a",
		"FINGRAPH_MASTER_KEY": key32, "FINGRAPH_INDEX_KEY": key32,
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Introspection || c.Sandbox || c.Dev() || c.SQLitePath() != "" || len(c.CORSOrigins) != 0 {
		t.Errorf("production must default to no introspection, no sandbox, no CORS origin: %+v", c)
	}
}

func TestInvalid(t *testing.T) {
	prod := map[string]string{"FINGRAPH_ENV": "production"}
	tests := []struct {
		name    string
		env     map[string]string
		wantVar string
	}{
		{"bad env", map[string]string{"FINGRAPH_ENV": "staging"}, "FINGRAPH_ENV"},
		{"bad addr", map[string]string{"FINGRAPH_ADDR": "8080"}, "FINGRAPH_ADDR"},
		{"bad bool", map[string]string{"FINGRAPH_INTROSPECTION": "maybe"}, "FINGRAPH_INTROSPECTION"},
		{"bad duration", map[string]string{"FINGRAPH_REQUEST_TIMEOUT": "10"}, "FINGRAPH_REQUEST_TIMEOUT"},
		{"negative duration", map[string]string{"FINGRAPH_SHUTDOWN_TIMEOUT": "-1s"}, "FINGRAPH_SHUTDOWN_TIMEOUT"},
		{"bad int", map[string]string{"FINGRAPH_MAX_BODY_BYTES": "1MB"}, "FINGRAPH_MAX_BODY_BYTES"},
		{"tiny body cap", map[string]string{"FINGRAPH_MAX_BODY_BYTES": "10"}, "FINGRAPH_MAX_BODY_BYTES"},
		{"bad log level", map[string]string{"FINGRAPH_LOG_LEVEL": "loud"}, "FINGRAPH_LOG_LEVEL"},
		{"bad database scheme", map[string]string{"DATABASE_URL": "mysql://x"}, "DATABASE_URL"},
		{"production without database", prod, "DATABASE_URL"},
		{"production without auth keys", map[string]string{"FINGRAPH_ENV": "production", "DATABASE_URL": "postgres://x/y",
			"FINGRAPH_MASTER_KEY": key32, "FINGRAPH_INDEX_KEY": key32}, "AUTH_JWKS_URL"},
		{"production without master key", map[string]string{"FINGRAPH_ENV": "production", "DATABASE_URL": "postgres://x/y"}, "FINGRAPH_MASTER_KEY"},
		{"short master key", map[string]string{"FINGRAPH_MASTER_KEY": "c2hvcnQ="}, "FINGRAPH_MASTER_KEY"},
		{"bad index key", map[string]string{"FINGRAPH_INDEX_KEY": "!!"}, "FINGRAPH_INDEX_KEY"},
		{"previous without current", map[string]string{"FINGRAPH_MASTER_KEY_PREVIOUS": key32}, "FINGRAPH_MASTER_KEY_PREVIOUS"},
		{"both auth keys", map[string]string{"AUTH_JWKS_URL": "https://x/j", "AUTH_PUBLIC_KEY": "k"}, "AUTH_PUBLIC_KEY"},
		{"jwks without issuer", map[string]string{"AUTH_JWKS_URL": "https://x/j"}, "AUTH_ISSUER"},
		{"jwks not http", map[string]string{"AUTH_JWKS_URL": "ftp://x/j", "AUTH_ISSUER": "i", "AUTH_AUDIENCE": "a"}, "AUTH_JWKS_URL"},
		{"bad cache ttls", map[string]string{"FINGRAPH_CACHE_TTLS": "accounts:5m"}, "FINGRAPH_CACHE_TTLS"},
		{"negative whole-fetch minimum", map[string]string{"FINGRAPH_WHOLE_FETCH_MIN": "-1"}, "FINGRAPH_WHOLE_FETCH_MIN"},
		{"unknown cache product", map[string]string{"FINGRAPH_CACHE_TTLS": "stocks=5m"}, "FINGRAPH_CACHE_TTLS"},
		{"zero cache ttl", map[string]string{"FINGRAPH_CACHE_TTL": "0s"}, "FINGRAPH_CACHE_TTL"},
		{"negative revalidate window", map[string]string{"FINGRAPH_REVALIDATE_WINDOW": "-1s"}, "FINGRAPH_REVALIDATE_WINDOW"},
		{"bad revalidate window", map[string]string{"FINGRAPH_REVALIDATE_WINDOW": "a day"}, "FINGRAPH_REVALIDATE_WINDOW"},
		{"bad revalidate windows", map[string]string{"FINGRAPH_REVALIDATE_WINDOWS": "accounts"}, "FINGRAPH_REVALIDATE_WINDOWS"},
		{"unknown revalidate product", map[string]string{"FINGRAPH_REVALIDATE_WINDOWS": "stocks=1h"}, "FINGRAPH_REVALIDATE_WINDOWS"},
		{"negative product window", map[string]string{"FINGRAPH_REVALIDATE_WINDOWS": "accounts=-1m"}, "FINGRAPH_REVALIDATE_WINDOWS"},
		{"zero depth", map[string]string{"FINGRAPH_MAX_DEPTH": "0"}, "FINGRAPH_MAX_DEPTH"},
		{"origin with a path", map[string]string{"FINGRAPH_CORS_ORIGINS": "https://app.example.com/ui"}, "FINGRAPH_CORS_ORIGINS"},
		{"origin without scheme", map[string]string{"FINGRAPH_CORS_ORIGINS": "app.example.com"}, "FINGRAPH_CORS_ORIGINS"},
		{"burst below max cost", map[string]string{"FINGRAPH_MAX_COST": "5000", "FINGRAPH_RATE_BURST": "100"}, "FINGRAPH_RATE_BURST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(tt.env)
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *config.Error", err)
			}
			if ce.Var != tt.wantVar {
				t.Errorf("Var = %q, want %q (%v)", ce.Var, tt.wantVar, err)
			}
		})
	}
}

func TestSQLitePath(t *testing.T) {
	for url, want := range map[string]string{
		"":                         "d/fingraph.db",
		"sqlite:/tmp/x.db":         "/tmp/x.db",
		"sqlite:///tmp/x.db":       "/tmp/x.db",
		"postgres://h/db":          "",
		"postgresql://u@h:5432/db": "",
	} {
		c, err := load(map[string]string{"DATABASE_URL": url, "FINGRAPH_DATA_DIR": "d"})
		if err != nil {
			t.Fatalf("%q: %v", url, err)
		}
		if got := c.SQLitePath(); got != want {
			t.Errorf("SQLitePath(%q) = %q, want %q", url, got, want)
		}
	}
}

func TestCacheTTLs(t *testing.T) {
	c, err := load(map[string]string{"FINGRAPH_CACHE_TTLS": "transactions=5m, identity=24h"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Cache.TTLs["transactions"] != 5*time.Minute || c.Cache.TTLs["identity"] != 24*time.Hour || c.Cache.DefaultTTL != 15*time.Minute {
		t.Fatalf("%+v", c.Cache)
	}
}

// TestRevalidateWindows: a day by default, 0 allowed (off), per-product
// overrides with the syntax of FINGRAPH_CACHE_TTLS, 0 among them.
func TestRevalidateWindows(t *testing.T) {
	c, err := load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Cache.RevalidateWindow != 24*time.Hour || len(c.Cache.RevalidateWindows) != 0 {
		t.Fatalf("defaults: %+v", c.Cache)
	}
	c, err = load(map[string]string{"FINGRAPH_REVALIDATE_WINDOW": "0", "FINGRAPH_REVALIDATE_WINDOWS": "transactions=1h, identity=0s"})
	if err != nil {
		t.Fatal(err)
	}
	w := c.Cache.RevalidateWindows
	if c.Cache.RevalidateWindow != 0 || w["transactions"] != time.Hour || len(w) != 2 {
		t.Fatalf("%+v", c.Cache)
	}
	if d, ok := w["identity"]; !ok || d != 0 {
		t.Fatalf("identity=0s not kept as an explicit 0: %v %v", d, ok)
	}
}

func TestWholeFetchMin(t *testing.T) {
	c, err := load(nil)
	if err != nil || c.Cache.WholeFetchMin != 0 {
		t.Fatalf("default %d, %v; want 0 (more than half)", c.Cache.WholeFetchMin, err)
	}
	c, err = load(map[string]string{"FINGRAPH_WHOLE_FETCH_MIN": "2"})
	if err != nil || c.Cache.WholeFetchMin != 2 {
		t.Fatalf("%d, %v", c.Cache.WholeFetchMin, err)
	}
}
