package app_test

import (
	"testing"
	"time"

	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// TestGraphRevalidateIsNotAnError: with stale-while-revalidate on, an
// expired product is answered from the cache with no error even though
// its background refresh fails; the reads after that failure get the
// cached rows with UPSTREAM_UNAVAILABLE, as before.
func TestGraphRevalidateIsNotAnError(t *testing.T) {
	env := map[string]string{"FINGRAPH_CACHE_TTLS": "accounts=1ns", "FINGRAPH_REVALIDATE_WINDOW": "24h",
		"FINGRAPH_RATE_PER_SECOND": "0"} // the test polls
	eachDB(t, env, func(t *testing.T, s *testServer) {
		var warm accountsData
		s.mustGQL(t, s.token, accountsQuery, nil, &warm)
		if err := s.sim().InjectFault(accountsPath, flankssim.Fault{Kind: flankssim.FaultServerError, Times: 1000}); err != nil {
			t.Fatal(err)
		}
		var d accountsData
		r := s.gql(t, s.token, accountsQuery, nil, &d)
		if len(r.Errors) > 0 || accountCount(d) != accountCount(warm) {
			t.Fatalf("revalidated read: %d accounts (want %d), errors %+v", accountCount(d), accountCount(warm), r.Errors)
		}
		deadline := time.Now().Add(30 * time.Second) // a guard against hanging only
		for {
			r = s.gql(t, s.token, accountsQuery, nil, &d)
			if len(r.Errors) > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the failed background refresh is never reported")
			}
			time.Sleep(20 * time.Millisecond)
		}
		if accountCount(d) != accountCount(warm) {
			t.Fatalf("cached accounts not served after the failure: %d", accountCount(d))
		}
		for _, e := range r.Errors {
			if code(e) != "UPSTREAM_UNAVAILABLE" || e.Extensions["stale"] != true || e.Extensions["fetchedAt"] == nil {
				t.Errorf("error %+v", e)
			}
		}
	})
}
