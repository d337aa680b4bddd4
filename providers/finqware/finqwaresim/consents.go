package finqwaresim

import (
	"encoding/json"
	"net/http"
	"time"
)

// Consent statuses (https://docs.finqware.com/api/consents).
const (
	ConsentActive  = "ACTIVE"
	ConsentDeleted = "DELETED"
	ConsentExpired = "EXPIRED"
)

// consent is what a credentials_id points to.
type consent struct {
	credentialsID, accessToken string
	skill                      *skillDef
	tenantUserID               string
	created, updated           time.Time
	expires                    time.Time // zero: never
	retention                  time.Time // max_data_retention; zero: none
	deleted, expiredByHand     bool
	dataKey                    string
	form                       map[string]string // marketplace product
}

func (c *consent) status(now time.Time) string {
	switch {
	case c.deleted:
		return ConsentDeleted
	case c.expiredByHand, !c.expires.IsZero() && !now.Before(c.expires):
		return ConsentExpired
	}
	return ConsentActive
}

// dataFields are the keys of the data and consent calls' bodies.
var dataFields = []string{"client_id", "client_secret", "credentials_id", "access_token", "tenant_user_id", "filter"}

// authData reads a data or consent call's body and finds its consent. With
// active, a deleted or expired consent is refused with 401
// inactive_credentials or expired_credentials.
func (s *Server) authData(w http.ResponseWriter, r *http.Request, active bool, extra ...string) (*consent, fields, *apiError) {
	f, e := readJSON(w, r, append(extra, dataFields...)...)
	if e != nil {
		return nil, nil, e
	}
	v, e := f.strings("client_id!", "client_secret!", "credentials_id!", "access_token!", "tenant_user_id")
	if e == nil {
		e = s.checkTenant(v)
	}
	if e == nil {
		e = s.checkClient(v, true)
	}
	if e != nil {
		return nil, nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.consents[v["credentials_id"]]
	switch {
	case c == nil:
		e := unauthorized("invalid_credentials_id", "unknown credentials_id")
		return nil, nil, &e
	case !equal(v["access_token"], c.accessToken):
		e := unauthorized("invalid_access_token", "access_token does not match credentials_id")
		return nil, nil, &e
	case v["tenant_user_id"] != "" && c.tenantUserID != "" && v["tenant_user_id"] != c.tenantUserID:
		e := unauthorized("invalid_credentials_id", "credentials_id belongs to another tenant user")
		return nil, nil, &e
	}
	if active {
		switch c.status(s.now()) {
		case ConsentDeleted:
			e := unauthorized("inactive_credentials", "the consent pointed by credentials_id is not active")
			return nil, nil, &e
		case ConsentExpired:
			e := unauthorized("expired_credentials", "The consent pointed by credentials_id has expired")
			return nil, nil, &e
		}
	}
	return c, f, nil
}

// consentEnvelope is {op_type, code, http, message, result}.
type consentEnvelope struct {
	OpType  string        `json:"op_type"`
	Code    string        `json:"code"`
	HTTP    int           `json:"http"`
	Message string        `json:"message"`
	Result  consentResult `json:"result"`
}

type consentResult struct {
	CredentialsID    string            `json:"credentials_id"`
	Status           string            `json:"status"`
	ConsentExp       *string           `json:"consent_exp"`
	MaxDataRetention *string           `json:"max_data_retention"`
	Originator       map[string]string `json:"originator"`
	TenantAppInfo    map[string]string `json:"tenant_app_info"`
	UTCCreated       string            `json:"utc_created"`
	UTCLastUpdate    string            `json:"utc_last_update"`
}

func (s *Server) consentResultLocked(c *consent) consentResult {
	opt := func(t time.Time) *string {
		if t.IsZero() {
			return nil
		}
		v := rfc3339(t)
		return &v
	}
	return consentResult{CredentialsID: c.credentialsID, Status: c.status(s.now()),
		ConsentExp: opt(c.expires), MaxDataRetention: opt(c.retention),
		Originator:    map[string]string{"country": c.skill.Country, "servicer": c.skill.ServicerName, "skill": c.skill.Name},
		TenantAppInfo: map[string]string{"client_id": s.opts.ClientID, "name": s.opts.TenantAppName},
		UTCCreated:    rfc3339(c.created), UTCLastUpdate: rfc3339(c.updated)}
}

// handleConsentGet serves POST /v1/consents/get; it answers for expired and
// deleted consents too.
func (s *Server) handleConsentGet(w http.ResponseWriter, r *http.Request) {
	c, _, e := s.authData(w, r, false)
	if e != nil {
		writeError(w, *e)
		return
	}
	s.mu.Lock()
	res := s.consentResultLocked(c)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, consentEnvelope{OpType: "read", Code: "credentials_info", HTTP: http.StatusOK,
		Message: "Consent info retrieved", Result: res})
}

// handleConsentDelete serves POST /v1/consents/delete with an optional
// pcd_data_retention in minutes (0: delete cached data at once). Deleting
// twice answers the same: the operation is idempotent.
func (s *Server) handleConsentDelete(w http.ResponseWriter, r *http.Request) {
	c, f, e := s.authData(w, r, false, "pcd_data_retention")
	if e != nil {
		writeError(w, *e)
		return
	}
	var minutes *int
	if raw, ok := f["pcd_data_retention"]; ok && string(raw) != "null" {
		var n int
		if json.Unmarshal(raw, &n) != nil || n < 0 {
			writeError(w, badRequest("invalid_pcd_data_retention", "pcd_data_retention must be a non-negative integer of minutes"))
			return
		}
		minutes = &n
	}
	s.mu.Lock()
	now := s.now()
	if !c.deleted {
		c.deleted, c.updated = true, now
		if minutes != nil {
			c.retention = now.Add(time.Duration(*minutes) * time.Minute)
		}
	}
	res := s.consentResultLocked(c)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, consentEnvelope{OpType: "delete", Code: "credentials_deleted", HTTP: http.StatusOK,
		Message: "Consent deleted", Result: res})
}

// ExpireConsent makes a consent expire now: data calls then answer 401
// expired_credentials and consents/get reports EXPIRED.
func (s *Server) ExpireConsent(credentialsID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.consents[credentialsID]
	if c == nil {
		return ErrUnknownCredentials
	}
	c.expiredByHand, c.updated = true, s.now()
	return nil
}
