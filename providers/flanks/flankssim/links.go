package flankssim

import (
	"net/http"
	"time"
)

// linkCode is a code the platform issued when a user finished Flanks Link.
type linkCode struct {
	code, linkToken, clientID, credToken string
	extra                                map[string]string
	readyAt                              time.Time // exchanges before this answer 202
	used                                 bool
}

// LinkCompletion describes a user finishing Flanks Link, which creates credentials and
// issues a one-use code for the App's redirect URI.
type LinkCompletion struct {
	// LinkToken identifies the Link; empty means DefaultLinkToken.
	LinkToken string
	// ClientID is the App the Link belongs to; empty means Options.ClientID.
	ClientID string
	// Bank is the entity id the user picked (Link's bank= parameter).
	Bank string
	// ExternalID is Link's external_id= parameter; it is also echoed in Extra.
	ExternalID string
	// Extra holds the custom Link query parameters returned as "extra".
	Extra map[string]string
	// Password is what the user typed; it may carry TestBank triggers.
	Password string
	// ExchangeDelay overrides Options.LinkExchangeDelay when positive; negative means none.
	ExchangeDelay time.Duration
}

// LinkResult is what CompleteLink issued.
type LinkResult struct {
	Code             string `json:"code"`
	LinkToken        string `json:"link_token"`
	CredentialsToken string `json:"credentials_token_hint"`
}

// CompleteLink plays the Flanks platform after a user finished Link: it creates the
// credentials (shaped by the password triggers) and returns the code the App would
// receive on its redirect URI.
func (s *Server) CompleteLink(lc LinkCompletion) (LinkResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.addCredentialsLocked(NewCredentials{
		Bank: lc.Bank, ExternalID: lc.ExternalID, Password: lc.Password,
	}, true)
	if err != nil {
		return LinkResult{}, err
	}
	lk := &linkCode{
		code:      s.uniqueIDLocked("code"),
		linkToken: firstNonEmpty(lc.LinkToken, DefaultLinkToken),
		clientID:  firstNonEmpty(lc.ClientID, s.opts.ClientID),
		credToken: c.token,
		extra:     map[string]string{},
		readyAt:   s.now().Add(s.exchangeDelay(lc.ExchangeDelay)),
	}
	for k, v := range lc.Extra {
		lk.extra[k] = v
	}
	if lc.ExternalID != "" {
		lk.extra["external_id"] = lc.ExternalID
	}
	s.links = append(s.links, lk)
	return LinkResult{Code: lk.code, LinkToken: lk.linkToken, CredentialsToken: c.token}, nil
}

func (s *Server) exchangeDelay(d time.Duration) time.Duration {
	switch {
	case d > 0:
		return d
	case d < 0:
		return 0
	}
	return s.opts.LinkExchangeDelay
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// pendingCode is an item of GET /v0/platform/link.
type pendingCode struct {
	Code      string            `json:"code"`
	LinkToken string            `json:"link_token"`
	Extra     map[string]string `json:"extra"`
}

// handleListLinks serves the unused codes, filtered by the client_id and link_token query
// parameters when present.
func (s *Server) handleListLinks(w http.ResponseWriter, r *http.Request) {
	clientID, linkToken := r.URL.Query().Get("client_id"), r.URL.Query().Get("link_token")
	s.mu.Lock()
	out := []pendingCode{}
	for _, lk := range s.links {
		if lk.used || (clientID != "" && lk.clientID != clientID) || (linkToken != "" && lk.linkToken != linkToken) {
			continue
		}
		out = append(out, pendingCode{Code: lk.code, LinkToken: lk.linkToken, Extra: lk.extra})
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// exchangeResponse is the 200 body of POST /v0/platform/link.
type exchangeResponse struct {
	Message          string            `json:"message"`
	CredentialsToken string            `json:"credentials_token"`
	Extra            map[string]string `json:"extra"`
	LinkToken        string            `json:"link_token"`
}

// handleExchangeLink swaps a code for its credentials_token, once. While the code's
// security delay runs it answers 202 without using the code up.
func (s *Server) handleExchangeLink(w http.ResponseWriter, _ *http.Request, b requestBody) {
	var errs []fieldError
	code := b.str("code", true, &errs)
	if len(errs) > 0 {
		writeValidation(w, errs)
		return
	}
	s.mu.Lock()
	lk := s.findCodeLocked(code)
	switch {
	case lk == nil || lk.used:
		s.mu.Unlock()
		writeLegacy(w, http.StatusBadRequest, "Invalid code")
	case s.now().Before(lk.readyAt):
		s.mu.Unlock()
		writeJSON(w, http.StatusAccepted, map[string]string{
			"message": "Accepted: the credentials_token is not available yet, retry later",
		})
	default:
		lk.used = true
		resp := exchangeResponse{
			Message: "Successfully retrieved", CredentialsToken: lk.credToken,
			Extra: lk.extra, LinkToken: lk.linkToken,
		}
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, resp)
	}
}

func (s *Server) findCodeLocked(code string) *linkCode {
	for _, lk := range s.links {
		if lk.code == code {
			return lk
		}
	}
	return nil
}
