package auth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// verifyOK fails the test unless tok verifies.
func verifyOK(t *testing.T, v Verifier, tok string) {
	t.Helper()
	if _, err := v.Verify(context.Background(), tok); err != nil {
		t.Fatalf("Verify() = %v", err)
	}
}

// verifyFails fails the test unless tok is rejected with want.
func verifyFails(t *testing.T, v Verifier, tok string, want error) {
	t.Helper()
	if _, err := v.Verify(context.Background(), tok); !errors.Is(err, want) {
		t.Fatalf("Verify() = %v, want %v", err, want)
	}
}

// wantHits checks how many times the JWKS endpoint was fetched.
func wantHits(t *testing.T, s *jwksServer, n int32) {
	t.Helper()
	if got := s.hits.Load(); got != n {
		t.Fatalf("JWKS fetched %d times, want %d", got, n)
	}
}

func TestJWKSUnknownKIDAndRotation(t *testing.T) {
	c := newClock()
	srv := newJWKSServer(t, map[string]any{"ec-1": &ecKey().PublicKey})
	v := must(NewJWKSVerifier(srv.URL, srv.Client(), cfg(c)))
	wantHits(t, srv, 0) // lazy: nothing fetched at construction

	ec1 := sign(t, jose.ES256, ecKey(), "ec-1", claims(), nil)
	ec2 := sign(t, jose.ES256, ecKey2(), "ec-2", claims(), nil)
	verifyOK(t, v, ec1)
	verifyOK(t, v, ec1)
	wantHits(t, srv, 1) // cached

	// Unknown kid right after a fetch: rate-limited, no new request.
	verifyFails(t, v, ec2, ErrInvalidToken)
	wantHits(t, srv, 1)

	// After the interval, an unknown kid triggers exactly one refetch...
	c.Advance(jwksRefetchInterval + time.Second)
	verifyFails(t, v, ec2, ErrInvalidToken)
	wantHits(t, srv, 2)
	// ...and a flood of unknown kids does not trigger more.
	for range 10 {
		verifyFails(t, v, ec2, ErrInvalidToken)
	}
	wantHits(t, srv, 2)
	verifyOK(t, v, ec1) // known keys keep working meanwhile

	// Rotation: the issuer publishes ec-2; it is accepted after a refetch.
	srv.set(http.StatusOK, jwksJSON(map[string]any{"ec-1": &ecKey().PublicKey, "ec-2": &ecKey2().PublicKey}))
	c.Advance(jwksRefetchInterval + time.Second)
	verifyOK(t, v, sign(t, jose.ES256, ecKey2(), "ec-2", with(map[string]any{"exp": c.Now().Add(time.Minute).Unix()}), nil))
	wantHits(t, srv, 3)
}

func TestJWKSRevocationAfterMaxAge(t *testing.T) {
	c := newClock()
	srv := newJWKSServer(t, map[string]any{"ec-1": &ecKey().PublicKey, "ec-2": &ecKey2().PublicKey})
	v := must(NewJWKSVerifier(srv.URL, srv.Client(), cfg(c)))
	verifyOK(t, v, sign(t, jose.ES256, ecKey(), "ec-1", claims(), nil))

	srv.set(http.StatusOK, jwksJSON(map[string]any{"ec-2": &ecKey2().PublicKey})) // ec-1 revoked
	c.Advance(jwksMaxAge + time.Second)
	fresh := with(map[string]any{"iat": c.Now().Unix(), "nbf": c.Now().Unix(), "exp": c.Now().Add(time.Minute).Unix()})
	verifyFails(t, v, sign(t, jose.ES256, ecKey(), "ec-1", fresh, nil), ErrInvalidToken)
	wantHits(t, srv, 2)
}

func TestJWKSUnavailable(t *testing.T) {
	c := newClock()
	srv := newJWKSServer(t, map[string]any{"ec-1": &ecKey().PublicKey})
	srv.set(http.StatusInternalServerError, []byte("oops"))
	v := must(NewJWKSVerifier(srv.URL, srv.Client(), cfg(c)))
	tok := sign(t, jose.ES256, ecKey(), "ec-1", claims(), nil)

	verifyFails(t, v, tok, ErrKeySetUnavailable)
	verifyFails(t, v, tok, ErrInvalidToken) // fails closed for callers that only know ErrInvalidToken
	wantHits(t, srv, 1)                     // second attempt was rate-limited

	srv.set(http.StatusOK, jwksJSON(map[string]any{"ec-1": &ecKey().PublicKey}))
	c.Advance(jwksRetryInterval + time.Second)
	verifyOK(t, v, tok)
	wantHits(t, srv, 2)

	// A failed refresh keeps the previous keys.
	srv.set(http.StatusBadGateway, nil)
	c.Advance(jwksMaxAge)
	verifyOK(t, v, sign(t, jose.ES256, ecKey(), "ec-1", with(map[string]any{"exp": c.Now().Add(time.Minute).Unix()}), nil))
	wantHits(t, srv, 3)
}

func TestJWKSBadBodies(t *testing.T) {
	tok := sign(t, jose.ES256, ecKey(), "ec-1", claims(), nil)
	bodies := map[string][]byte{
		"oversize":     []byte(`{"keys":[` + strings.Repeat(" ", maxJWKSSize) + `]}`),
		"not json":     []byte("<html>"),
		"empty set":    []byte(`{"keys":[]}`),
		"only enc key": []byte(`{"keys":[` + string(must(jose.JSONWebKey{Key: &ecKey().PublicKey, KeyID: "ec-1", Use: "enc"}.MarshalJSON())) + `]}`),
		"private key":  []byte(`{"keys":[` + string(must(jose.JSONWebKey{Key: ecKey(), KeyID: "ec-1"}.MarshalJSON())) + `]}`),
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			srv := newJWKSServer(t, nil)
			srv.set(http.StatusOK, body)
			v := must(NewJWKSVerifier(srv.URL, srv.Client(), cfg(newClock())))
			verifyFails(t, v, tok, ErrKeySetUnavailable)
		})
	}
}

func TestJWKSSkipsUnusableKeys(t *testing.T) {
	srv := newJWKSServer(t, nil)
	small := `{"kty":"RSA","kid":"small","n":"AQAB","e":"AQAB"}`
	unknown := `{"kty":"OKP","crv":"X448","kid":"x","x":"AAAA"}`
	good := string(must(jose.JSONWebKey{Key: &ecKey().PublicKey, KeyID: "ec-1"}.MarshalJSON()))
	srv.set(http.StatusOK, []byte(`{"keys":[`+small+`,`+unknown+`,`+good+`]}`))
	v := must(NewJWKSVerifier(srv.URL, srv.Client(), cfg(newClock())))
	verifyOK(t, v, sign(t, jose.ES256, ecKey(), "ec-1", claims(), nil))
}

func TestJWKSConcurrentFirstUse(t *testing.T) {
	c := newClock()
	srv := newJWKSServer(t, map[string]any{"ec-1": &ecKey().PublicKey})
	v := must(NewJWKSVerifier(srv.URL, srv.Client(), cfg(c)))
	tok := sign(t, jose.ES256, ecKey(), "ec-1", claims(), nil)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := v.Verify(context.Background(), tok); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	wantHits(t, srv, 1)
}

func TestJWKSURLValidation(t *testing.T) {
	for _, u := range []string{"http://issuer.example/jwks", "ftp://x/jwks", "not a url", "", "https://"} {
		if _, err := NewJWKSVerifier(u, nil, JWTConfig{}); err == nil {
			t.Errorf("NewJWKSVerifier(%q) accepted", u)
		}
	}
	for _, u := range []string{"https://issuer.example/.well-known/jwks.json", "http://127.0.0.1:8080/jwks", "http://localhost/jwks", "http://[::1]:9/jwks"} {
		if _, err := NewJWKSVerifier(u, nil, JWTConfig{}); err != nil {
			t.Errorf("NewJWKSVerifier(%q) = %v", u, err)
		}
	}
}

func TestJWKSStaleRefreshDoesNotBlockKnownKID(t *testing.T) {
	c := newClock()
	body := jwksJSON(map[string]any{"ec-1": &ecKey().PublicKey})
	entered, release := make(chan struct{}), make(chan struct{})
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 2 {
			close(entered)
			<-release
		}
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	v := must(NewJWKSVerifier(srv.URL, srv.Client(), cfg(c)))
	verifyOK(t, v, sign(t, jose.ES256, ecKey(), "ec-1", claims(), nil))

	c.Advance(jwksMaxAge + time.Second)
	tok := sign(t, jose.ES256, ecKey(), "ec-1", with(map[string]any{"exp": c.Now().Add(time.Minute).Unix()}), nil)
	done := make(chan error)
	go func() {
		_, err := v.Verify(context.Background(), tok) // performs the slow refresh
		done <- err
	}()
	<-entered
	verifyOK(t, v, tok) // served from the stale cache while the fetch hangs
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 2 {
		t.Fatalf("hits = %d, want 2", hits.Load())
	}
}
