// Package httpx holds the HTTP plumbing shared by fingraph's provider clients
// (Flanks, Flinks, Finqware): a retry classification, full-jitter backoff,
// Retry-After parsing and size-capped body reads.
//
// The policy follows reliability.md goal 18: at most 3 attempts, full-jitter
// exponential backoff (base 100 ms, cap 2 s), Retry-After honoured but never
// past the caller's deadline, and retries only on 408/425/429/5xx (not 501)
// or network errors.
//
// Per provider it also offers the guards of goals 18 and 19: a RetryBudget
// (retries at most ~10 % of calls), a Breaker (fail fast while a provider is
// down) and a Bulkhead (bounded calls in flight), so one failing provider
// cannot multiply its own load or drain the server's goroutines.
package httpx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// MaxErrorBodySize caps how much of an error response is read, as go-github
// does, so a misbehaving upstream cannot exhaust memory.
const MaxErrorBodySize = 1 << 20

// Default retry parameters (reliability.md goal 18).
const (
	DefaultMaxAttempts = 3
	DefaultBaseDelay   = 100 * time.Millisecond
	DefaultMaxDelay    = 2 * time.Second
)

// ErrBodyTooLarge reports a body that exceeded the read cap.
var ErrBodyTooLarge = errors.New("httpx: response body too large")

// Backoff computes full-jitter exponential delays (AWS "full jitter").
type Backoff struct {
	// Base is the delay ceiling of the first retry.
	Base time.Duration
	// Cap bounds the ceiling of every retry.
	Cap time.Duration
	// Rand returns a uniform value in [0, n); nil means math/rand/v2.
	Rand func(n int64) int64
}

// Ceiling returns min(Cap, Base*2^retry), the upper bound of the delay
// before retry number retry (0 for the first retry).
func (b Backoff) Ceiling(retry int) time.Duration {
	if b.Base <= 0 || b.Cap <= 0 {
		return 0
	}
	d := b.Base
	for range max(retry, 0) {
		if d >= b.Cap/2 {
			return b.Cap
		}
		d *= 2
	}
	return min(d, b.Cap)
}

// Delay returns a delay drawn uniformly from [0, Ceiling(retry)].
func (b Backoff) Delay(retry int) time.Duration {
	ceil := b.Ceiling(retry)
	if ceil <= 0 {
		return 0
	}
	rnd := b.Rand
	if rnd == nil {
		rnd = defaultRand
	}
	return time.Duration(rnd(int64(ceil) + 1))
}

// RetryableStatus reports whether a response status is worth retrying on an
// idempotent call: 408, 425, 429 and 5xx except 501 Not Implemented.
func RetryableStatus(code int) bool {
	switch {
	case code == http.StatusRequestTimeout, code == http.StatusTooEarly,
		code == http.StatusTooManyRequests:
		return true
	case code == http.StatusNotImplemented:
		return false
	default:
		return code >= 500 && code <= 599
	}
}

// RetryableError reports whether a transport error from http.Client.Do is
// worth retrying: cancellation and certificate or URL errors are permanent.
// A deadline error is retryable because, while the caller's context is
// alive, it is http.Client.Timeout ending one attempt: callers must check
// ctx.Err() first.
func RetryableError(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var (
		verr  *tls.CertificateVerificationError
		uaerr x509.UnknownAuthorityError
		herr  x509.HostnameError
		cerr  x509.CertificateInvalidError
	)
	if errors.As(err, &verr) || errors.As(err, &uaerr) || errors.As(err, &herr) || errors.As(err, &cerr) {
		return false
	}
	var uerr *url.Error
	if errors.As(err, &uerr) && strings.Contains(uerr.Err.Error(), "unsupported protocol scheme") {
		return false
	}
	return true
}

// ParseRetryAfter parses a Retry-After header (delta seconds or an HTTP date)
// relative to now. It returns false when the header is absent or invalid.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, int64(24*time.Hour/time.Second))) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// Remaining returns how long ctx has left before its deadline, or false
// when it has none.
func Remaining(ctx context.Context, now time.Time) (time.Duration, bool) {
	dl, ok := ctx.Deadline()
	if !ok {
		return 0, false
	}
	return dl.Sub(now), true
}

// Sleep waits for d or until ctx is done, whichever comes first.
func Sleep(ctx context.Context, d time.Duration) error {
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

// ReadCapped reads at most limit bytes of r. When r holds more, it returns
// the first limit bytes and ErrBodyTooLarge.
func ReadCapped(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return b, err
	}
	if int64(len(b)) > limit {
		return b[:limit], ErrBodyTooLarge
	}
	return b, nil
}

// StripURLQuery removes the query string from err when it is a *url.Error
// (what http.Client.Do returns), so transport errors never carry query
// parameters (tokens, filters) into logs.
func StripURLQuery(err error) error {
	uerr, ok := err.(*url.Error)
	if !ok {
		return err
	}
	if i := strings.IndexByte(uerr.URL, '?'); i >= 0 {
		c := *uerr
		c.URL = uerr.URL[:i]
		return &c
	}
	return err
}
