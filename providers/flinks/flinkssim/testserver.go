package flinkssim

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// NewTestServer starts the simulator's data API and Connect page on an httptest server
// closed (with the simulator) when the test ends, and returns it with the data API base
// URL, "http://127.0.0.1:port/v3/{customerId}" (pkgsite proxytest style).
func NewTestServer(t testing.TB, opts Options) (*Server, string) {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatalf("flinkssim.New: %v", err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		ts.Close()
		_ = s.Close()
	})
	s.setOrigin(strings.TrimRight(ts.URL, "/"))
	return s, ts.URL + "/v3/" + s.opts.CustomerID
}

// NewUploadTestServer starts s's Upload API over mutual TLS on a loopback port and returns
// its base URL; Close (registered by NewTestServer) stops it.
func NewUploadTestServer(t testing.TB, s *Server) string {
	t.Helper()
	u, err := s.StartUpload("127.0.0.1:0")
	if err != nil {
		t.Fatalf("flinkssim.StartUpload: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return u
}
