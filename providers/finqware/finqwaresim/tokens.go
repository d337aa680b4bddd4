package finqwaresim

import (
	"net/http"
	"time"
)

// tempToken is an issued temp_token.
type tempToken struct {
	sess    *session
	expires time.Time
	used    bool
}

// issueTempTokenLocked issues the temp_token that ends a session.
func (s *Server) issueTempTokenLocked(sess *session) string {
	tok := newToken()
	s.tempTokens[tok] = &tempToken{sess: sess, expires: s.now().Add(s.opts.TempTokenTTL)}
	return tok
}

// tokenAnswer is the token exchange answer; the two dates only when
// consents expire.
type tokenAnswer struct {
	CredentialsID    string `json:"credentials_id"`
	AccessToken      string `json:"access_token"`
	ConsentExp       string `json:"consent_exp,omitempty"`
	MaxDataRetention string `json:"max_data_retention,omitempty"`
}

// handleToken serves POST /v1/token (seed) and /v1/tokens (public docs):
// {client_id, client_secret, temp_token} -> {credentials_id, access_token,
// consent_exp?, max_data_retention?}. A temp_token is single use.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	f, e := readJSON(w, r, "client_id", "client_secret", "temp_token", "tenant_user_id")
	if e != nil {
		writeError(w, *e)
		return
	}
	v, e := f.strings("client_id!", "client_secret!", "temp_token!", "tenant_user_id")
	if e == nil {
		e = s.checkClient(v, true)
	}
	if e != nil {
		writeError(w, *e)
		return
	}
	s.mu.Lock()
	ans, e := s.exchangeLocked(v["temp_token"])
	s.mu.Unlock()
	if e != nil {
		writeError(w, *e)
		return
	}
	writeJSON(w, http.StatusOK, ans)
}

func (s *Server) exchangeLocked(tok string) (*tokenAnswer, *apiError) {
	tt := s.tempTokens[tok]
	now := s.now()
	switch {
	case tt == nil:
		e := unauthorized("invalid_temp_token", "unknown temp_token")
		return nil, &e
	case tt.used:
		e := unauthorized("invalid_temp_token", "temp_token already exchanged")
		return nil, &e
	case !now.Before(tt.expires):
		e := unauthorized("invalid_temp_token", "temp_token expired")
		return nil, &e
	}
	tt.used = true
	c := &consent{credentialsID: newID(), accessToken: newToken(), skill: tt.sess.skill,
		tenantUserID: tt.sess.tenantUserID, created: now, updated: now}
	if s.opts.ConsentTTL > 0 {
		c.expires = now.Add(s.opts.ConsentTTL)
		c.retention = c.expires.Add(DataRetentionAfterConsent)
	}
	c.dataKey = dataKey(tt.sess)
	c.form = tt.sess.form
	s.consents[c.credentialsID] = c
	ans := &tokenAnswer{CredentialsID: c.credentialsID, AccessToken: c.accessToken}
	if !c.expires.IsZero() {
		ans.ConsentExp, ans.MaxDataRetention = rfc3339(c.expires), rfc3339(c.retention)
	}
	return ans, nil
}

// rfc3339 formats t in UTC, whole seconds (as the docs' example).
func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
