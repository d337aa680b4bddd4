package finqwaresim

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
)

// Errors of the Go-side sandbox controls.
var (
	// ErrUnknownSession: no session has that id.
	ErrUnknownSession = errors.New("finqwaresim: unknown session")
	// ErrNoConsentRequested: the session has not reached its "sca" step
	// (or its skill has none).
	ErrNoConsentRequested = errors.New("finqwaresim: no bank consent requested for this session")
	// ErrAlreadyDecided: the user already approved or denied the consent.
	ErrAlreadyDecided = errors.New("finqwaresim: consent already decided")
	// ErrUnknownCredentials: no consent has that credentials_id.
	ErrUnknownCredentials = errors.New("finqwaresim: unknown credentials_id")
)

// consentPagePath is the simulated bank's consent page for a session.
func consentPagePath(sessionID string) string { return "/sandbox/consent/" + url.PathEscape(sessionID) }

var consentPage = template.Must(template.New("consent").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Bank}} - consent</title></head>
<body>
<h1>{{.Bank}} (sandbox)</h1>
<p>A Finqware tenant app asks to read your accounts, balances and transactions ({{.Skill}}).</p>
<form method="post" action="{{.Action}}"><input type="hidden" name="decision" value="approve"><button type="submit" id="approve">Approve</button></form>
<form method="post" action="{{.Action}}"><input type="hidden" name="decision" value="deny"><button type="submit" id="deny">Deny</button></form>
</body></html>
`))

// handleConsentPage serves the simulated bank: GET shows the page, POST
// with decision=approve|deny redirects the browser (302) to the session's
// psu_redirect_link with ?temp_token=... or ?error=access_denied&error_description=...
func (s *Server) handleConsentPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("session_id")
	switch r.Method {
	case http.MethodGet:
		s.mu.Lock()
		sess := s.sessions[id]
		var err error
		switch {
		case sess == nil:
			err = ErrUnknownSession
		case !sess.awaitingBank:
			err = ErrAlreadyDecided
			if sess.redirectLink == "" {
				err = ErrNoConsentRequested
			}
		}
		var bank, skill string
		if sess != nil {
			bank, skill = sess.skill.ServicerName, sess.skill.Name
		}
		s.mu.Unlock()
		if err != nil {
			pageError(w, err)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_ = consentPage.Execute(w, map[string]string{"Bank": bank, "Skill": skill, "Action": consentPagePath(id)})
	case http.MethodPost:
		r.Body = http.MaxBytesReader(w, r.Body, 4096)
		var (
			loc string
			err error
		)
		switch r.PostFormValue("decision") {
		case "approve":
			loc, err = s.ApproveConsent(id)
		case "deny":
			loc, err = s.DenyConsent(id)
		default:
			http.Error(w, "decision must be approve or deny", http.StatusBadRequest)
			return
		}
		if err != nil {
			pageError(w, err)
			return
		}
		http.Redirect(w, r, loc, http.StatusFound)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func pageError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, ErrUnknownSession):
		http.Error(w, "unknown consent request", http.StatusNotFound)
	case errors.Is(err, ErrAlreadyDecided):
		http.Error(w, "this consent request was already answered", http.StatusGone)
	default:
		http.Error(w, "no consent was requested for this session", http.StatusConflict)
	}
}

// ApproveConsent plays the user approving the bank consent of a session
// whose "sca" step was submitted, as the consent page's Approve button
// does: it issues a temp_token and returns the psu_redirect_link the bank
// would redirect to, with ?temp_token=... added.
func (s *Server) ApproveConsent(sessionID string) (string, error) {
	return s.decide(sessionID, true)
}

// DenyConsent plays the user refusing, as the consent page's Deny button
// does: the session fails and the returned psu_redirect_link carries
// ?error=access_denied&error_description=....
func (s *Server) DenyConsent(sessionID string) (string, error) {
	return s.decide(sessionID, false)
}

func (s *Server) decide(sessionID string, approve bool) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.sessions[sessionID]
	switch {
	case sess == nil:
		return "", ErrUnknownSession
	case sess.redirectLink == "":
		return "", ErrNoConsentRequested
	case !sess.awaitingBank:
		return "", ErrAlreadyDecided
	}
	u, err := url.Parse(sess.redirectLink)
	if err != nil {
		return "", err // validated at the step; unreachable
	}
	sess.awaitingBank = false
	sess.used[sess.nonce] = true // the session is over either way
	sess.nonce = ""
	q := u.Query()
	if approve {
		sess.status = StatusCompleted
		q.Set("temp_token", s.issueTempTokenLocked(sess))
	} else {
		sess.status = StatusFailed
		q.Set("error", "access_denied")
		q.Set("error_description", "The user denied the consent at the bank")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}
