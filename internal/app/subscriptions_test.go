package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/fingraph/fingraph/internal/app"
	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/migrations"
	"github.com/fingraph/fingraph/providers/finqware/finqwaresim"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// wsMsg is one graphql-transport-ws message.
type wsMsg struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// wsClient speaks graphql-transport-ws to a test server.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
	msgs chan wsMsg
	done chan struct{}
	held []wsMsg // read while waiting for another subscription
}

// dialWS opens a connection and sends connection_init with token; it
// returns the client and the first answer (connection_ack or a close).
func (s *testServer) dialWS(t *testing.T, token string) (*wsClient, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	url := "ws" + strings.TrimPrefix(s.URL, "http") + "/graphql"
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return nil, err
	}
	c := &wsClient{t: t, conn: conn, msgs: make(chan wsMsg, 64), done: make(chan struct{})}
	t.Cleanup(func() { _ = conn.CloseNow() })
	go c.read()
	c.send(wsMsg{Type: "connection_init", Payload: json.RawMessage(fmt.Sprintf(`{"Authorization":"Bearer %s"}`, token))})
	select {
	case m, ok := <-c.msgs:
		if !ok {
			return nil, fmt.Errorf("closed before connection_ack")
		}
		if m.Type != "connection_ack" {
			return nil, fmt.Errorf("got %s before connection_ack", m.Type)
		}
		return c, nil
	case <-time.After(10 * time.Second):
		return nil, fmt.Errorf("no connection_ack")
	}
}

func (c *wsClient) read() {
	defer close(c.msgs)
	for {
		_, b, err := c.conn.Read(context.Background())
		if err != nil {
			return
		}
		var m wsMsg
		if json.Unmarshal(b, &m) != nil {
			continue
		}
		if m.Type == "ping" {
			c.send(wsMsg{Type: "pong"})
			continue
		}
		if m.Type != "pong" {
			c.msgs <- m
		}
	}
}

func (c *wsClient) send(m wsMsg) {
	b, _ := json.Marshal(m)
	_ = c.conn.Write(context.Background(), websocket.MessageText, b)
}

func (c *wsClient) subscribe(id, query string, vars map[string]any) {
	p, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	c.send(wsMsg{ID: id, Type: "subscribe", Payload: p})
}

// next returns the next message, or fails after wait.
func (c *wsClient) next(wait time.Duration) (wsMsg, bool) {
	select {
	case m, ok := <-c.msgs:
		return m, ok
	case <-time.After(wait):
		return wsMsg{}, false
	}
}

// mustNext returns the next message of subscription id; messages of
// other subscriptions read meanwhile are kept for their turn.
func (c *wsClient) mustNext(id string) wsMsg {
	c.t.Helper()
	for i, m := range c.held {
		if m.ID == id {
			c.held = append(c.held[:i], c.held[i+1:]...)
			return m
		}
	}
	for {
		m, ok := c.next(30 * time.Second)
		if !ok {
			c.t.Fatalf("no message for %s", id)
		}
		if testing.Verbose() {
			c.t.Logf("message %s %s %s", m.ID, m.Type, m.Payload)
		}
		if m.ID == id {
			return m
		}
		c.held = append(c.held, m)
	}
}

// quiet asserts no message arrives for a while.
func (c *wsClient) quiet(d time.Duration) {
	c.t.Helper()
	if m, ok := c.next(d); ok {
		c.t.Fatalf("unexpected message %s %s", m.Type, m.Payload)
	}
}

// TestSubscriptionsFollowChanges: a refresh pushes the credentials to
// their owner's credentialsUpdated and syncCompleted streams, never to
// another user's; a foreign id is NOT_FOUND; an onboarding session's
// moves reach its subscriber in order.
func TestSubscriptionsFollowChanges(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		credsID := demoCredentialsID(t, s)
		// Fetch the accounts once, so a refresh fetches them again.
		s.mustGQL(t, s.token, `query($id: ID!) { node(id: $id) { ... on Credentials { accounts { totalCount } } } }`,
			map[string]any{"id": credsID}, nil)
		owner, err := s.dialWS(t, s.token)
		check(t, err)
		owner.subscribe("c", `subscription($id: ID!) { credentialsUpdated(id: $id) { id status { pending } } }`, map[string]any{"id": credsID})
		owner.subscribe("s", `subscription { syncCompleted { product credentials { id } } }`, nil)
		other, err := s.dialWS(t, s.tokenFor(t, "mallory"))
		check(t, err)
		other.subscribe("x", `subscription($id: ID!) { credentialsUpdated(id: $id) { id } }`, map[string]any{"id": credsID})
		if m := other.mustNext("x"); !strings.Contains(string(m.Payload), "NOT_FOUND") {
			t.Fatalf("a foreign id: %s %s", m.Type, m.Payload)
		}
		if m := other.mustNext("x"); m.Type != "complete" {
			t.Fatalf("after NOT_FOUND: %s", m.Type)
		}
		other.subscribe("y", `subscription { syncCompleted { product } }`, nil)
		time.Sleep(200 * time.Millisecond) // subscriptions registered
		s.mustGQL(t, s.token, `mutation($id: ID!) { refreshCredentials(id: $id) { id } }`, map[string]any{"id": credsID}, nil)
		if m := owner.mustNext("c"); m.Type != "next" || !strings.Contains(string(m.Payload), credsID) {
			t.Fatalf("credentialsUpdated: %s %s", m.Type, m.Payload)
		}
		if m := owner.mustNext("s"); m.Type != "next" || !strings.Contains(string(m.Payload), `"product"`) {
			t.Fatalf("syncCompleted: %s %s", m.Type, m.Payload)
		}
		other.quiet(500 * time.Millisecond)

		sess := startSession(t, s, finqwaresim.SkillBT)
		owner.subscribe("o", `subscription($id: ID!) { onboardingSessionUpdated(id: $id) { id status } }`, map[string]any{"id": sess.ID})
		other.subscribe("z", `subscription($id: ID!) { onboardingSessionUpdated(id: $id) { id } }`, map[string]any{"id": sess.ID})
		if m := other.mustNext("z"); !strings.Contains(string(m.Payload), "NOT_FOUND") {
			t.Fatalf("another user's session: %s %s", m.Type, m.Payload)
		}
		time.Sleep(200 * time.Millisecond)
		sess, _ = submit(t, s, sess.ID, "sca", nil)
		if m := owner.mustNext("o"); m.Type != "next" || !strings.Contains(string(m.Payload), "AWAITING_CONSENT") {
			t.Fatalf("onboardingSessionUpdated: %s %s", m.Type, m.Payload)
		}
		s.follow(t, s.bank(t, sess.Redirect.URL, "approve"))
		if m := owner.mustNext("o"); m.Type != "next" || !strings.Contains(string(m.Payload), "COMPLETED") {
			t.Fatalf("onboardingSessionUpdated after the consent: %s %s", m.Type, m.Payload)
		}
		if m := owner.mustNext("o"); m.Type != "complete" {
			t.Fatalf("the stream of an ended session: %s %s", m.Type, m.Payload)
		}
	})
}

// demoCredentialsID is the id of one of the demo user's credentials.
func demoCredentialsID(t *testing.T, s *testServer) string {
	t.Helper()
	var out struct {
		Me struct {
			Credentials struct{ Nodes []struct{ ID string } }
		}
	}
	s.mustGQL(t, s.token, `{ me { credentials { nodes { id } } } }`, nil, &out)
	if len(out.Me.Credentials.Nodes) == 0 {
		t.Fatal("the demo user has no credentials")
	}
	return out.Me.Credentials.Nodes[0].ID
}

// TestSubscriptionAcrossReplicas: a change made through one replica
// reaches a subscriber connected to the other (PostgreSQL LISTEN/NOTIFY).
func TestSubscriptionAcrossReplicas(t *testing.T) {
	a, b, sim := twoReplicas(t)
	token := a.tokenFor(t, "rita")
	lr, err := sim.CompleteLink(flankssim.LinkCompletion{Bank: "testbank"})
	check(t, err)
	var linked struct {
		LinkCredentials struct{ Credentials struct{ ID string } }
	}
	a.mustGQL(t, token, `mutation($c: String!) { linkCredentials(provider: FLANKS, code: $c) { credentials { id } } }`,
		map[string]any{"c": lr.Code}, &linked)
	c, err := a.dialWS(t, token)
	check(t, err)
	c.subscribe("s", `subscription { syncCompleted { product credentials { id } } }`, nil)
	time.Sleep(200 * time.Millisecond)
	b.mustGQL(t, token, `query($id: ID!) { node(id: $id) { ... on Credentials { accounts { totalCount } } } }`,
		map[string]any{"id": linked.LinkCredentials.Credentials.ID}, nil)
	if m := c.mustNext("s"); m.Type != "next" || !strings.Contains(string(m.Payload), "ACCOUNTS") {
		t.Fatalf("event from the other replica: %s %s", m.Type, m.Payload)
	}
}

// TestStreamsEndWithTheToken: a WebSocket and an SSE stream close when
// their token expires.
func TestStreamsEndWithTheToken(t *testing.T) {
	s := newServer(t, migrations.SQLite, nil)
	k, err := auth.LoadOrCreateDevKey(s.app.Config.DataDir)
	check(t, err)
	short, err := k.Mint(DemoUser, []auth.Role{auth.RoleUser}, 2*time.Second)
	check(t, err)
	c, err := s.dialWS(t, short)
	check(t, err)
	c.subscribe("s", `subscription { syncCompleted { product } }`, nil)
	deadline := time.After(15 * time.Second)
	for open := true; open; {
		select {
		case _, open = <-c.msgs:
		case <-deadline:
			t.Fatal("the WebSocket outlived its token")
		}
	}
	short, err = k.Mint(DemoUser, []auth.Role{auth.RoleUser}, 2*time.Second)
	check(t, err)
	body := `{"query":"subscription { syncCompleted { product } }"}`
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+short)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	check(t, err)
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("SSE: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
	}
	if time.Since(start) > 15*time.Second {
		t.Fatal("the SSE stream outlived its token")
	}
}

// DemoUser is the sandbox demo user's id.
const DemoUser = app.DemoUserID

// TestStreamLimits: a user's connections and subscriptions are capped;
// an invalid token never gets a connection_ack.
func TestStreamLimits(t *testing.T) {
	s := newServer(t, migrations.SQLite, map[string]string{"FINGRAPH_MAX_CONNECTIONS": "2", "FINGRAPH_MAX_SUBSCRIPTIONS": "2"})
	for range 2 {
		_, err := s.dialWS(t, s.token)
		check(t, err)
	}
	if _, err := s.dialWS(t, s.token); err == nil {
		t.Fatal("a third connection was accepted")
	}
	if _, err := s.dialWS(t, s.tokenFor(t, "other")); err != nil {
		t.Fatalf("another user's connection: %v", err)
	}
	if _, err := s.dialWS(t, "not-a-token"); err == nil {
		t.Fatal("an invalid token was accepted")
	}
	c, err := s.dialWS(t, s.tokenFor(t, "sam"))
	check(t, err)
	for _, id := range []string{"1", "2", "3"} {
		c.subscribe(id, `subscription { syncCompleted { product } }`, nil)
	}
	// Subscribe messages run concurrently: any one of the three is refused.
	m, ok := c.next(30 * time.Second)
	if !ok || !strings.Contains(string(m.Payload), "RATE_LIMITED") {
		t.Fatalf("over the limit: %s %s", m.Type, m.Payload)
	}
	refused := m.ID
	if m, ok := c.next(time.Second); !ok || m.Type != "complete" || m.ID != refused {
		t.Fatalf("after the refusal: %+v", m)
	}
	c.quiet(500 * time.Millisecond) // the two others stay open
}

// TestCORS: an allowed origin gets its preflight answered and the CORS
// headers, never with credentials; others get no CORS headers.
func TestCORS(t *testing.T) {
	s := newServer(t, migrations.SQLite, map[string]string{"FINGRAPH_CORS_ORIGINS": "https://app.example.com"})
	pre := s.do(t, http.MethodOptions, "/graphql", "", map[string]string{"Origin": "https://app.example.com",
		"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"})
	if pre.status/100 != 2 || pre.header.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		pre.header.Get("Access-Control-Allow-Credentials") != "" ||
		!strings.Contains(strings.ToLower(pre.header.Get("Access-Control-Allow-Headers")), "authorization") {
		t.Fatalf("preflight: %d %v", pre.status, pre.header)
	}
	r := s.do(t, http.MethodPost, "/graphql", `{"query":"{ me { id } }"}`, s.authed(map[string]string{"Origin": "https://app.example.com"}))
	if r.status != http.StatusOK || r.header.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Fatalf("POST: %d %v", r.status, r.header)
	}
	evil := s.do(t, http.MethodOptions, "/graphql", "", map[string]string{"Origin": "https://evil.example.com",
		"Access-Control-Request-Method": "POST"})
	if evil.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("a foreign origin got CORS headers: %v", evil.header)
	}
}
