package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

const (
	// jwksRefetchInterval is the minimum time between two fetches once a key
	// set is loaded. An attacker can send tokens with random kids at will;
	// without this limit each one would cost us a request to the issuer.
	jwksRefetchInterval = 30 * time.Second
	// jwksRetryInterval applies while no key set was ever loaded, so a
	// transient failure at startup does not lock everyone out for 30 s.
	jwksRetryInterval = 5 * time.Second
	// jwksMaxAge makes the cache refresh (rate-limited, on the next request)
	// so keys the issuer revoked stop being trusted within an hour, even if
	// no token ever carries an unknown kid.
	jwksMaxAge = time.Hour
	// jwksFetchTimeout bounds one fetch even if the HTTP client has none.
	jwksFetchTimeout = 10 * time.Second
	// maxJWKSSize bounds the response body; real key sets are a few KiB.
	maxJWKSSize = 1 << 20
)

// jwksKeys is a key source backed by a remote JWKS (AUTH_JWKS_URL).
type jwksKeys struct {
	url    string
	client *http.Client
	now    func() time.Time

	fetchMu sync.Mutex // serialises fetches so a burst triggers one request

	mu          sync.RWMutex
	keys        staticKeys // nil until the first successful fetch
	loadedAt    time.Time
	lastAttempt time.Time
}

// NewJWKSVerifier verifies tokens against the key set published at url
// (https, or http on loopback for tests). Keys are fetched lazily on first
// use, cached, and refetched when a token names an unknown kid or the cache
// is older than an hour — at most once per 30 s either way. If a refresh
// fails, the previous keys stay in use. A nil httpClient gets one with a
// 10 s timeout.
func NewJWKSVerifier(rawURL string, httpClient *http.Client, cfg JWTConfig) (Verifier, error) {
	cfg, err := cfg.normalized()
	if err != nil {
		return nil, err
	}
	if err := checkJWKSURL(rawURL); err != nil {
		return nil, err
	}
	if httpClient == nil {
		httpClient = &http.Client{Timeout: jwksFetchTimeout}
	}
	src := &jwksKeys{url: rawURL, client: httpClient, now: cfg.Now}
	return &jwtVerifier{cfg: cfg, keys: src}, nil
}

// checkJWKSURL refuses plain http except on loopback: a key set fetched
// over cleartext lets a network attacker substitute their own keys.
func checkJWKSURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return errors.New("auth: invalid JWKS URL")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		host := u.Hostname()
		if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
			return nil
		}
	}
	return errors.New("auth: JWKS URL must use https")
}

// key implements keySource: serve from cache, and refetch on an unknown
// kid or an empty or stale cache. Requests with a known kid never queue
// behind a fetch in flight; they keep using the cached key meanwhile.
func (s *jwksKeys) key(ctx context.Context, kid string) (jose.JSONWebKey, error) {
	keys, loadedAt := s.snapshot()
	known := false
	if keys != nil {
		k, err := keys.key(ctx, kid)
		known = !errors.Is(err, errUnknownKID)
		if known && s.now().Sub(loadedAt) < jwksMaxAge {
			return k, err
		}
	}
	s.refresh(ctx, !known)
	if keys, _ = s.snapshot(); keys == nil {
		return jose.JSONWebKey{}, ErrKeySetUnavailable
	}
	return keys.key(ctx, kid)
}

// snapshot returns the cached keys and when they were loaded.
func (s *jwksKeys) snapshot() (staticKeys, time.Time) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.keys, s.loadedAt
}

// refresh fetches the key set unless a fetch was attempted too recently.
// With wait, concurrent callers queue on fetchMu and then see the fresh
// result via the rate limit instead of fetching again; without it, a caller
// returns at once if another fetch is in flight.
func (s *jwksKeys) refresh(ctx context.Context, wait bool) {
	if !wait {
		if !s.fetchMu.TryLock() {
			return
		}
	} else {
		s.fetchMu.Lock()
	}
	defer s.fetchMu.Unlock()

	now := s.now()
	s.mu.RLock()
	last, loaded := s.lastAttempt, s.keys != nil
	s.mu.RUnlock()
	interval := jwksRefetchInterval
	if !loaded {
		interval = jwksRetryInterval
	}
	if !last.IsZero() && now.Sub(last) < interval {
		return
	}
	keys, err := s.fetch(ctx)

	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastAttempt = now
	if err == nil {
		s.keys, s.loadedAt = keys, now
	}
}

// fetch downloads and parses the key set. It detaches from the caller's
// cancellation (the result serves every request, and a cancelled client must
// not burn the rate-limit slot) but keeps its own timeout.
func (s *jwksKeys) fetch(ctx context.Context) (staticKeys, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), jwksFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("auth: JWKS fetch: status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSSize+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxJWKSSize {
		return nil, errors.New("auth: JWKS fetch: body too large")
	}
	return parseKeySet(body, false)
}
