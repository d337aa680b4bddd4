package flinkssim

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Defaults for the zero values of Options.
const (
	DefaultCustomerID         = "43387ca6-0391-4c82-857d-70d95f087ecb" // the toolbox id of the docs
	DefaultSecretKey          = "flinkssim-secret-key"
	DefaultAPIKey             = "flinkssim-api-key"
	DefaultAPISecret          = "flinkssim-api-secret"
	DefaultUploadClientID     = "flinkssim-upload-client"
	DefaultUploadClientSecret = "flinkssim-upload-secret"
	DefaultHistoryDays        = 365
	DefaultPendingPolls       = 1
	DefaultSessionTTL         = 30 * time.Minute
	DefaultAuthorizeTokenTTL  = 30 * time.Minute
	DefaultUploadTokenTTL     = 300 * time.Second
	DefaultWebhookInterval    = 30 * time.Minute
	DefaultWebhookRetries     = 10
	// Seed limits of the Upload API (shared/seeds/004).
	DefaultMaxFileSize   = 18_000_000
	DefaultMaxUploadSize = 180_000_000
)

// Options configures a Server. The zero value is usable: default credentials with every
// header check on, data ready at once, no faults, no webhooks.
type Options struct {
	// Seed drives the generated data, MFA prompts, fraud signals and error-rate draws.
	Seed int64
	// CustomerID is the only customer id the data API answers under /v3/{customerId}.
	CustomerID string
	// SecretKey is the flinks-auth-key GenerateAuthorizeToken expects.
	SecretKey string
	// APIKey is the x-api-key the data endpoints expect.
	APIKey string
	// APISecret is the Bearer token of the Upload fraud analysis endpoint.
	APISecret string
	// OptionalSecretKey, OptionalAuthorizeToken and OptionalAPIKey let requests without
	// the header through, as the legacy examples send none (notes: discrepancy row 10).
	// A header that is present must still be right.
	OptionalSecretKey, OptionalAuthorizeToken, OptionalAPIKey bool

	// Now is the clock of every expiry and of extraction progress.
	Now func() time.Time
	// AsOf is the last day of generated history; zero means Now's UTC day at New.
	AsOf time.Time
	// HistoryDays of transactions are generated back from AsOf (DaysOfTransactions
	// Days365 needs 365). Zero means DefaultHistoryDays.
	HistoryDays int
	// ExtractionDelay is how long, by Now, a new or refreshed login (and an upload's OCR)
	// stays OPERATION_PENDING before its data is ready.
	ExtractionDelay time.Duration
	// PendingPolls is how many GetAccountsDetailAsync polls of a test_pending session
	// answer 202 before the data. Zero means DefaultPendingPolls; negative means none.
	PendingPolls int
	// SessionTTL bounds a RequestId's life (SESSION_EXPIRED afterwards).
	SessionTTL time.Duration
	// Latency is added before every API response (demos, not tests).
	Latency time.Duration
	// ErrorRate is the probability of a random 5xx on API paths.
	ErrorRate float64

	// WebhookURL receives the signed GetAccountsDetail payload when a login's extraction
	// completes; empty disables webhooks.
	WebhookURL string
	// WebhookSecret signs deliveries (flinks-authenticity-key); empty sends them unsigned.
	WebhookSecret []byte
	// WebhookKYC also sends a KYC payload before the GetAccountsDetail one.
	WebhookKYC bool
	// WebhookRetryInterval separates the attempts of a failed delivery (default 30 min);
	// WebhookMaxRetries bounds the retries after the first attempt (default 10).
	WebhookRetryInterval time.Duration
	WebhookMaxRetries    int
	// WebhookClient sends deliveries; nil means a client with a 10 s timeout.
	WebhookClient *http.Client
	// Sleep waits for the extraction delay and between webhook retries; nil means a real
	// timer. Tests pass one that returns at once or advances a fake clock.
	Sleep func(ctx context.Context, d time.Duration) error

	// UploadClientID and UploadClientSecret are the Upload API's OAuth client.
	UploadClientID, UploadClientSecret string
	// UploadTokenTTL is the upload token's expires_in, enforced by Now. Default 300 s.
	UploadTokenTTL time.Duration
	// MaxFileSize and MaxUploadSize override the seed limits (18 MB a file, 180 MB an
	// upload) so tests can reach them with small files.
	MaxFileSize, MaxUploadSize int64
}

// Server is the simulator: an http.Handler for the data API and the Connect page, plus an
// mTLS listener for the Upload API (StartUpload). State is in memory behind one mutex.
type Server struct {
	opts     Options
	asOf     time.Time
	mux      *http.ServeMux
	upload   *http.ServeMux
	pki      *pki
	ctx      context.Context // ends at Close: stops webhook deliveries
	cancel   context.CancelFunc
	webhooks sync.WaitGroup

	mu           sync.Mutex
	rng          *rand.Rand
	authTokens   map[string]time.Time // one-use authorize token -> expiry
	logins       map[string]*login
	sessions     map[string]*session
	uploadTokens map[string]time.Time
	aggregations map[string]*aggregation
	deliveries   []Delivery
	faults       faultState
	counts       map[string]int
	origin       string // scheme://host of Start or NewTestServer, for ConnectURL
	servers      []*http.Server
}

// New returns a simulator configured by opts.
func New(opts Options) (*Server, error) {
	opts = withDefaults(opts)
	if opts.ErrorRate < 0 || opts.ErrorRate > 1 {
		return nil, fmt.Errorf("flinkssim: ErrorRate %v outside [0,1]", opts.ErrorRate)
	}
	if strings.ContainsAny(opts.CustomerID, "/?#{}") {
		return nil, errors.New("flinkssim: invalid CustomerID")
	}
	p, err := newPKI(opts.Now())
	if err != nil {
		return nil, err
	}
	asOf := opts.AsOf
	if asOf.IsZero() {
		asOf = opts.Now()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		opts: opts, asOf: truncateDay(asOf), pki: p, ctx: ctx, cancel: cancel,
		rng:          rand.New(rand.NewPCG(uint64(opts.Seed), 0x666c696e6b73)),
		authTokens:   map[string]time.Time{},
		logins:       map[string]*login{},
		sessions:     map[string]*session{},
		uploadTokens: map[string]time.Time{},
		aggregations: map[string]*aggregation{},
		faults:       newFaultState(opts.Latency, opts.ErrorRate),
		counts:       map[string]int{},
	}
	s.mux = s.dataRoutes()
	s.upload = s.uploadRoutes()
	return s, nil
}

func withDefaults(o Options) Options {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&o.CustomerID, DefaultCustomerID)
	def(&o.SecretKey, DefaultSecretKey)
	def(&o.APIKey, DefaultAPIKey)
	def(&o.APISecret, DefaultAPISecret)
	def(&o.UploadClientID, DefaultUploadClientID)
	def(&o.UploadClientSecret, DefaultUploadClientSecret)
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HistoryDays <= 0 {
		o.HistoryDays = DefaultHistoryDays
	}
	switch {
	case o.PendingPolls == 0:
		o.PendingPolls = DefaultPendingPolls
	case o.PendingPolls < 0:
		o.PendingPolls = 0
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = DefaultSessionTTL
	}
	if o.UploadTokenTTL <= 0 {
		o.UploadTokenTTL = DefaultUploadTokenTTL
	}
	if o.WebhookRetryInterval <= 0 {
		o.WebhookRetryInterval = DefaultWebhookInterval
	}
	if o.WebhookMaxRetries <= 0 {
		o.WebhookMaxRetries = DefaultWebhookRetries
	}
	if o.WebhookClient == nil {
		o.WebhookClient = &http.Client{Timeout: 10 * time.Second}
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	if o.MaxUploadSize <= 0 {
		o.MaxUploadSize = DefaultMaxUploadSize
	}
	return o
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func truncateDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// now reads the injected clock in UTC.
func (s *Server) now() time.Time { return s.opts.Now().UTC() }

// CustomerID returns the customer id the data API answers under.
func (s *Server) CustomerID() string { return s.opts.CustomerID }

// ServeHTTP serves the data API under /v3/{customerId} and the Connect page under /v2/.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Start serves the data API and the Connect page on addr ("127.0.0.1:0" when empty) and
// returns the data API base URL, "http://host:port/v3/{customerId}". Close stops it.
func (s *Server) Start(addr string) (string, error) {
	origin, err := s.serve(addr, s, nil)
	if err != nil {
		return "", err
	}
	s.setOrigin(origin)
	return origin + "/v3/" + s.opts.CustomerID, nil
}

// serve listens on addr (TLS when cfg is set) and serves h until Close.
func (s *Server) serve(addr string, h http.Handler, cfg *tls.Config) (string, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("flinkssim: listen: %w", err)
	}
	scheme := "http"
	if cfg != nil {
		ln, scheme = tls.NewListener(ln, cfg), "https"
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       2 * time.Minute, // 180 MB uploads
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          quietLog(),
	}
	s.mu.Lock()
	s.servers = append(s.servers, srv)
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }() // Serve returns ErrServerClosed after Close
	return scheme + "://" + ln.Addr().String(), nil
}

func (s *Server) setOrigin(origin string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.origin == "" {
		s.origin = origin
	}
}

// Close stops the listeners of Start and StartUpload and the pending webhook deliveries.
func (s *Server) Close() error {
	s.cancel()
	s.mu.Lock()
	srvs := s.servers
	s.servers = nil
	s.mu.Unlock()
	var errs []error
	for _, srv := range srvs {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, srv.Close())
		}
		cancel()
	}
	s.webhooks.Wait()
	return errors.Join(errs...)
}
