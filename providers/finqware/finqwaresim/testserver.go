package finqwaresim

import (
	"net/http/httptest"
	"testing"
)

// NewTestServer starts the simulator on an httptest server that is closed
// when the test ends, and returns it with its API base URL (ending with /v1),
// in the style of pkgsite's proxytest.
func NewTestServer(t testing.TB, opts Options) (*Server, string) {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatalf("finqwaresim.New: %v", err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL + "/v1"
}
