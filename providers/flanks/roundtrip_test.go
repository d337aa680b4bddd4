package flanks_test

// Round-trip tests: the real client against the real simulator, every test a
// table over the wire modes plain JSON, JWE A256CBC-HS512 and JWE A256GCM.
// The two packages were written independently from the same documents, so a
// drift on either side fails here. The simulator's clock is injected; no test
// sleeps except where the client honours a Retry-After of 1 s.

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/fingraph/fingraph/providers/flanks"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// mode is one wire encoding of request bodies.
type mode struct {
	name string
	enc  flanks.ContentEncryption // "" sends plain JSON
}

var modes = []mode{
	{"plain", ""},
	{"jwe-cbc", flanks.EncA256CBCHS512},
	{"jwe-gcm", flanks.EncA256GCM},
}

func (m mode) jwe() bool { return m.enc != "" }

// forEachMode runs f once per mode, in parallel.
func forEachMode(t *testing.T, f func(t *testing.T, m mode)) {
	t.Helper()
	t.Parallel()
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			f(t, m)
		})
	}
}

// forEachJWEMode runs f for the two JWE modes only (tests of the encryption
// itself have nothing to check in plain mode).
func forEachJWEMode(t *testing.T, f func(t *testing.T, m mode)) {
	t.Helper()
	t.Parallel()
	for _, m := range modes[1:] {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			f(t, m)
		})
	}
}

const simKID = "roundtrip-enc-1"

// Generating RSA keys is slow under -race: the simulator's key and a foreign
// one are made once for the whole package.
var (
	simKey     = sync.OnceValue(func() *rsa.PrivateKey { return mustRSA() })
	foreignKey = sync.OnceValue(func() *rsa.PrivateKey { return mustRSA() })
)

func mustRSA() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}

func simKeys() []jose.JSONWebKey {
	return []jose.JSONWebKey{{Key: simKey(), KeyID: simKID}}
}

// simClock is the simulator's injected clock; it moves only when told to.
type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *simClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// rtStart is the simulator's "now" at the start of every test.
var rtStart = time.Date(2025, 3, 14, 10, 30, 0, 0, time.UTC)

// rt is one simulator, its clock and a client in one mode.
type rt struct {
	t     *testing.T
	mode  mode
	sim   *flankssim.Server
	base  string
	clock *simClock
	c     *flanks.Client
	ctx   context.Context
}

// newRT starts a simulator (fake clock, shared key, seed 7 unless set) and a
// client for mode m.
func newRT(t *testing.T, m mode, opts flankssim.Options, extra ...flanks.Option) *rt {
	t.Helper()
	clock := &simClock{t: rtStart}
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	if opts.JWEKeys == nil {
		opts.JWEKeys = simKeys()
	}
	if opts.Seed == 0 {
		opts.Seed = 7
	}
	sim, base := flankssim.NewTestServer(t, opts)
	r := &rt{t: t, mode: m, sim: sim, base: base, clock: clock, ctx: context.Background()}
	r.c = r.newClient(extra...)
	return r
}

// newClient returns another client of the same simulator, in the same mode,
// whose every request is checked against the mode when the test ends.
func (r *rt) newClient(extra ...flanks.Option) *flanks.Client {
	r.t.Helper()
	return newModeClient(r.t, r.mode, r.base, r.base+"/.well-known/jwks.json", extra...)
}

func newModeClient(t *testing.T, m mode, base, jwksURL string, extra ...flanks.Option) *flanks.Client {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	wire := &wireLog{next: tr}
	opts := []flanks.Option{
		flanks.WithClientCredentials(flankssim.DefaultClientID, flankssim.DefaultClientSecret),
		flanks.WithHTTPClient(&http.Client{Transport: wire}),
		flanks.WithTimeout(30 * time.Second),
		// Fast backoff; a Retry-After up to 2 s is honoured.
		flanks.WithRetry(flanks.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxRetryAfter: 2 * time.Second}),
	}
	if m.jwe() {
		opts = append(opts, flanks.WithJWE(flanks.JWEConfig{JWKSURL: jwksURL, Enc: m.enc}))
	}
	c, err := flanks.NewClient(base, append(opts, extra...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(func() { wire.check(t, m) })
	return c
}

// wireLog records what the client put on the wire.
type wireLog struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []wireReq
}

type wireReq struct {
	method, path, contentType string
	body                      []byte
}

func (w *wireLog) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		_ = req.Body.Close()
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	w.mu.Lock()
	w.reqs = append(w.reqs, wireReq{req.Method, req.URL.Path, req.Header.Get("Content-Type"), body})
	w.mu.Unlock()
	return w.next.RoundTrip(req)
}

// check asserts that every body went out in the mode's encoding: JSON in
// plain mode, a compact JWE (RSA-OAEP-256, the mode's enc, typ JWE, a kid) in
// the JWE modes, the token request included.
func (w *wireLog) check(t *testing.T, m mode) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	bodies := 0
	for _, r := range w.reqs {
		if len(r.body) == 0 {
			continue
		}
		bodies++
		if !m.jwe() {
			if r.contentType != "application/json" || !json.Valid(r.body) {
				t.Errorf("%s %s: plain mode sent %q %.40q", r.method, r.path, r.contentType, r.body)
			}
			continue
		}
		if r.contentType != "application/jose" {
			t.Errorf("%s %s: JWE mode sent Content-Type %q", r.method, r.path, r.contentType)
			continue
		}
		h, err := jweHeader(string(r.body))
		if err != nil {
			t.Errorf("%s %s: %v", r.method, r.path, err)
			continue
		}
		if h["alg"] != "RSA-OAEP-256" || h["enc"] != string(m.enc) || h["typ"] != "JWE" || h["kid"] == "" {
			t.Errorf("%s %s: JWE header %v", r.method, r.path, h)
		}
	}
	if bodies == 0 && len(w.reqs) > 0 {
		t.Errorf("no request carried a body (%d requests)", len(w.reqs))
	}
}

// jweHeader decodes the protected header of a compact JWE.
func jweHeader(compact string) (map[string]any, error) {
	parts := strings.Split(compact, ".")
	if len(parts) != 5 {
		return nil, errors.New("body is not a five-part compact JWE")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil, err
	}
	var h map[string]any
	return h, json.Unmarshal(raw, &h)
}

// create makes credentials on the simulator, as if a user had finished Link.
func (r *rt) create(bank, externalID, password string) string {
	r.t.Helper()
	tok, err := r.sim.CreateCredentials(bank, externalID, password)
	if err != nil {
		r.t.Fatalf("CreateCredentials(%s, %s): %v", bank, password, err)
	}
	return tok
}

func (r *rt) req(tok string) flanks.AggregationRequest {
	return flanks.AggregationRequest{CredentialsToken: tok}
}

func (r *rt) status(tok string) *flanks.CredentialsStatus {
	r.t.Helper()
	st, err := r.c.GetCredentialsStatus(r.ctx, tok)
	if err != nil {
		r.t.Fatalf("GetCredentialsStatus: %v", err)
	}
	return st
}

// must takes a call's results and returns a function that fails the test on
// the error and returns the value: must(c.ListAccounts(ctx, req))(t).
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%v", err)
		}
		return v
	}
}

// wantIs checks err against a sentinel and that it is an *APIError.
func wantIs(t *testing.T, what string, err, sentinel error) *flanks.APIError {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("%s: err = %v, want %v", what, err, sentinel)
	}
	var apiErr *flanks.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("%s: %T is not an *APIError", what, err)
	}
	return apiErr
}

func strOrNil(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

func TestRoundTrip_Token(t *testing.T) {
	forEachMode(t, func(t *testing.T, m mode) {
		r := newRT(t, m, flankssim.Options{TokenTTL: time.Hour})

		t.Run("client credentials, cached", func(t *testing.T) {
			for range 3 {
				must(r.c.ListEntities(r.ctx))(t)
			}
			if n := r.sim.Requests("/v0/token"); n != 1 {
				t.Errorf("/v0/token called %d times for 3 calls, want 1 (shared cached token)", n)
			}
			wantJWKS := 0
			if m.jwe() {
				wantJWKS = 1
			}
			if n := r.sim.Requests("/.well-known/jwks.json"); n != wantJWKS {
				t.Errorf("JWKS fetched %d times, want %d", n, wantJWKS)
			}
		})

		t.Run("concurrent cold start shares one token", func(t *testing.T) {
			c := r.newClient()
			r.sim.ResetRequests()
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for range 8 {
				wg.Go(func() {
					_, err := c.ListEntities(r.ctx)
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if n := r.sim.Requests("/v0/token"); n != 1 {
				t.Errorf("8 concurrent calls fetched %d tokens, want 1", n)
			}
			if n := r.sim.Requests("/.well-known/jwks.json"); m.jwe() && n != 1 {
				t.Errorf("8 concurrent calls fetched the JWKS %d times, want 1", n)
			}
		})

		t.Run("expired by the server, renewed", func(t *testing.T) {
			before := r.sim.Requests("/v0/token")
			r.clock.Advance(2 * time.Hour) // past the simulator's TokenTTL
			must(r.c.ListEntities(r.ctx))(t)
			if n := r.sim.Requests("/v0/token") - before; n != 1 {
				t.Errorf("%d token fetches after expiry, want 1", n)
			}
		})

		t.Run("password grant", func(t *testing.T) {
			c := r.newClient(flanks.WithPasswordGrant(flankssim.DefaultUsername, flankssim.DefaultPassword))
			must(c.ListEntities(r.ctx))(t)
			// A wrong password fails although the client credentials are
			// right: the client really sent the password grant.
			bad := r.newClient(flanks.WithPasswordGrant(flankssim.DefaultUsername, "not-the-password"))
			_, err := bad.ListEntities(r.ctx)
			e := wantIs(t, "wrong password", err, flanks.ErrForbidden)
			if strings.Contains(err.Error(), "not-the-password") || e.Path != "/v0/token" {
				t.Errorf("error %q leaks the password or names the wrong path", err)
			}
		})

		t.Run("bad client secret", func(t *testing.T) {
			bad := r.newClient(flanks.WithClientCredentials(flankssim.DefaultClientID, "wrong-secret"))
			_, err := bad.ListEntities(r.ctx)
			wantIs(t, "wrong secret", err, flanks.ErrForbidden)
			if strings.Contains(err.Error(), "wrong-secret") {
				t.Errorf("error %q leaks the secret", err)
			}
		})
	})
}

func TestRoundTrip_CredentialsStatusPendingToCreated(t *testing.T) {
	forEachMode(t, func(t *testing.T, m mode) {
		r := newRT(t, m, flankssim.Options{ExtractionDelay: 11 * time.Minute})
		tok := r.create("testbank", "user-1", "XXXX")

		st := r.status(tok)
		if !st.Pending || st.Blocked || st.Name != "testbank" || st.Created.Product.Auth || st.LastUpdate.Valid() ||
			st.LastTransactionDate.Valid() || !st.CreatedAt.Equal(rtStart) {
			t.Fatalf("fresh credentials: %+v", st)
		}
		if st.ResetToken != nil || st.SCAToken != nil || st.TransactionToken != nil {
			t.Errorf("fresh credentials carry flow tokens: %s %s %s", strOrNil(st.ResetToken), strOrNil(st.SCAToken), strOrNil(st.TransactionToken))
		}
		_, err := r.c.ListAccounts(r.ctx, r.req(tok))
		wantIs(t, "accounts while pending", err, flanks.ErrProcessing)

		r.clock.Advance(2 * time.Minute) // auth and account extracted (2/11 of the delay)
		st = r.status(tok)
		if !st.Pending || !st.Created.Product.Auth || !st.Created.Product.Account || st.Created.Product.Card {
			t.Fatalf("after 2 min: %+v", st.Created)
		}
		must(r.c.ListAccounts(r.ctx, r.req(tok)))(t)
		_, err = r.c.ListAccountTransactions(r.ctx, r.req(tok))
		wantIs(t, "transactions before their flag", err, flanks.ErrProcessing)

		r.clock.Advance(9 * time.Minute)
		st = r.status(tok)
		allTrue := flanks.ExtractionFlags{
			Product:      flanks.ProductFlags{Auth: true, Account: true, Card: true, Portfolio: true, Investment: true, Liability: true, Holders: true},
			Transactions: flanks.TransactionFlags{Account: true, Card: true, Investment: true, Liability: true},
		}
		if st.Pending || st.Created != allTrue || st.Errored != (flanks.ExtractionFlags{}) {
			t.Fatalf("after the delay: pending %v created %+v errored %+v", st.Pending, st.Created, st.Errored)
		}
		finished := rtStart.Add(11 * time.Minute)
		if st.LastUpdate.String() != "2025-03-14" || st.Time != "10:41" || !st.LastUpdateAt.Equal(finished) {
			t.Errorf("last_update/time/timestamp = %s/%s/%v, want 2025-03-14/10:41/%v", st.LastUpdate, st.Time, st.LastUpdateAt.Time, finished)
		}
		txs := must(r.c.ListAccountTransactions(r.ctx, r.req(tok)))(t)
		if !st.LastTransactionDate.Valid() || len(txs) == 0 || !st.LastTransactionDate.Equal(txs[0].OperationDate.Time) {
			t.Errorf("last_transaction_date %s, newest transaction %v", st.LastTransactionDate, txs[0].OperationDate)
		}
	})
}

func TestRoundTrip_ForceFlows(t *testing.T) {
	forEachMode(t, func(t *testing.T, m mode) {
		r := newRT(t, m, flankssim.Options{})
		tok := r.create("testbank", "", "XXXX")
		before := r.status(tok)

		forced := map[flanks.Force]string{}
		for _, f := range []flanks.Force{flanks.ForceSCA, flanks.ForceReset, flanks.ForceTransaction} {
			res := must(r.c.UpdateCredentialsStatus(r.ctx, tok, f))(t)
			others := 0
			for _, s := range []string{res.SCAToken, res.ResetToken, res.TransactionToken} {
				if s != "" {
					others++
				}
			}
			if res.Token() == "" || others != 1 {
				t.Fatalf("force %s: %+v", f, res)
			}
			forced[f] = res.Token()
			st := r.status(tok)
			got := map[flanks.Force]*string{flanks.ForceSCA: st.SCAToken, flanks.ForceReset: st.ResetToken, flanks.ForceTransaction: st.TransactionToken}[f]
			if got == nil || *got != res.Token() {
				t.Errorf("status after force %s shows %s, want %s", f, strOrNil(got), res.Token())
			}
		}
		// The stored data stays readable while the flows wait for the user.
		must(r.c.ListAccounts(r.ctx, r.req(tok)))(t)

		r.clock.Advance(time.Hour)
		if st := r.status(tok); !st.LastUpdateAt.Equal(before.LastUpdateAt.Time) {
			t.Errorf("forced credentials were updated: %v -> %v", before.LastUpdateAt, st.LastUpdateAt)
		}
		flows, err := r.sim.CompleteFlow(tok, "")
		if err != nil || len(flows) != 3 {
			t.Fatalf("CompleteFlow = %v, %v", flows, err)
		}
		st := r.status(tok)
		if st.SCAToken != nil || st.ResetToken != nil || st.TransactionToken != nil || st.Blocked || st.Pending {
			t.Errorf("after CompleteFlow: sca %s reset %s txn %s blocked %v pending %v",
				strOrNil(st.SCAToken), strOrNil(st.ResetToken), strOrNil(st.TransactionToken), st.Blocked, st.Pending)
		}
		if want := rtStart.Add(time.Hour); !st.LastUpdateAt.Equal(want) {
			t.Errorf("completing the flows refreshed the data at %v, want %v", st.LastUpdateAt.Time, want)
		}
		_, err = r.c.UpdateCredentialsStatus(r.ctx, "no-such-token", flanks.ForceSCA)
		if e := wantAPIError(t, err); e.StatusCode != http.StatusBadRequest {
			t.Errorf("force on unknown token: %v", err)
		}
	})
}

// wantAPIError returns err as an *APIError or fails.
func wantAPIError(t *testing.T, err error) *flanks.APIError {
	t.Helper()
	var e *flanks.APIError
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want an *APIError", err, err)
	}
	return e
}

func TestRoundTrip_DeleteCredentials(t *testing.T) {
	forEachMode(t, func(t *testing.T, m mode) {
		r := newRT(t, m, flankssim.Options{})
		tok := r.create("testbank", "", "XXXX")
		keep := r.create("bbva", "", "XXXX")
		must(r.c.ListAccounts(r.ctx, r.req(tok)))(t)

		res := must(r.c.DeleteCredentials(r.ctx, tok))(t)
		if res.Message == "" {
			t.Error("delete answered no message")
		}
		later := map[string]func() error{
			"status":   func() error { _, err := r.c.GetCredentialsStatus(r.ctx, tok); return err },
			"accounts": func() error { _, err := r.c.ListAccounts(r.ctx, r.req(tok)); return err },
			"all":      func() error { _, err := r.c.GetAll(r.ctx, r.req(tok)); return err },
			"delete":   func() error { _, err := r.c.DeleteCredentials(r.ctx, tok); return err },
		}
		for name, call := range later {
			err := call()
			e := wantAPIError(t, err)
			if e.StatusCode != http.StatusBadRequest || !strings.Contains(e.Message, "credentials_token") {
				t.Errorf("%s after delete: %v", name, err)
			}
			if strings.Contains(err.Error(), tok) {
				t.Errorf("%s: error %q leaks the credentials token", name, err)
			}
		}
		for it, err := range r.c.ListCredentials(r.ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if it.CredentialsToken == tok {
				t.Error("deleted credentials still listed")
			}
		}
		must(r.c.GetCredentialsStatus(r.ctx, keep))(t)
	})
}

func TestRoundTrip_ListCredentials(t *testing.T) {
	forEachMode(t, func(t *testing.T, m mode) {
		r := newRT(t, m, flankssim.Options{PageSize: 4})
		type made struct{ tok, bank, ext, status string }
		var want []made
		for i := range 10 {
			bank, ext, pw, status := "testbank", "ext-"+string(rune('a'+i)), "XXXX", "active"
			switch i {
			case 3:
				pw, status = "INVALID_CREDENTIALS", "error"
			case 7:
				pw, status = "SCA_SMS", "pending"
			case 8:
				bank, ext = "ing", ""
			}
			want = append(want, made{r.create(bank, ext, pw), bank, ext, status})
		}

		p1 := must(r.c.ListCredentialsPage(r.ctx, 1))(t)
		if p1.Page != 1 || p1.Pages != 3 || len(p1.Items) != 4 {
			t.Errorf("page 1: page %d of %d, %d items", p1.Page, p1.Pages, len(p1.Items))
		}
		past := must(r.c.ListCredentialsPage(r.ctx, 9))(t)
		if len(past.Items) != 0 {
			t.Errorf("page past the end has %d items", len(past.Items))
		}

		before := r.sim.Requests("/v0/bank/credentials/list")
		var got []flanks.CredentialsItem
		for it, err := range r.c.ListCredentials(r.ctx) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, it)
		}
		if n := r.sim.Requests("/v0/bank/credentials/list") - before; n != 3 {
			t.Errorf("iterator made %d page requests, want 3", n)
		}
		if len(got) != len(want) {
			t.Fatalf("iterated %d credentials, created %d", len(got), len(want))
		}
		for i, w := range want {
			g := got[i]
			if g.CredentialsToken != w.tok || g.Bank != w.bank || g.ExternalID != w.ext || string(g.Status) != w.status {
				t.Errorf("item %d = %+v, want %+v", i, g, w)
			}
		}
	})
}
