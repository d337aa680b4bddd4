package flinks

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"golang.org/x/sync/singleflight"

	"github.com/fingraph/fingraph/providers/guard"
	"github.com/fingraph/fingraph/providers/internal/httpx"
)

// DefaultUploadURL is the Upload API host (shared/seeds/004).
const DefaultUploadURL = "https://upload-mtls.flinksapp.com"

// UploadScope is the OAuth scope of the Upload API token.
const UploadScope = "ocr.write"

const (
	uploadTokenPath       = "/api/v1/token"
	defaultUploadTimeout  = 5 * time.Minute // 180 MB sessions of 24 MB base64 bodies
	tokenFetchTimeout     = 30 * time.Second
	tokenExpirySkew       = 30 * time.Second
	maxUploadResponseBody = 1 << 20
)

// UploadConfig is the Upload API configuration the server reads from its environment.
type UploadConfig struct {
	// BaseURL is FLINKS_UPLOAD_URL; empty means DefaultUploadURL. It must be https.
	BaseURL string
	// ClientID and ClientSecret are FLINKS_UPLOAD_CLIENT_ID and
	// FLINKS_UPLOAD_CLIENT_SECRET: the OAuth client of the token endpoint.
	ClientID, ClientSecret string
	// CertFile and KeyFile are FLINKS_UPLOAD_CERT and FLINKS_UPLOAD_KEY: PEM files of the
	// client certificate Flinks signed (with any intermediates) and its private key
	// (PKCS#8, PKCS#1 or SEC 1, unencrypted).
	CertFile, KeyFile string
	// CAFile is FLINKS_UPLOAD_CA: PEM roots that sign the Upload API's server certificate.
	// Empty means the system roots.
	CAFile string
}

// UploadOption configures an UploadClient.
type UploadOption func(*UploadClient) error

// WithUploadTimeout bounds each HTTP attempt of the Upload API (default 5 min).
func WithUploadTimeout(d time.Duration) UploadOption {
	return func(u *UploadClient) error {
		if d <= 0 {
			return errors.New("flinks: upload timeout must be positive")
		}
		u.timeout = d
		return nil
	}
}

// WithUploadGuards sets the Upload API's breaker, bulkhead, retry budget and retry policy.
func WithUploadGuards(p guard.Policy) UploadOption {
	return func(u *UploadClient) error {
		if err := p.Validate(); err != nil {
			return err
		}
		u.policy = p
		return nil
	}
}

// WithUploadObserver reports every call, retry and the state of the
// guards to obs (the server's metrics), under the name "flinks_upload".
func WithUploadObserver(obs guard.Observer) UploadOption {
	return func(u *UploadClient) error {
		u.observer = obs
		return nil
	}
}

// WithUploadTransport wraps the mTLS transport of the Upload API calls
// (not of the token request), e.g. to trace them.
func WithUploadTransport(wrap func(http.RoundTripper) http.RoundTripper) UploadOption {
	return func(u *UploadClient) error {
		u.wrap = wrap
		return nil
	}
}

// WithUploadClock replaces the clock of certificate validity checks, TLS verification,
// token expiry and the guards (tests, simulations).
func WithUploadClock(now func() time.Time) UploadOption {
	return func(u *UploadClient) error {
		if now == nil {
			return errors.New("flinks: nil clock")
		}
		u.now = now
		return nil
	}
}

// WithUploadSleeper replaces how retries of the token request wait.
func WithUploadSleeper(sleep func(context.Context, time.Duration) error) UploadOption {
	return func(u *UploadClient) error {
		if sleep == nil {
			return errors.New("flinks: nil sleeper")
		}
		u.sleep = sleep
		return nil
	}
}

// UploadClient calls the Flinks Upload API over mutual TLS with a cached OAuth2
// client-credentials token (shared/seeds/004;
// https://help.flinks.com/support/solutions/articles/43000785958). It is safe for
// concurrent use. Reload swaps the client certificate without a restart.
type UploadClient struct {
	cfg      UploadConfig
	base     string
	timeout  time.Duration
	policy   guard.Policy
	observer guard.Observer
	wrap     func(http.RoundTripper) http.RoundTripper // WithUploadTransport
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error

	material  atomic.Pointer[keyMaterial]
	transport atomic.Pointer[http.Transport]
	reloadMu  sync.Mutex

	httpClient *http.Client // mTLS, through the swappable transport
	caller     *httpx.Caller
	oauth      *clientcredentials.Config
	oauthCtx   context.Context // long-lived, carries the token HTTP client
	cancel     context.CancelFunc

	tokMu    sync.Mutex
	tok      string
	tokExp   time.Time
	tokGroup singleflight.Group

	sessMu   sync.Mutex
	sessions map[string]int64 // AggregationId -> bytes sent, for MaxUploadTotalSize
}

// NewUploadClient validates cfg (each failure a *ConfigError naming its input: missing or
// unreadable file, not PEM, expired or not yet valid certificate, key not matching it) and
// returns a client. Call Close when done.
func NewUploadClient(cfg UploadConfig, opts ...UploadOption) (*UploadClient, error) {
	u := &UploadClient{cfg: cfg, timeout: defaultUploadTimeout, now: time.Now, sleep: httpx.Sleep,
		sessions: map[string]int64{}}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(u); err != nil {
			return nil, err
		}
	}
	base, err := uploadBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	u.base = base
	switch {
	case strings.TrimSpace(cfg.ClientID) == "":
		return nil, cfgErr(InputClientID, "", ErrConfigMissing)
	case cfg.ClientSecret == "":
		return nil, cfgErr(InputClientSecret, "", ErrConfigMissing)
	}
	km, err := loadKeyMaterial(cfg.CertFile, cfg.KeyFile, cfg.CAFile, u.now())
	if err != nil {
		return nil, err
	}
	u.material.Store(km)
	u.transport.Store(u.newTransport(km.roots))
	var rt http.RoundTripper = roundTripperFunc(u.roundTrip)
	if u.wrap != nil {
		rt = u.wrap(rt)
	}
	u.httpClient = &http.Client{Transport: rt, Timeout: u.timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	now := func() time.Time { return u.now() }
	u.caller = &httpx.Caller{HTTP: u.httpClient, Retry: u.policy.RetryPolicy(), Guards: u.policy.Guards(now),
		Now: now, Sleep: func(ctx context.Context, d time.Duration) error { return u.sleep(ctx, d) },
		Jitter: rand.Int64N, MaxBody: maxUploadResponseBody, Name: uploadClientName, Observer: u.observer}
	httpx.Observed(u.observer).Watch(uploadClientName, u.caller.Guards.State)
	u.oauth = &clientcredentials.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		TokenURL: u.base + uploadTokenPath, Scopes: []string{UploadScope}, AuthStyle: oauth2.AuthStyleInHeader}
	tokenHTTP := &http.Client{Transport: roundTripperFunc(u.tokenRoundTrip), Timeout: tokenFetchTimeout}
	ctx, cancel := context.WithCancel(context.Background())
	u.oauthCtx, u.cancel = context.WithValue(ctx, oauth2.HTTPClient, tokenHTTP), cancel
	return u, nil
}

func uploadBaseURL(raw string) (string, error) {
	if raw == "" {
		raw = DefaultUploadURL
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", cfgErr(InputUploadURL, "", ErrInvalidUploadURL)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// roundTripperFunc adapts a function to http.RoundTripper.
type roundTripperFunc func(*http.Request) (*http.Response, error)

// RoundTrip implements http.RoundTripper.
func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// roundTrip sends through the current transport, so a reload takes effect on the next
// connection.
func (u *UploadClient) roundTrip(r *http.Request) (*http.Response, error) {
	return u.transport.Load().RoundTrip(r)
}

// newTransport builds the mTLS transport: TLS 1.2 at least, the server verified against
// roots (nil: system roots), and the current client certificate offered on every
// handshake through GetClientCertificate.
func (u *UploadClient) newTransport(roots *x509.CertPool) *http.Transport {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		DialContext: d.DialContext,
		TLSClientConfig: &tls.Config{
			MinVersion: tls.VersionTLS12,
			RootCAs:    roots,
			GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
				return u.material.Load().cert, nil
			},
			Time: func() time.Time { return u.now() },
		},
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   10 * time.Second,
		MaxIdleConns:          10,
		MaxIdleConnsPerHost:   10,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// Reload re-reads the certificate, key and CA files and, when they are valid, swaps them
// in: new connections present the new certificate and trust the new roots, and idle
// connections are closed. On error the current material stays in use.
func (u *UploadClient) Reload() error {
	_, err := u.reload(true)
	return err
}

// ReloadIfChanged reloads when a file's content changed since the last load, and reports
// whether it did.
func (u *UploadClient) ReloadIfChanged() (bool, error) { return u.reload(false) }

func (u *UploadClient) reload(force bool) (bool, error) {
	u.reloadMu.Lock()
	defer u.reloadMu.Unlock()
	km, err := loadKeyMaterial(u.cfg.CertFile, u.cfg.KeyFile, u.cfg.CAFile, u.now())
	if err != nil {
		return false, err
	}
	old := u.material.Load()
	if !force && km.digest == old.digest {
		return false, nil
	}
	u.material.Store(km)
	prev := u.transport.Swap(u.newTransport(km.roots))
	prev.CloseIdleConnections()
	return true, nil
}

// WatchCertificates calls ReloadIfChanged every interval until ctx ends, reporting
// failures (the current certificate stays in use) to onErr, which may be nil. Run it in a
// goroutine; the server may also call Reload on SIGHUP.
func (u *UploadClient) WatchCertificates(ctx context.Context, interval time.Duration, onErr func(error)) {
	if interval <= 0 {
		interval = time.Minute
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	u.watch(ctx, t.C, onErr)
}

func (u *UploadClient) watch(ctx context.Context, ticks <-chan time.Time, onErr func(error)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
			if _, err := u.ReloadIfChanged(); err != nil && onErr != nil {
				onErr(err)
			}
		}
	}
}

// Certificate returns the client certificate in use (for expiry monitoring).
func (u *UploadClient) Certificate() *x509.Certificate { return u.material.Load().cert.Leaf }

// Close releases idle connections and stops token fetches.
func (u *UploadClient) Close() {
	u.cancel()
	u.transport.Load().CloseIdleConnections()
}

// String identifies the client without its secrets.
func (u *UploadClient) String() string { return "flinks.UploadClient(" + u.base + ")" }

// GoString keeps secrets out of %#v.
func (u *UploadClient) GoString() string { return u.String() }
