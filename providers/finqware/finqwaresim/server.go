package finqwaresim

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Defaults for the zero values of Options.
const (
	DefaultClientID       = "finqwaresim-client"
	DefaultClientSecret   = "finqwaresim-client-secret"
	DefaultClientAppKey   = "finqwaresim-client-app-key"
	DefaultTenantAppName  = "fingraph sandbox"
	DefaultNonceTTL       = 30 * time.Minute // seed: "Currently the nonce expires in 30 minutes"
	DefaultTempTokenTTL   = 30 * time.Minute
	DefaultHistoryDays    = 180
	DefaultMaxUploadBytes = 5 << 20
	// DataRetentionAfterConsent is how long after consent_exp the cached
	// data stays (the docs' 120-day retention minus the 90-day consent).
	DataRetentionAfterConsent = 30 * 24 * time.Hour
)

// maxJSONBody caps JSON request bodies.
const maxJSONBody = 1 << 20

// Options configures a Server. The zero value is usable: default tenant
// keys, consents that never expire, no latency and no faults.
type Options struct {
	// Seed drives the generated bank data and the error-rate draws. Tokens,
	// nonces and ids are random (crypto/rand) whatever the seed, so a
	// restarted simulator never hands out a value an earlier run did.
	Seed int64
	// ClientID, ClientSecret and ClientAppKey are the only accepted tenant
	// app keys; empty means the Default* constants.
	ClientID, ClientSecret, ClientAppKey string
	// TenantAppName is reported in consents' tenant_app_info.
	TenantAppName string
	// Now is the clock of nonce, temp token and consent expiry and of
	// timestamps; nil means time.Now.
	Now func() time.Time
	// AsOf is the last day of the generated history; zero means Now's UTC
	// day when New runs. Fix it (or Now) for identical data across runs.
	AsOf time.Time
	// HistoryDays is how many days of transactions are generated back from
	// AsOf; 0 means DefaultHistoryDays.
	HistoryDays int
	// NonceTTL is a nonce's lifetime, enforced; 0 means DefaultNonceTTL.
	NonceTTL time.Duration
	// TempTokenTTL is a temp_token's lifetime, enforced; 0 means
	// DefaultTempTokenTTL.
	TempTokenTTL time.Duration
	// ConsentTTL is a consent's lifetime: 0 means consents never expire
	// (the seed's "permanent token"; the token answer then omits
	// consent_exp and max_data_retention). Otherwise data calls answer 401
	// expired_credentials once it has passed.
	ConsentTTL time.Duration
	// RequireTenantUserID makes tenant_user_id mandatory on sessions and
	// data calls, as the current API does.
	RequireTenantUserID bool
	// MaxUploadBytes caps one uploaded file; 0 means DefaultMaxUploadBytes.
	MaxUploadBytes int64
	// PublicURL is the simulator's scheme://host as browsers reach it, for
	// the bank consent page URL of "sca" steps; empty means the URL Start
	// returned, else the Host of the step request.
	PublicURL string
	// Latency is added before every API response (demos, not tests).
	Latency time.Duration
	// ErrorRate is the probability that an API request fails with a random
	// 5xx, drawn from a generator seeded with Seed.
	ErrorRate float64
}

// Server is the simulator. It is an http.Handler; all state is in memory
// behind one mutex.
type Server struct {
	opts   Options
	asOf   time.Time
	skills []*skillDef
	mux    *http.ServeMux

	mu         sync.Mutex
	rng        *rand.Rand // error-rate draws, guarded by mu
	sessions   map[string]*session
	steps      map[string]*stepState
	tempTokens map[string]*tempToken
	consents   map[string]*consent
	datasets   map[string]*dataset
	faults     faultState
	calls      map[string]int
	started    string // base URL from Start
	httpSrv    *http.Server
}

// New returns a simulator configured by opts.
func New(opts Options) (*Server, error) {
	opts = withDefaults(opts)
	switch {
	case opts.ErrorRate < 0 || opts.ErrorRate > 1:
		return nil, fmt.Errorf("finqwaresim: ErrorRate %v outside [0,1]", opts.ErrorRate)
	case opts.HistoryDays < 0 || opts.NonceTTL < 0 || opts.TempTokenTTL < 0 || opts.ConsentTTL < 0 ||
		opts.MaxUploadBytes < 0 || opts.Latency < 0:
		return nil, errors.New("finqwaresim: negative option")
	}
	if opts.PublicURL != "" {
		u, err := url.Parse(opts.PublicURL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, errors.New("finqwaresim: PublicURL must be an absolute URL")
		}
		opts.PublicURL = strings.TrimRight(opts.PublicURL, "/")
	}
	asOf := opts.AsOf
	if asOf.IsZero() {
		asOf = opts.Now()
	}
	s := &Server{
		opts:       opts,
		asOf:       truncateDay(asOf),
		skills:     catalog(opts.MaxUploadBytes),
		rng:        rand.New(rand.NewPCG(uint64(opts.Seed), 0x66696e717761)),
		sessions:   map[string]*session{},
		steps:      map[string]*stepState{},
		tempTokens: map[string]*tempToken{},
		consents:   map[string]*consent{},
		datasets:   map[string]*dataset{},
		faults:     newFaultState(opts.Latency, opts.ErrorRate),
		calls:      map[string]int{},
	}
	s.mux = s.routes()
	return s, nil
}

func withDefaults(o Options) Options {
	if o.ClientID == "" {
		o.ClientID = DefaultClientID
	}
	if o.ClientSecret == "" {
		o.ClientSecret = DefaultClientSecret
	}
	if o.ClientAppKey == "" {
		o.ClientAppKey = DefaultClientAppKey
	}
	if o.TenantAppName == "" {
		o.TenantAppName = DefaultTenantAppName
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HistoryDays == 0 {
		o.HistoryDays = DefaultHistoryDays
	}
	if o.NonceTTL == 0 {
		o.NonceTTL = DefaultNonceTTL
	}
	if o.TempTokenTTL == 0 {
		o.TempTokenTTL = DefaultTempTokenTTL
	}
	if o.MaxUploadBytes == 0 {
		o.MaxUploadBytes = DefaultMaxUploadBytes
	}
	return o
}

func truncateDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// now reads the injected clock in UTC.
func (s *Server) now() time.Time { return s.opts.Now().UTC() }

// routes maps the paths. Methods are checked in the handlers, so a wrong
// method gets the error object with 405, like every other error.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	api := func(path string, h http.HandlerFunc) { mux.HandleFunc(path, s.post(h)) }
	api("/v1/sessions", s.handleCreateSession)
	api("/v1/sessions/{session_id}/steps", s.handleStep)
	api("/v1/steps/{step_id}/upload", s.handleUpload)
	api("/steps/{step_id}/upload", s.handleUpload) // the seed's unversioned path
	api("/v1/token", s.handleToken)
	api("/v1/tokens", s.handleToken)
	api("/v1/skills/get", s.handleSkills)
	api("/v1/accounts/get", s.handleAccounts)
	api("/v1/balances/get", s.handleBalances)
	api("/v1/transactions/get", s.handleTransactions)
	api("/v1/consents/get", s.handleConsentGet)
	api("/v1/consents/delete", s.handleConsentDelete)
	mux.HandleFunc("/sandbox/consent/{session_id}", s.handleConsentPage)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, errNotFound("no such endpoint"))
	})
	return mux
}

// isAPIPath reports the paths that latency and faults apply to.
func isAPIPath(p string) bool { return strings.HasPrefix(p, "/v1/") || strings.HasPrefix(p, "/steps/") }

// ServeHTTP counts the request, applies latency and faults to API paths,
// then routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	s.mu.Lock()
	s.calls[path]++
	s.mu.Unlock()
	if isAPIPath(path) {
		if !s.sleepLatency(r.Context()) {
			return
		}
		if s.applyFault(w, path) {
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// post wraps an API handler: POST only, JSON answers only.
func (s *Server) post(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeError(w, apiError{status: http.StatusMethodNotAllowed, typ: typeInvalidRequest,
				code: "method_not_allowed", msg: "only POST is supported"})
			return
		}
		if !acceptsJSON(r.Header.Get("Accept")) {
			writeError(w, apiError{status: http.StatusNotAcceptable, typ: typeInvalidRequest,
				code: "invalid_headers", msg: "only application/json responses are available"})
			return
		}
		h(w, r)
	}
}

// acceptsJSON reports whether an Accept header allows a JSON answer.
func acceptsJSON(accept string) bool {
	if strings.TrimSpace(accept) == "" {
		return true
	}
	for part := range strings.SplitSeq(accept, ",") {
		mt, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		switch strings.ToLower(strings.TrimSpace(mt)) {
		case "application/json", "application/*", "*/*":
			return true
		}
	}
	return false
}

// Start serves the simulator on addr ("127.0.0.1:0" when empty) and returns
// its API base URL, ending with /v1. Close stops it.
func (s *Server) Start(addr string) (string, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("finqwaresim: listen: %w", err)
	}
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       time.Minute, // uploads
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	root := "http://" + ln.Addr().String()
	s.mu.Lock()
	if s.httpSrv != nil {
		s.mu.Unlock()
		_ = ln.Close()
		return "", errors.New("finqwaresim: already started")
	}
	s.httpSrv, s.started = srv, root
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }() // Serve returns ErrServerClosed after Close
	return root + "/v1", nil
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

// publicRoot returns scheme://host for links to the simulator's own pages.
func (s *Server) publicRoot(r *http.Request) string {
	if s.opts.PublicURL != "" {
		return s.opts.PublicURL
	}
	s.mu.Lock()
	started := s.started
	s.mu.Unlock()
	if started != "" {
		return started
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
