package benchkit

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// ColdLatency is the simulated provider latency of the cold benchmarks.
const ColdLatency = 200 * time.Millisecond

// ColdFiveQuery selects five products of one credentials that depend on
// no other product, so a server that fetches them in parallel answers
// after about one provider round trip.
const ColdFiveQuery = `query($id: ID!) { node(id: $id) { ... on Credentials {
  accounts(first: 10) { nodes { id balance } }
  portfolios(first: 10) { nodes { id balance } }
  liabilities(first: 10) { nodes { id balance } }
  cards(first: 10) { nodes { id panLast4 } }
  identity { fullName }
} } }`

// ColdOneQuery selects a single product: the "one call" the five-product
// query is compared with.
const ColdOneQuery = `query($id: ID!) { node(id: $id) { ... on Credentials {
  accounts(first: 10) { nodes { id balance } }
} } }`

// Flanks endpoints of the products the cold queries select.
var (
	ColdFivePaths = []string{
		"/v0/bank/credentials/account", "/v0/bank/credentials/portfolio", "/v0/bank/credentials/liability",
		"/v0/bank/credentials/card", "/v0/bank/credentials/auth",
	}
	ColdOnePaths = []string{"/v0/bank/credentials/account"}
)

// Cold runs one query against freshly linked credentials with the
// simulator slowed to ColdLatency.
type Cold struct {
	*Env
	Query string
	Paths []string
	// Unused are endpoints the query must not call at all (those a
	// whole-connection call replaces).
	Unused []string
}

// NewCold prepares a cold benchmark of query, whose products are fetched
// from paths. It links one credentials first, which also fetches the
// Flanks access token (/v0/token), so the token's round trip, paid once
// per process, never lands inside a timed query.
func NewCold(ctx context.Context, e *Env, query string, paths []string) (*Cold, error) {
	e.Sim().SetLatency(0)
	if _, err := e.Link(ctx, "testbank"); err != nil {
		return nil, err
	}
	return &Cold{Env: e, Query: query, Paths: paths}, nil
}

// Prepare links new credentials (with no latency: linking is not what is
// measured), then sets the simulator latency. The credentials have no
// sync records yet, so every product the query selects is cold.
func (c *Cold) Prepare(ctx context.Context) (id string, before map[string]int, err error) {
	sim := c.Sim()
	sim.SetLatency(0)
	if id, err = c.Link(ctx, "santander"); err != nil {
		return "", nil, err
	}
	before = sim.RequestCounts()
	sim.SetLatency(ColdLatency)
	return id, before, nil
}

// Verify checks, after a cold query, that each of the query's endpoints
// was called exactly once (the query really was cold, and only its own
// products were fetched) and that none of Unused was called.
func (c *Cold) Verify(before map[string]int) error {
	sim := c.Sim()
	sim.SetLatency(0)
	after := sim.RequestCounts()
	for _, p := range c.Paths {
		if n := after[p] - before[p]; n != 1 {
			return fmt.Errorf("benchkit: %s called %d times by one cold query, want 1", p, n)
		}
	}
	for _, p := range c.Unused {
		if n := after[p] - before[p]; n != 0 {
			return fmt.Errorf("benchkit: %s called %d times by one cold query, want none", p, n)
		}
	}
	return nil
}

// Run prepares fresh credentials, times one query and verifies it.
func (c *Cold) Run(ctx context.Context) (time.Duration, error) {
	id, before, err := c.Prepare(ctx)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	_, err = c.Env.Query(ctx, c.Query, map[string]any{"id": id})
	d := time.Since(start)
	if err != nil {
		return 0, err
	}
	return d, c.Verify(before)
}

// Bench is the body of the cold benchmarks: per iteration, untimed, new
// credentials are linked and the latency set; then ONE query is timed.
// It reports ms/op besides ns/op, since the targets are stated in ms.
func (c *Cold) Bench(b *testing.B) {
	ctx := context.Background()
	vars := map[string]any{}
	for b.Loop() {
		b.StopTimer()
		id, before, err := c.Prepare(ctx)
		if err != nil {
			b.Fatal(err)
		}
		vars["id"] = id
		b.StartTimer()
		_, err = c.Env.Query(ctx, c.Query, vars)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Verify(before); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed())/float64(time.Millisecond)/float64(b.N), "ms/op")
}
