package flankssim

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"time"
)

// accessToken is an issued bearer token.
type accessToken struct {
	clientID string
	expires  time.Time
}

// tokenResponse is the /v0/token body (providers.md §2.2).
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    int64  `json:"expires_in"`
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope"`
	RefreshToken string `json:"refresh_token"`
}

// tokenScope is the scope of the legacy Ruby fixture, minus "payment".
const tokenScope = "read write aggregation"

// handleToken serves POST /v0/token. The body is JSON (or JWE), never form-encoded.
// Bad App credentials are 403, as the Python SDK expects; missing fields are 400.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	b, ok := s.readBody(w, r)
	if !ok {
		return
	}
	var errs []fieldError
	clientID := b.str("client_id", false, &errs)
	secret := b.str("client_secret", false, &errs)
	grant := b.str("grant_type", false, &errs)
	if len(errs) > 0 {
		writeValidation(w, errs)
		return
	}
	if missing := missingFields("client_id", clientID, "client_secret", secret); missing != "" {
		writeLegacy(w, http.StatusBadRequest, "Missing fields: "+missing)
		return
	}
	if !equal(clientID, s.opts.ClientID) || !equal(secret, s.opts.ClientSecret) {
		writeLegacy(w, http.StatusForbidden, "Invalid client credentials")
		return
	}
	if !s.checkGrant(w, b, grant, clientID) {
		return
	}
	writeJSON(w, http.StatusOK, s.issueToken(clientID))
}

// checkGrant validates the grant-specific fields; it writes the error itself.
func (s *Server) checkGrant(w http.ResponseWriter, b requestBody, grant, clientID string) bool {
	var errs []fieldError
	switch grant {
	case "", "client_credentials":
		return true
	case "password":
		user := b.str("username", true, &errs)
		pass := b.str("password", true, &errs)
		if len(errs) > 0 {
			writeValidation(w, errs)
			return false
		}
		if !equal(user, s.opts.Username) || !equal(pass, s.opts.Password) {
			writeLegacy(w, http.StatusForbidden, "Invalid username or password")
			return false
		}
		return true
	case "refresh_token":
		rt := b.str("refresh_token", true, &errs)
		if len(errs) > 0 {
			writeValidation(w, errs)
			return false
		}
		s.mu.Lock()
		owner, ok := s.refresh[rt]
		delete(s.refresh, rt) // refresh tokens are single use
		s.mu.Unlock()
		if !ok || owner != clientID {
			writeLegacy(w, http.StatusForbidden, "Invalid refresh_token")
			return false
		}
		return true
	}
	writeLegacy(w, http.StatusBadRequest, "Invalid grant_type")
	return false
}

// issueToken mints an access and a refresh token. With SingleToken, every earlier access
// token of the client stops working.
func (s *Server) issueToken(clientID string) tokenResponse {
	access, refresh := randomToken(), randomToken()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opts.SingleToken {
		for tok, info := range s.tokens {
			if info.clientID == clientID {
				delete(s.tokens, tok)
			}
		}
	}
	s.tokens[access] = accessToken{clientID: clientID, expires: s.now().Add(s.opts.TokenTTL)}
	s.refresh[refresh] = clientID
	return tokenResponse{
		AccessToken:  access,
		ExpiresIn:    int64(s.opts.TokenTTL / time.Second),
		TokenType:    "Bearer",
		Scope:        tokenScope,
		RefreshToken: refresh,
	}
}

// checkBearer enforces "Authorization: Bearer <token>": 401 "Not authenticated" without a
// bearer, 401 "Invalid credentials" for an unknown, revoked or expired one.
func (s *Server) checkBearer(w http.ResponseWriter, r *http.Request) bool {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	tok = strings.TrimSpace(tok)
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		writeLegacy(w, http.StatusUnauthorized, "Not authenticated")
		return false
	}
	s.mu.Lock()
	info, found := s.tokens[tok]
	valid := found && s.now().Before(info.expires)
	s.mu.Unlock()
	if !valid {
		writeLegacy(w, http.StatusUnauthorized, "Invalid credentials")
		return false
	}
	return true
}

// randomToken returns an unguessable URL-safe token. Access tokens are not derived from
// the seed: determinism matters for data, not for secrets.
func randomToken() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// equal compares secrets in constant time.
func equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// missingFields takes name, value pairs and lists the names whose values are empty, in the
// legacy "Missing fields: a, b" style.
func missingFields(pairs ...string) string {
	var out []string
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			out = append(out, pairs[i])
		}
	}
	return strings.Join(out, ", ")
}
