package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
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

	"github.com/google/uuid"

	"github.com/fingraph/fingraph/internal/benchkit"
)

// Bounds on load: it never runs unbounded, whatever the flags say.
const (
	maxLoadDuration = 10 * time.Minute
	maxLoadRequests = 1_000_000
	maxConcurrency  = 1000
	maxRate         = 100_000
)

// loadConfig is one load run.
type loadConfig struct {
	URL   string
	Token string
	Body  []byte // the read every request sends, but for refreshes
	// Refresh holds refreshCredentials bodies, one per credentials of the
	// user (mixed workload); every RefreshEvery-th request sends the next.
	Refresh      [][]byte
	RefreshEvery int
	// Webhooks, when set, makes about one request in Webhooks.Every a
	// signed Flinks webhook (mixed workload).
	Webhooks    *webhookPlan
	Concurrency int
	Requests    int
	Duration    time.Duration
	Timeout     time.Duration
	// Rate > 0 sends that many requests a second whatever the answers
	// (open loop), with at most Concurrency in flight; 0 keeps
	// Concurrency workers busy (closed loop).
	Rate int
	// ErrorsAnywhere looks for an "errors" member anywhere in a response
	// instead of only at its start (fingraph writes errors first; other
	// servers, such as PostGraphile, after data).
	ErrorsAnywhere bool
}

// request returns the i-th request (from 0): a refresh when
// i%RefreshEvery == RefreshEvery-1, else a webhook when i%Webhooks.Every
// == 0, else a read. The two slots meet only when the two numbers are
// coprime; the refresh wins.
func (c loadConfig) request(i int64) call {
	if c.isRefresh(i) {
		n := i / int64(c.RefreshEvery)
		return call{kind: "refreshCredentials", body: c.Refresh[n%int64(len(c.Refresh))]}
	}
	if w := c.Webhooks; w != nil && w.Every > 0 && i%int64(w.Every) == 0 {
		j := i / int64(w.Every)
		return w.webhook(j, j > 0 && !c.isRefresh(i-int64(w.Every)))
	}
	return call{kind: "read", body: c.Body}
}

func (c loadConfig) isRefresh(i int64) bool {
	return len(c.Refresh) > 0 && c.RefreshEvery > 0 && i%int64(c.RefreshEvery) == int64(c.RefreshEvery)-1
}

// loadStats counts the requests of one kind, or of all. Latencies are of
// requests that got a complete response, whatever its status.
type loadStats struct {
	Completed       int
	TransportErrors int
	HTTPErrors      int // a status other than 200
	GraphQLErrors   int // 200 with an "errors" entry
	NotSent         int // open loop: due while -c requests were in flight
	Latencies       []time.Duration
	Statuses        map[int]int // responses by HTTP status
	// CutShort were sent but still unanswered when the run ended; they
	// are in no other count (the server may still have acted on them).
	CutShort int
}

// loadResult is what a load run observed: every request, and each kind
// apart when the run sent more than one.
type loadResult struct {
	loadStats
	Kinds   map[string]*loadStats
	Elapsed time.Duration
}

// Errors is the number of failed requests of every kind.
func (r *loadStats) Errors() int {
	return r.TransportErrors + r.HTTPErrors + r.GraphQLErrors + r.NotSent
}

// Total is the number of requests due, answered or not.
func (r *loadStats) Total() int { return r.Completed + r.Errors() }

// add counts one request's outcome, latency and HTTP status (0: none).
func (r *loadStats) add(o outcome, d time.Duration, status int) {
	if status != 0 {
		if r.Statuses == nil {
			r.Statuses = map[int]int{}
		}
		r.Statuses[status]++
	}
	switch o {
	case outcomeTransport:
		r.TransportErrors++
	case outcomeHTTP:
		r.HTTPErrors++
	case outcomeGraphQL:
		r.GraphQLErrors++
	case outcomeNotSent:
		r.NotSent++
	default:
		r.Completed++
	}
	if o == outcomeOK || o == outcomeHTTP || o == outcomeGraphQL {
		r.Latencies = append(r.Latencies, d)
	}
}

// Percentile returns the nearest-rank p-th percentile (0 < p <= 100) of
// the latencies, 0 when there are none.
func (r *loadStats) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	s := slices.Clone(r.Latencies)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// loadRun is a parsed load command.
type loadRun struct {
	cfg      loadConfig
	workload string // "reads" or "mixed"
	subs     int    // WebSocket subscribers (mixed)
	pid      int    // server process to sample, 0 for none
}

func runLoad(args []string, stdout, stderr io.Writer) error {
	r, err := parseLoad(args, stderr)
	if err != nil {
		return err
	}
	ctx, cancel := interruptible()
	defer cancel()
	rss, err := startRSS(ctx, r.pid)
	if err != nil {
		return err
	}
	client := newLoadClient(r.cfg)
	defer client.CloseIdleConnections()
	if err := probe(ctx, client, r.cfg); err != nil {
		return err
	}
	if r.workload == "mixed" {
		if r.cfg.Refresh, err = refreshBodies(ctx, client, r.cfg); err != nil {
			return err
		}
	}
	if r.cfg.Webhooks != nil {
		if err := probeWebhook(ctx, client, r.cfg.Webhooks); err != nil {
			return err
		}
	}
	sub := startSubscribers(ctx, r.cfg, r.subs)
	res := load(ctx, client, r.cfg)
	subRes := sub.stop()
	printLoad(stdout, r.cfg, res)
	if r.subs > 0 {
		printSubs(stdout, subRes)
	}
	if r.cfg.Webhooks != nil {
		printWebhookExpectation(stdout, res)
	}
	if r.pid > 0 {
		printRSS(stdout, r.pid, rss())
	}
	if res.Completed == 0 && res.Errors() == 0 {
		return errors.New("no request completed")
	}
	return nil
}

// parseLoad reads and checks the load command's flags.
func parseLoad(args []string, stderr io.Writer) (*loadRun, error) {
	fs := newFlags("load", `Sends GraphQL POSTs to a fingraph server already running on loopback
(go run . in another terminal) until -n requests are due or -duration
passed, whichever is first, then prints latency percentiles, throughput
and errors. Closed loop by default (-c workers, each sending its next
request when the last is answered); with -rate, open loop: -rate requests
a second whatever the answers, latency counted from when each was due, at
most -c in flight (a request due beyond that is an error, "not sent").
-workload reads sends -query; mixed also sends refreshCredentials on the
user's credentials in turn (one request in -refresh-every) and holds
-subscribers WebSocket subscriptions (syncCompleted) open, counting their
events, and posts signed Flinks KYC webhooks for -webhook-login to the
server's /webhooks/flinks (about one request in -webhook-every; of those,
one in -webhook-dup-every repeats the previous delivery's bytes, which the
server must acknowledge without effect, and one in -webhook-bad-every is
signed with a wrong secret, which it must refuse with 401). The secret is
the server's FLINKS_WEBHOOK_SECRET: a development server signs its
simulator's webhooks with it when it is set, else with a secret of its own. -pid samples that process's resident memory during the run.
A probe request is sent first and must succeed: it fails fast on a bad
token or query, and warms the server's cache. The load generator shares
the machine's cores with the server: on a small machine it lowers the
server's throughput.`, stderr)
	var (
		r        = &loadRun{}
		cfg      = &r.cfg
		query    string
		vars     string
		tokenEnv = os.Getenv("FINGRAPH_TOKEN")

		webhookEvery, dupEvery, badEvery int
		secret, whURL, whLogin           string
	)
	fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080/graphql", "GraphQL endpoint of the running server (loopback only)")
	fs.StringVar(&cfg.Token, "token", "", "bearer token (default $FINGRAPH_TOKEN); the dev server prints a demo token, and \"go run . token --user demo-user\" mints one")
	fs.StringVar(&query, "query", benchkit.NestedQuery, "GraphQL query of the reads, or @file to read it from a file")
	fs.StringVar(&vars, "vars", "", "variables as a JSON object")
	fs.StringVar(&r.workload, "workload", "reads", "reads (-query only) or mixed (reads, refreshCredentials, subscriptions)")
	fs.IntVar(&cfg.Concurrency, "c", 100, fmt.Sprintf("concurrent workers, or with -rate the most requests in flight (1..%d)", maxConcurrency))
	fs.IntVar(&cfg.Requests, "n", 1000, fmt.Sprintf("requests to send (1..%d); with -rate, default -rate x -duration", maxLoadRequests))
	fs.DurationVar(&cfg.Duration, "duration", time.Minute, fmt.Sprintf("stop after this long even if -n is not reached (at most %v)", maxLoadDuration))
	fs.DurationVar(&cfg.Timeout, "timeout", 30*time.Second, "timeout of one request")
	fs.IntVar(&cfg.Rate, "rate", 0, fmt.Sprintf("requests per second, open loop (0: closed loop with -c workers; at most %d)", maxRate))
	fs.IntVar(&cfg.RefreshEvery, "refresh-every", 20, "mixed: one request in this many is a refreshCredentials")
	fs.IntVar(&webhookEvery, "webhook-every", 10, "mixed: about one request in this many is a signed Flinks webhook (0: none)")
	fs.StringVar(&secret, "webhook-secret", "", "mixed: the server's FLINKS_WEBHOOK_SECRET, to sign webhooks (default $FLINKS_WEBHOOK_SECRET)")
	fs.StringVar(&whURL, "webhook-url", "", "mixed: the Flinks webhook endpoint (default: /webhooks/flinks on -url's host)")
	fs.StringVar(&whLogin, "webhook-login", demoFlinksLogin, "mixed: the Flinks LoginId the webhooks are for (default: the dev server's demo login)")
	fs.IntVar(&dupEvery, "webhook-dup-every", 5, "mixed: one webhook in this many resends the previous one's body (0: none)")
	fs.IntVar(&badEvery, "webhook-bad-every", 10, "mixed: one webhook in this many is signed with a wrong secret and must get 401 (0: none)")
	fs.IntVar(&r.subs, "subscribers", 10, "mixed: WebSocket subscriptions to syncCompleted held open during the run")
	fs.IntVar(&r.pid, "pid", 0, "the server's process id, to report its resident memory (Linux /proc)")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if cfg.Token == "" {
		cfg.Token = tokenEnv
	}
	if cfg.Rate > 0 && !flagSet(fs, "n") {
		cfg.Requests = min(int(float64(cfg.Rate)*cfg.Duration.Seconds()), maxLoadRequests)
	}
	body, err := loadBody(query, vars)
	if err != nil {
		return nil, err
	}
	cfg.Body = body
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if err := r.validate(); err != nil {
		return nil, err
	}
	if r.workload != "mixed" || webhookEvery == 0 {
		return r, nil
	}
	if secret == "" {
		secret = os.Getenv("FLINKS_WEBHOOK_SECRET")
	}
	if whURL == "" {
		whURL = webhookURL(cfg.URL)
	}
	cfg.Webhooks = &webhookPlan{URL: whURL, Secret: []byte(secret), LoginID: whLogin, Every: webhookEvery,
		DupEvery: dupEvery, BadEvery: badEvery, Run: uuid.New(), Start: time.Now()}
	return r, cfg.Webhooks.validate()
}

// validate checks the workload flags.
func (r *loadRun) validate() error {
	switch r.workload {
	case "reads":
		r.subs = 0 // subscriptions belong to the mixed workload
	case "mixed":
	default:
		return usageError{fmt.Sprintf("-workload must be reads or mixed, not %q", r.workload)}
	}
	switch {
	case r.subs < 0 || r.subs > maxConcurrency:
		return usageError{fmt.Sprintf("-subscribers must be 0..%d", maxConcurrency)}
	case r.cfg.RefreshEvery < 1:
		return usageError{"-refresh-every must be at least 1"}
	case r.pid < 0:
		return usageError{"-pid must be positive"}
	}
	return nil
}

// flagSet reports whether the command line set flag name.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
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
	if err := checkLoopback("-url", c.URL); err != nil {
		return err
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
	case c.Rate < 0 || c.Rate > maxRate:
		return usageError{fmt.Sprintf("-rate must be 0..%d", maxRate)}
	}
	return nil
}

// checkLoopback fails unless raw (the value of flag) is an http(s) URL on
// loopback: a load generator must not be pointed at someone else's
// server by a typo.
func checkLoopback(flag, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError{fmt.Sprintf("%s %q is not an http(s) URL", flag, raw)}
	}
	if h := u.Hostname(); h != "localhost" {
		if ip := net.ParseIP(h); ip == nil || !ip.IsLoopback() {
			return usageError{fmt.Sprintf("%s host %q is not loopback (127.0.0.1, ::1 or localhost)", flag, h)}
		}
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
	outcomeNotSent // open loop: -c requests already in flight
)

// send posts body once and reads the whole response.
func send(ctx context.Context, client *http.Client, c loadConfig, body []byte) (outcome, []byte, error) {
	o, _, b, err := sendStatus(ctx, client, c, body)
	return o, b, err
}

// sendStatus is send, with the response's HTTP status (0: none).
func sendStatus(ctx context.Context, client *http.Client, c loadConfig, body []byte) (outcome, int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return outcomeTransport, 0, nil, err
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return outcomeTransport, 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	switch {
	case err != nil:
		return outcomeTransport, res.StatusCode, b, err
	case res.StatusCode != http.StatusOK:
		return outcomeHTTP, res.StatusCode, b, fmt.Errorf("status %d", res.StatusCode)
	case hasErrors(b), c.ErrorsAnywhere && hasErrorsAnywhere(b):
		return outcomeGraphQL, res.StatusCode, b, errors.New("GraphQL errors")
	}
	return outcomeOK, res.StatusCode, b, nil
}

// hasErrors reports a GraphQL response with an "errors" entry. fingraph
// (internal/gqlhttp) writes errors before data, so the prefix is enough,
// and the generator does not spend the server's cores decoding every body.
func hasErrors(body []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(body, " \t\r\n"), []byte(`{"errors"`))
}

// hasErrorsAnywhere reports an "errors" member wherever it is. Inside a
// JSON string every quote is escaped, so `"errors":` can only be a key.
func hasErrorsAnywhere(body []byte) bool {
	return bytes.Contains(body, []byte(`"errors":`))
}

func probe(ctx context.Context, client *http.Client, c loadConfig) error {
	_, err := sendOK(ctx, client, c, c.Body)
	return err
}

// sendOK sends body once and fails unless it succeeded, quoting the
// start of the answer.
func sendOK(ctx context.Context, client *http.Client, c loadConfig, body []byte) ([]byte, error) {
	o, b, err := send(ctx, client, c, body)
	if o != outcomeOK {
		const max = 400
		if len(b) > max {
			b = b[:max]
		}
		return nil, fmt.Errorf("probe request to %s failed: %v %s", c.URL, err, b)
	}
	return b, nil
}

// recorder gathers outcomes from concurrent requests.
type recorder struct {
	mu  sync.Mutex
	res *loadResult
}

func newRecorder(c loadConfig) *recorder {
	return &recorder{res: &loadResult{
		loadStats: loadStats{Latencies: make([]time.Duration, 0, min(c.Requests, 1<<20))},
		Kinds:     map[string]*loadStats{},
	}}
}

// add counts the outcome of one request of kind.
func (r *recorder) add(kind string, o outcome, d time.Duration, status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.res.add(o, d, status)
	k := r.res.Kinds[kind]
	if k == nil {
		k = &loadStats{}
		r.res.Kinds[kind] = k
	}
	k.add(o, d, status)
}

// cut counts a request of kind the end of the run cut short.
func (r *recorder) cut(kind string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.res.CutShort++
	k := r.res.Kinds[kind]
	if k == nil {
		k = &loadStats{}
		r.res.Kinds[kind] = k
	}
	k.CutShort++
}

// load sends the requests, closed or open loop. Requests cut short by
// -duration or Ctrl-C are neither counted as done nor timed: they did not
// fail, the run ended; CutShort says how many there were.
func load(ctx context.Context, client *http.Client, c loadConfig) *loadResult {
	ctx, cancel := context.WithTimeout(ctx, c.Duration)
	defer cancel()
	rec := newRecorder(c)
	// one sends request i, timing it from due (when it should have left).
	one := func(i int64, due time.Time) {
		r := c.request(i)
		var (
			o      outcome
			status int
		)
		if r.sig != "" {
			o, status = sendWebhook(ctx, client, c.Webhooks.URL, r)
		} else {
			o, status, _, _ = sendStatus(ctx, client, c, r.body)
		}
		if d := time.Since(due); ctx.Err() == nil {
			rec.add(r.kind, o, d, status)
		} else {
			rec.cut(r.kind)
		}
	}
	start := time.Now()
	if c.Rate > 0 {
		openLoop(ctx, c, rec, one)
	} else {
		closedLoop(ctx, c, one)
	}
	rec.res.Elapsed = time.Since(start)
	return rec.res
}

// closedLoop keeps c.Concurrency workers sending until c.Requests were
// started or ctx ends.
func closedLoop(ctx context.Context, c loadConfig, one func(int64, time.Time)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range c.Concurrency {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= int64(c.Requests) {
					return
				}
				one(i, time.Now())
			}
		})
	}
	wg.Wait()
}

// openLoop starts request i at start + i/rate whatever the earlier ones
// are doing, so a slow server meets the same arrivals a real one would
// (a closed loop slows down with it and hides its queueing). A request
// due while c.Concurrency are in flight is not sent and counts as an
// error: the generator will not grow without bound.
func openLoop(ctx context.Context, c loadConfig, rec *recorder, one func(int64, time.Time)) {
	interval := time.Second / time.Duration(c.Rate)
	inFlight := make(chan struct{}, c.Concurrency)
	var wg sync.WaitGroup
	start := time.Now()
	for i := int64(0); i < int64(c.Requests); i++ {
		due := start.Add(time.Duration(i) * interval)
		if !sleepUntil(ctx, due) {
			break
		}
		select {
		case inFlight <- struct{}{}:
			wg.Go(func() {
				defer func() { <-inFlight }()
				one(i, due)
			})
		default:
			rec.add(c.request(i).kind, outcomeNotSent, 0, 0)
		}
	}
	wg.Wait()
}

// sleepUntil waits until t, false if ctx ended first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

func printLoad(w io.Writer, c loadConfig, r *loadResult) {
	mode := fmt.Sprintf("%d workers (closed loop)", c.Concurrency)
	if c.Rate > 0 {
		mode = fmt.Sprintf("%d req/s offered (open loop, at most %d in flight)", c.Rate, c.Concurrency)
	}
	fmt.Fprintf(w, "load: %s, %s, up to %d requests or %v\n", c.URL, mode, c.Requests, c.Duration)
	fmt.Fprintf(w, "requests  %d in %v: %.1f req/s (%d succeeded)\n", r.Total(), r.Elapsed.Round(time.Millisecond),
		float64(r.Total())/r.Elapsed.Seconds(), r.Completed)
	printStats(w, "", &r.loadStats, c.Rate > 0)
	if len(r.Kinds) < 2 {
		return
	}
	for _, kind := range slices.Sorted(maps.Keys(r.Kinds)) {
		k := r.Kinds[kind]
		fmt.Fprintf(w, "%s: %d requests, %.1f req/s\n", kind, k.Total(), float64(k.Total())/r.Elapsed.Seconds())
		printStats(w, "  ", k, c.Rate > 0)
	}
}

// printStats prints the errors and latency percentiles of s; open loop
// adds the requests not sent.
func printStats(w io.Writer, indent string, s *loadStats, open bool) {
	notSent := ""
	if open {
		notSent = fmt.Sprintf(", not sent %d", s.NotSent)
	}
	fmt.Fprintf(w, "%serrors    %d (transport %d, HTTP status %d, GraphQL %d%s)\n",
		indent, s.Errors(), s.TransportErrors, s.HTTPErrors, s.GraphQLErrors, notSent)
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
	fmt.Fprintf(w, "%slatency   p50 %s  p95 %s  p99 %s  max %s\n", indent,
		ms(s.Percentile(50)), ms(s.Percentile(95)), ms(s.Percentile(99)), ms(s.Percentile(100)))
	if s.CutShort > 0 {
		fmt.Fprintf(w, "%scut short %d (unanswered when the run ended, not counted above)\n", indent, s.CutShort)
	}
	if len(s.Statuses) > 0 {
		fmt.Fprintf(w, "%sstatus   ", indent)
		for _, code := range slices.Sorted(maps.Keys(s.Statuses)) {
			fmt.Fprintf(w, " %d: %d", code, s.Statuses[code])
		}
		fmt.Fprintln(w)
	}
}
