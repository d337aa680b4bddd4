package app_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/google/uuid"

	"github.com/fingraph/fingraph/migrations"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/finqware/finqwaresim"
	"github.com/fingraph/fingraph/providers/flinks/flinkssim"
)

const sandboxLinkCode = `mutation($p: Provider!, $i: String, $s: String) {
  sandbox { linkCode(provider: $p, institution: $i, scenario: $s) } }`

// sandboxCode asks the API for a link code; vars holds the optional
// institution (i) and scenario (s).
func (s *testServer) sandboxCode(t *testing.T, provider string, vars map[string]any) (string, gqlResponse) {
	t.Helper()
	v := map[string]any{"p": provider}
	for k, x := range vars {
		v[k] = x
	}
	var out struct{ Sandbox struct{ LinkCode string } }
	r := s.gql(t, s.token, sandboxLinkCode, v, &out)
	return out.Sandbox.LinkCode, r
}

// linkedView is what the tests read of credentials just linked.
type linkedView struct {
	ID          string
	Institution struct{ ID string }
	Status      struct {
		Pending         bool
		RequiredActions []string
	}
}

// linkWith links a code through linkCredentials and returns the new
// credentials.
func (s *testServer) linkWith(t *testing.T, provider, code string) linkedView {
	t.Helper()
	var out struct {
		LinkCredentials struct {
			Status      string
			Credentials *linkedView
		}
	}
	s.mustGQL(t, s.token, `mutation($p: Provider!, $c: String!) { linkCredentials(provider: $p, code: $c) {
	  status credentials { id institution { id } status { pending requiredActions } } } }`,
		map[string]any{"p": provider, "c": code}, &out)
	if out.LinkCredentials.Status != "COMPLETED" || out.LinkCredentials.Credentials == nil {
		t.Fatalf("linkCredentials(%s, %s): %+v", provider, code, out)
	}
	return *out.LinkCredentials.Credentials
}

// wantCode checks a response failed with one error of code.
func wantCode(t *testing.T, what string, r gqlResponse, c string) {
	t.Helper()
	if len(r.Errors) != 1 || code(r.Errors[0]) != c {
		t.Fatalf("%s: want one %s error, got %+v", what, c, r.Errors)
	}
}

// TestSandboxLinkCodeFlanks: a Flanks Link code from the API links like
// one from Flanks Link; the scenario is TestBank's password, so SCA_SMS
// gives credentials waiting for SCA.
func TestSandboxLinkCodeFlanks(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		code, r := s.sandboxCode(t, "FLANKS", nil)
		if len(r.Errors) > 0 || code == "" {
			t.Fatalf("linkCode: %q %+v", code, r.Errors)
		}
		c := s.linkWith(t, "FLANKS", code)
		if c.Institution.ID != "testbank" || len(c.Status.RequiredActions) != 0 {
			t.Fatalf("plain link: %+v", c)
		}
		code, r = s.sandboxCode(t, "FLANKS", map[string]any{"i": "bbva", "s": "SCA_SMS"})
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		c = s.linkWith(t, "FLANKS", code)
		if c.Institution.ID != "bbva" || !slices.Contains(c.Status.RequiredActions, "SCA") {
			t.Fatalf("SCA_SMS link: %+v", c)
		}
		// A code is one-use, as Flanks Link's.
		r = s.gql(t, s.token, `mutation($c: String!) { linkCredentials(provider: FLANKS, code: $c) { status } }`,
			map[string]any{"c": code}, nil)
		if len(r.Errors) == 0 {
			t.Fatal("a link code linked twice")
		}
	})
}

// TestSandboxLinkCodeFlinks: a LoginId of a chosen FlinksCapital test
// user; test_pending links as pending and the data follows.
func TestSandboxLinkCodeFlinks(t *testing.T) {
	eachDB(t, flinksEnv, func(t *testing.T, s *testServer) {
		s.flinks().Server().SetWebhook("", nil) // the data must come from polling
		code, r := s.sandboxCode(t, "FLINKS", map[string]any{"s": flinkssim.UserPending})
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		id := s.linkFlinks(t, code)
		if first := s.readFlinks(t, id); !first.Status.Pending || len(first.Accounts.Nodes) != 0 {
			t.Fatalf("first read: %+v", first)
		}
		// The polling job brings the data; wait for the status too (it
		// may lag the accounts by a moment).
		deadline := time.Now().Add(60 * time.Second)
		v := s.waitAccounts(t, id)
		for v.Status.Pending && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
			v = s.readFlinks(t, id)
		}
		checkFlinksData(t, v, 1)
		code, r = s.sandboxCode(t, "FLINKS", map[string]any{"i": "flinkscapital"})
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		s.linkFlinks(t, code)
	})
}

// TestSandboxLinkCodeErrors: an unknown institution or test user is bad
// input; a provider whose simulator issues no link codes is UNSUPPORTED.
func TestSandboxLinkCodeErrors(t *testing.T) {
	s := newServer(t, migrations.SQLite, nil)
	for _, c := range []struct {
		provider string
		vars     map[string]any
		code     string
	}{
		{"FLANKS", map[string]any{"i": "no-such-bank"}, "BAD_USER_INPUT"},
		{"FLINKS", map[string]any{"s": "nobody"}, "BAD_USER_INPUT"},
		{"FLINKS", map[string]any{"i": "Other Bank"}, "BAD_USER_INPUT"},
		{"FLANKS", map[string]any{"s": "ALREADY_EXISTS"}, "CONFLICT"},
		{"FINQWARE", nil, "UNSUPPORTED"},
	} {
		_, r := s.sandboxCode(t, c.provider, c.vars)
		wantCode(t, c.provider+" "+c.code, r, c.code)
	}
	// No token, no sandbox.
	res := s.do(t, http.MethodPost, "/graphql", `{"query":"mutation { sandbox { linkCode(provider: FLANKS) } }"}`,
		map[string]string{"Content-Type": "application/json"})
	if res.status != http.StatusUnauthorized && !strings.Contains(res.body, "UNAUTHENTICATED") {
		t.Fatalf("anonymous linkCode: %d %s", res.status, res.body)
	}
	// Analysts read, never write.
	analyst := s.tokenFor(t, "ana", "analyst")
	r := s.gql(t, analyst, sandboxLinkCode, map[string]any{"p": "FLANKS"}, nil)
	wantCode(t, "analyst", r, "FORBIDDEN")
}

const fireWebhook = `mutation($id: ID!) { sandbox { fireWebhook(credentialsId: $id) } }`

// TestSandboxFireWebhook: the signed Flinks delivery for the caller's
// credentials brings the data without a call to Flinks; another user's
// credentials are NOT_FOUND, exactly as unknown ones; a provider without
// webhooks is UNSUPPORTED.
func TestSandboxFireWebhook(t *testing.T) {
	eachDB(t, flinksEnv, func(t *testing.T, s *testServer) {
		sim := s.flinks().Server()
		sim.SetWebhook("", nil)
		code, r := s.sandboxCode(t, "FLINKS", nil)
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		id := s.linkFlinks(t, code)
		sim.SetWebhook(s.URL+"/webhooks/flinks", []byte(s.flinks().WebhookSecret()))
		var out struct{ Sandbox struct{ FireWebhook bool } }
		s.mustGQL(t, s.token, fireWebhook, map[string]any{"id": id}, &out)
		if !out.Sandbox.FireWebhook {
			t.Fatal("fireWebhook answered false")
		}
		waitProcessed(t, s, 1)
		checkFlinksData(t, s.readFlinks(t, id), 2)
		if n := sim.Requests(flinkssim.EndpointGetAccountsDetail); n != 0 {
			t.Fatalf("%d GetAccountsDetail calls after the webhook delivered the data", n)
		}

		mallory := s.tokenFor(t, "mallory")
		unknown := base64.RawURLEncoding.EncodeToString([]byte("Credentials:" + uuid.NewString()))
		want := s.gql(t, mallory, fireWebhook, map[string]any{"id": unknown}, nil)
		wantCode(t, "unknown id", want, "NOT_FOUND")
		got := s.gql(t, mallory, fireWebhook, map[string]any{"id": id}, nil)
		wantCode(t, "another user's credentials", got, "NOT_FOUND")
		if string(got.Data) != string(want.Data) || got.Errors[0].Message != want.Errors[0].Message {
			t.Fatalf("another user's credentials answer unlike unknown ones: %s %+v / %s %+v", got.Data, got.Errors, want.Data, want.Errors)
		}
		if before := len(sim.Deliveries()); before != 1 {
			t.Fatalf("%d deliveries, want 1", before)
		}

		var creds struct {
			Me struct {
				Credentials struct {
					Nodes []struct{ ID, Provider string }
				}
			}
		}
		s.mustGQL(t, s.token, `{ me { credentials { nodes { id provider } } } }`, nil, &creds)
		for _, c := range creds.Me.Credentials.Nodes {
			if c.Provider == "FLANKS" {
				wantCode(t, "Flanks credentials", s.gql(t, s.token, fireWebhook, map[string]any{"id": c.ID}, nil), "UNSUPPORTED")
				return
			}
		}
		t.Fatalf("no Flanks demo credentials: %+v", creds)
	})
}

const decideConsent = `mutation($id: ID!, $ok: Boolean!) { sandbox { decideConsent(sessionId: $id, approve: $ok) { ` +
	sessionFields + ` } } }`

// decide runs decideConsent and returns the session it answers.
func (s *testServer) decide(t *testing.T, token, id string, approve bool) (session, gqlResponse) {
	t.Helper()
	var out struct {
		Sandbox struct{ DecideConsent session }
	}
	r := s.gql(t, token, decideConsent, map[string]any{"id": id, "ok": approve}, &out)
	return out.Sandbox.DecideConsent, r
}

// awaitingConsent starts a BT session and submits its sca step.
func awaitingConsent(t *testing.T, s *testServer) session {
	t.Helper()
	sess, r := submit(t, s, startSession(t, s, finqwaresim.SkillBT).ID, "sca", nil)
	if len(r.Errors) > 0 || sess.Status != "AWAITING_CONSENT" || sess.Redirect == nil {
		t.Fatalf("after sca: %+v %+v", sess, r.Errors)
	}
	return sess
}

// TestSandboxDecideConsent: approving completes the session with its new
// credentials and their data; denying fails it; a decided session, or
// another user's, cannot be decided.
func TestSandboxDecideConsent(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		sess := awaitingConsent(t, s)
		mallory := s.tokenFor(t, "mallory")
		_, r := s.decide(t, mallory, sess.ID, true)
		wantCode(t, "another user's session", r, "NOT_FOUND")

		done, r := s.decide(t, s.token, sess.ID, true)
		if len(r.Errors) > 0 || done.Status != "COMPLETED" || done.Credentials == nil || done.Credentials.Provider != "FINQWARE" {
			t.Fatalf("approved: %+v %+v", done, r.Errors)
		}
		if accts := done.Credentials.Accounts.Nodes; len(accts) == 0 || accts[0].Transactions.TotalCount == 0 {
			t.Fatalf("the new connection's data: %+v", accts)
		}
		_, r = s.decide(t, s.token, sess.ID, false)
		wantCode(t, "a completed session", r, "ONBOARDING_STEP_OUT_OF_ORDER")

		sess = awaitingConsent(t, s)
		failed, r := s.decide(t, s.token, sess.ID, false)
		if len(r.Errors) > 0 || failed.Status != "FAILED" || failed.ErrorCode == nil || *failed.ErrorCode != "CONSENT_DENIED" ||
			failed.Credentials != nil {
			t.Fatalf("denied: %+v %+v", failed, r.Errors)
		}
		// Not yet at the consent step.
		fresh := startSession(t, s, finqwaresim.SkillBT)
		_, r = s.decide(t, s.token, fresh.ID, true)
		wantCode(t, "a session before its sca step", r, "ONBOARDING_STEP_OUT_OF_ORDER")
	})
}

const setFault = `mutation($p: Provider!, $f: SandboxFault!, $s: Int) { sandbox { setFault(provider: $p, fault: $f, seconds: $s) } }`

// simFaults reads a simulator's fault knobs from its own sandbox endpoint.
func (s *testServer) simFaults(t *testing.T, p models.Provider) (latencyMS int64, errorRate float64) {
	t.Helper()
	res, err := http.Get(s.app.Sandbox.Sim(p).Describe().BaseURL + "/sandbox/faults")
	check(t, err)
	defer res.Body.Close()
	var out struct {
		LatencyMS int64   `json:"latency_ms"`
		ErrorRate float64 `json:"error_rate"`
	}
	check(t, json.NewDecoder(res.Body).Decode(&out))
	return out.LatencyMS, out.ErrorRate
}

// refresh refreshes credentials and returns the response.
func (s *testServer) refresh(t *testing.T, id string) gqlResponse {
	t.Helper()
	return s.gql(t, s.token, `mutation($id: ID!) { refreshCredentials(id: $id) { id } }`, map[string]any{"id": id}, nil)
}

// TestSandboxSetFault: a failing Flanks fails a refresh with
// UPSTREAM_UNAVAILABLE until NONE; a fault ends by itself after its
// seconds; SLOW adds 3 s per call.
func TestSandboxSetFault(t *testing.T) {
	s := newServer(t, migrations.SQLite, nil)
	id := s.link(t, s.token, "testbank", "")
	vars := func(f string, secs any) map[string]any { return map[string]any{"p": "FLANKS", "f": f, "s": secs} }

	s.mustGQL(t, s.token, setFault, vars("FAILING", 60), nil)
	if _, rate := s.simFaults(t, models.ProviderFlanks); rate != 1 {
		t.Fatalf("error rate %v while failing", rate)
	}
	r := s.refresh(t, id)
	if len(r.Errors) == 0 || code(r.Errors[0]) != "UPSTREAM_UNAVAILABLE" {
		t.Fatalf("refresh of a failing provider: %s %+v", r.Data, r.Errors)
	}
	s.mustGQL(t, s.token, setFault, vars("NONE", nil), nil)
	// The client's circuit breaker, opened by the failures, lets a trial
	// call through a few seconds later.
	deadline := time.Now().Add(30 * time.Second)
	for r := s.refresh(t, id); len(r.Errors) > 0; r = s.refresh(t, id) {
		if time.Now().After(deadline) {
			t.Fatalf("refresh still fails after the fault ended: %+v", r.Errors)
		}
		time.Sleep(200 * time.Millisecond)
	}

	// A fault ends by itself.
	s.mustGQL(t, s.token, setFault, vars("FAILING", 1), nil)
	deadline = time.Now().Add(10 * time.Second)
	for _, rate := s.simFaults(t, models.ProviderFlanks); rate != 0; _, rate = s.simFaults(t, models.ProviderFlanks) {
		if time.Now().After(deadline) {
			t.Fatal("the fault did not end after its second")
		}
		time.Sleep(50 * time.Millisecond)
	}

	s.mustGQL(t, s.token, setFault, map[string]any{"p": "FLANKS", "f": "SLOW"}, nil) // default seconds
	if lat, rate := s.simFaults(t, models.ProviderFlanks); lat != 3000 || rate != 0 {
		t.Fatalf("slow: latency %d ms, error rate %v", lat, rate)
	}
	s.mustGQL(t, s.token, setFault, map[string]any{"p": "FLANKS", "f": "NONE"}, nil)
	if lat, _ := s.simFaults(t, models.ProviderFlanks); lat != 0 {
		t.Fatalf("latency %d ms after NONE", lat)
	}
	// Every simulator takes faults.
	for _, p := range []string{"FLINKS", "FINQWARE"} {
		s.mustGQL(t, s.token, setFault, map[string]any{"p": p, "f": "FAILING", "s": 30}, nil)
		s.mustGQL(t, s.token, setFault, map[string]any{"p": p, "f": "NONE"}, nil)
	}
	for _, secs := range []int{0, -1, 3601} {
		wantCode(t, "seconds out of range", s.gql(t, s.token, setFault, vars("SLOW", secs), nil), "BAD_USER_INPUT")
	}
}

// TestSandboxNotInProduction: a production server has no sandbox
// namespace, even with FINGRAPH_SANDBOX=true: a query for it fails
// validation and introspection does not list it.
func TestSandboxNotInProduction(t *testing.T) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	check(t, err)
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	check(t, err)
	key32 := base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	prod := map[string]string{"FINGRAPH_ENV": "production", "FINGRAPH_INTROSPECTION": "true",
		"AUTH_PUBLIC_KEY": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
		"AUTH_ISSUER":     "https://id.example.com/", "AUTH_AUDIENCE": "fingraph",
		"FINGRAPH_MASTER_KEY": key32, "FINGRAPH_INDEX_KEY": key32,
		// Production requires a real Flanks (never reached here).
		"FLANKS_BASE_URL": "http://127.0.0.1:9", "FLANKS_CLIENT_ID": "id", "FLANKS_CLIENT_SECRET": "secret"}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: priv}, (&jose.SignerOptions{}).WithType("JWT"))
	check(t, err)
	token, err := jwt.Signed(signer).Claims(jwt.Claims{Subject: "prod-user", Issuer: "https://id.example.com/",
		Audience: jwt.Audience{"fingraph"}, Expiry: jwt.NewNumericDate(time.Now().Add(time.Hour))}).
		Claims(map[string]any{"roles": []string{"user"}}).Serialize()
	check(t, err)
	for name, extra := range map[string]map[string]string{"default": nil, "FINGRAPH_SANDBOX=true": {"FINGRAPH_SANDBOX": "true"}} {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range prod {
				env[k] = v
			}
			for k, v := range extra {
				env[k] = v
			}
			s := newServer(t, migrations.Postgres, env)
			if s.app.SandboxMutations() {
				t.Fatal("a production server offers the sandbox mutations")
			}
			h := map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"}
			res := s.do(t, http.MethodPost, "/graphql", `{"query":"mutation { sandbox { __typename } }"}`, h)
			if !strings.Contains(res.body, `Cannot query field \"sandbox\" on type \"Mutation\"`) ||
				!strings.Contains(res.body, "GRAPHQL_VALIDATION_FAILED") {
				t.Fatalf("sandbox on a production server: %d %s", res.status, res.body)
			}
			var out struct {
				Schema struct {
					MutationType struct{ Fields []struct{ Name string } }
				} `json:"__schema"`
				Type *struct{ Name string } `json:"__type"`
			}
			s.mustGQL(t, token, `{ __schema { mutationType { fields { name } } } __type(name: "SandboxMutations") { name } }`, nil, &out)
			names := make([]string, 0, len(out.Schema.MutationType.Fields))
			for _, f := range out.Schema.MutationType.Fields {
				names = append(names, f.Name)
			}
			if slices.Contains(names, "sandbox") || !slices.Contains(names, "linkCredentials") || out.Type != nil {
				t.Fatalf("introspection: mutations %v, SandboxMutations %+v", names, out.Type)
			}
			if sdl := s.do(t, http.MethodGet, "/graphql/schema.graphql", "", nil); sdl.status == http.StatusOK &&
				strings.Contains(sdl.body, "Sandbox") {
				t.Fatal("the published schema has the sandbox namespace")
			}
		})
	}
}

// TestSandboxInDevelopmentSchema: a development server lists the namespace
// in introspection; its published schema stays schema.graphql, the public
// one (TestSchemaFile).
func TestSandboxInDevelopmentSchema(t *testing.T) {
	s := newServer(t, migrations.SQLite, nil)
	if !s.app.SandboxMutations() {
		t.Fatal("a development server without the sandbox mutations")
	}
	var out struct {
		Type *struct{ Fields []struct{ Name string } } `json:"__type"`
	}
	s.mustGQL(t, s.token, `{ __type(name: "SandboxMutations") { fields { name } } }`, nil, &out)
	if out.Type == nil || len(out.Type.Fields) != 4 {
		t.Fatalf("SandboxMutations: %+v", out.Type)
	}
	sdl := s.do(t, http.MethodGet, "/graphql/schema.graphql", "", nil)
	if sdl.status != http.StatusOK || strings.Contains(sdl.body, "Sandbox") {
		t.Fatalf("published schema: %d", sdl.status)
	}
}
