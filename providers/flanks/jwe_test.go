package flanks

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// protectedHeader decodes the first segment of a compact JWE.
func protectedHeader(t *testing.T, compact string) map[string]any {
	t.Helper()
	seg, _, _ := strings.Cut(compact, ".")
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatalf("header segment: %v", err)
	}
	var h map[string]any
	if err := json.Unmarshal(raw, &h); err != nil {
		t.Fatalf("header JSON: %v", err)
	}
	return h
}

func TestJWEBody(t *testing.T) {
	for _, enc := range []ContentEncryption{"", EncA256CBCHS512, EncA256GCM} {
		t.Run(string(cmpEnc(enc)), func(t *testing.T) {
			e := newJWEEnv(t, enc)
			var compact atomic.Value
			e.mux.HandleFunc("/v0/bank/credentials/status", func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				compact.Store(string(b))
				writeJSON(w, 200, `{"pending": true}`)
			})
			if _, err := e.client.GetCredentialsStatus(context.Background(), "ct-1"); err != nil {
				t.Fatal(err)
			}
			s := compact.Load().(string)
			h := protectedHeader(t, s)
			want := map[string]any{"alg": "RSA-OAEP-256", "enc": string(cmpEnc(enc)), "typ": "JWE", "kid": testKID}
			for k, v := range want {
				if h[k] != v {
					t.Errorf("header %s = %v, want %v", k, h[k], v)
				}
			}
			obj, err := jose.ParseEncryptedCompact(s, []jose.KeyAlgorithm{jose.RSA_OAEP_256},
				[]jose.ContentEncryption{jose.ContentEncryption(cmpEnc(enc))})
			if err != nil {
				t.Fatal(err)
			}
			pt, err := obj.Decrypt(testKey())
			if err != nil {
				t.Fatal(err)
			}
			if string(pt) != `{"credentials_token":"ct-1"}` {
				t.Errorf("plaintext = %s", pt)
			}
			if strings.Contains(s, "ct-1") {
				t.Error("credentials token visible in the JWE")
			}
		})
	}
}

func cmpEnc(e ContentEncryption) ContentEncryption {
	if e == "" {
		return EncA256CBCHS512
	}
	return e
}

func TestJWETokenRequestEncrypted(t *testing.T) {
	e := newJWEEnv(t, "")
	serveScript(t, e.mux, accountsPath, reply{200, `[]`, nil})
	if err := listAccounts(e.client); err != nil {
		t.Fatal(err)
	}
	if ct := e.tokenCT.Load(); ct != "application/jose" {
		t.Errorf("token Content-Type = %v", ct)
	}
	assertJSONEqual(t, e.tokenBody.Load().([]byte),
		`{"client_id": "client-id-1", "client_secret": "cl13nt-s3cr3t-value", "grant_type": "client_credentials"}`)
}

func TestJWKSCached(t *testing.T) {
	e := newJWEEnv(t, "", roomyBulkhead)
	serveScript(t, e.mux, accountsPath, reply{200, `[]`, nil})
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if err := listAccounts(e.client); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := e.jwksCalls.Load(); n != 1 {
		t.Errorf("JWKS fetched %d times, want 1", n)
	}
	// Past the cache TTL the keys are fetched again.
	e.clock.Advance(time.Hour + time.Second)
	if err := listAccounts(e.client); err != nil {
		t.Fatal(err)
	}
	if n := e.jwksCalls.Load(); n != 2 {
		t.Errorf("JWKS fetched %d times after TTL, want 2", n)
	}
}

// rotatingServer rejects any kid but the JWKS's current one.
func rotatingServer(t *testing.T, e *testEnv) *atomic.Int32 {
	var hits atomic.Int32
	e.mux.HandleFunc(accountsPath, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, hdr := readJWE(t, r)
		if hdr == nil || hdr.KeyID != e.jwksKID.Load().(string) {
			writeJSON(w, http.StatusBadRequest, `{"error": "Unknown kid"}`)
			return
		}
		writeJSON(w, 200, `[]`)
	})
	return &hits
}

func TestJWEUnknownKidRefreshesOnce(t *testing.T) {
	e := newJWEEnv(t, "")
	hits := rotatingServer(t, e)
	if err := listAccounts(e.client); err != nil {
		t.Fatal(err)
	}
	e.jwksKID.Store("enc-2026-02") // Flanks rotates its key
	if err := listAccounts(e.client); err != nil {
		t.Fatalf("after rotation: %v", err)
	}
	if n := e.jwksCalls.Load(); n != 2 {
		t.Errorf("JWKS fetched %d times, want 2", n)
	}
	if n := hits.Load(); n != 3 {
		t.Errorf("hits = %d, want 3", n)
	}
	if got := e.client.jwe.key.kid; got != "enc-2026-02" {
		t.Errorf("kid = %q after refresh", got)
	}
}

func TestJWEKidRefreshRateLimited(t *testing.T) {
	e := newJWEEnv(t, "")
	e.mux.HandleFunc(accountsPath, func(w http.ResponseWriter, r *http.Request) {
		readJWE(t, r)
		writeJSON(w, http.StatusBadRequest, `{"error": "kid not found"}`)
	})
	for range 3 {
		if err := listAccounts(e.client); err == nil {
			t.Fatal("want error")
		}
	}
	// One initial fetch plus one forced refresh: later rejections within
	// the minute do not refetch.
	if n := e.jwksCalls.Load(); n != 2 {
		t.Errorf("JWKS fetched %d times, want 2", n)
	}
	e.clock.Advance(time.Minute)
	_ = listAccounts(e.client)
	if n := e.jwksCalls.Load(); n != 3 {
		t.Errorf("JWKS fetched %d times after a minute, want 3", n)
	}
}

func TestJWKSUnusable(t *testing.T) {
	e := newTestEnv(t)
	e.mux.HandleFunc("/bad-jwks.json", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, `{"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "sym"}]}`)
	})
	if err := WithJWE(JWEConfig{JWKSURL: e.server.URL + "/bad-jwks.json"})(e.client); err != nil {
		t.Fatal(err)
	}
	s := serveScript(t, e.mux, accountsPath, reply{200, `[]`, nil})
	err := listAccounts(e.client)
	if err == nil || !strings.Contains(err.Error(), "no usable") {
		t.Fatalf("err = %v", err)
	}
	if s.hits.Load() != 0 {
		t.Error("request sent without encryption")
	}
}

func TestJWEConfigValidation(t *testing.T) {
	for _, cfg := range []JWEConfig{
		{Enc: "A128GCM"},
		{JWKSURL: "ftp://x/jwks"},
		{CacheTTL: time.Second},
	} {
		if _, err := NewClient("", WithClientCredentials("a", "b"), WithJWE(cfg)); err == nil {
			t.Errorf("config %+v accepted", cfg)
		}
	}
}

func TestJWERetryReencryptsSamePlaintext(t *testing.T) {
	e := newJWEEnv(t, "")
	var mu sync.Mutex
	var plains, ciphers []string
	e.mux.HandleFunc(accountsPath, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		obj, err := jose.ParseEncryptedCompact(string(b), []jose.KeyAlgorithm{jose.RSA_OAEP_256}, []jose.ContentEncryption{jose.A256CBC_HS512})
		if err != nil {
			t.Error(err)
			return
		}
		pt, _ := obj.Decrypt(testKey())
		mu.Lock()
		plains, ciphers = append(plains, string(pt)), append(ciphers, string(b))
		mu.Unlock()
		writeJSON(w, http.StatusServiceUnavailable, ``)
	})
	if err := listAccounts(e.client); !errors.Is(err, ErrUpstream) {
		t.Fatalf("err = %v", err)
	}
	if len(plains) != 3 || plains[0] != plains[1] || plains[1] != plains[2] {
		t.Errorf("plaintexts differ across retries: %q", plains)
	}
	if ciphers[0] == ciphers[1] {
		t.Error("ciphertext reused: each attempt should use a fresh CEK")
	}
}
