package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"testing"
	"text/tabwriter"

	"github.com/fingraph/fingraph/internal/benchkit"
)

// benchFlags are the flags the in-process commands share.
type benchFlags struct {
	dbFlags
	benchtime string
	history   int
	keep      bool
}

func (f *benchFlags) register(fs *flag.FlagSet, defaultBenchtime string) {
	f.dbFlags.register(fs)
	fs.StringVar(&f.benchtime, "benchtime", defaultBenchtime,
		"how long to run each benchmark (e.g. 3s), or a fixed count (e.g. 20x), as go test -benchtime")
	fs.IntVar(&f.history, "history-days", 0,
		"days of simulated transactions per account (0: the server default, 730)")
	fs.BoolVar(&f.keep, "keep", false, "keep the scratch data directory (printed) instead of deleting it")
}

// open starts the app in a scratch directory, on SQLite or a fresh
// PostgreSQL database (-db); the returned func stops it and removes the
// directory and the database.
func (f *benchFlags) open(ctx context.Context, stderr io.Writer) (*benchkit.Env, func(), error) {
	if err := f.validate(); err != nil {
		return nil, nil, err
	}
	// testing.Benchmark reads -test.benchtime from the flag package's
	// command line: register the testing flags there, then set it.
	testing.Init()
	if err := flag.CommandLine.Set("test.benchtime", f.benchtime); err != nil {
		return nil, nil, usageError{fmt.Sprintf("-benchtime %q: %v", f.benchtime, err)}
	}
	dir, err := os.MkdirTemp("", "fingraph-bench-")
	if err != nil {
		return nil, nil, err
	}
	dbURL, drop, err := f.fresh(ctx, f.keep, stderr)
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	env := map[string]string{}
	if f.history > 0 {
		env["FINGRAPH_SANDBOX_HISTORY_DAYS"] = fmt.Sprint(f.history)
	}
	e, err := benchkit.Open(ctx, benchkit.Options{Dir: dir, DatabaseURL: dbURL, Env: env})
	if err != nil {
		drop()
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return e, func() {
		e.Close()
		drop() // after Close: the app's connections are gone
		if f.keep {
			fmt.Fprintln(stderr, "data kept in", dir)
			return
		}
		os.RemoveAll(dir)
	}, nil
}

// measure runs fn with testing.Benchmark. testing.Benchmark discards
// b.Fatal messages and returns a zero result, so a failure is reported by
// name and the go test benchmark is the place to see why.
func measure(name string, fn func(*testing.B)) (testing.BenchmarkResult, error) {
	r := testing.Benchmark(fn)
	if r.N == 0 {
		return r, fmt.Errorf("%s failed; run the go test benchmark for the reason (see BENCHMARKS.md)", name)
	}
	return r, nil
}

func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}

// nestedTarget is the largest server/baseline-per-account time ratio the
// nested target allows (issue 15).
const nestedTarget = 2

func runNested(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("nested", `Seeds 9 credentials (>= 10,000 account transactions) in an in-process server
on SQLite or, with -db postgres, a fresh PostgreSQL database, warms the
cache, checks that the baselines return the same JSON data, then times,
side by side, the nested query through the HTTP handler ("server"), the
same data by hand-written SQL + encoding/json using the server's former
ROW_NUMBER() strategy ("baseline", for comparison only), and by
per-account LIMIT 50 subqueries ("baseline-per-account"). The three run in
turn for -rounds rounds, so that a machine slowing down or speeding up
affects all of them; each ratio is the median of the rounds' ratios.
Target: server <= 2x baseline-per-account.`, stderr)
	var f benchFlags
	f.register(fs, "1s")
	rounds := fs.Int("rounds", 5, "rounds of the three benchmarks, run in turn")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *rounds < 1 {
		return fmt.Errorf("-rounds must be at least 1")
	}
	ctx, cancel := interruptible()
	defer cancel()
	e, stop, err := f.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer stop()
	n, err := benchkit.SeedNested(ctx, e, benchkit.MinTransactions)
	if err != nil {
		return err
	}
	if err := n.Check(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "nested query on %s over %d credentials, %d account transactions; %d-byte data, the same JSON in all three\n\n",
		benchkit.DatabaseName(ctx, e.App.DB), benchkit.MaxCredentials, n.Transactions, len(n.Data))
	runs := []namedBench{
		{name: "server", fn: n.BenchServer},
		{name: "baseline", fn: n.BenchBaseline,
			about: "a different baseline, ROW_NUMBER() over every transaction (the server's former plan)"},
		{name: "baseline-per-account", fn: n.BenchBaselinePerAccount, target: nestedTarget,
			about: "per-account LIMIT 50 + encoding/json, the plan the server uses"},
	}
	res, err := measureRounds(runs, *rounds)
	if err != nil {
		return err
	}
	printNested(stdout, runs, res)
	return nil
}

func runCold(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("cold", `Times ONE query on credentials never fetched before, with the simulator's
latency at 200 ms: five independent products (accounts, portfolios,
liabilities, cards, identity) vs one (accounts). New credentials are
linked before each run, outside the timing. Target: five <= 1.3x one.`, stderr)
	var f benchFlags
	f.register(fs, "10x")
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
	five, err := benchkit.NewCold(ctx, e, benchkit.ColdFiveQuery, benchkit.ColdFivePaths)
	if err != nil {
		return err
	}
	one, err := benchkit.NewCold(ctx, e, benchkit.ColdOneQuery, benchkit.ColdOnePaths)
	if err != nil {
		return err
	}
	// One untimed run of each catches a broken set-up with its message,
	// which testing.Benchmark would swallow.
	for _, c := range []*benchkit.Cold{five, one} {
		if _, err := c.Run(ctx); err != nil {
			return err
		}
	}
	rFive, err := measure("five products", five.Bench)
	if err != nil {
		return err
	}
	rOne, err := measure("one product", one.Bench)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "cold query, %v simulated provider latency, fresh credentials each run\n\n", benchkit.ColdLatency)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tms/op\tx latency\truns\t")
	for _, r := range []struct {
		name string
		res  testing.BenchmarkResult
	}{{"five products", rFive}, {"one product", rOne}} {
		ms := float64(r.res.NsPerOp()) / 1e6
		fmt.Fprintf(tw, "%s\t%.1f\t%.2f\t%d\t\n", r.name, ms,
			float64(r.res.NsPerOp())/float64(benchkit.ColdLatency), r.res.N)
	}
	tw.Flush()
	ratio := float64(rFive.NsPerOp()) / float64(rOne.NsPerOp())
	fmt.Fprintf(stdout, "\nfive/one: %.2fx (target <= 1.3x: %s)\n", ratio, verdict(ratio <= 1.3))
	return nil
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}
