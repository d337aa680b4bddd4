package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fingraph/fingraph/internal/app"
	"github.com/fingraph/fingraph/internal/benchkit"
)

// compareServer is one side of a comparison: its load configuration and
// HTTP client, and the process to read CPU time from (0: none).
type compareServer struct {
	name   string
	cfg    loadConfig
	client *http.Client
	pid    int
}

// runCompare drives the cached nested query against a running fingraph
// and a running PostGraphile in interleaved rounds (issue 15).
func runCompare(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("compare", `Sends the cached nested query (me → credentials → accounts →
transactions(first: 50)) to a running fingraph and the same rows' query to
a running PostGraphile v5 (scripts/postgraphile, Amber preset) on the same
PostgreSQL database (seeded with "bench pg-seed"), over HTTP on loopback.
First it checks that both answers name exactly the same credentials,
accounts and transactions. Then, after -warmup of untimed load on each,
for each -c it runs -rounds rounds of -duration of closed-loop load on
each server in turn (A B, B A, ...), and prints each side's median
throughput, p50/p99 over all its rounds, the throughput ratio (median of
the per-round ratios) and the p99 ratio. Target (issue 15): fingraph >= 2x
PostGraphile's throughput with p99 <= PostGraphile's p99.`, stderr)
	var (
		fg, pg    = &compareServer{name: "fingraph"}, &compareServer{name: "postgraphile"}
		concs     string
		userID    string
		rounds    int
		dur, warm time.Duration
	)
	fs.StringVar(&fg.cfg.URL, "fingraph-url", "http://127.0.0.1:18080/graphql", "fingraph's GraphQL endpoint (loopback)")
	fs.StringVar(&fg.cfg.Token, "token", os.Getenv("FINGRAPH_TOKEN"), "fingraph bearer token of -user (default $FINGRAPH_TOKEN)")
	fs.StringVar(&pg.cfg.URL, "postgraphile-url", "http://127.0.0.1:5678/graphql", "PostGraphile's GraphQL endpoint (loopback)")
	fs.StringVar(&userID, "user", app.DemoUserID, "the user whose rows PostGraphile is asked for (the token's user)")
	fs.StringVar(&concs, "c", "1,8", "concurrencies (closed-loop workers), comma-separated")
	fs.IntVar(&rounds, "rounds", 5, "rounds per concurrency; each round runs both servers")
	fs.DurationVar(&dur, "duration", 5*time.Second, "length of one server's run in one round")
	fs.DurationVar(&warm, "warmup", 5*time.Second, "untimed load on each server first, at the highest -c (0: none)")
	fs.IntVar(&fg.pid, "fingraph-pid", 0, "fingraph's process id, to report its CPU time per request (Linux /proc)")
	fs.IntVar(&pg.pid, "postgraphile-pid", 0, "PostGraphile's (node) process id, to report its CPU time per request")
	if err := parse(fs, args); err != nil {
		return err
	}
	cs, err := parseConcs(concs)
	if err != nil {
		return err
	}
	switch {
	case fg.cfg.Token == "":
		return usageError{"-token (or $FINGRAPH_TOKEN) is required"}
	case rounds < 1:
		return usageError{"-rounds must be at least 1"}
	case dur <= 0 || time.Duration(rounds*len(cs)*2)*dur > maxLoadDuration:
		return usageError{fmt.Sprintf("-duration must be positive, and rounds x concurrencies x 2 x duration at most %v", maxLoadDuration)}
	case warm < 0 || warm > time.Minute:
		return usageError{"-warmup must be 0..1m"}
	}
	fg.cfg.Body = benchkit.RequestBody(benchkit.NestedQuery, nil)
	pg.cfg.Body = benchkit.RequestBody(postgraphileNestedQuery(userID), nil)
	pg.cfg.ErrorsAnywhere = true
	servers := []*compareServer{fg, pg}
	for _, s := range servers {
		if err := checkLoopback("-"+s.name+"-url", s.cfg.URL); err != nil {
			return err
		}
		s.cfg.Concurrency = maxConc(cs)
		s.cfg.Requests = maxLoadRequests
		s.cfg.Timeout = 30 * time.Second
		s.client = newLoadClient(s.cfg)
		defer s.client.CloseIdleConnections()
	}
	ctx, cancel := interruptible()
	defer cancel()
	if err := checkSameRows(ctx, stdout, fg, pg); err != nil {
		return err
	}
	if warm > 0 {
		for _, s := range servers {
			if res := runSide(ctx, s, s.cfg.Concurrency, warm); res.errors > 0 {
				return fmt.Errorf("warm-up: %d errors from %s", res.errors, s.name)
			}
		}
	}
	res := map[int][2][]sideRound{}
	for _, st := range compareSchedule(cs, rounds) {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		r := runSide(ctx, servers[st.side], st.conc, dur)
		sides := res[st.conc]
		sides[st.side] = append(sides[st.side], r)
		res[st.conc] = sides
		fmt.Fprintf(stderr, "c=%d round %d %-12s %7.1f req/s  p99 %s  errors %d\n", st.conc, st.round+1,
			servers[st.side].name, r.throughput(), ms((&loadStats{Latencies: r.latencies}).Percentile(99)), r.errors)
	}
	printCompare(stdout, cs, rounds, dur, res, fg.pid > 0 || pg.pid > 0)
	return nil
}

// parseConcs reads "1,8".
func parseConcs(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || c < 1 || c > maxConcurrency {
			return nil, usageError{fmt.Sprintf("-c: %q is not a concurrency 1..%d", f, maxConcurrency)}
		}
		out = append(out, c)
	}
	return out, nil
}

func maxConc(cs []int) int {
	m := 0
	for _, c := range cs {
		m = max(m, c)
	}
	return m
}

// checkSameRows sends each server its query once and fails unless both
// answers name the same rows.
func checkSameRows(ctx context.Context, w io.Writer, fg, pg *compareServer) error {
	var rows [2]map[string][]string
	var sizes [2]int
	for i, s := range []*compareServer{fg, pg} {
		body, err := sendOK(ctx, s.client, s.cfg, s.cfg.Body)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		if rows[i], err = nodeRows(body); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		sizes[i] = len(body)
	}
	summary, err := sameRows(rows[0], rows[1])
	if err != nil {
		return fmt.Errorf("fingraph and PostGraphile answer different rows: %w", err)
	}
	fmt.Fprintf(w, "both answer the same rows: %s (responses %d and %d bytes)\n", summary, sizes[0], sizes[1])
	return nil
}

// runSide runs closed-loop load on s at conc for d and returns the round.
func runSide(ctx context.Context, s *compareServer, conc int, d time.Duration) sideRound {
	cfg := s.cfg
	cfg.Concurrency, cfg.Duration = conc, d
	cpu0 := cpuTime(s.pid)
	r := load(ctx, s.client, cfg)
	out := sideRound{completed: r.Completed, errors: r.Errors(), elapsed: r.Elapsed, latencies: r.Latencies}
	if s.pid > 0 {
		out.cpu = cpuTime(s.pid) - cpu0
	}
	return out
}

// cpuTime is the user+system CPU time of process pid so far (Linux
// /proc/<pid>/stat, at the usual 100 ticks a second), 0 if unreadable.
func cpuTime(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which may hold spaces: state is
	// field 3, utime 14, stime 15.
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if i < 0 || len(f) < 13 {
		return 0
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0
	}
	return time.Duration(ut+st) * 10 * time.Millisecond
}

func printCompare(w io.Writer, cs []int, rounds int, dur time.Duration, res map[int][2][]sideRound, cpu bool) {
	fmt.Fprintf(w, "closed loop, %d rounds of %v per server per concurrency, interleaved\n\n", rounds, dur)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "c\tserver\treq/s (median)\tmin–max\tp50\tp99\trequests\terrors\t"
	if cpu {
		head += "CPU/req\t"
	}
	fmt.Fprintln(tw, head)
	for _, c := range cs {
		for i, name := range []string{"fingraph", "postgraphile"} {
			s := summarizeSide(res[c][i])
			line := fmt.Sprintf("%d\t%s\t%.1f\t%.1f–%.1f\t%s\t%s\t%d\t%d\t", c, name, s.throughput, s.min, s.max,
				ms(s.p50), ms(s.p99), s.completed, s.errors)
			if cpu {
				line += ms(s.cpuPerRequest) + "\t"
			}
			fmt.Fprintln(tw, line)
		}
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, c := range cs {
		v := verdictOf(res[c][0], res[c][1])
		fmt.Fprintf(w, "c=%d: fingraph/postgraphile throughput %.2fx (rounds %.2f–%.2f), p99 %.2fx; target >= %gx throughput and p99 <= its p99: %s\n",
			c, v.throughputRatio, v.lo, v.hi, v.p99Ratio, compareTarget, verdict(v.met))
	}
}
