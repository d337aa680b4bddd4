package app_test

import (
	"context"
	"testing"

	"github.com/fingraph/fingraph/internal/benchkit"
)

// The performance targets as benchmarks (never timed unit tests).
// The bodies live in internal/benchkit so that `go run ./internal/tools/bench`
// measures exactly the same thing and prints the ratios; BENCHMARKS.md has
// the commands and figures.

// openBench starts the app on SQLite in a scratch directory (development
// configuration, sandbox on, rate limit off) for one benchmark.
func openBench(b *testing.B) *benchkit.Env {
	b.Helper()
	e, err := benchkit.Open(context.Background(), benchkit.Options{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	return e
}

// BenchmarkNestedQuery measures the cached nested query
// me → credentials → accounts → transactions(first: 50) over at least
// 10,000 account transactions: through the server's HTTP handler, and by
// two hand-written SQL + encoding/json baselines that produce
// byte-identical data (checked before timing). The target is server
// ns/op at most 3× baseline ns/op, in the same run:
//
//	go test -run '^$' -bench NestedQuery -benchmem ./internal/app/
func BenchmarkNestedQuery(b *testing.B) {
	ctx := context.Background()
	n, err := benchkit.SeedNested(ctx, openBench(b), benchkit.MinTransactions)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d account transactions over %d credentials", n.Transactions, benchkit.MaxCredentials)
	if err := n.Check(ctx); err != nil {
		b.Fatal(err)
	}
	b.Run("server", n.BenchServer)
	b.Run("baseline", n.BenchBaseline)
	b.Run("baseline-per-account", n.BenchBaselinePerAccount)
}

// BenchmarkColdFiveProducts times ONE query selecting five independent
// products (accounts, portfolios, liabilities, cards, identity) of
// credentials never fetched before, with 200 ms of simulated provider
// latency. The target is at most 1.3× BenchmarkColdOneProduct:
//
//	go test -run '^$' -bench Cold ./internal/app/
func BenchmarkColdFiveProducts(b *testing.B) {
	benchCold(b, benchkit.ColdFiveQuery, benchkit.ColdFivePaths)
}

// BenchmarkColdOneProduct is BenchmarkColdFiveProducts with one product
// (accounts): the cost of one provider call seen through the API.
func BenchmarkColdOneProduct(b *testing.B) {
	benchCold(b, benchkit.ColdOneQuery, benchkit.ColdOnePaths)
}

func benchCold(b *testing.B, query string, paths []string) {
	c, err := benchkit.NewCold(context.Background(), openBench(b), query, paths)
	if err != nil {
		b.Fatal(err)
	}
	c.Bench(b)
}
