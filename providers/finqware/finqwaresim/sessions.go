package finqwaresim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Session statuses. SESSION_CREATED and SESSION_IN_PROGRESS are
// documented; the two final ones are the simulator's.
const (
	StatusCreated    = "SESSION_CREATED"
	StatusInProgress = "SESSION_IN_PROGRESS"
	StatusCompleted  = "SESSION_COMPLETED"
	StatusFailed     = "SESSION_FAILED"
)

// session is one onboarding session and its nonce chain.
type session struct {
	id, tenantUserID string
	skill            *skillDef
	status           string
	nonce            string // the one valid nonce; "" once the session ended
	nonceExp         time.Time
	used             map[string]bool // consumed nonces, for a precise error
	next             int             // index of the next step to submit
	steps            []*stepState
	redirectLink     string // psu_redirect_link of an "sca" step
	awaitingBank     bool   // the "sca" step was answered; the bank page decides
	form             map[string]string
	created          time.Time
}

// stepState is one submitted step.
type stepState struct {
	id      string
	sess    *session
	def     *stepDef
	uploads []Upload
}

// stepAnswer is the answer to a step.
type stepAnswer struct {
	StepID    string `json:"step_id"`
	Nonce     string `json:"nonce,omitempty"`
	Status    string `json:"status"`
	Data      any    `json:"data"`
	TempToken string `json:"temp_token,omitempty"`
}

// handleCreateSession serves POST /v1/sessions {client_id, client_app_key,
// skill, tenant_user_id?} -> {nonce, session_id, status}.
func (s *Server) handleCreateSession(w http.ResponseWriter, r *http.Request) {
	f, e := readJSON(w, r, "client_id", "client_app_key", "skill", "tenant_user_id")
	if e != nil {
		writeError(w, *e)
		return
	}
	v, e := f.strings("client_id!", "client_app_key!", "skill!", "tenant_user_id")
	if e == nil {
		e = s.checkTenant(v)
	}
	if e == nil {
		e = s.checkClient(v, false)
	}
	if e == nil && !equal(v["client_app_key"], s.opts.ClientAppKey) {
		e = &apiError{status: http.StatusUnauthorized, typ: typeUnauthorized, code: "invalid_client_app_key",
			msg: "wrong client_app_key"}
	}
	sk := s.skill(v["skill"])
	if e == nil && sk == nil {
		e = &apiError{status: http.StatusBadRequest, typ: typeInvalidRequest, code: "invalid_skill_name",
			msg: "unknown skill"}
	}
	if e != nil {
		writeError(w, *e)
		return
	}
	now := s.now()
	sess := &session{id: newID(), tenantUserID: v["tenant_user_id"], skill: sk, status: StatusCreated,
		used: map[string]bool{}, created: now}
	sess.nonce, sess.nonceExp = newToken(), now.Add(s.opts.NonceTTL)
	s.mu.Lock()
	s.sessions[sess.id] = sess
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"nonce": sess.nonce, "session_id": sess.id, "status": sess.status})
}

// checkNonceLocked verifies that nonce is the session's current one.
func (s *Server) checkNonceLocked(sess *session, nonce string) *apiError {
	switch {
	case sess.used[nonce]:
		e := unauthorized("invalid_nonce", "nonce already used")
		return &e
	case sess.nonce == "" || !equal(nonce, sess.nonce):
		e := unauthorized("invalid_nonce", "nonce does not match the session")
		return &e
	case !s.now().Before(sess.nonceExp):
		e := unauthorized("expired_nonce", "nonce expired")
		return &e
	}
	return nil
}

// rotateNonceLocked consumes the current nonce and issues the next one
// (none when the session ended).
func (s *Server) rotateNonceLocked(sess *session, ended bool) string {
	sess.used[sess.nonce] = true
	sess.nonce = ""
	if !ended {
		sess.nonce, sess.nonceExp = newToken(), s.now().Add(s.opts.NonceTTL)
	}
	return sess.nonce
}

// handleStep serves POST /v1/sessions/{session_id}/steps {client_id, nonce,
// skill, step, data}. Errors leave the nonce unused.
func (s *Server) handleStep(w http.ResponseWriter, r *http.Request) {
	f, e := readJSON(w, r, "client_id", "nonce", "skill", "step", "data")
	if e != nil {
		writeError(w, *e)
		return
	}
	v, e := f.strings("client_id!", "nonce!", "skill!", "step!")
	if e == nil {
		if raw, ok := f["data"]; !ok || string(raw) == "null" {
			e = &apiError{status: http.StatusBadRequest, typ: typeInvalidRequest, code: "missing_fields",
				msg: "missing fields: data"}
		}
	}
	if e == nil {
		e = s.checkClient(v, false)
	}
	if e != nil {
		writeError(w, *e)
		return
	}
	var data map[string]json.RawMessage
	if json.Unmarshal(f["data"], &data) != nil {
		writeError(w, badRequest("invalid_field", "data must be an object"))
		return
	}
	root := s.publicRoot(r)
	s.mu.Lock()
	ans, e := s.stepLocked(root, r.PathValue("session_id"), v, data)
	s.mu.Unlock()
	if e != nil {
		writeError(w, *e)
		return
	}
	writeJSON(w, http.StatusOK, ans)
}

func (s *Server) stepLocked(root, id string, v map[string]string, data map[string]json.RawMessage) (*stepAnswer, *apiError) {
	sess := s.sessions[id]
	if sess == nil {
		return nil, &apiError{status: http.StatusNotFound, typ: typeInvalidRequest, code: "invalid_session_id",
			msg: "unknown session"}
	}
	if v["skill"] != sess.skill.Name {
		return nil, &apiError{status: http.StatusBadRequest, typ: typeInvalidRequest, code: "invalid_skill_name",
			msg: "skill does not match the session"}
	}
	if e := s.checkNonceLocked(sess, v["nonce"]); e != nil {
		return nil, e
	}
	def, e := s.expectStepLocked(sess, v["step"])
	if e != nil {
		return nil, e
	}
	vals, e := validateStepData(def, data)
	if e != nil {
		return nil, e
	}
	st := &stepState{id: newID(), sess: sess, def: def}
	s.steps[st.id] = st
	sess.steps = append(sess.steps, st)
	sess.next++
	sess.status = StatusInProgress
	ans := &stepAnswer{StepID: st.id, Status: StatusInProgress, Data: map[string]any{}}
	switch def.Kind {
	case kindRedirect:
		sess.redirectLink, sess.awaitingBank = vals["psu_redirect_link"], true
		ans.Data = map[string]any{"method": "GET", "url": root + consentPagePath(sess.id),
			"headers": map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}
	case kindForm:
		sess.form = vals
		ans.Data = depositOffer(vals, s.now())
	case kindUpload:
		ans.Data = map[string]any{"upload": map[string]any{"path": "/v1/steps/" + st.id + "/upload",
			"max_bytes": def.Upload.MaxBytes, "content_types": def.Upload.ContentTypes}}
	case kindConfirm:
		ans.Data = map[string]any{"reference": stableID("deposit", sess.id)}
	}
	ended := sess.next == len(sess.skill.Steps) && def.Kind != kindRedirect
	ans.Nonce = s.rotateNonceLocked(sess, ended)
	if ended {
		sess.status, ans.Status = StatusCompleted, StatusCompleted
		ans.TempToken = s.issueTempTokenLocked(sess)
	}
	return ans, nil
}

// expectStepLocked checks that name is the session's next step and that
// the previous step's uploads are in.
func (s *Server) expectStepLocked(sess *session, name string) (*stepDef, *apiError) {
	fail := func(msg string) (*stepDef, *apiError) {
		e := badRequest("invalid_step", msg)
		return nil, &e
	}
	switch {
	case sess.status == StatusCompleted || sess.status == StatusFailed:
		return fail("the session has ended")
	case sess.awaitingBank:
		return fail("waiting for the user at the bank")
	}
	idx := slices.IndexFunc(sess.skill.Steps, func(d stepDef) bool { return d.Name == name })
	if idx < 0 {
		return fail(fmt.Sprintf("unknown step %q for this skill", name))
	}
	if idx != sess.next {
		return fail(fmt.Sprintf("step %q is out of order; expected %q", name, sess.skill.Steps[sess.next].Name))
	}
	if n := len(sess.steps); n > 0 {
		prev := sess.steps[n-1]
		if prev.def.Upload != nil && len(prev.uploads) < prev.def.Upload.MinFiles {
			return fail(fmt.Sprintf("step %q needs %d upload(s) first", prev.def.Name, prev.def.Upload.MinFiles))
		}
	}
	return &sess.skill.Steps[idx], nil
}

// validateStepData checks data against the step's fields and returns the
// values as strings.
func validateStepData(def *stepDef, data map[string]json.RawMessage) (map[string]string, *apiError) {
	out := map[string]string{}
	var unknown, missing []string
	for k := range data {
		if !slices.ContainsFunc(def.Fields, func(f fieldDef) bool { return f.Name == k }) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		e := badRequest("unknown_fields", "unknown data fields: "+strings.Join(unknown, ", "))
		return nil, &e
	}
	for _, fd := range def.Fields {
		raw, ok := data[fd.Name]
		if !ok || string(raw) == "null" {
			if fd.Required {
				missing = append(missing, fd.Name)
			}
			continue
		}
		val, msg := fieldValue(fd, raw)
		if msg != "" {
			e := badRequest("invalid_field", fd.Name+": "+msg)
			return nil, &e
		}
		out[fd.Name] = val
	}
	if len(missing) > 0 {
		e := badRequest("missing_fields", "missing data fields: "+strings.Join(missing, ", "))
		return nil, &e
	}
	return out, nil
}

// fieldValue checks one value against its field and returns it as a
// string, or a message saying what is wrong.
func fieldValue(fd fieldDef, raw json.RawMessage) (string, string) {
	var val string
	switch fd.Type {
	case "boolean":
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			return "", "must be a boolean"
		}
		if fd.Name == "accept_terms" && !b {
			return "", "the terms must be accepted"
		}
		return strconv.FormatBool(b), ""
	case "decimal", "integer":
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			var str string
			if json.Unmarshal(raw, &str) != nil {
				return "", "must be a number"
			}
			n = json.Number(str)
		}
		d, err := decimal.NewFromString(n.String())
		if err != nil || (fd.Type == "integer" && !d.IsInteger()) {
			return "", "must be a " + fd.Type
		}
		if fd.Name == "value" && d.LessThan(decimal.NewFromInt(100)) {
			return "", "must be at least 100"
		}
		val = d.String()
	default:
		if json.Unmarshal(raw, &val) != nil || strings.TrimSpace(val) == "" {
			return "", "must be a non-empty string"
		}
		if fd.Type == "url" {
			u, err := url.Parse(val)
			if err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque == "" && u.Path == "") {
				return "", "must be an absolute URL"
			}
		}
	}
	if len(fd.Options) > 0 && !slices.Contains(fd.Options, val) {
		return "", "must be one of " + strings.Join(fd.Options, ", ")
	}
	return val, ""
}

// depositOffer is the product_form answer: the offer for the deposit.
func depositOffer(vals map[string]string, now time.Time) map[string]any {
	months, _ := strconv.Atoi(vals["period"])
	rate := map[int]string{3: "4.10", 6: "4.60", 12: "5.25", 24: "5.50"}[months]
	return map[string]any{"offer": map[string]any{"value": vals["value"], "currency": vals["currency"],
		"period": months, "interest_rate": rate, "maturity_date": now.AddDate(0, months, 0).Format(time.DateOnly)}}
}

// SessionStatus returns a session's status (one of the Status* constants).
func (s *Server) SessionStatus(sessionID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.sessions[sessionID]
	if sess == nil {
		return "", ErrUnknownSession
	}
	return sess.status, nil
}
