package flanks_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/fingraph/fingraph/providers/flanks"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// TestRoundTrip_BreakerOpensOnSimulator503s drives the breaker with the
// simulator's fault injection, through the public API only: six 503s in a
// row open it, and the seventh call fails fast without reaching Flanks,
// with an error callers can match as ErrCircuitOpen and as ErrUpstream (the
// server's UPSTREAM_UNAVAILABLE).
func TestRoundTrip_BreakerOpensOnSimulator503s(t *testing.T) {
	// One attempt per call, so each call is one 503; an hour-long open
	// period, so a slow CI machine cannot let the half-open trial through.
	r := newRT(t, modes[0], flankssim.Options{},
		flanks.WithRetry(flanks.RetryPolicy{MaxAttempts: 1}),
		flanks.WithBreaker(flanks.BreakerPolicy{OpenTimeout: time.Hour}))
	tok := r.create("testbank", "", "XXXX")
	must(r.c.ListEntities(r.ctx))(t) // token first: it must not count below
	if err := r.sim.InjectFault(accountPath, flankssim.Fault{Kind: flankssim.FaultServerError, Status: http.StatusServiceUnavailable, Times: 6}); err != nil {
		t.Fatal(err)
	}
	r.sim.ResetRequests()
	for i := range 6 {
		_, err := r.c.ListAccounts(r.ctx, r.req(tok))
		if e := wantIs(t, "503", err, flanks.ErrUpstream); e.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("call %d: status %d", i+1, e.StatusCode)
		}
	}
	_, err := r.c.ListAccounts(r.ctx, r.req(tok))
	if !errors.Is(err, flanks.ErrCircuitOpen) || !errors.Is(err, flanks.ErrUpstream) {
		t.Fatalf("7th call: %v, want ErrCircuitOpen and ErrUpstream", err)
	}
	if n := r.sim.Requests(accountPath); n != 6 {
		t.Errorf("%d requests reached the simulator, want 6 (none while open)", n)
	}
	// Other endpoints of the same provider are cut off too: the breaker
	// guards Flanks, not one path.
	if _, err := r.c.ListEntities(r.ctx); !errors.Is(err, flanks.ErrCircuitOpen) {
		t.Errorf("ListEntities while open: %v", err)
	}
}
