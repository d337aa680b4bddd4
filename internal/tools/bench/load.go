package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fingraph/fingraph/internal/benchkit"
)

// Bounds on load: it never runs unbounded, whatever the flags say.
const (
	maxLoadDuration = 10 * time.Minute
	maxLoadRequests = 1_000_000
	maxConcurrency  = 1000
)

// loadConfig is one load run.
type loadConfig struct {
	URL         string
	Token       string
	Body        []byte
	Concurrency int
	Requests    int
	Duration    time.Duration
	Timeout     time.Duration
}

// loadResult is what a load run observed. Latencies are of requests that
// got a complete response, whatever its status.
type loadResult struct {
	Completed       int
	TransportErrors int
	HTTPErrors      int // a status other than 200
	GraphQLErrors   int // 200 with an "errors" entry
	Latencies       []time.Duration
	Elapsed         time.Duration
}

// Errors is the number of failed requests of every kind.
func (r *loadResult) Errors() int { return r.TransportErrors + r.HTTPErrors + r.GraphQLErrors }

// Percentile returns the nearest-rank p-th percentile (0 < p <= 100) of
// the latencies, 0 when there are none.
func (r *loadResult) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	s := slices.Clone(r.Latencies)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func runLoad(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("load", `Sends the same GraphQL POST from -c workers until -n requests completed or
-duration passed, whichever is first, to a fingraph server already running
on loopback (go run . in another terminal), then prints latency percentiles,
throughput and errors. A probe request is sent first and must succeed: it
fails fast on a bad token or query, and warms the server's cache.
The load generator shares the machine's cores with the server: on a small
machine it lowers the server's throughput.`, stderr)
	var (
		cfg      loadConfig
		query    string
		vars     string
		tokenEnv = os.Getenv("FINGRAPH_TOKEN")
	)
	fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080/graphql", "GraphQL endpoint of the running server (loopback only)")
	fs.StringVar(&cfg.Token, "token", "", "bearer token (default $FINGRAPH_TOKEN); the dev server prints a demo token, and \"go run . token --user demo-user\" mints one")
	fs.StringVar(&query, "query", benchkit.NestedQuery, "GraphQL query, or @file to read it from a file")
	fs.StringVar(&vars, "vars", "", "variables as a JSON object")
	fs.IntVar(&cfg.Concurrency, "c", 100, fmt.Sprintf("concurrent workers (1..%d)", maxConcurrency))
	fs.IntVar(&cfg.Requests, "n", 1000, fmt.Sprintf("requests to complete (1..%d)", maxLoadRequests))
	fs.DurationVar(&cfg.Duration, "duration", time.Minute, fmt.Sprintf("stop after this long even if -n is not reached (at most %v)", maxLoadDuration))
	fs.DurationVar(&cfg.Timeout, "timeout", 30*time.Second, "timeout of one request")
	if err := parse(fs, args); err != nil {
		return err
	}
	if cfg.Token == "" {
		cfg.Token = tokenEnv
	}
	body, err := loadBody(query, vars)
	if err != nil {
		return err
	}
	cfg.Body = body
	if err := cfg.validate(); err != nil {
		return err
	}
	ctx, cancel := interruptible()
	defer cancel()
	client := newLoadClient(cfg)
	defer client.CloseIdleConnections()
	if err := probe(ctx, client, cfg); err != nil {
		return err
	}
	res := load(ctx, client, cfg)
	printLoad(stdout, cfg, res)
	if res.Completed == 0 && res.Errors() == 0 {
		return errors.New("no request completed")
	}
	return nil
}

func loadBody(query, vars string) ([]byte, error) {
	if name, ok := strings.CutPrefix(query, "@"); ok {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, usageError{fmt.Sprintf("-query: %v", err)}
		}
		query = string(b)
	}
	if strings.TrimSpace(query) == "" {
		return nil, usageError{"-query must not be empty"}
	}
	var v map[string]any
	if vars != "" {
		if err := json.Unmarshal([]byte(vars), &v); err != nil {
			return nil, usageError{fmt.Sprintf("-vars must be a JSON object: %v", err)}
		}
	}
	return benchkit.RequestBody(query, v), nil
}

func (c loadConfig) validate() error {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError{fmt.Sprintf("-url %q is not an http(s) URL", c.URL)}
	}
	// A load generator must not be pointed at someone else's server by a
	// typo: only this machine's loopback is accepted.
	if h := u.Hostname(); h != "localhost" {
		if ip := net.ParseIP(h); ip == nil || !ip.IsLoopback() {
			return usageError{fmt.Sprintf("-url host %q is not loopback (127.0.0.1, ::1 or localhost)", h)}
		}
	}
	switch {
	case c.Token == "":
		return usageError{"-token (or $FINGRAPH_TOKEN) is required"}
	case c.Concurrency < 1 || c.Concurrency > maxConcurrency:
		return usageError{fmt.Sprintf("-c must be 1..%d", maxConcurrency)}
	case c.Requests < 1 || c.Requests > maxLoadRequests:
		return usageError{fmt.Sprintf("-n must be 1..%d", maxLoadRequests)}
	case c.Duration <= 0 || c.Duration > maxLoadDuration:
		return usageError{fmt.Sprintf("-duration must be positive and at most %v", maxLoadDuration)}
	case c.Timeout <= 0:
		return usageError{"-timeout must be positive"}
	}
	return nil
}

// newLoadClient keeps one connection per worker alive: with the default
// two idle connections per host, most requests would open a new one and
// the run would measure TCP set-up (and exhaust ports in TIME_WAIT).
func newLoadClient(c loadConfig) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = c.Concurrency, c.Concurrency
	return &http.Client{Transport: tr, Timeout: c.Timeout}
}

// outcome classifies one response.
type outcome int

const (
	outcomeOK outcome = iota
	outcomeTransport
	outcomeHTTP
	outcomeGraphQL
)

// send posts the body once and reads the whole response.
func send(ctx context.Context, client *http.Client, c loadConfig) (outcome, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(c.Body))
	if err != nil {
		return outcomeTransport, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return outcomeTransport, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	switch {
	case err != nil:
		return outcomeTransport, b, err
	case res.StatusCode != http.StatusOK:
		return outcomeHTTP, b, fmt.Errorf("status %d", res.StatusCode)
	case hasErrors(b):
		return outcomeGraphQL, b, errors.New("GraphQL errors")
	}
	return outcomeOK, b, nil
}

// hasErrors reports a GraphQL response with an "errors" entry. fingraph
// (internal/gqlhttp) writes errors before data, so the prefix is enough,
// and the generator does not spend the server's cores decoding every body.
func hasErrors(body []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(body, " \t\r\n"), []byte(`{"errors"`))
}

func probe(ctx context.Context, client *http.Client, c loadConfig) error {
	o, body, err := send(ctx, client, c)
	if o != outcomeOK {
		const max = 400
		if len(body) > max {
			body = body[:max]
		}
		return fmt.Errorf("probe request to %s failed: %v %s", c.URL, err, body)
	}
	return nil
}

// load runs the workers. Requests cut short by -duration or Ctrl-C are
// neither counted nor timed: they did not fail, the run ended.
func load(ctx context.Context, client *http.Client, c loadConfig) *loadResult {
	ctx, cancel := context.WithTimeout(ctx, c.Duration)
	defer cancel()
	var (
		next atomic.Int64
		mu   sync.Mutex
		res  = &loadResult{Latencies: make([]time.Duration, 0, c.Requests)}
		wg   sync.WaitGroup
	)
	start := time.Now()
	for range c.Concurrency {
		wg.Go(func() {
			for ctx.Err() == nil && next.Add(1) <= int64(c.Requests) {
				t0 := time.Now()
				o, _, _ := send(ctx, client, c)
				d := time.Since(t0)
				if ctx.Err() != nil {
					return
				}
				mu.Lock()
				switch o {
				case outcomeTransport:
					res.TransportErrors++
				case outcomeHTTP:
					res.HTTPErrors++
				case outcomeGraphQL:
					res.GraphQLErrors++
				default:
					res.Completed++
				}
				if o != outcomeTransport {
					res.Latencies = append(res.Latencies, d)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	return res
}

func printLoad(w io.Writer, c loadConfig, r *loadResult) {
	total := r.Completed + r.Errors()
	fmt.Fprintf(w, "load: %s, %d workers, up to %d requests or %v\n", c.URL, c.Concurrency, c.Requests, c.Duration)
	fmt.Fprintf(w, "requests  %d in %v: %.1f req/s (%d succeeded)\n", total, r.Elapsed.Round(time.Millisecond),
		float64(total)/r.Elapsed.Seconds(), r.Completed)
	fmt.Fprintf(w, "errors    %d (transport %d, HTTP status %d, GraphQL %d)\n",
		r.Errors(), r.TransportErrors, r.HTTPErrors, r.GraphQLErrors)
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
	fmt.Fprintf(w, "latency   p50 %s  p95 %s  p99 %s  max %s\n",
		ms(r.Percentile(50)), ms(r.Percentile(95)), ms(r.Percentile(99)), ms(r.Percentile(100)))
}
