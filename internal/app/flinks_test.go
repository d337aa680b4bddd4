package app_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fingraph/fingraph/migrations"
	"github.com/fingraph/fingraph/providers/flinks"
	"github.com/fingraph/fingraph/providers/flinks/flinksadapter"
	"github.com/fingraph/fingraph/providers/flinks/flinkssim"
)

// flinksEnv polls Flinks quickly, so a pending extraction ends within a
// test; the tests poll the API as quickly while they wait, which the
// per-user cost budget (tested on its own) would throttle.
var flinksEnv = map[string]string{"FLINKS_POLL_INTERVAL": "100ms", "FINGRAPH_RATE_PER_SECOND": "0"}

func (s *testServer) flinks() *flinksadapter.Sim { return flinksadapter.SimServer(s.app.Sandbox) }

// flinksLogin creates a login in the simulator, as Flinks Connect does
// when the user signs in to their bank, and returns its LoginId.
func (s *testServer) flinksLogin(t *testing.T, user string) string {
	t.Helper()
	id, err := s.flinks().Server().CreateLogin(user, flinkssim.TestPassword)
	check(t, err)
	return id
}

// linkFlinks links a LoginId through the API and returns the credentials id.
func (s *testServer) linkFlinks(t *testing.T, code string) string {
	t.Helper()
	var out struct {
		LinkCredentials struct {
			Status      string
			Credentials struct {
				ID          string
				Provider    string
				Institution struct{ ID string }
			}
		}
	}
	s.mustGQL(t, s.token, `mutation($c: String!) { linkCredentials(provider: FLINKS, code: $c) {
	  status credentials { id provider institution { id } } } }`, map[string]any{"c": code}, &out)
	c := out.LinkCredentials.Credentials
	if out.LinkCredentials.Status != "COMPLETED" || c.Provider != "FLINKS" || c.Institution.ID != flinkssim.Institution {
		t.Fatalf("linkCredentials: %+v", out)
	}
	return c.ID
}

// flinksView is what the tests read of Flinks credentials.
type flinksView struct {
	Status   struct{ Pending bool }
	Identity *struct{ FullName *string }
	Accounts struct {
		Nodes []struct {
			Balance, Currency string
			Transactions      struct {
				TotalCount int
				Nodes      []struct{ Amount string }
			}
		}
	}
}

func (s *testServer) readFlinks(t *testing.T, id string) flinksView {
	t.Helper()
	var out struct{ Node flinksView }
	// Five accounts (the simulator's users have two), not the default 50:
	// the tests poll this read, and each account's transactions totalCount
	// is charged as a capped count; 50 of them would spend the rate budget
	// within a few polls.
	s.mustGQL(t, s.token, `query($id: ID!) { node(id: $id) { ... on Credentials { status { pending } identity { fullName }
	  accounts(first: 5) { nodes { balance currency transactions(first: 3) { totalCount nodes { amount } } } } } } }`,
		map[string]any{"id": id}, &out)
	return out.Node
}

// waitAccounts reads until the credentials show accounts.
func (s *testServer) waitAccounts(t *testing.T, id string) flinksView {
	t.Helper()
	return s.waitFlinks(t, id, func(v flinksView) bool { return len(v.Accounts.Nodes) > 0 })
}

// waitSettled reads until the credentials show accounts and are no longer
// pending. One response may show the data beside the pending flag it read
// a moment earlier: the flag follows in the next read.
func (s *testServer) waitSettled(t *testing.T, id string) flinksView {
	t.Helper()
	return s.waitFlinks(t, id, func(v flinksView) bool { return len(v.Accounts.Nodes) > 0 && !v.Status.Pending })
}

func (s *testServer) waitFlinks(t *testing.T, id string, done func(flinksView) bool) flinksView {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		v := s.readFlinks(t, id)
		if done(v) {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("no accounts after a minute: %+v", v)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func checkFlinksData(t *testing.T, v flinksView, accounts int) {
	t.Helper()
	if len(v.Accounts.Nodes) != accounts || v.Status.Pending || v.Identity == nil || v.Identity.FullName == nil {
		t.Fatalf("flinks data: %+v", v)
	}
	for _, a := range v.Accounts.Nodes {
		if a.Currency != "CAD" || a.Transactions.TotalCount == 0 || !strings.Contains(a.Balance, ".") {
			t.Fatalf("account: %+v", a)
		}
	}
}

// TestFlinksPendingIsPolled: Flinks answers the first GetAccountsDetail
// with 202 OPERATION_PENDING; the read shows a pending connection with no
// data (not an error), and the polling job brings the data in.
func TestFlinksPendingIsPolled(t *testing.T) {
	eachDB(t, flinksEnv, func(t *testing.T, s *testServer) {
		sim := s.flinks().Server()
		sim.SetWebhook("", nil) // the data must come from polling
		id := s.linkFlinks(t, s.flinksLogin(t, flinkssim.UserPending))
		first := s.readFlinks(t, id)
		if !first.Status.Pending || len(first.Accounts.Nodes) != 0 {
			t.Fatalf("first read: %+v", first)
		}
		checkFlinksData(t, s.waitSettled(t, id), 1)
		if n := sim.Requests(flinkssim.EndpointGetAccountsDetailAsync); n == 0 {
			t.Fatal("the data came without a poll")
		}
		if n := sim.Requests(flinkssim.EndpointGetAccountsDetail); n != 1 {
			t.Fatalf("%d GetAccountsDetail calls; the poll job should own the extraction", n)
		}
	})
}

// TestFlinksLinkCodes: the Connect redirect URL links like its LoginId;
// an unknown LoginId or garbage is BAD_USER_INPUT.
func TestFlinksLinkCodes(t *testing.T) {
	s := newServer(t, migrations.SQLite, flinksEnv)
	id := s.flinksLogin(t, flinkssim.UserGreatdayNoMFA)
	s.linkFlinks(t, "https://app.example/connected?loginId="+id+"&institution=FlinksCapital")
	for _, c := range []string{"garbage", "6d1d7b1e-0f1e-4c36-9d1a-2c3d4e5f6a7b"} {
		r := s.gql(t, s.token, `mutation($c: String!) { linkCredentials(provider: FLINKS, code: $c) { status } }`,
			map[string]any{"c": c}, nil)
		if len(r.Errors) != 1 || code(r.Errors[0]) != "BAD_USER_INPUT" {
			t.Fatalf("link %q: %+v", c, r.Errors)
		}
	}
}

// TestFlinksWebhookBringsData: a signed GetAccountsDetail delivery fills
// the cache; reading afterwards costs no call to Flinks.
func TestFlinksWebhookBringsData(t *testing.T) {
	eachDB(t, flinksEnv, func(t *testing.T, s *testServer) {
		sim := s.flinks().Server()
		sim.SetWebhook("", nil)
		loginID := s.flinksLogin(t, flinkssim.UserGreatdayNoMFA)
		id := s.linkFlinks(t, loginID)
		sim.SetWebhook(s.URL+"/webhooks/flinks", []byte(s.flinks().WebhookSecret()))
		check(t, sim.FireWebhook(loginID))
		waitProcessed(t, s, 1)
		checkFlinksData(t, s.readFlinks(t, id), 2)
		if n := sim.Requests(flinkssim.EndpointGetAccountsDetail); n != 0 {
			t.Fatalf("%d GetAccountsDetail calls after a webhook delivered the data", n)
		}
	})
}

// TestFlinksWebhookBeforeLink: a delivery that arrives before the frontend
// has handed the LoginId over is kept and applied once the link commits.
func TestFlinksWebhookBeforeLink(t *testing.T) {
	s := newServer(t, migrations.SQLite, flinksEnv)
	sim := s.flinks().Server()
	loginID := s.flinksLogin(t, flinkssim.UserGreatdayNoMFA) // delivers at once
	sim.WaitWebhooks()
	if d := sim.Deliveries(); len(d) == 0 || d[len(d)-1].StatusCode != http.StatusOK {
		t.Fatalf("deliveries: %+v", d)
	}
	sim.SetWebhook("", nil)
	id := s.linkFlinks(t, loginID)
	waitProcessed(t, s, 1)
	checkFlinksData(t, s.readFlinks(t, id), 2)
	if n := sim.Requests(flinkssim.EndpointGetAccountsDetail); n != 0 {
		t.Fatalf("%d GetAccountsDetail calls; the early delivery had the data", n)
	}
}

// waitProcessed waits until n webhook deliveries are processed.
func waitProcessed(t *testing.T, s *testServer, n int64) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var done int64
		check(t, s.app.DB.Gorm.Table("webhook_events").Where("processed_at IS NOT NULL").Count(&done).Error)
		if done >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d deliveries processed after a minute", done, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func webhookRows(t *testing.T, s *testServer) int64 {
	t.Helper()
	var n int64
	check(t, s.app.DB.Gorm.Table("webhook_events").Count(&n).Error)
	return n
}

// TestFlinksWebhookRejections: a delivery that is not signed with the
// secret answers 401 and stores nothing; unknown or webhook-less
// providers answer 404; an oversized body 413.
func TestFlinksWebhookRejections(t *testing.T) {
	s := newServer(t, migrations.SQLite, map[string]string{"FINGRAPH_MAX_WEBHOOK_BYTES": "4096"})
	secret := []byte(s.flinks().WebhookSecret())
	body := `{"ResponseType":"GetAccountsDetail","HttpStatusCode":200,"Login":{"Id":"6d1d7b1e-0f1e-4c36-9d1a-2c3d4e5f6a7b"},"Accounts":[]}`
	sign := func(key []byte, b string) map[string]string {
		return map[string]string{flinks.WebhookSignatureHeader: flinks.SignWebhook(key, []byte(b)), "Content-Type": "application/json"}
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(body))
	var indented bytes.Buffer
	check(t, json.Indent(&indented, []byte(body), "", "  "))
	for _, c := range []struct {
		name, body string
		h          map[string]string
	}{
		{"no header", body, map[string]string{"Content-Type": "application/json"}},
		{"wrong secret", body, sign([]byte("not the configured secret"), body)},
		{"one byte changed", strings.Replace(body, "200", "201", 1), sign(secret, body)},
		{"re-serialized JSON", indented.String(), sign(secret, body)},
		{"empty body", "", sign(secret, body)},
		{"empty body signed", "", sign(secret, "")},
		{"hex instead of base64", body, map[string]string{flinks.WebhookSignatureHeader: hex.EncodeToString(mac.Sum(nil))}},
		{"not base64", body, map[string]string{flinks.WebhookSignatureHeader: "%%%"}},
		{"empty signature", body, map[string]string{flinks.WebhookSignatureHeader: ""}},
	} {
		if r := s.do(t, http.MethodPost, "/webhooks/flinks", c.body, c.h); r.status != http.StatusUnauthorized {
			t.Errorf("%s: %d %s", c.name, r.status, r.body)
		}
	}
	if n := webhookRows(t, s); n != 0 {
		t.Fatalf("%d deliveries stored from rejected requests", n)
	}
	for _, p := range []string{"nope", "flanks", "finqware"} {
		if r := s.do(t, http.MethodPost, "/webhooks/"+p, body, sign(secret, body)); r.status != http.StatusNotFound {
			t.Errorf("/webhooks/%s: %d", p, r.status)
		}
	}
	if r := s.do(t, http.MethodGet, "/webhooks/flinks", "", nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", r.status)
	}
	big := `{"x":"` + strings.Repeat("a", 5000) + `"}`
	if r := s.do(t, http.MethodPost, "/webhooks/flinks", big, sign(secret, big)); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized: %d", r.status)
	}
	if r := s.do(t, http.MethodPost, "/webhooks/flinks", body, sign(secret, body)); r.status != http.StatusOK {
		t.Fatalf("the signed delivery: %d %s", r.status, r.body)
	}
	other := strings.Replace(body, "200", "200 ", 1)
	if r := s.do(t, http.MethodPost, "/webhooks/flinks", other, map[string]string{"X-Flinks-Signature": flinks.SignWebhook(secret, []byte(other))}); r.status != http.StatusOK {
		t.Fatalf("signed in X-Flinks-Signature: %d %s", r.status, r.body)
	}
	if n := webhookRows(t, s); n != 2 {
		t.Fatalf("%d deliveries stored; want the two signed ones", n)
	}
}

// TestFlinksWebhookOnce: the same delivery sent concurrently and again
// later is stored and processed once, and every copy is acknowledged.
func TestFlinksWebhookOnce(t *testing.T) {
	eachDB(t, flinksEnv, func(t *testing.T, s *testServer) {
		sim := s.flinks().Server()
		sim.SetWebhook("", nil)
		loginID := s.flinksLogin(t, flinkssim.UserGreatdayNoMFA)
		id := s.linkFlinks(t, loginID)
		target := &httpRecorder{}
		rec := target.start(t)
		sim.SetWebhook(rec, []byte(s.flinks().WebhookSecret()))
		check(t, sim.FireWebhook(loginID))
		body, header := target.last()
		var wg sync.WaitGroup
		statuses := make([]int, 8)
		for i := range statuses {
			wg.Go(func() {
				statuses[i] = s.do(t, http.MethodPost, "/webhooks/flinks", string(body),
					map[string]string{flinks.WebhookSignatureHeader: header}).status
			})
		}
		wg.Wait()
		if slices.ContainsFunc(statuses, func(c int) bool { return c != http.StatusOK }) {
			t.Fatalf("statuses %v", statuses)
		}
		waitProcessed(t, s, 1)
		if r := s.do(t, http.MethodPost, "/webhooks/flinks", string(body), map[string]string{flinks.WebhookSignatureHeader: header}); r.status != http.StatusOK {
			t.Fatalf("a later redelivery: %d", r.status)
		}
		if n := webhookRows(t, s); n != 1 {
			t.Fatalf("%d deliveries stored; want 1", n)
		}
		checkFlinksData(t, s.readFlinks(t, id), 2)
	})
}

// TestFlinksDeleteCredentials: deleting Flinks credentials calls
// DeleteCard, so Flinks forgets the login too.
func TestFlinksDeleteCredentials(t *testing.T) {
	s := newServer(t, migrations.SQLite, flinksEnv)
	loginID := s.flinksLogin(t, flinkssim.UserGreatdayNoMFA)
	id := s.linkFlinks(t, loginID)
	var out struct {
		DeleteCredentials struct{ UpstreamConfirmed bool }
	}
	s.mustGQL(t, s.token, `mutation($id: ID!) { deleteCredentials(id: $id) { upstreamConfirmed } }`, map[string]any{"id": id}, &out)
	if !out.DeleteCredentials.UpstreamConfirmed || slices.Contains(s.flinks().Server().Logins(), loginID) {
		t.Fatalf("delete: %+v; Flinks logins %v", out, s.flinks().Server().Logins())
	}
}

// TestFlinksDemoBesideFlanks: the full sandbox demo gives the demo user a
// Flinks connection next to the Flanks ones, all in one graph.
func TestFlinksDemoBesideFlanks(t *testing.T) {
	s := newServer(t, migrations.SQLite, map[string]string{"FINGRAPH_SANDBOX_DEMO": "all"})
	var out struct {
		Me struct {
			Credentials struct {
				Nodes []struct{ ID, Provider string }
			}
		}
	}
	s.mustGQL(t, s.token, `{ me { credentials { nodes { id provider } } } }`, nil, &out)
	var flinksID string
	providers := map[string]int{}
	for _, c := range out.Me.Credentials.Nodes {
		providers[c.Provider]++
		if c.Provider == "FLINKS" {
			flinksID = c.ID
		}
	}
	if providers["FLANKS"] == 0 || providers["FLINKS"] != 1 {
		t.Fatalf("demo credentials: %v", providers)
	}
	checkFlinksData(t, s.waitSettled(t, flinksID), 2)
}

// httpRecorder captures the deliveries sent to it, to replay them.
type httpRecorder struct {
	mu     sync.Mutex
	body   []byte
	header string
}

// start serves the recorder and returns its URL.
func (h *httpRecorder) start(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.body, h.header = b, r.Header.Get(flinks.WebhookSignatureHeader)
		h.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// last returns the last delivery's body and signature.
func (h *httpRecorder) last() ([]byte, string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.body, h.header
}

// TestFlinksRefresh: refreshCredentials asks Flinks again, once for all
// the products one GetAccountsDetail brings.
func TestFlinksRefresh(t *testing.T) {
	s := newServer(t, migrations.SQLite, flinksEnv)
	sim := s.flinks().Server()
	sim.SetWebhook("", nil)
	id := s.linkFlinks(t, s.flinksLogin(t, flinkssim.UserGreatdayNoMFA))
	s.readFlinks(t, id) // the first read fetches (its status may predate the data)
	checkFlinksData(t, s.readFlinks(t, id), 2)
	before := sim.Requests(flinkssim.EndpointGetAccountsDetail)
	s.mustGQL(t, s.token, `mutation($id: ID!) { refreshCredentials(id: $id) { id } }`, map[string]any{"id": id}, nil)
	if n := sim.Requests(flinkssim.EndpointGetAccountsDetail) - before; n != 1 {
		t.Fatalf("%d GetAccountsDetail calls for one refresh", n)
	}
	checkFlinksData(t, s.readFlinks(t, id), 2)
}
