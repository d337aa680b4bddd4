package main

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/fingraph/fingraph/internal/benchkit"
)

// coldAllQuery selects every product of one credentials, children
// included (account, investment, liability and card transactions under
// their parents), the shape a "whole connection" screen asks for.
const coldAllQuery = `query($id: ID!) { node(id: $id) { ... on Credentials {
  accounts(first: 5) { nodes { id transactions(first: 5) { nodes { id amount } } } }
  portfolios(first: 5) { nodes { id investments(first: 5) { nodes { id transactions(first: 5) { nodes { id } } } } } }
  liabilities(first: 5) { nodes { id transactions(first: 5) { nodes { id } } } }
  cards(first: 5) { nodes { id transactions(first: 5) { nodes { id } } } }
  identity { fullName }
} } }`

// coldAllPaths are the Flanks endpoints coldAllQuery reads: the query
// needs every product /credentials/all answers, so the server asks that
// one endpoint (with the status beside it, to tell an empty list from a
// product still extracting) and none of the ten it replaces
// (coldAllProductPaths).
var coldAllPaths = []string{"/v0/bank/credentials/all"}

// coldAllProductPaths are the product endpoints of coldAllQuery's products.
var coldAllProductPaths = []string{
	"/v0/bank/credentials/account", "/v0/bank/credentials/data",
	"/v0/bank/credentials/portfolio", "/v0/bank/credentials/investment", "/v0/bank/credentials/investment/transaction",
	"/v0/bank/credentials/liability", "/v0/bank/credentials/liability/transaction",
	"/v0/bank/credentials/card", "/v0/bank/credentials/card/transaction",
	"/v0/bank/credentials/auth",
}

// runColdAll times a cold query over every product of one credentials
// (ten products, three levels deep) against one call (accounts alone),
// each on credentials never fetched, with 200 ms provider latency.
func runColdAll(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("cold-all", `Times ONE query over every product of credentials never fetched before
(accounts and their transactions, portfolios → investments → their
transactions, liabilities and cards with their transactions, identity)
against one product (accounts), with the simulator's latency at 200 ms.
Each run checks that /credentials/all was called exactly once and none of
the ten product endpoints it replaces.`, stderr)
	var f benchFlags
	f.register(fs, "10x")
	runs := fs.Int("runs", 10, "timed runs of each query")
	if err := parse(fs, args); err != nil {
		return err
	}
	ctx, cancel := interruptible()
	defer cancel()
	e, stop, err := f.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer stop()
	all, err := benchkit.NewCold(ctx, e, coldAllQuery, coldAllPaths)
	if err != nil {
		return err
	}
	all.Unused = coldAllProductPaths
	one, err := benchkit.NewCold(ctx, e, benchkit.ColdOneQuery, benchkit.ColdOnePaths)
	if err != nil {
		return err
	}
	var times [2][]time.Duration
	for range *runs { // interleaved, so drift hits both alike
		for i, c := range []*benchkit.Cold{all, one} {
			d, err := c.Run(ctx)
			if err != nil {
				return err
			}
			times[i] = append(times[i], d)
		}
	}
	fmt.Fprintf(stdout, "cold query, %v simulated provider latency, fresh credentials each run, %d runs each\n\n",
		benchkit.ColdLatency, *runs)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tmedian\tmin\tmax\tx latency\t")
	for i, name := range []string{"every product (one /credentials/all)", "one product (accounts)"} {
		m := medianDur(times[i])
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.2f\t\n", name, ms(m), ms(slices.Min(times[i])), ms(slices.Max(times[i])),
			float64(m)/float64(benchkit.ColdLatency))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nratio every/one: %.2fx\n", float64(medianDur(times[0]))/float64(medianDur(times[1])))
	return nil
}

// medianDur is the median of ds (not modified).
func medianDur(ds []time.Duration) time.Duration {
	s := slices.Sorted(slices.Values(ds))
	return s[len(s)/2]
}

// ms formats d in milliseconds.
func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
