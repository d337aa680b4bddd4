package flinkssim

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
)

const maxRequestBody = 1 << 20

// dataRoutes maps the data API and the Connect page.
func (s *Server) dataRoutes() *http.ServeMux {
	m := http.NewServeMux()
	bs := "/v3/{cid}/BankingServices/"
	m.HandleFunc("POST "+bs+"GenerateAuthorizeToken", s.api(EndpointGenerateAuthorizeToken, true, s.handleGenerateToken))
	m.HandleFunc("POST "+bs+"Authorize", s.api(EndpointAuthorize, true, s.handleAuthorize))
	m.HandleFunc("POST "+bs+"GetAccountsDetail", s.api(EndpointGetAccountsDetail, true, s.apiKeyed(s.handleDetail(false, false))))
	// The docs use GET; node-flinks sends POST (discrepancy row 8): both are served.
	for _, method := range []string{"GET ", "POST "} {
		m.HandleFunc(method+bs+"GetAccountsDetailAsync/{rid}", s.api(EndpointGetAccountsDetailAsync, true, s.apiKeyed(s.handleDetail(true, false))))
		m.HandleFunc(method+bs+"GetAccountsSummaryAsync/{rid}", s.api(EndpointGetAccountsSummaryAsync, true, s.apiKeyed(s.handleDetail(true, true))))
	}
	m.HandleFunc("POST "+bs+"GetAccountsSummary", s.api(EndpointGetAccountsSummary, true, s.apiKeyed(s.handleDetail(false, true))))
	m.HandleFunc("DELETE "+bs+"DeleteCard/{lid}", s.api(EndpointDeleteCard, true, s.apiKeyed(s.handleDeleteCard)))
	m.HandleFunc("GET /v3/{cid}/upload/fraudanalysis/{lid}", s.api(EndpointFraudAnalysis, true, s.handleFraudAnalysis))
	m.HandleFunc("GET /v2", s.handleConnectPage)
	m.HandleFunc("GET /v2/", s.handleConnectPage)
	m.HandleFunc("POST /v2/", s.handleConnectSubmit)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeFlinks(w, http.StatusNotFound, "", "Not found")
	})
	return m
}

// headerOK checks a credential header: a present value must match; an absent one passes
// only when optional.
func headerOK(r *http.Request, name, want string, optional bool) bool {
	v, present := r.Header[http.CanonicalHeaderKey(name)]
	if !present {
		return optional
	}
	return len(v) == 1 && subtle.ConstantTimeCompare([]byte(v[0]), []byte(want)) == 1
}

// apiKeyed checks x-api-key on the data endpoints.
func (s *Server) apiKeyed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !headerOK(r, "x-api-key", s.opts.APIKey, s.opts.OptionalAPIKey) {
			writeFlinks(w, http.StatusUnauthorized, "UNAUTHORIZED", "You must provide a valid x-api-key")
			return
		}
		h(w, r)
	}
}

// decodeBody reads a JSON body; false means an error answer was written.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err == nil && len(strings.TrimSpace(string(b))) > 0 {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		writeFlinks(w, http.StatusBadRequest, "INVALID_REQUEST", "The request is invalid")
		return false
	}
	return true
}

func (s *Server) handleGenerateToken(w http.ResponseWriter, r *http.Request) {
	if !headerOK(r, "flinks-auth-key", s.opts.SecretKey, s.opts.OptionalSecretKey) {
		writeFlinks(w, http.StatusUnauthorized, "", "You must provide a valid auth key")
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, maxRequestBody)) // any body is accepted
	tok := uuid.NewString()
	s.mu.Lock()
	s.authTokens[tok] = s.now().Add(DefaultAuthorizeTokenTTL)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"HttpStatusCode": 200, "Token": tok})
}

// consumeAuthorizeToken spends the one-use flinks-auth-key of an Authorize call.
func (s *Server) consumeAuthorizeToken(r *http.Request) bool {
	v, present := r.Header["Flinks-Auth-Key"]
	if !present {
		return s.opts.OptionalAuthorizeToken
	}
	if len(v) != 1 {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.authTokens[v[0]]
	delete(s.authTokens, v[0])
	return ok && s.now().Before(exp)
}

type authorizeBody struct {
	LoginID           string              `json:"LoginId"`
	MostRecentCached  *bool               `json:"MostRecentCached"`
	Username          string              `json:"Username"`
	Password          string              `json:"Password"`
	Institution       string              `json:"Institution"`
	RequestID         string              `json:"RequestId"`
	SecurityResponses map[string][]string `json:"SecurityResponses"`
}

var authorizeLinks = []wireLink{
	{Rel: "AccountsDetail", Href: "/GetAccountsDetail"},
	{Rel: "AccountsSummary", Href: "/GetAccountsSummary"},
}

func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	if !s.consumeAuthorizeToken(r) {
		writeFlinks(w, http.StatusUnauthorized, "", "You must provide a valid authorize token")
		return
	}
	var body authorizeBody
	if !decodeBody(w, r, &body) {
		return
	}
	switch {
	case body.RequestID != "" && len(body.SecurityResponses) > 0:
		s.answerMFA(w, body)
	case body.LoginID != "":
		s.authorizeLogin(w, body)
	case body.Username != "":
		s.authorizeLive(w, body)
	default:
		writeFlinks(w, http.StatusBadRequest, "INVALID_REQUEST", "LoginId or credentials are required")
	}
}

// authorizeLogin opens a session on an existing login: cached mode, or a refresh when
// MostRecentCached is false.
func (s *Server) authorizeLogin(w http.ResponseWriter, body authorizeBody) {
	s.mu.Lock()
	lg, ok := s.logins[body.LoginID]
	if !ok {
		s.mu.Unlock()
		writeFlinks(w, http.StatusUnauthorized, "INVALID_LOGIN", "LoginId not found or invalid")
		return
	}
	if code := lg.profile.authCode; code != "" {
		s.mu.Unlock()
		writeFlinks(w, http.StatusUnauthorized, code, authMessages[code])
		return
	}
	refresh := body.MostRecentCached != nil && !*body.MostRecentCached
	if refresh {
		s.refreshLocked(lg)
	}
	ss := s.newSessionLocked(lg.id)
	resp := wireAuthorize{HTTPStatusCode: 200, Links: authorizeLinks, Login: ptr(s.wireLoginLocked(lg)),
		Institution: Institution, RequestID: ss.id}
	gen := lg.gen
	s.mu.Unlock()
	if refresh {
		s.scheduleWebhook(lg.id, gen)
	}
	writeJSON(w, http.StatusOK, resp)
}

var authMessages = map[string]string{
	"RETRY_LATER":    "The institution is unavailable, please retry later",
	"DISABLED_LOGIN": "The login has been disabled by the institution",
}

// authorizeLive logs in with bank credentials (legacy live mode); Greatday answers 203.
func (s *Server) authorizeLive(w http.ResponseWriter, body authorizeBody) {
	if !strings.EqualFold(body.Institution, Institution) {
		writeFlinks(w, http.StatusUnauthorized, "INVALID_LOGIN", "Unknown institution or credentials")
		return
	}
	p, ok := lookupProfile(body.Username, body.Password)
	if !ok {
		writeFlinks(w, http.StatusUnauthorized, "INVALID_LOGIN", "Invalid username or password")
		return
	}
	if p.authCode != "" {
		writeFlinks(w, http.StatusUnauthorized, p.authCode, authMessages[p.authCode])
		return
	}
	s.mu.Lock()
	if p.mfa {
		ss := s.newSessionLocked("")
		q := mfaPrompts[s.rng.IntN(len(mfaPrompts))]
		ss.mfaPrompt, ss.mfaAnswer, ss.mfaProfile = q[0], q[1], p
		s.mu.Unlock()
		writeJSON(w, http.StatusNonAuthoritativeInfo, wireAuthorize{
			HTTPStatusCode: 203, Links: []wireLink{{Rel: "Authorization", Href: "/Authorize"}},
			SecurityChallenges: []wireChallenge{{Type: "QuestionAndAnswer", Prompt: q[0]}},
			Institution:        Institution, RequestID: ss.id,
		})
		return
	}
	lg := s.newLoginLocked(p, "")
	ss := s.newSessionLocked(lg.id)
	resp := wireAuthorize{HTTPStatusCode: 200, Links: authorizeLinks, Login: ptr(s.wireLoginLocked(lg)),
		Institution: Institution, RequestID: ss.id}
	s.mu.Unlock()
	s.scheduleWebhook(lg.id, lg.gen)
	writeJSON(w, http.StatusOK, resp)
}

// answerMFA checks the answer to a 203 and completes the login.
func (s *Server) answerMFA(w http.ResponseWriter, body authorizeBody) {
	s.mu.Lock()
	ss, ok := s.sessions[body.RequestID]
	if !ok || ss.mfaPrompt == "" || ss.loginID != "" {
		s.mu.Unlock()
		writeFlinks(w, http.StatusBadRequest, "SESSION_NONEXISTENT", "Inputs session id or card if were not found.")
		return
	}
	answers, ok := body.SecurityResponses[ss.mfaPrompt]
	switch {
	case !ok:
		s.mu.Unlock()
		writeFlinks(w, http.StatusUnauthorized, "UNKNOWN_CHALLENGE_KEY", "The answered prompt was not asked")
		return
	case len(answers) != 1 || !strings.EqualFold(strings.TrimSpace(answers[0]), ss.mfaAnswer):
		s.mu.Unlock()
		writeFlinks(w, http.StatusUnauthorized, "INVALID_SECURITY_RESPONSE", "The security response is invalid")
		return
	}
	lg := s.newLoginLocked(ss.mfaProfile, "")
	ss.loginID, ss.mfaPrompt = lg.id, ""
	resp := wireAuthorize{HTTPStatusCode: 200, Links: authorizeLinks, Login: ptr(s.wireLoginLocked(lg)),
		Institution: Institution, RequestID: ss.id}
	s.mu.Unlock()
	s.scheduleWebhook(lg.id, lg.gen)
	writeJSON(w, http.StatusOK, resp)
}

type detailBody struct {
	RequestID           string   `json:"RequestId"`
	WithTransactions    *bool    `json:"WithTransactions"`
	WithBalance         *bool    `json:"WithBalance"`
	WithKYC             *bool    `json:"WithKYC"`
	WithAccountIdentity *bool    `json:"WithAccountIdentity"`
	DaysOfTransactions  string   `json:"DaysOfTransactions"`
	AccountsFilter      []string `json:"AccountsFilter"`
	DateFrom            string   `json:"DateFrom"`
	DateTo              string   `json:"DateTo"`
}

// query turns the body into a detailQuery; absent flags default to true.
func (b detailBody) query(summary bool) (detailQuery, bool) {
	flag := func(p *bool) bool { return p == nil || *p }
	q := detailQuery{transactions: flag(b.WithTransactions) && !summary, balance: flag(b.WithBalance),
		kyc: flag(b.WithKYC), summary: summary, filter: b.AccountsFilter, days: 90}
	switch b.DaysOfTransactions {
	case "", "Days90":
	case "Days365":
		q.days = 365
	default:
		return q, false
	}
	for _, d := range []struct {
		s   string
		dst *time.Time
	}{{b.DateFrom, &q.from}, {b.DateTo, &q.to}} {
		if d.s == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, d.s[:min(len(d.s), 10)])
		if err != nil {
			return q, false
		}
		*d.dst = t
	}
	return q, true
}

// handleDetail serves GetAccountsDetail(Async) and GetAccountsSummary(Async).
func (s *Server) handleDetail(async, summary bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body detailBody
		if async {
			body.RequestID = r.PathValue("rid")
			_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, maxRequestBody))
		} else if !decodeBody(w, r, &body) {
			return
		}
		q, ok := body.query(summary)
		if !ok {
			writeFlinks(w, http.StatusBadRequest, "INVALID_REQUEST", "DaysOfTransactions or a date is invalid")
			return
		}
		status, resp := s.detailAnswer(body.RequestID, async, summary, q)
		writeJSON(w, status, resp)
	}
}

// detailAnswer decides between data, 202 and session errors.
func (s *Server) detailAnswer(rid string, async, summary bool, q detailQuery) (int, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.sessions[rid]
	if !ok || ss.loginID == "" {
		return http.StatusBadRequest, wireError{HTTPStatusCode: 400, FlinksCode: "SESSION_NONEXISTENT",
			Message: "Inputs session id or card if were not found.", RequestID: rid}
	}
	if s.now().Sub(ss.createdAt) > s.opts.SessionTTL {
		delete(s.sessions, rid)
		return http.StatusBadRequest, wireError{HTTPStatusCode: 400, FlinksCode: "SESSION_EXPIRED",
			Message: "The session has expired", RequestID: rid}
	}
	lg := s.logins[ss.loginID]
	pending := s.now().Before(lg.readyAt)
	if !summary {
		if lg.profile.pendingFirst && !ss.sawPending {
			ss.sawPending, pending = true, true
		} else if lg.profile.pendingFirst && async && ss.pollsLeft > 0 {
			ss.pollsLeft--
			pending = true
		}
		if lg.profile.dispatched && !async && !ss.dispatchedSent {
			ss.dispatchedSent = true
			partial := q
			partial.transactions = false
			return http.StatusAccepted, wirePending{FlinksCode: "OPERATION_DISPATCHED", Links: asyncLinks,
				HTTPStatusCode: 202, RequestID: rid, Accounts: s.accountsLocked(lg, partial),
				Message: "Your operations had been dispatched to background process for long running jobs"}
		}
	}
	if pending {
		return http.StatusAccepted, wirePending{FlinksCode: "OPERATION_PENDING", Links: asyncLinks,
			HTTPStatusCode: 202, Message: "Your operation is still processing", RequestID: rid}
	}
	return http.StatusOK, s.renderLocked(lg, rid, q)
}

var asyncLinks = []wireLink{{Rel: "AccountsDetailAsync", Href: "/GetAccountsDetailAsync"}}

func (s *Server) handleDeleteCard(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	lg, ok := s.logins[r.PathValue("lid")]
	switch {
	case !ok:
		s.mu.Unlock()
		writeFlinks(w, http.StatusUnauthorized, "INVALID_LOGIN", "Invalid LoginId")
		return
	case s.now().Before(lg.readyAt):
		s.mu.Unlock()
		writeFlinks(w, http.StatusBadRequest, "CARD_IN_USE", "The card is in use, please retry later")
		return
	}
	s.deleteLoginLocked(lg)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, wireError{HTTPStatusCode: 200, Message: "All of the information about the LoginId has been removed"})
}

func ptr[T any](v T) *T { return &v }
