package flinkssim

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

// connectPage is a minimal stand-in for the Flinks Connect iframe
// (https://{instance}-iframe.private.fin.ag/v2/): one form, no MFA.
var connectPage = template.Must(template.New("connect").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Flinks Connect (simulator)</title></head>
<body>
<h1>Connect your bank</h1>
{{if .Error}}<p role="alert">{{.Error}}</p>{{end}}
{{if .LoginID}}<p>Connected: loginId=<code id="loginId">{{.LoginID}}</code> institution={{.Institution}}</p>{{else}}
<form method="post" action="/v2/">
<input type="hidden" name="redirectUrl" value="{{.RedirectURL}}">
<label>Institution <select name="institution"><option value="FlinksCapital">FlinksCapital</option></select></label>
<label>Username <input name="username" autocomplete="off" value="Greatday"></label>
<label>Password <input name="password" type="password" autocomplete="off"></label>
<button type="submit">Connect</button>
</form>
<p>Test users: Greatday, greatday_nomfa, test_pending, test_dispatched, test_service_unavailable,
test_disabled_account; password Everyday.</p>{{end}}
</body></html>
`))

type connectView struct {
	RedirectURL, Error, LoginID, Institution string
}

// ConnectURL returns the Connect page URL with redirectUrl, once the server is started
// (Start or NewTestServer); "" before.
func (s *Server) ConnectURL(redirectURL string) string {
	s.mu.Lock()
	origin := s.origin
	s.mu.Unlock()
	if origin == "" {
		return ""
	}
	q := url.Values{"demo": {"true"}}
	if redirectURL != "" {
		q.Set("redirectUrl", redirectURL)
	}
	return origin + "/v2/?" + q.Encode()
}

// validRedirect accepts absolute http(s) URLs only.
func validRedirect(raw string) (*url.URL, bool) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, false
	}
	return u, true
}

func renderConnect(w http.ResponseWriter, status int, v connectView) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; form-action 'self'")
	w.WriteHeader(status)
	_ = connectPage.Execute(w, v)
}

// handleConnectPage serves GET /v2/?redirectUrl=...: the credentials form.
func (s *Server) handleConnectPage(w http.ResponseWriter, r *http.Request) {
	redirect := r.URL.Query().Get("redirectUrl")
	if _, ok := validRedirect(redirect); redirect != "" && !ok {
		renderConnect(w, http.StatusBadRequest, connectView{Error: "redirectUrl must be an absolute http(s) URL"})
		return
	}
	renderConnect(w, http.StatusOK, connectView{RedirectURL: redirect})
}

// handleConnectSubmit serves POST /v2/: it creates the login and redirects to
// redirectUrl?loginId=...&institution=FlinksCapital (303), or shows the LoginId when no
// redirectUrl was given.
func (s *Server) handleConnectSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		renderConnect(w, http.StatusBadRequest, connectView{Error: "invalid form"})
		return
	}
	redirect := r.PostForm.Get("redirectUrl")
	target, ok := validRedirect(redirect)
	if redirect != "" && !ok {
		renderConnect(w, http.StatusBadRequest, connectView{Error: "redirectUrl must be an absolute http(s) URL"})
		return
	}
	if !strings.EqualFold(r.PostForm.Get("institution"), Institution) {
		renderConnect(w, http.StatusUnauthorized, connectView{RedirectURL: redirect, Error: "Unknown institution"})
		return
	}
	id, err := s.CreateLogin(r.PostForm.Get("username"), r.PostForm.Get("password"))
	if err != nil {
		renderConnect(w, http.StatusUnauthorized, connectView{RedirectURL: redirect, Error: "Invalid username or password"})
		return
	}
	if target == nil {
		renderConnect(w, http.StatusOK, connectView{LoginID: id, Institution: Institution})
		return
	}
	q := target.Query()
	q.Set("loginId", id)
	q.Set("institution", Institution)
	target.RawQuery = q.Encode()
	http.Redirect(w, r, target.String(), http.StatusSeeOther)
}
