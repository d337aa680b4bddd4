package finqware

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
)

// SessionStatus is the status of an onboarding session
// (https://docs.finqware.com/api/sessions). Treat unknown values as opaque.
type SessionStatus string

// Session statuses. SESSION_CREATED and SESSION_IN_PROGRESS are documented;
// SESSION_COMPLETED and SESSION_FAILED are the simulator's choice for a
// session that ended with a temp_token or was refused.
const (
	SessionCreated    SessionStatus = "SESSION_CREATED"
	SessionInProgress SessionStatus = "SESSION_IN_PROGRESS"
	SessionCompleted  SessionStatus = "SESSION_COMPLETED"
	SessionFailed     SessionStatus = "SESSION_FAILED"
)

// CreateSessionRequest starts an onboarding session for one skill.
type CreateSessionRequest struct {
	// Skill is the skill name from the catalog, e.g. "bt_ro_aisp_sbx_#2.0".
	Skill string
	// TenantUserID is your opaque end-user id; sent when set (or set by
	// WithTenantUserID). The seed omits it, the current API requires it.
	TenantUserID string
}

// Session is the answer of CreateSession.
type Session struct {
	// SessionID identifies the session in SubmitStep.
	SessionID string `json:"session_id"`
	// Nonce authorizes the first step; it expires after 30 minutes.
	Nonce string `json:"nonce"`
	// Status is SESSION_CREATED.
	Status SessionStatus `json:"status"`
}

type createSessionBody struct {
	ClientID     string `json:"client_id"`
	ClientAppKey string `json:"client_app_key"`
	Skill        string `json:"skill"`
	TenantUserID string `json:"tenant_user_id,omitempty"`
}

// CreateSession starts an onboarding session: POST {base}/sessions with
// client_id, client_app_key and skill (https://docs.finqware.com/api/sessions).
// It is sent once, never retried.
func (c *Client) CreateSession(ctx context.Context, req CreateSessionRequest) (*Session, error) {
	if strings.TrimSpace(req.Skill) == "" {
		return nil, errors.New("finqware: CreateSession: empty skill")
	}
	if c.clientAppKey == "" {
		return nil, errors.New("finqware: CreateSession: no client_app_key configured")
	}
	body := createSessionBody{ClientID: c.clientID, ClientAppKey: c.clientAppKey,
		Skill: req.Skill, TenantUserID: c.tenant(req.TenantUserID)}
	var s Session
	if err := c.do(ctx, call{label: "/sessions", path: "/sessions", body: body}, &s); err != nil {
		return nil, err
	}
	if s.SessionID == "" || s.Nonce == "" {
		return nil, malformed("POST", "/sessions", 200, "session_id or nonce missing")
	}
	return &s, nil
}

// StepRequest submits one step of a session.
type StepRequest struct {
	// Nonce is the latest nonce of the session (from CreateSession, the
	// previous step or the previous upload).
	Nonce string
	// Skill is the session's skill.
	Skill string
	// Step is the step name, e.g. "sca" or "product_form".
	Step string
	// Data is the step's data, encoded with encoding/json: a map, a struct
	// or a json.RawMessage. nil sends {}. For AISP "sca" steps it holds
	// psu_redirect_link.
	Data any
}

// StepResult is the answer to a submitted step.
type StepResult struct {
	// StepID identifies the step for uploads.
	StepID string `json:"step_id"`
	// Nonce authorizes the next call of the session; empty once the session
	// is completed.
	Nonce string `json:"nonce"`
	// Status is SESSION_IN_PROGRESS, or SESSION_COMPLETED on the last step.
	Status SessionStatus `json:"status"`
	// Data is the step's public answer: the bank redirect of an "sca" step
	// (see Redirect) or skill-specific data. Safe to show the front end.
	Data json.RawMessage `json:"data"`
	// TempToken is set when this step completed the session; exchange it
	// with ExchangeToken.
	TempToken string `json:"temp_token"`
}

// Redirect is where a front end sends the user for a bank's strong customer
// authentication: the data of an AISP "sca" step.
type Redirect struct {
	Method  string            `json:"method"`  // HTTP method, "GET"
	URL     string            `json:"url"`     // the bank's consent page
	Headers map[string]string `json:"headers"` // headers to send with it
}

// Redirect decodes the step data as a bank redirect; false when the data
// has no url.
func (r *StepResult) Redirect() (*Redirect, bool) {
	var rd Redirect
	if len(r.Data) == 0 || json.Unmarshal(r.Data, &rd) != nil || rd.URL == "" {
		return nil, false
	}
	if rd.Method == "" {
		rd.Method = "GET"
	}
	return &rd, true
}

type stepBody struct {
	ClientID string `json:"client_id"`
	Nonce    string `json:"nonce"`
	Skill    string `json:"skill"`
	Step     string `json:"step"`
	Data     any    `json:"data"`
}

// SubmitStep submits one step: POST {base}/sessions/{session_id}/steps with
// client_id, nonce, skill, step and data (https://docs.finqware.com/api/sessions).
// It is sent once, never retried: the nonce is single use.
func (c *Client) SubmitStep(ctx context.Context, sessionID string, req StepRequest) (*StepResult, error) {
	if strings.TrimSpace(sessionID) == "" || req.Nonce == "" || req.Skill == "" || req.Step == "" {
		return nil, errors.New("finqware: SubmitStep: session id, nonce, skill and step are required")
	}
	data := req.Data
	if data == nil {
		data = struct{}{}
	}
	body := stepBody{ClientID: c.clientID, Nonce: req.Nonce, Skill: req.Skill, Step: req.Step, Data: data}
	const label = "/sessions/{session_id}/steps"
	var res StepResult
	r := call{label: label, path: "/sessions/" + url.PathEscape(sessionID) + "/steps", body: body,
		secrets: []string{req.Nonce}}
	if err := c.do(ctx, r, &res); err != nil {
		return nil, err
	}
	if res.TempToken == "" && len(res.Data) > 0 {
		var inner struct {
			TempToken string `json:"temp_token"`
		}
		if json.Unmarshal(res.Data, &inner) == nil {
			res.TempToken = inner.TempToken
		}
	}
	return &res, nil
}

// TempTokenFromRedirect extracts the temp_token from the URL the bank
// redirects the user to (psu_redirect_link?temp_token=...). A refusal
// (?error=access_denied&error_description=...) returns a *ConsentDeniedError.
func TempTokenFromRedirect(redirectURL string) (string, error) {
	u, err := url.Parse(redirectURL)
	if err != nil {
		return "", errors.New("finqware: invalid redirect URL")
	}
	q := u.Query()
	if e := q.Get("error"); e != "" {
		return "", &ConsentDeniedError{Code: e, Description: q.Get("error_description")}
	}
	if t := q.Get("temp_token"); t != "" {
		return t, nil
	}
	return "", errors.New("finqware: redirect URL has neither temp_token nor error")
}

// ErrConsentDenied matches a *ConsentDeniedError.
var ErrConsentDenied = errors.New("finqware: consent denied")

// ConsentDeniedError is a bank redirect reporting that the user refused or
// the authentication failed.
type ConsentDeniedError struct {
	// Code is the redirect's error parameter, e.g. access_denied.
	Code string
	// Description is its error_description.
	Description string
}

// Error implements error.
func (e *ConsentDeniedError) Error() string {
	s := "finqware: consent denied: " + sanitize(e.Code, nil)
	if e.Description != "" {
		s += ": " + sanitize(e.Description, nil)
	}
	return s
}

// Unwrap returns ErrConsentDenied.
func (e *ConsentDeniedError) Unwrap() error { return ErrConsentDenied }
