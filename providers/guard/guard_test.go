package guard

import (
	"net/http"
	"testing"
	"time"
)

func TestPolicyValidate(t *testing.T) {
	tests := []struct {
		name string
		p    Policy
		ok   bool
	}{
		{name: "zero value", p: Policy{}, ok: true},
		{name: "negative breaker", p: Policy{Breaker: BreakerPolicy{MinCalls: -1}}},
		{name: "ratio above one", p: Policy{Breaker: BreakerPolicy{FailureRatio: 1.5}}},
		{name: "negative bulkhead", p: Policy{Bulkhead: BulkheadPolicy{MaxQueue: -1}}},
		{name: "negative budget", p: Policy{Budget: RetryBudgetPolicy{Max: -1}}},
		{name: "negative retry", p: Policy{Retry: RetryPolicy{MaxDelay: -time.Second}}},
		{name: "negative rate", p: Policy{RateLimit: RateLimitPolicy{PerSecond: -1}}},
		{name: "negative burst", p: Policy{RateLimit: RateLimitPolicy{PerSecond: 1, Burst: -1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.p.Validate(); (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v; want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestPolicyGuards(t *testing.T) {
	g := Policy{}.Guards(nil)
	if g.Breaker == nil || g.Bulkhead == nil || g.Budget == nil {
		t.Fatalf("default guards %+v: want all three on", g)
	}
	off := Policy{Breaker: BreakerPolicy{Disabled: true}, Bulkhead: BulkheadPolicy{Disabled: true},
		Budget: RetryBudgetPolicy{Disabled: true}}.Guards(nil)
	if off.Breaker != nil || off.Bulkhead != nil || off.Budget != nil {
		t.Fatalf("disabled guards %+v: want none", off)
	}
	if got := (Policy{Bulkhead: BulkheadPolicy{MaxInFlight: 3}}).Guards(nil).Bulkhead; got == nil {
		t.Fatal("bulkhead missing")
	}
	if g.Limiter != nil {
		t.Fatal("a rate limit by default")
	}
	if (Policy{RateLimit: RateLimitPolicy{PerSecond: 5}}).Guards(nil).Limiter == nil {
		t.Fatal("rate limiter missing")
	}
}

func TestHooks(t *testing.T) {
	if c := (Hooks{}).HTTPClient(time.Second); c.Timeout != time.Second || c.Transport != nil {
		t.Fatalf("zero hooks changed the client: %+v", c)
	}
	wrapped := false
	h := Hooks{WrapTransport: func(rt http.RoundTripper) http.RoundTripper {
		wrapped = true
		if rt == nil {
			rt = http.DefaultTransport
		}
		return rt
	}}
	if c := h.HTTPClient(time.Second); !wrapped || c.Transport == nil {
		t.Fatal("transport not wrapped")
	}
}
