package app_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/fingraph/fingraph/migrations"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/finqware/finqwareadapter"
	"github.com/fingraph/fingraph/providers/finqware/finqwaresim"
)

// session is what the tests read of an OnboardingSession.
type session struct {
	ID          string
	Status      string
	ErrorCode   *string
	CurrentStep *struct{ Name, Kind string }
	Redirect    *struct{ Method, URL string }
	Steps       []struct {
		Name, Status string
		Uploads      []struct{ FileName, ContentType string }
	}
	Credentials *struct {
		ID       string
		Provider string
		Accounts struct {
			Nodes []struct {
				IBAN         *string
				Balance      string
				Currency     string
				Transactions struct {
					TotalCount int
					Nodes      []struct{ Amount, Description string }
				}
			}
		}
	}
}

// sessionFields pages ten accounts, not the default 50: each account's
// transactions totalCount is charged as a capped count, and 50 of them per
// mutation would spend a user's rate budget within a few steps.
const sessionFields = `id status errorCode currentStep { name kind } redirect { method url }
  steps { name status uploads { fileName contentType } }
  credentials { id provider accounts(first: 10) { nodes { iban balance currency transactions(first: 5) { totalCount nodes { amount description } } } } }`

// onboard runs one mutation returning a session and decodes it.
func (s *testServer) onboard(t *testing.T, token, mutation string, vars map[string]any) (session, gqlResponse) {
	t.Helper()
	var out map[string]session
	r := s.gql(t, token, mutation, vars, &out)
	for _, v := range out {
		return v, r
	}
	return session{}, r
}

func (s *testServer) finq() *finqwaresim.Server { return finqwareadapter.SimServer(s.app.Sandbox) }

// skillID finds a skill's id through the API.
func (s *testServer) skillID(t *testing.T, name string) string {
	t.Helper()
	var out struct{ Skills []struct{ ID string } }
	s.mustGQL(t, s.token, `{ skills(provider: FINQWARE) { id } }`, nil, &out)
	for _, sk := range out.Skills {
		if strings.HasSuffix(sk.ID, "/"+name) {
			return sk.ID
		}
	}
	t.Fatalf("no skill %s in %+v", name, out)
	return ""
}

// bank answers the simulator's consent page and returns the redirect it
// gives (to the server's callback), without following it.
func (s *testServer) bank(t *testing.T, pageURL, decision string) *url.URL {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(pageURL, url.Values{"decision": {decision}})
	check(t, err)
	res.Body.Close()
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil || res.StatusCode != http.StatusFound {
		t.Fatalf("bank page answered %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	return loc
}

// follow calls the server's callback (the bank's redirect, pointed at this
// test server) and returns where it sends the browser.
func (s *testServer) follow(t *testing.T, callback *url.URL) *url.URL {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(s.URL + callback.Path + "?" + callback.RawQuery)
	check(t, err)
	res.Body.Close()
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil || res.StatusCode != http.StatusFound {
		t.Fatalf("callback answered %d", res.StatusCode)
	}
	return loc
}

func startSession(t *testing.T, s *testServer, skill string) session {
	t.Helper()
	sess, r := s.onboard(t, s.token, `mutation($k: ID!) { startOnboardingSession(skill: $k) { `+sessionFields+` } }`,
		map[string]any{"k": s.skillID(t, skill)})
	if len(r.Errors) > 0 || sess.Status != "CREATED" || sess.CurrentStep == nil {
		t.Fatalf("start: %+v %+v", sess, r.Errors)
	}
	return sess
}

func submit(t *testing.T, s *testServer, id, step string, data any) (session, gqlResponse) {
	t.Helper()
	return s.onboard(t, s.token, `mutation($id: ID!, $step: String!, $d: JSON) { submitOnboardingStep(sessionId: $id, step: $step, data: $d) { `+sessionFields+` } }`,
		map[string]any{"id": id, "step": step, "d": data})
}

// TestOnboardingBankConsent: the AISP flow through the API on both
// databases: start, the sca step, the bank's consent page, the server's
// callback, and the new connection's accounts and transactions.
func TestOnboardingBankConsent(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		sess := startSession(t, s, finqwaresim.SkillBT)
		if sess.CurrentStep.Name != "sca" || sess.CurrentStep.Kind != "REDIRECT" {
			t.Fatalf("first step %+v", sess.CurrentStep)
		}
		sess, r := submit(t, s, sess.ID, "sca", nil)
		if len(r.Errors) > 0 || sess.Status != "AWAITING_CONSENT" || sess.Redirect == nil {
			t.Fatalf("after sca: %+v %+v", sess, r.Errors)
		}
		back := s.bank(t, sess.Redirect.URL, "approve")
		if back.Query().Get("temp_token") == "" || !strings.HasPrefix(back.Path, "/onboarding/callback/") {
			t.Fatalf("the bank sent the browser to %s", back)
		}
		ui := s.follow(t, back)
		if ui.Query().Get("status") != "COMPLETED" || ui.Query().Get("session") != sess.ID {
			t.Fatalf("the callback sent the browser to %s", ui)
		}
		var node struct{ Node session }
		s.mustGQL(t, s.token, `query($id: ID!) { node(id: $id) { ... on OnboardingSession { `+sessionFields+` } } }`,
			map[string]any{"id": sess.ID}, &node)
		done := node.Node
		if done.Status != "COMPLETED" || done.Credentials == nil || done.Credentials.Provider != "FINQWARE" {
			t.Fatalf("completed session: %+v", done)
		}
		accts := done.Credentials.Accounts.Nodes
		if len(accts) == 0 || accts[0].IBAN == nil || accts[0].Transactions.TotalCount == 0 {
			t.Fatalf("the new connection's data: %+v", accts)
		}
		if !strings.Contains(accts[0].Transactions.Nodes[0].Amount, ".") {
			t.Fatalf("an amount without its scale: %+v", accts[0].Transactions.Nodes[0])
		}
		// The callback again (a reloaded page): the token is spent.
		if again := s.follow(t, back); again.Query().Get("status") != "COMPLETED" {
			t.Fatalf("a second callback: %s", again)
		}
	})
}

// upload posts a GraphQL multipart request with one file.
func (s *testServer) upload(t *testing.T, sessionID, name string, content []byte, preflight bool) response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	ops, _ := json.Marshal(map[string]any{
		"query":     `mutation($s: ID!, $f: Upload!) { uploadOnboardingDocument(sessionId: $s, stepId: "kyc_upload", file: $f) { ` + sessionFields + ` } }`,
		"variables": map[string]any{"s": sessionID, "f": nil},
	})
	check(t, w.WriteField("operations", string(ops)))
	check(t, w.WriteField("map", `{"0":["variables.f"]}`))
	part, err := w.CreateFormFile("0", name)
	check(t, err)
	_, _ = part.Write(content)
	check(t, w.Close())
	h := s.authed(map[string]string{"Content-Type": w.FormDataContentType()})
	if preflight {
		h["GraphQL-Require-Preflight"] = "1"
	}
	return s.do(t, http.MethodPost, "/graphql", body.String(), h)
}

var pdf = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")

// TestOnboardingMarketplace: a multi-step skill with a form, an upload
// over the multipart spec and a confirmation whose answer ends the session.
func TestOnboardingMarketplace(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		sess := startSession(t, s, finqwaresim.SkillDeposit)
		sess, r := submit(t, s, sess.ID, "product_form", map[string]any{"value": "1500.00", "currency": "RON", "period": "12"})
		if len(r.Errors) > 0 || sess.Status != "IN_PROGRESS" || sess.CurrentStep.Name != "kyc_upload" {
			t.Fatalf("after the form: %+v %+v", sess, r.Errors)
		}
		sess, r = submit(t, s, sess.ID, "kyc_upload", map[string]any{"document_type": "passport"})
		if len(r.Errors) > 0 || sess.Steps[1].Status != "SUBMITTED" {
			t.Fatalf("after the upload step: %+v %+v", sess.Steps, r.Errors)
		}
		if res := s.upload(t, sess.ID, "passport.pdf", pdf, false); res.status != http.StatusBadRequest {
			t.Fatalf("an upload without a preflight header: %d %s", res.status, res.body)
		}
		res := s.upload(t, sess.ID, "passport.pdf", []byte("just text, not a PDF at all"), true)
		if !strings.Contains(res.body, "BAD_USER_INPUT") {
			t.Fatalf("a text file named .pdf: %d %s", res.status, res.body)
		}
		res = s.upload(t, sess.ID, "passport.pdf", pdf, true)
		var up struct {
			Data struct{ UploadOnboardingDocument session }
		}
		check(t, json.Unmarshal([]byte(res.body), &up))
		got := up.Data.UploadOnboardingDocument
		if got.CurrentStep == nil || got.CurrentStep.Name != "confirmation" || len(got.Steps[1].Uploads) != 1 ||
			got.Steps[1].Uploads[0].ContentType != "application/pdf" {
			t.Fatalf("after the upload: %s", res.body)
		}
		done, r := submit(t, s, sess.ID, "confirmation", map[string]any{"accept_terms": true})
		if len(r.Errors) > 0 || done.Status != "COMPLETED" || done.Credentials == nil || len(done.Credentials.Accounts.Nodes) == 0 {
			t.Fatalf("after the confirmation: %+v %+v", done, r.Errors)
		}
		// The same confirmation again (a retry after a network error) is
		// answered from the session, without a second exchange upstream.
		s.finq().ResetCalls()
		again, r := submit(t, s, sess.ID, "confirmation", map[string]any{"accept_terms": true})
		if len(r.Errors) > 0 || again.Status != "COMPLETED" || s.finq().Calls("/v1/token") != 0 {
			t.Fatalf("a retried confirmation: %+v %+v", again, r.Errors)
		}
	})
}

// TestOnboardingErrors: each error path answers its code and leaves the
// session as it was.
func TestOnboardingErrors(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		expectCode := func(r gqlResponse, want string) {
			t.Helper()
			if len(r.Errors) == 0 || code(r.Errors[0]) != want {
				t.Fatalf("want %s, got %+v", want, r.Errors)
			}
		}
		// A step out of order.
		sess := startSession(t, s, finqwaresim.SkillDeposit)
		_, r := submit(t, s, sess.ID, "confirmation", map[string]any{"accept_terms": true})
		expectCode(r, "ONBOARDING_STEP_OUT_OF_ORDER")
		_, r = submit(t, s, sess.ID, "product_form", map[string]any{"currency": "RON"})
		expectCode(r, "BAD_USER_INPUT") // a required field missing
		// An expired session writes nothing and answers its code.
		check(t, s.app.DB.Gorm.Model(&models.OnboardingSession{}).Where("1 = 1").
			Update("expires_at", time.Now().Add(-time.Minute)).Error)
		_, r = submit(t, s, sess.ID, "product_form", map[string]any{"value": "100", "currency": "RON", "period": "3"})
		expectCode(r, "ONBOARDING_SESSION_EXPIRED")
		if n, err := s.app.Onboarding.ExpireDue(t.Context()); err != nil || n != 1 {
			t.Fatalf("expired %d sessions: %v", n, err)
		}
		var node struct{ Node session }
		s.mustGQL(t, s.token, `query($id: ID!) { node(id: $id) { ... on OnboardingSession { status } } }`, map[string]any{"id": sess.ID}, &node)
		if node.Node.Status != "EXPIRED" {
			t.Fatalf("after the expiry job: %+v", node.Node)
		}

		// A denied consent through the server's callback.
		denied := startSession(t, s, finqwaresim.SkillBT)
		denied, _ = submit(t, s, denied.ID, "sca", nil)
		ui := s.follow(t, s.bank(t, denied.Redirect.URL, "deny"))
		if ui.Query().Get("status") != "FAILED" || ui.Query().Get("error") != "CONSENT_DENIED" {
			t.Fatalf("after a denial the browser goes to %s", ui)
		}
		s.mustGQL(t, s.token, `query($id: ID!) { node(id: $id) { ... on OnboardingSession { status errorCode credentials { id } } } }`,
			map[string]any{"id": denied.ID}, &node)
		if node.Node.Status != "FAILED" || node.Node.ErrorCode == nil || *node.Node.ErrorCode != "CONSENT_DENIED" || node.Node.Credentials != nil {
			t.Fatalf("a denied session: %+v", node.Node)
		}

		// A UI that catches the redirect itself; a replayed temp token.
		first := startSession(t, s, finqwaresim.SkillRZB)
		first, _ = submit(t, s, first.ID, "sca", map[string]any{"psu_redirect_link": "myapp://finqware/done"})
		back := s.bank(t, first.Redirect.URL, "approve")
		tok := back.Query().Get("temp_token")
		if back.Scheme != "myapp" || tok == "" {
			t.Fatalf("the bank sent the app to %s", back)
		}
		complete := `mutation($id: ID!, $t: String) { completeOnboardingSession(sessionId: $id, tempToken: $t) { ` + sessionFields + ` } }`
		done, r := s.onboard(t, s.token, complete, map[string]any{"id": first.ID, "t": tok})
		if len(r.Errors) > 0 || done.Status != "COMPLETED" {
			t.Fatalf("complete: %+v %+v", done, r.Errors)
		}
		if again, r := s.onboard(t, s.token, complete, map[string]any{"id": first.ID, "t": tok}); len(r.Errors) > 0 || again.Status != "COMPLETED" {
			t.Fatalf("a retried completion: %+v %+v", again, r.Errors)
		}
		second := startSession(t, s, finqwaresim.SkillRZB)
		second, _ = submit(t, s, second.ID, "sca", map[string]any{"psu_redirect_link": "myapp://finqware/done"})
		_, r = s.onboard(t, s.token, complete, map[string]any{"id": second.ID, "t": tok})
		expectCode(r, "ONBOARDING_TOKEN_USED")
		s.mustGQL(t, s.token, `query($id: ID!) { node(id: $id) { ... on OnboardingSession { status credentials { id } } } }`,
			map[string]any{"id": second.ID}, &node)
		if node.Node.Status != "AWAITING_CONSENT" || node.Node.Credentials != nil {
			t.Fatalf("a replayed token changed the session: %+v", node.Node)
		}

		// Cancel, then a step on the cancelled session.
		cancelled, r := s.onboard(t, s.token, `mutation($id: ID!) { cancelOnboardingSession(sessionId: $id) { status } }`,
			map[string]any{"id": second.ID})
		if len(r.Errors) > 0 || cancelled.Status != "CANCELLED" {
			t.Fatalf("cancel: %+v %+v", cancelled, r.Errors)
		}
		_, r = s.onboard(t, s.token, complete, map[string]any{"id": second.ID, "t": "whatever"})
		expectCode(r, "ONBOARDING_SESSION_CLOSED")

		// Another user's session is unknown.
		other := s.tokenFor(t, "mallory")
		_, r = s.onboard(t, other, `mutation($id: ID!) { cancelOnboardingSession(sessionId: $id) { status } }`,
			map[string]any{"id": first.ID})
		expectCode(r, "NOT_FOUND")
	})
}

// TestOnboardingStartIsIdempotent: a retried start with the same
// clientMutationId returns the same session.
func TestOnboardingStartIsIdempotent(t *testing.T) {
	s := newServer(t, migrations.SQLite, nil)
	start := `mutation($k: ID!) { startOnboardingSession(skill: $k, clientMutationId: "m-1") { id } }`
	vars := map[string]any{"k": s.skillID(t, finqwaresim.SkillBT)}
	a, _ := s.onboard(t, s.token, start, vars)
	b, _ := s.onboard(t, s.token, start, vars)
	if a.ID == "" || a.ID != b.ID {
		t.Fatalf("two starts with one clientMutationId: %s and %s", a.ID, b.ID)
	}
	if n := s.finq().Calls("/v1/sessions"); n != 1 {
		t.Fatalf("%d upstream sessions for one start", n)
	}
}

// TestOnboardingIsolation: every mutation taking a session id answers
// another user's session like an unknown one, and changes nothing.
func TestOnboardingIsolation(t *testing.T) {
	s := newServer(t, migrations.SQLite, nil)
	sess := startSession(t, s, finqwaresim.SkillDeposit)
	mallory := s.tokenFor(t, "mallory")
	for _, m := range []string{
		`mutation($id: ID!) { submitOnboardingStep(sessionId: $id, step: "product_form", data: {value: "100", currency: "RON", period: "3"}) { id } }`,
		`mutation($id: ID!) { completeOnboardingSession(sessionId: $id, tempToken: "t") { id } }`,
		`mutation($id: ID!) { cancelOnboardingSession(sessionId: $id) { id } }`,
		`query($id: ID!) { node(id: $id) { id } }`,
	} {
		r := s.gql(t, mallory, m, map[string]any{"id": sess.ID}, nil)
		if len(r.Errors) != 1 || code(r.Errors[0]) != "NOT_FOUND" {
			t.Errorf("%s as another user: %+v", m, r.Errors)
		}
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	ops, _ := json.Marshal(map[string]any{"query": `mutation($s: ID!, $f: Upload!) { uploadOnboardingDocument(sessionId: $s, stepId: "kyc_upload", file: $f) { id } }`,
		"variables": map[string]any{"s": sess.ID, "f": nil}})
	check(t, w.WriteField("operations", string(ops)))
	check(t, w.WriteField("map", `{"0":["variables.f"]}`))
	part, _ := w.CreateFormFile("0", "a.pdf")
	_, _ = part.Write(pdf)
	check(t, w.Close())
	res := s.do(t, http.MethodPost, "/graphql", body.String(), map[string]string{"Authorization": "Bearer " + mallory,
		"Content-Type": w.FormDataContentType(), "GraphQL-Require-Preflight": "1"})
	if !strings.Contains(res.body, "NOT_FOUND") {
		t.Errorf("an upload to another user's session: %s", res.body)
	}
	var node struct{ Node session }
	s.mustGQL(t, s.token, `query($id: ID!) { node(id: $id) { ... on OnboardingSession { status } } }`, map[string]any{"id": sess.ID}, &node)
	if node.Node.Status != "CREATED" {
		t.Fatalf("another user changed the session: %+v", node.Node)
	}
}

// sealFor encrypts v to the server's published key (RSA-OAEP-256, A256GCM).
func (s *testServer) sealFor(t *testing.T, v string) string {
	t.Helper()
	var set jose.JSONWebKeySet
	check(t, json.Unmarshal([]byte(s.do(t, "GET", "/.well-known/jwks.json", "", nil).body), &set))
	key := set.Keys[0]
	e, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.RSA_OAEP_256, Key: key.Key, KeyID: key.KeyID}, nil)
	check(t, err)
	obj, err := e.Encrypt([]byte(v))
	check(t, err)
	out, err := obj.CompactSerialize()
	check(t, err)
	return out
}

// TestOnboardingEncryptedValuesAndDeletion: a step value sent as a JWE
// reaches the provider decrypted and is stored nowhere; deleting the new
// connection deletes the consent upstream and erases its rows.
func TestOnboardingEncryptedValuesAndDeletion(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		sess := startSession(t, s, finqwaresim.SkillDeposit)
		value := "1777.35"
		sess, r := submit(t, s, sess.ID, "product_form", map[string]any{"value": s.sealFor(t, value), "currency": "RON", "period": "6"})
		if len(r.Errors) > 0 || sess.CurrentStep.Name != "kyc_upload" {
			t.Fatalf("an encrypted value: %+v %+v", sess, r.Errors)
		}
		var rows []map[string]any
		check(t, s.app.DB.Gorm.Table("onboarding_sessions").Find(&rows).Error)
		for _, row := range rows {
			for k, v := range row {
				if str, ok := v.(string); ok && strings.Contains(str, value) {
					t.Fatalf("the decrypted value is stored in onboarding_sessions.%s", k)
				}
			}
		}
		sess, _ = submit(t, s, sess.ID, "kyc_upload", map[string]any{"document_type": "id_card"})
		s.upload(t, sess.ID, "id.pdf", pdf, true)
		done, r := submit(t, s, sess.ID, "confirmation", map[string]any{"accept_terms": true})
		if len(r.Errors) > 0 || done.Credentials == nil {
			t.Fatalf("completion: %+v %+v", done, r.Errors)
		}
		var del struct {
			DeleteCredentials struct{ UpstreamConfirmed bool }
		}
		s.mustGQL(t, s.token, `mutation($id: ID!) { deleteCredentials(id: $id) { upstreamConfirmed } }`,
			map[string]any{"id": done.Credentials.ID}, &del)
		if !del.DeleteCredentials.UpstreamConfirmed || s.finq().Calls("/v1/consents/delete") != 1 {
			t.Fatalf("consent not deleted upstream: %+v, %d calls", del, s.finq().Calls("/v1/consents/delete"))
		}
		var left int64
		check(t, s.app.DB.Gorm.Model(&models.Credentials{}).Where("provider = ?", models.ProviderFinqware).Count(&left).Error)
		if left != 0 {
			t.Fatalf("%d Finqware credentials left after the deletion", left)
		}
	})
}
