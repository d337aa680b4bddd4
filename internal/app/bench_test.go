package app_test

import (
	"context"
	"os"
	"testing"

	"github.com/fingraph/fingraph/internal/benchkit"
)

// The performance targets as benchmarks (never timed unit tests).
// The bodies live in internal/benchkit so that `go run ./internal/tools/bench`
// measures exactly the same thing and prints the ratios; BENCHMARKS.md has
// the commands and figures.

// openBench starts the app on SQLite in a scratch directory (development
// configuration, sandbox on, rate limit off) for one benchmark.
func openBench(b *testing.B) *benchkit.Env { return openBenchOn(b, "") }

// openBenchOn is openBench on the PostgreSQL database dbURL ("" for
// SQLite).
func openBenchOn(b *testing.B, dbURL string) *benchkit.Env {
	b.Helper()
	e, err := benchkit.Open(context.Background(), benchkit.Options{Dir: b.TempDir(), DatabaseURL: dbURL})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	return e
}

// freshPostgres creates a PostgreSQL database of the benchmark's own on
// the server TEST_DATABASE_URL names, dropped when the benchmark ends,
// and skips without it.
func freshPostgres(b *testing.B) string {
	b.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		b.Skip("TEST_DATABASE_URL not set")
	}
	u, drop, err := benchkit.FreshPostgres(context.Background(), base)
	if err != nil {
		b.Fatal(err)
	}
	// Registered before openBenchOn's, so it runs after the app closed.
	b.Cleanup(func() {
		if err := drop(); err != nil {
			b.Error(err)
		}
	})
	return u
}

// BenchmarkNestedQuery measures the cached nested query
// me → credentials → accounts → transactions(first: 50) over at least
// 10,000 account transactions: through the server's HTTP handler, and by
// two hand-written SQL + encoding/json baselines that produce
// byte-identical data (checked before timing). The target is server
// ns/op at most 2× baseline-per-account ns/op, in the same run ("baseline",
// ROW_NUMBER() over every row, is a slower plan shown for comparison):
//
//	go test -run '^$' -bench NestedQuery -benchmem ./internal/app/
func BenchmarkNestedQuery(b *testing.B) { benchNested(b, openBench(b)) }

// BenchmarkNestedQueryPostgres is BenchmarkNestedQuery on a fresh
// PostgreSQL database, created on the server TEST_DATABASE_URL names
// (skipped without it) and dropped afterwards.
func BenchmarkNestedQueryPostgres(b *testing.B) { benchNested(b, openBenchOn(b, freshPostgres(b))) }

func benchNested(b *testing.B, e *benchkit.Env) {
	ctx := context.Background()
	n, err := benchkit.SeedNested(ctx, e, benchkit.MinTransactions)
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
