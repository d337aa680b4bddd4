package onboarding

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/models"
)

// CallbackHandler serves GET CallbackPath{id}: the bank's redirect of the
// user's browser after the consent. It completes the session (or records
// the denial) and sends the browser on to the onboarding UI with
// ?session=<global id>&status=<status>[&error=<code>]. It needs no bearer
// token: the unguessable secret in the URL, which the server put there
// when it submitted the step, authorizes it.
func (s *Service) CallbackHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		q := r.URL.Query()
		secret := q.Get("state")
		q.Del("state")
		o, err := s.Callback(r.Context(), id, secret, q)
		if o == nil || errors.Is(err, apperr.ErrNotFound) {
			http.Error(w, "unknown onboarding session", http.StatusNotFound)
			return
		}
		status := strings.ToUpper(string(o.State))
		code := ""
		if err != nil {
			code = apperr.Code(err)
			s.log.InfoContext(r.Context(), "onboarding callback failed", "session", o.ID, "code", code)
		}
		http.Redirect(w, r, s.returnURL(o, status, code), http.StatusFound)
	})
}

// returnURL is the UI page the browser lands on after the callback.
func (s *Service) returnURL(o *models.OnboardingSession, status, code string) string {
	u, err := url.Parse(s.opts.ReturnURL)
	if err != nil || s.opts.ReturnURL == "" {
		u = &url.URL{Path: "/"}
	}
	q := u.Query()
	q.Set("session", o.GlobalID())
	q.Set("status", status)
	if code != "" {
		q.Set("error", code)
	}
	u.RawQuery = q.Encode()
	return u.String()
}
