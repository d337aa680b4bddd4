package finqwaresim

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strings"
)

// fields is a decoded JSON object body.
type fields map[string]json.RawMessage

// readJSON decodes a JSON object body and rejects keys outside allowed
// with 400 unknown_fields, as the live API does.
func readJSON(w http.ResponseWriter, r *http.Request, allowed ...string) (fields, *apiError) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" {
		e := badRequest("invalid_headers", "Content-Type must be application/json")
		return nil, &e
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		e := badRequest("invalid_body", "body too large or unreadable")
		return nil, &e
	}
	var f fields
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&f); err != nil || f == nil || dec.More() {
		e := badRequest("invalid_body", "body must be one JSON object")
		return nil, &e
	}
	var unknown []string
	for k := range f {
		if !slices.Contains(allowed, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		e := badRequest("unknown_fields", "unknown fields: "+strings.Join(unknown, ", "))
		return nil, &e
	}
	return f, nil
}

// str returns a string field; a present non-string is an error.
func (f fields) str(key string) (string, *apiError) {
	raw, ok := f[key]
	if !ok || string(raw) == "null" {
		return "", nil
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		e := badRequest("invalid_field", key+" must be a string")
		return "", &e
	}
	return s, nil
}

// strings returns the named string fields, failing with missing_fields for
// the required ones (names ending in "!") that are absent or empty.
func (f fields) strings(names ...string) (map[string]string, *apiError) {
	out := map[string]string{}
	var missing []string
	for _, n := range names {
		key, required := strings.CutSuffix(n, "!")
		v, e := f.str(key)
		if e != nil {
			return nil, e
		}
		if required && v == "" {
			missing = append(missing, key)
		}
		out[key] = v
	}
	if len(missing) > 0 {
		e := badRequest("missing_fields", "missing fields: "+strings.Join(missing, ", "))
		return nil, &e
	}
	return out, nil
}

// equal compares secrets in constant time.
func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// checkClient checks client_id and, when secret is true, client_secret.
func (s *Server) checkClient(v map[string]string, secret bool) *apiError {
	if !equal(v["client_id"], s.opts.ClientID) {
		e := unauthorized("invalid_client_id", "unknown client_id")
		return &e
	}
	if secret && !equal(v["client_secret"], s.opts.ClientSecret) {
		e := unauthorized("invalid_client_secret", "wrong client_secret")
		return &e
	}
	return nil
}

// checkTenant enforces RequireTenantUserID.
func (s *Server) checkTenant(v map[string]string) *apiError {
	if s.opts.RequireTenantUserID && v["tenant_user_id"] == "" {
		e := badRequest("missing_fields", "missing fields: tenant_user_id")
		return &e
	}
	return nil
}
