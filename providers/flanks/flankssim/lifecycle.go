package flankssim

import (
	"fmt"
	"strings"
	"time"
)

// view is a snapshot of one credentials' state at one instant, taken under Server.mu so
// that handlers can use it after unlocking.
type view struct {
	c                       *credentials // for the data memo only; its state fields need Server.mu
	token, bank, externalID string
	createdAt               time.Time
	created, errored        [numSteps]bool
	pending, blocked        bool
	awaitingSCA             bool // the first extraction waits for SCA
	noMifid                 bool
	resetToken, scaToken    string
	txnToken                string
	lastUpdate              time.Time // zero until an extraction has finished
	planned                 time.Time // when the running extraction finishes
}

// stamp is the updated_at_timestamp of the data: the last finished extraction, or the
// planned end of the running one for products already extracted.
func (v view) stamp() int64 {
	if !v.lastUpdate.IsZero() {
		return v.lastUpdate.Unix()
	}
	return v.planned.Unix()
}

// viewLocked computes the state of c now. The created flags turn true one by one over
// ExtractionDelay (auth first, liability transactions last), so a client can poll on the
// flags it needs; a login failure finishes every step at once with an error.
func (s *Server) viewLocked(c *credentials) view {
	v := view{
		c: c, token: c.token, bank: c.bank, externalID: c.externalID, createdAt: c.createdAt,
		blocked: c.blocked, noMifid: c.noMifid,
		resetToken: c.resetToken, scaToken: c.scaToken, txnToken: c.txnToken,
	}
	if c.extractStart.IsZero() {
		v.pending, v.awaitingSCA = true, c.scaToken != ""
		return v
	}
	now, delay := s.now(), s.opts.ExtractionDelay
	finish := c.extractStart
	for i := range numSteps {
		at := c.extractStart
		if !c.loginFailed {
			at = at.Add(delay * time.Duration(i+1) / numSteps)
		}
		finish = at
		v.created[i] = !now.Before(at)
		v.errored[i] = v.created[i] && (c.loginFailed || c.dataErrored[i])
	}
	v.pending, v.planned = !v.created[numSteps-1], finish
	if !v.pending {
		v.lastUpdate = latest(finish, c.refreshedAt)
		if c.autoUpdate && !c.loginFailed {
			v.lastUpdate = latest(v.lastUpdate, dailyRefresh(now))
		}
	}
	return v
}

// dailyRefreshHour is the UTC hour of the simulated daily automatic update ("data is
// never live: Flanks returns the last extraction it stored, typically refreshed once a day").
const dailyRefreshHour = 6

// dailyRefresh returns the most recent daily update time at or before now.
func dailyRefresh(now time.Time) time.Time {
	tick := truncateDay(now).Add(dailyRefreshHour * time.Hour)
	if now.Before(tick) {
		tick = tick.Add(-24 * time.Hour)
	}
	return tick
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// gate decides whether data of one extraction step can be served. It returns a data code
// to answer with, or serveEmpty when ignore_data_error hides an extraction error.
func (v view) gate(step int, ignoreDataError bool) (code DataCode, serveEmpty bool) {
	switch {
	case v.blocked:
		return CodeCredentialsError, false
	case v.awaitingSCA:
		return CodeSCARequired, false
	case !v.created[step]:
		return CodeProcessing, false
	case v.errored[step] && !ignoreDataError:
		return CodeIncomplete, false
	}
	return 0, v.errored[step]
}

// usable reports whether step finished without error, i.e. its data exists.
func (v view) usable(step int) bool { return v.created[step] && !v.errored[step] }

// lookup returns a snapshot of the credentials with this token.
func (s *Server) lookup(token string) (view, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.creds[token]
	if !ok {
		return view{}, false
	}
	return s.viewLocked(c), true
}

// forceFlow is the PUT /status side: it sets the token of the flow, which stops
// automatic updates until the user completes it.
func (s *Server) forceFlow(token, force string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.creds[token]
	if !ok {
		return "", ErrUnknownCredentials
	}
	id := s.uniqueIDLocked(force)
	switch force {
	case "sca":
		c.scaToken = id
	case "reset":
		c.resetToken = id
	case "transaction":
		c.txnToken = id
	default:
		return "", fmt.Errorf("flankssim: unknown force %q", force)
	}
	if c.autoUpdate {
		// Freeze the data at its current extraction: no daily updates until completion.
		c.refreshedAt = s.viewLocked(c).lastUpdate
		c.autoUpdate = false
	}
	return id, nil
}

// CompleteFlow plays the user finishing every pending forced flow (SCA, credentials
// reset, transaction) in Flanks Link, and returns the flows it completed. A challenge of
// INVALID_SCA or USER_INTERACTION_NEEDED fails and leaves the state as it was;
// INTERNAL_ERROR completes the flow but errors every product of the new extraction.
// Credentials that never had data (SCA at creation, failed login) start their first
// extraction now; others are refreshed now.
func (s *Server) CompleteFlow(token, challenge string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.creds[token]
	if !ok {
		return nil, ErrUnknownCredentials
	}
	flows := pendingFlows(c)
	if len(flows) == 0 {
		return nil, ErrNoPendingFlow
	}
	ch := strings.ToUpper(challenge)
	if strings.Contains(ch, "INVALID_SCA") || strings.Contains(ch, "USER_INTERACTION_NEEDED") {
		return nil, fmt.Errorf("%w: %s", ErrChallengeFailed, challenge)
	}
	c.scaToken, c.resetToken, c.txnToken = "", "", ""
	c.blocked, c.autoUpdate = false, true
	now := s.now()
	if c.extractStart.IsZero() || c.loginFailed {
		c.extractStart, c.loginFailed, c.refreshedAt = now, false, time.Time{}
	} else {
		c.refreshedAt = now
	}
	if strings.Contains(ch, "INTERNAL_ERROR") {
		for i := range c.dataErrored {
			c.dataErrored[i] = true
		}
	}
	return flows, nil
}

func pendingFlows(c *credentials) []string {
	var flows []string
	if c.scaToken != "" {
		flows = append(flows, "sca")
	}
	if c.resetToken != "" {
		flows = append(flows, "reset")
	}
	if c.txnToken != "" {
		flows = append(flows, "transaction")
	}
	return flows
}

// DeleteCredentials removes credentials as Flanks does on its own (an
// operator in its dashboard, a retention policy), without the App's
// DELETE call: the App still holds a token Flanks no longer lists.
func (s *Server) DeleteCredentials(token string) error {
	if !s.deleteCredentials(token) {
		return ErrUnknownCredentials
	}
	return nil
}

// deleteCredentials removes the credentials and, with them, all their data.
func (s *Server) deleteCredentials(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.creds[token]; !ok {
		return false
	}
	delete(s.creds, token)
	for i, t := range s.order {
		if t == token {
			s.order = append(s.order[:i:i], s.order[i+1:]...)
			break
		}
	}
	return true
}

// listStatus is the status word of a /credentials/list item.
func (v view) listStatus() string {
	switch {
	case v.blocked:
		return "error"
	case v.pending:
		return "pending"
	}
	return "active"
}
