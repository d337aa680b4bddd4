package flankssim

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Defaults for the zero values of Options.
const (
	DefaultClientID     = "flankssim-client"
	DefaultClientSecret = "flankssim-secret"
	DefaultUsername     = "api@flankssim.test"
	DefaultPassword     = "flankssim-password"
	DefaultTokenTTL     = 36000 * time.Second // expires_in of the legacy docs and Ruby fixture
	DefaultPageSize     = 10
	DefaultLinkToken    = "flankssim-link"
)

// Options configures a Server. The zero value is usable: it gives the default client
// credentials, no latency, no faults and an extraction that finishes at once.
type Options struct {
	// Seed drives the demo data, the error-rate draws and the credentials_token of
	// CreateCredentials/AddCredentials without a Token. Link codes, the credentials
	// tokens of CompleteLink and flow tokens also mix in randomness drawn by New,
	// so a restarted simulator never hands out a token or code it issued before.
	Seed int64
	// ClientID and ClientSecret are the only accepted App credentials for /v0/token.
	ClientID, ClientSecret string
	// Username and Password are the "api email" credentials of the password grant.
	Username, Password string
	// TokenTTL is the access token lifetime reported as expires_in and enforced.
	TokenTTL time.Duration
	// SingleToken makes a new access token invalidate the previous ones, as one legacy
	// document says Flanks does.
	SingleToken bool
	// ExtractionDelay is how long, by Now, the initial extraction of new credentials
	// takes; the created flags turn true one after another over this delay.
	ExtractionDelay time.Duration
	// HistoryDays is how many days of transactions are generated back from
	// AsOf; 0 means DefaultHistoryDays. Fewer days make lighter datasets
	// (tests, quick demos); contracts may still date from earlier.
	HistoryDays int
	// Now is the clock for token expiry, extraction progress and link delays.
	Now func() time.Time
	// AsOf is the last day of the generated two-year history; zero means Now's UTC day
	// when New runs. Fix it (or Now) for byte-identical data across runs.
	AsOf time.Time
	// Latency is added before every /v0 response (use it for demos, not for tests).
	Latency time.Duration
	// ErrorRate is the probability that a /v0 request fails with a random 5xx, drawn from
	// a generator seeded with Seed.
	ErrorRate float64
	// LinkExchangeDelay makes a new link code answer 202 until this long after it was
	// issued (the "available in about 72 h" security check).
	LinkExchangeDelay time.Duration
	// PageSize is the page size of /v0/bank/credentials/list.
	PageSize int
	// JWEKeys are RSA private keys (each with a KeyID) accepted for JWE bodies and
	// published at /.well-known/jwks.json; empty means New generates one 2048-bit key.
	JWEKeys []jose.JSONWebKey
}

// Server is the simulator. It is an http.Handler; all state is in memory behind one mutex.
type Server struct {
	opts   Options
	asOf   time.Time
	keys   *keyring
	routes map[string]map[string]http.HandlerFunc

	mu      sync.Mutex
	rng     *rand.Rand // error-rate draws and fault choices, guarded by mu
	seq     uint64     // counter for deterministic ids, guarded by mu
	nonce   string     // random per Server, mixed into ids that must be unique
	tokens  map[string]accessToken
	refresh map[string]string // refresh token -> client id
	creds   map[string]*credentials
	order   []string // credentials tokens in creation order, for /list
	links   []*linkCode
	faults  faultState
	counts  map[string]int

	httpSrv *http.Server
}

// New returns a simulator configured by opts. It generates an RSA key when opts.JWEKeys is
// empty, which takes a moment; tests should pass shared keys.
func New(opts Options) (*Server, error) {
	opts = withDefaults(opts)
	if opts.ErrorRate < 0 || opts.ErrorRate > 1 {
		return nil, fmt.Errorf("flankssim: ErrorRate %v outside [0,1]", opts.ErrorRate)
	}
	keys, err := newKeyring(opts.JWEKeys)
	if err != nil {
		return nil, err
	}
	asOf := opts.AsOf
	if asOf.IsZero() {
		asOf = opts.Now()
	}
	s := &Server{
		opts:    opts,
		asOf:    truncateDay(asOf),
		keys:    keys,
		rng:     rand.New(rand.NewPCG(uint64(opts.Seed), 0x666c616e6b73)),
		nonce:   randomToken(),
		tokens:  map[string]accessToken{},
		refresh: map[string]string{},
		creds:   map[string]*credentials{},
		faults:  newFaultState(opts.Latency, opts.ErrorRate),
		counts:  map[string]int{},
	}
	s.routes = s.buildRoutes()
	return s, nil
}

func withDefaults(o Options) Options {
	if o.ClientID == "" && o.ClientSecret == "" {
		o.ClientID, o.ClientSecret = DefaultClientID, DefaultClientSecret
	}
	if o.Username == "" && o.Password == "" {
		o.Username, o.Password = DefaultUsername, DefaultPassword
	}
	if o.TokenTTL <= 0 {
		o.TokenTTL = DefaultTokenTTL
	}
	if o.PageSize <= 0 {
		o.PageSize = DefaultPageSize
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

func truncateDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// now reads the injected clock in UTC.
func (s *Server) now() time.Time { return s.opts.Now().UTC() }

// ServeHTTP counts the request, applies latency and faults to /v0 paths, then routes it.
// Unknown paths get 404 and wrong methods 405, both with the legacy envelope.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	s.mu.Lock()
	s.counts[path]++
	s.mu.Unlock()
	if strings.HasPrefix(path, "/v0/") {
		if !s.sleepLatency(r.Context()) {
			return
		}
		if s.applyFault(w, path) {
			return
		}
	}
	methods, ok := s.routes[path]
	if !ok {
		writeLegacy(w, http.StatusNotFound, "Not found")
		return
	}
	h, ok := methods[r.Method]
	if !ok {
		w.Header().Set("Allow", allowHeader(methods))
		writeLegacy(w, http.StatusMethodNotAllowed, "Method not allowed")
		return
	}
	h(w, r)
}

func allowHeader(methods map[string]http.HandlerFunc) string {
	var ms []string
	for m := range methods {
		ms = append(ms, m)
	}
	sort.Strings(ms)
	return strings.Join(ms, ", ")
}

// buildRoutes maps each path to its handlers by method. Paths are fixed strings (the v0
// API has no path parameters), which keeps 404 and 405 in the upstream's envelope.
func (s *Server) buildRoutes() map[string]map[string]http.HandlerFunc {
	rt := map[string]map[string]http.HandlerFunc{}
	add := func(method, path string, h http.HandlerFunc) {
		if rt[path] == nil {
			rt[path] = map[string]http.HandlerFunc{}
		}
		rt[path][method] = h
	}
	add(http.MethodPost, "/v0/token", s.handleToken)
	add(http.MethodGet, "/.well-known/jwks.json", s.handleJWKS)
	add(http.MethodGet, "/v0/bank/available", s.authed(s.handleEntities))
	add(http.MethodPost, "/v0/bank/credentials/status", s.withBody(s.handleStatus))
	add(http.MethodPut, "/v0/bank/credentials/status", s.withBody(s.handleForce))
	add(http.MethodDelete, "/v0/bank/credentials", s.withBody(s.handleDelete))
	add(http.MethodPost, "/v0/bank/credentials/list", s.withBody(s.handleList))
	add(http.MethodGet, "/v0/platform/link", s.authed(s.handleListLinks))
	add(http.MethodPost, "/v0/platform/link", s.withBody(s.handleExchangeLink))
	for _, ep := range aggregationEndpoints {
		add(http.MethodPost, ep.path, s.withBody(s.aggregationHandler(ep)))
	}
	add(http.MethodPost, "/v0/bank/credentials/all", s.withBody(s.handleAll))
	s.addSandboxRoutes(add)
	return rt
}

// Start serves the simulator on addr ("127.0.0.1:0" when empty) and returns its base URL,
// for demos and for running it as a separate process. Close stops it.
func (s *Server) Start(addr string) (string, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("flankssim: listen: %w", err)
	}
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute, // room for configured latency
		IdleTimeout:       2 * time.Minute,
	}
	s.mu.Lock()
	s.httpSrv = srv
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }() // Serve returns ErrServerClosed after Close
	return "http://" + ln.Addr().String(), nil
}

// Close stops a server started with Start; it is a no-op otherwise.
func (s *Server) Close() error {
	s.mu.Lock()
	srv := s.httpSrv
	s.httpSrv = nil
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return srv.Close()
	}
	return nil
}
