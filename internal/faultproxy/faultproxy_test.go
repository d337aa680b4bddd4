package faultproxy_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/fingraph/fingraph/internal/faultproxy"
)

// TestMain fails the package when a proxy's goroutines (accept loops,
// links, toxics) outlive the tests that started them.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// get calls url with a client of its own (no connection outlives the
// test) and returns the body, or the error.
func get(t *testing.T, url string) (string, error) {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	res, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return string(b), err
}

func upstream(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "pong") }))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestFaults: each fault breaks the way it says, and Heal undoes it on the
// same address.
func TestFaults(t *testing.T) {
	p, url := faultproxy.Front(t, "ping", upstream(t))
	if body, err := get(t, url); err != nil || body != "pong" {
		t.Fatalf("through the healthy proxy: %q %v", body, err)
	}

	p.Down()
	if _, err := get(t, url); err == nil {
		t.Fatal("a call through a proxy that is down succeeded")
	}
	p.Heal()
	if body, err := get(t, url); err != nil || body != "pong" {
		t.Fatalf("after Heal from down: %q %v", body, err)
	}

	p.ResetPeer()
	if _, err := get(t, url); err == nil {
		t.Fatal("a call through reset_peer succeeded")
	}
	p.Heal()

	p.Latency(300 * time.Millisecond)
	start := time.Now()
	if body, err := get(t, url); err != nil || body != "pong" {
		t.Fatalf("through latency: %q %v", body, err)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Fatalf("latency of 300ms answered in %s", d)
	}
	p.Heal()
	start = time.Now()
	if _, err := get(t, url); err != nil || time.Since(start) > 250*time.Millisecond {
		t.Fatalf("latency still there after Heal: %s %v", time.Since(start), err)
	}
}
