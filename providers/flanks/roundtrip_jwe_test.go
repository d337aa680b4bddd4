package flanks_test

import (
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/fingraph/fingraph/providers/flanks"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// seal encrypts plaintext as a compact JWE for pub under kid.
func seal(t *testing.T, enc flanks.ContentEncryption, pub *rsa.PublicKey, kid string, plaintext []byte) string {
	t.Helper()
	e, err := jose.NewEncrypter(jose.ContentEncryption(enc),
		jose.Recipient{Algorithm: jose.RSA_OAEP_256, Key: pub, KeyID: kid},
		(&jose.EncrypterOptions{}).WithType("JWE"))
	if err != nil {
		t.Fatal(err)
	}
	obj, err := e.Encrypt(plaintext)
	if err != nil {
		t.Fatal(err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rawPost sends body to the simulator with net/http, outside the client.
func rawPost(t *testing.T, url, contentType, bearer, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(raw)
}

func TestRoundTrip_JWEWrongKidRejected(t *testing.T) {
	forEachJWEMode(t, func(t *testing.T, m mode) {
		r := newRT(t, m, flankssim.Options{})
		tok := r.create("testbank", "", "XXXX")
		status, raw := rawPost(t, r.base+"/v0/token", "application/json", "",
			`{"client_id":"`+flankssim.DefaultClientID+`","client_secret":"`+flankssim.DefaultClientSecret+`","grant_type":"client_credentials"}`)
		if status != http.StatusOK {
			t.Fatalf("token: %d %s", status, raw)
		}
		var tr struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.Unmarshal([]byte(raw), &tr); err != nil || tr.AccessToken == "" {
			t.Fatalf("token %s: %v", raw, err)
		}
		body := []byte(`{"credentials_token":"` + tok + `"}`)
		simPub, foreignPub := &simKey().PublicKey, &foreignKey().PublicKey
		tests := []struct {
			name       string
			jwe        string
			wantStatus int
			mention    []string
		}{
			{"foreign key, foreign kid", seal(t, m.enc, foreignPub, "foreign-kid", body), 400, []string{"kid", "foreign-kid"}},
			{"simulator key, unknown kid", seal(t, m.enc, simPub, "rotated-away", body), 400, []string{"kid", "rotated-away"}},
			{"simulator key, no kid", seal(t, m.enc, simPub, "", body), 400, []string{"kid"}},
			{"foreign key, simulator kid", seal(t, m.enc, foreignPub, simKID, body), 400, []string{"decryption failed"}},
			{"simulator key and kid", seal(t, m.enc, simPub, simKID, body), 200, []string{`"name":"testbank"`}},
		}
		for _, tt := range tests {
			status, raw := rawPost(t, r.base+"/v0/bank/credentials/status", "application/jose", tr.AccessToken, tt.jwe)
			if status != tt.wantStatus {
				t.Errorf("%s: status %d, want %d: %s", tt.name, status, tt.wantStatus, raw)
			}
			for _, s := range tt.mention {
				if !strings.Contains(raw, s) {
					t.Errorf("%s: body %s does not mention %q", tt.name, raw, s)
				}
			}
		}
	})
}

// staleJWKS serves a JWKS holding only a retired key (unknown to the
// simulator) for its first `stale` fetches, then the simulator's real JWKS:
// the simulator has no key rotation of its own, so this plays a rotation
// between the client's JWKS fetch and its request.
type staleJWKS struct {
	sim   *flankssim.Server
	stale int32
	hits  atomic.Int32
}

func (s *staleJWKS) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	set := s.sim.JWKS()
	if s.hits.Add(1) <= s.stale {
		set = jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
			Key: &foreignKey().PublicKey, KeyID: "retired-kid", Use: "enc", Algorithm: string(jose.RSA_OAEP_256),
		}}}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(set)
}

func TestRoundTrip_JWEKeyRotation(t *testing.T) {
	forEachJWEMode(t, func(t *testing.T, m mode) {
		r := newRT(t, m, flankssim.Options{})
		tok := r.create("testbank", "", "XXXX")

		t.Run("recovers after one JWKS refresh", func(t *testing.T) {
			jwks := &staleJWKS{sim: r.sim, stale: 1}
			srv := httptest.NewServer(jwks)
			t.Cleanup(srv.Close)
			c := newModeClient(t, m, r.base, srv.URL+"/jwks.json")
			r.sim.ResetRequests()

			st := must(c.GetCredentialsStatus(r.ctx, tok))(t)
			if st.Name != "testbank" {
				t.Errorf("status %+v", st)
			}
			if n := jwks.hits.Load(); n != 2 {
				t.Errorf("JWKS fetched %d times, want 2 (initial, then after the kid rejection)", n)
			}
			if n := r.sim.Requests("/v0/token"); n != 2 {
				t.Errorf("%d token requests, want 2 (rejected kid, resend)", n)
			}
			must(c.ListAccounts(r.ctx, r.req(tok)))(t)
			if n := jwks.hits.Load(); n != 2 {
				t.Errorf("JWKS fetched %d times after recovery, want still 2", n)
			}
		})

		t.Run("a JWKS that stays stale fails after one refresh", func(t *testing.T) {
			jwks := &staleJWKS{sim: r.sim, stale: 1 << 30}
			srv := httptest.NewServer(jwks)
			t.Cleanup(srv.Close)
			c := newModeClient(t, m, r.base, srv.URL+"/jwks.json")
			r.sim.ResetRequests()

			_, err := c.GetCredentialsStatus(r.ctx, tok)
			e := wantAPIError(t, err)
			if e.StatusCode != http.StatusBadRequest || !strings.Contains(e.Message, "kid") {
				t.Errorf("err = %v, want a 400 naming the kid", err)
			}
			if n := jwks.hits.Load(); n != 2 {
				t.Errorf("JWKS fetched %d times, want 2", n)
			}
			if n := r.sim.Requests("/v0/token"); n != 2 {
				t.Errorf("%d token requests, want 2", n)
			}
		})
	})
}
