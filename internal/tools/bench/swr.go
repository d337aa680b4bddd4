package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/fingraph/fingraph/internal/benchkit"
)

// swrQuery is the steady read: the demo user's accounts.
const swrQuery = `{ me { credentials(first: 5) { nodes { id accounts(first: 10) { nodes { id balance } } } } } }`

// swrCase is one server configuration of the steady-read scenario.
type swrCase struct {
	name string
	env  func(ttl time.Duration) map[string]string
}

var swrCases = []swrCase{
	{"no expiry", func(time.Duration) map[string]string {
		return map[string]string{"FINGRAPH_CACHE_TTLS": "accounts=1h"}
	}},
	{"TTL expiring, revalidate window 24h", func(ttl time.Duration) map[string]string {
		return map[string]string{"FINGRAPH_CACHE_TTLS": "accounts=" + ttl.String(), "FINGRAPH_REVALIDATE_WINDOW": "24h"}
	}},
	{"TTL expiring, window 0 (readers wait)", func(ttl time.Duration) map[string]string {
		return map[string]string{"FINGRAPH_CACHE_TTLS": "accounts=" + ttl.String(), "FINGRAPH_REVALIDATE_WINDOW": "0"}
	}},
}

// swrResult is what one case measured.
type swrResult struct {
	lat      []time.Duration
	errors   int
	upstream int // account fetches during the run
}

// runSWR measures the latency of steady reads while the accounts' TTL
// keeps running out, with and without stale-while-revalidate, against
// reads that never expire.
func runSWR(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("swr", `Sends the demo user's accounts query at a steady rate (open loop) to an
in-process server whose simulated provider answers in 200 ms, for each of:
accounts never expiring during the run; expiring every -ttl with the
revalidate window on; expiring with it off (readers wait for the refresh).
Prints p50/p95/p99/max, GraphQL errors and provider calls.`, stderr)
	rate := fs.Int("rate", 50, "requests per second")
	dur := fs.Duration("duration", 20*time.Second, "how long to send, per case")
	ttl := fs.Duration("ttl", 2*time.Second, "the accounts' TTL in the expiring cases")
	history := fs.Int("history-days", 90, "days of simulated transactions per account")
	var db dbFlags
	db.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := db.validate(); err != nil {
		return err
	}
	if *rate <= 0 || *dur <= 0 || *ttl <= 0 {
		return usageError{"-rate, -duration and -ttl must be positive"}
	}
	ctx, cancel := interruptible()
	defer cancel()
	fmt.Fprintf(stdout, "steady reads, %d req/s for %v, %v provider latency, accounts TTL %v when expiring\n\n",
		*rate, *dur, benchkit.ColdLatency, *ttl)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\trequests\tp50\tp95\tp99\tmax\terrors\taccount fetches\t")
	for _, c := range swrCases {
		env := c.env(*ttl)
		env["FINGRAPH_SANDBOX_HISTORY_DAYS"] = fmt.Sprint(*history)
		r, err := swrRun(ctx, &db, stderr, env, *rate, *dur)
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%d\t%d\t\n", c.name, len(r.lat), ms(pct(r.lat, 50)), ms(pct(r.lat, 95)),
			ms(pct(r.lat, 99)), ms(slices.Max(r.lat)), r.errors, r.upstream)
	}
	return tw.Flush()
}

// swrRun starts a server with env on a database of its own, warms its
// cache, sets the provider latency and sends the steady reads.
func swrRun(ctx context.Context, db *dbFlags, stderr io.Writer, env map[string]string, rate int, dur time.Duration) (*swrResult, error) {
	dir, err := os.MkdirTemp("", "fingraph-bench-swr-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	dbURL, drop, err := db.fresh(ctx, false, stderr)
	if err != nil {
		return nil, err
	}
	defer drop() // deferred first, so it runs after e.Close
	e, err := benchkit.Open(ctx, benchkit.Options{Dir: dir, DatabaseURL: dbURL, Env: env})
	if err != nil {
		return nil, err
	}
	defer e.Close()
	if _, err := e.Query(ctx, swrQuery, nil); err != nil { // warm
		return nil, err
	}
	sim := e.Sim()
	sim.SetLatency(benchkit.ColdLatency)
	defer sim.SetLatency(0)
	before := sim.Requests("/v0/bank/credentials/account")
	r := steady(ctx, e, rate, dur)
	r.upstream = sim.Requests("/v0/bank/credentials/account") - before
	if len(r.lat) == 0 {
		return nil, fmt.Errorf("no request completed")
	}
	return r, nil
}

// steady sends swrQuery rate times a second for dur, each request on its
// own goroutine so a slow one never delays the next (open loop).
func steady(ctx context.Context, e *benchkit.Env, rate int, dur time.Duration) *swrResult {
	var (
		mu sync.Mutex
		wg sync.WaitGroup
		r  swrResult
	)
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	end := time.After(dur)
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return &r
		case <-end:
			wg.Wait()
			return &r
		case <-tick.C:
			wg.Go(func() {
				start := time.Now()
				_, err := e.Query(ctx, swrQuery, nil)
				d := time.Since(start)
				mu.Lock()
				defer mu.Unlock()
				r.lat = append(r.lat, d)
				if err != nil {
					r.errors++
				}
			})
		}
	}
}

// pct is the p-th percentile of ds (nearest rank).
func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Sorted(slices.Values(ds))
	i := (len(s)*p+99)/100 - 1
	return s[max(i, 0)]
}
