package app_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/migrations"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

func sha(q string) string {
	s := sha256.Sum256([]byte(q))
	return hex.EncodeToString(s[:])
}

func TestPersistedQueries(t *testing.T) {
	s := newServer(t, migrations.SQLite, nil)
	q := `{ me { id } }`
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": sha(q)}}
	post := func(body map[string]any) string {
		b, _ := json.Marshal(body)
		return s.do(t, "POST", "/graphql", string(b), s.authed(nil)).body
	}
	if got := post(map[string]any{"extensions": ext}); !strings.Contains(got, "PERSISTED_QUERY_NOT_FOUND") {
		t.Fatalf("unknown hash: %s", got)
	}
	if got := post(map[string]any{"query": q, "extensions": ext}); !strings.Contains(got, `"demo-user"`) {
		t.Fatalf("register: %s", got)
	}
	if got := post(map[string]any{"extensions": ext}); !strings.Contains(got, `"demo-user"`) {
		t.Fatalf("hash only: %s", got)
	}
}

func TestSafelist(t *testing.T) {
	allowed := `{ me { id } }`
	path := filepath.Join(t.TempDir(), "safelist.json")
	b, _ := json.Marshal([]string{allowed})
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s := newServer(t, migrations.SQLite, map[string]string{"FINGRAPH_SAFELIST_FILE": path})
	s.mustGQL(t, s.token, allowed, nil, nil)
	s.rejectedWithoutWork(t, `{ me { roles } }`, "PERSISTED_QUERY_NOT_ALLOWED")
	hashOnly, _ := json.Marshal(map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": sha(allowed)}}})
	if res := s.do(t, "POST", "/graphql", string(hashOnly), s.authed(nil)); !strings.Contains(res.body, `"demo-user"`) {
		t.Fatalf("safelisted hash without its text: %s", res.body)
	}
	analyst := s.tokenFor(t, "ana", auth.RoleAnalyst)
	s.mustGQL(t, analyst, `{ me { roles } }`, nil, nil)
}

// TestErrorsMasked: database and provider failures and timeouts reach the
// client as a code and a generic message, never internals.
func TestErrorsMasked(t *testing.T) {
	leaks := []string{"sql", "SQLSTATE", "database", "gorm", "sqlite", "postgres", ".go:", "goroutine", "deadline", "flanks", "127.0.0.1"}
	check := func(t *testing.T, body string) {
		t.Helper()
		for _, l := range leaks {
			if strings.Contains(strings.ToLower(body), strings.ToLower(l)) {
				t.Errorf("response leaks %q: %s", l, body)
			}
		}
		if strings.Contains(body, "Internal Error") { // the simulator's own 500 body
			t.Errorf("response leaks the provider's error body: %s", body)
		}
	}
	t.Run("provider down", func(t *testing.T) {
		s := newServer(t, migrations.SQLite, nil)
		if err := s.sim().InjectFault("*", flankssim.Fault{Kind: flankssim.FaultServerError, Times: 1000}); err != nil {
			t.Fatal(err)
		}
		res := s.do(t, "POST", "/graphql", `{"query":"{ me { accounts { nodes { id } } } }"}`, s.authed(nil))
		if !strings.Contains(res.body, "UPSTREAM_UNAVAILABLE") {
			t.Fatalf("%s", res.body)
		}
		check(t, res.body)
	})
	t.Run("timeout", func(t *testing.T) {
		s := newServer(t, migrations.SQLite, map[string]string{"FINGRAPH_SANDBOX_LATENCY": "2s", "FINGRAPH_REQUEST_TIMEOUT": "300ms"})
		res := s.do(t, "POST", "/graphql", `{"query":"{ me { accounts { nodes { id } } } }"}`, s.authed(nil))
		if !strings.Contains(res.body, `"code"`) {
			t.Fatalf("%s", res.body)
		}
		check(t, res.body)
	})
	t.Run("database down", func(t *testing.T) {
		s := newServer(t, migrations.SQLite, nil)
		s.app.DB.Close()
		res := s.do(t, "POST", "/graphql", `{"query":"{ me { id } }"}`, s.authed(nil))
		// A distinct, retryable code and 503: nothing could be done.
		if res.status != http.StatusServiceUnavailable || res.header.Get("Retry-After") == "" ||
			!strings.Contains(res.body, `"SERVICE_UNAVAILABLE"`) {
			t.Fatalf("%d %s", res.status, res.body)
		}
		check(t, res.body)
	})
}

// TestEncryptedInput: a client may send the link code as a JWE to the keys
// the server publishes; other algorithms are refused without detail.
func TestEncryptedInput(t *testing.T) {
	s := newServer(t, migrations.SQLite, nil)
	res := s.do(t, "GET", "/.well-known/jwks.json", "", nil)
	var set jose.JSONWebKeySet
	if err := json.Unmarshal([]byte(res.body), &set); err != nil || len(set.Keys) == 0 {
		t.Fatalf("jwks: %d %s", res.status, res.body)
	}
	key := set.Keys[0]
	if key.Use != "enc" || key.Algorithm != "RSA-OAEP-256" || key.KeyID == "" || !key.IsPublic() {
		t.Fatalf("published key %+v", key)
	}
	seal := func(code string, enc jose.ContentEncryption) string {
		e, err := jose.NewEncrypter(enc, jose.Recipient{Algorithm: jose.RSA_OAEP_256, Key: key.Key, KeyID: key.KeyID}, nil)
		if err != nil {
			t.Fatal(err)
		}
		obj, err := e.Encrypt([]byte(code))
		if err != nil {
			t.Fatal(err)
		}
		out, _ := obj.CompactSerialize()
		return out
	}
	link, err := s.sim().CompleteLink(flankssim.LinkCompletion{Bank: "testbank"})
	if err != nil {
		t.Fatal(err)
	}
	q := `mutation($c: String!) { exchangeLinkCode(code: $c) { status } }`
	r := s.gql(t, s.token, q, map[string]any{"c": seal(link.Code, jose.A256CBC_HS512)}, nil)
	if len(r.Errors) != 1 || code(r.Errors[0]) != "BAD_USER_INPUT" {
		t.Fatalf("A256CBC-HS512 accepted: %+v", r)
	}
	var out struct{ ExchangeLinkCode struct{ Status string } }
	s.mustGQL(t, s.token, q, map[string]any{"c": seal(link.Code, jose.A256GCM)}, &out)
	if out.ExchangeLinkCode.Status != "COMPLETED" {
		t.Fatalf("%+v", out)
	}
}

// TestExternalTokens: with AUTH_PUBLIC_KEY set, tokens of that key are
// accepted with the configured issuer and audience, and nothing else.
func TestExternalTokens(t *testing.T) {
	priv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	s := newServer(t, migrations.SQLite, map[string]string{"AUTH_PUBLIC_KEY": pemKey,
		"AUTH_ISSUER": "https://id.example.com/", "AUTH_AUDIENCE": "fingraph"})
	sign := func(iss string, exp time.Time) string {
		signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: priv}, (&jose.SignerOptions{}).WithType("JWT"))
		tok, err := jwt.Signed(signer).Claims(jwt.Claims{Subject: "ext-user", Issuer: iss, Audience: jwt.Audience{"fingraph"},
			Expiry: jwt.NewNumericDate(exp), IssuedAt: jwt.NewNumericDate(time.Now())}).Claims(map[string]any{"roles": []string{"user"}}).Serialize()
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	var me struct{ Me struct{ ID string } }
	s.mustGQL(t, sign("https://id.example.com/", time.Now().Add(time.Hour)), `{ me { id } }`, nil, &me)
	if me.Me.ID != "ext-user" {
		t.Fatalf("%+v", me)
	}
	for name, tok := range map[string]string{
		"wrong issuer": sign("https://evil.example.com/", time.Now().Add(time.Hour)),
		"expired":      sign("https://id.example.com/", time.Now().Add(-time.Hour)),
	} {
		h := s.authed(map[string]string{"Authorization": "Bearer " + tok})
		if res := s.do(t, "POST", "/graphql", `{"query":"{ me { id } }"}`, h); res.status != 401 {
			t.Errorf("%s: %d", name, res.status)
		}
	}
	if s.token != "" {
		t.Error("a demo token is minted although external keys are configured")
	}
}
