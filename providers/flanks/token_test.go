package flanks

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestTokenSharedByConcurrentCallers(t *testing.T) {
	e := newTestEnv(t, roomyBulkhead)
	s := serveScript(t, e.mux, accountsPath, reply{200, `[]`, nil})
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if err := listAccounts(e.client); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := e.tokenCalls.Load(); n != 1 {
		t.Errorf("token fetched %d times, want 1", n)
	}
	for _, a := range s.seenAuths() {
		if a != "Bearer tok-1" {
			t.Errorf("Authorization = %q", a)
		}
	}
}

func TestTokenRenewedBeforeExpiry(t *testing.T) {
	tests := []struct {
		name      string
		expiresIn int64
		keep      time.Duration // still valid at this age
		renew     time.Duration // renewed at this age
	}{
		{"long token renews 60s early", 3600, 3539 * time.Second, 3541 * time.Second},
		{"short token renews 10% early", 100, 89 * time.Second, 91 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			e.expiresIn.Store(tt.expiresIn)
			s := serveScript(t, e.mux, accountsPath, reply{200, `[]`, nil})
			start := e.clock.Now()
			for _, age := range []time.Duration{0, tt.keep, tt.renew} {
				e.clock.Advance(start.Add(age).Sub(e.clock.Now()))
				if err := listAccounts(e.client); err != nil {
					t.Fatal(err)
				}
			}
			want := []string{"Bearer tok-1", "Bearer tok-1", "Bearer tok-2"}
			if got := s.seenAuths(); !reflect.DeepEqual(got, want) {
				t.Errorf("auths = %v, want %v", got, want)
			}
		})
	}
}

func TestTokenRefreshedOnceOn401(t *testing.T) {
	e := newTestEnv(t)
	s := serveScript(t, e.mux, accountsPath,
		reply{401, `{"error": "Not authenticated"}`, nil},
		reply{200, `[]`, nil})
	if err := listAccounts(e.client); err != nil {
		t.Fatal(err)
	}
	if got, want := s.seenAuths(), []string{"Bearer tok-1", "Bearer tok-2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("auths = %v, want %v", got, want)
	}
	if len(e.recordedSleeps()) != 0 {
		t.Error("re-authentication should not back off")
	}
}

func TestPersistent401(t *testing.T) {
	e := newTestEnv(t)
	s := serveScript(t, e.mux, accountsPath, reply{401, `{"error": "Invalid credentials"}`, nil})
	err := listAccounts(e.client)
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v", err)
	}
	if s.hits.Load() != 2 || e.tokenCalls.Load() != 2 {
		t.Errorf("hits = %d, token calls = %d; want 2 and 2", s.hits.Load(), e.tokenCalls.Load())
	}
	assertNoSecrets(t, err, "tok-1", "tok-2", "ct-1")
}

func TestConcurrent401sRenewOnce(t *testing.T) {
	e := newTestEnv(t, roomyBulkhead)
	e.mux.HandleFunc(accountsPath, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer tok-1" {
			writeJSON(w, 401, `{"error": "Not authenticated"}`)
			return
		}
		writeJSON(w, 200, `[]`)
	})
	if _, err := e.client.token(context.Background()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 30 {
		wg.Go(func() {
			if err := listAccounts(e.client); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := e.tokenCalls.Load(); n != 2 {
		t.Errorf("token fetched %d times, want 2", n)
	}
}

func TestTokenErrors(t *testing.T) {
	e := newTestEnv(t)
	e.client.creds.clientSecret = "wrong-secret-42"
	serveScript(t, e.mux, accountsPath, reply{200, `[]`, nil})
	err := listAccounts(e.client)
	var apiErr *APIError
	if !errors.Is(err, ErrForbidden) || !errors.As(err, &apiErr) || apiErr.Path != "/v0/token" {
		t.Fatalf("err = %v", err)
	}
	assertNoSecrets(t, err, "wrong-secret-42")
}

func TestTokenSecretEchoRedacted(t *testing.T) {
	mux := http.NewServeMux()
	e := newTestEnvWithMux(t, mux)
	mux.HandleFunc("/v0/token", func(w http.ResponseWriter, r *http.Request) {
		body := string(readBody(t, r))
		writeJSON(w, 400, `{"error": "bad request body `+strings.ReplaceAll(body, `"`, `'`)+`"}`)
	})
	_, err := e.client.ListEntities(context.Background())
	if err == nil {
		t.Fatal("want error")
	}
	assertNoSecrets(t, err)
}

func TestTokenRetriedOn503(t *testing.T) {
	mux := http.NewServeMux()
	e := newTestEnvWithMux(t, mux)
	tok := serveScript(t, mux, "/v0/token",
		reply{503, ``, nil},
		reply{200, `{"access_token": "tok-x", "expires_in": "3600"}`, nil})
	s := serveScript(t, mux, "/v0/bank/available", reply{200, `[]`, nil})
	if _, err := e.client.ListEntities(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tok.hits.Load() != 2 || s.seenAuths()[0] != "Bearer tok-x" {
		t.Errorf("token hits = %d", tok.hits.Load())
	}
}

func TestTokenMissingAccessToken(t *testing.T) {
	mux := http.NewServeMux()
	e := newTestEnvWithMux(t, mux)
	serveScript(t, mux, "/v0/token", reply{200, `{"token_type": "Bearer"}`, nil})
	_, err := e.client.ListEntities(context.Background())
	if !errors.Is(err, ErrMalformedResponse) {
		t.Fatalf("err = %v", err)
	}
}

func TestPasswordGrant(t *testing.T) {
	e := newTestEnv(t, WithPasswordGrant("api@example.com", "p4ssw0rd"))
	serveScript(t, e.mux, accountsPath, reply{200, `[]`, nil})
	if err := listAccounts(e.client); err != nil {
		t.Fatal(err)
	}
	if ct := e.tokenCT.Load(); ct != "application/json" {
		t.Errorf("token Content-Type = %v", ct)
	}
	assertJSONEqual(t, e.tokenBody.Load().([]byte), `{"client_id": "client-id-1", "client_secret": "cl13nt-s3cr3t-value",
		"grant_type": "password", "username": "api@example.com", "password": "p4ssw0rd"}`)
}

func TestTokenCallerCancellation(t *testing.T) {
	e := newTestEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.client.ListEntities(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestClientStringHidesSecrets(t *testing.T) {
	e := newTestEnv(t)
	serveScript(t, e.mux, accountsPath, reply{200, `[]`, nil})
	_ = listAccounts(e.client)
	for _, s := range []string{e.client.String(), e.client.GoString()} {
		if strings.Contains(s, testClientSecret) || strings.Contains(s, "tok-1") {
			t.Errorf("%q leaks a secret", s)
		}
	}
}
