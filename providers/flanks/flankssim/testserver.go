package flankssim

import (
	"net/http/httptest"
	"testing"
)

// NewTestServer starts the simulator on an httptest server that is closed when the test
// ends, and returns it with its base URL (pkgsite proxytest style).
func NewTestServer(t testing.TB, opts Options) (*Server, string) {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatalf("flankssim.New: %v", err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL
}
