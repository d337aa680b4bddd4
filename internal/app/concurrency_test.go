package app_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

// coldProductsQuery selects six products of one credentials, one of them
// (transactions) a child that needs its parent (accounts) first.
const coldProductsQuery = `query($id: ID!) { node(id: $id) { ... on Credentials {
  accounts(first: 5) { nodes { id transactions(first: 5) { nodes { id amount } } } }
  portfolios(first: 5) { nodes { id } }
  liabilities(first: 5) { nodes { id } }
  cards(first: 5) { nodes { id } }
  identity { fullName }
} } }`

// coldProductPaths are the Flanks endpoints of coldProductsQuery's
// products. The query needs six of the ten products /credentials/all
// answers, more than half: the server asks that one endpoint instead
// (graph/plan.go).
var coldProductPaths = []string{
	"/v0/bank/credentials/account", "/v0/bank/credentials/data", "/v0/bank/credentials/portfolio",
	"/v0/bank/credentials/liability", "/v0/bank/credentials/card", "/v0/bank/credentials/auth",
}

// coldFewQuery selects three products, too few for /credentials/all: each
// comes from its own endpoint (coldFewPaths).
const coldFewQuery = `query($id: ID!) { node(id: $id) { ... on Credentials {
  accounts(first: 5) { nodes { id transactions(first: 5) { nodes { id amount } } } }
  identity { fullName }
} } }`

var coldFewPaths = []string{"/v0/bank/credentials/account", "/v0/bank/credentials/data", "/v0/bank/credentials/auth"}

// TestHundredConcurrentColdQueriesOneUpstreamCall is the third
// target, a correctness property rather than a timing: 100 identical
// queries arriving at once for credentials never fetched must cost exactly
// one upstream call per (credentials, product), or one whole-connection
// call when the query needs most products, and every caller must get the
// same complete answer.
func TestHundredConcurrentColdQueriesOneUpstreamCall(t *testing.T) {
	// 50 ms of provider latency keeps the first fetches in flight while the
	// other requests arrive, so they really overlap; the rate limit is off
	// because one user sends all hundred.
	env := map[string]string{"FINGRAPH_RATE_PER_SECOND": "0", "FINGRAPH_SANDBOX_LATENCY": "50ms"}
	eachDB(t, env, func(t *testing.T, s *testServer) {
		t.Run("whole connection", func(t *testing.T) {
			id := s.link(t, s.token, "testbank", "")
			before := s.sim().RequestCounts()
			assertAllProducts(t, hundredCold(t, s, coldProductsQuery, id))
			after := s.sim().RequestCounts()
			if n := after["/v0/bank/credentials/all"] - before["/v0/bank/credentials/all"]; n != 1 {
				t.Errorf("/credentials/all: %d upstream calls for 100 concurrent cold queries, want exactly 1", n)
			}
			for _, p := range coldProductPaths {
				if n := after[p] - before[p]; n != 0 {
					t.Errorf("%s: %d upstream calls beside /credentials/all, want none", p, n)
				}
			}
		})
		t.Run("each product", func(t *testing.T) {
			id := s.link(t, s.token, "testbank", "")
			before := s.sim().RequestCounts()
			data := hundredCold(t, s, coldFewQuery, id)
			if !bytes.Contains(data, []byte(`"amount"`)) || !bytes.Contains(data, []byte(`"fullName"`)) {
				t.Fatalf("a product is missing from the answer: %s", data)
			}
			after := s.sim().RequestCounts()
			for _, p := range coldFewPaths {
				if n := after[p] - before[p]; n != 1 {
					t.Errorf("%s: %d upstream calls for 100 concurrent cold queries, want exactly 1", p, n)
				}
			}
		})
	})
}

// hundredCold sends query for credentials id from 100 clients at once and
// returns the data, after checking that every client got the same.
func hundredCold(t *testing.T, s *testServer, query, id string) json.RawMessage {
	t.Helper()
	const clients = 100
	body, err := json.Marshal(map[string]any{"query": query, "variables": map[string]any{"id": id}})
	if err != nil {
		t.Fatal(err)
	}
	// Every goroutine builds its request first, then waits at the
	// barrier, so the hundred are sent as close together as possible.
	start := make(chan struct{})
	bodies := make([][]byte, clients)
	errs := make([]error, clients)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			req, err := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
			if err != nil {
				errs[i] = err
				return
			}
			req.Header.Set("Authorization", "Bearer "+s.token)
			req.Header.Set("Content-Type", "application/json")
			<-start
			res, err := s.Client().Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			defer res.Body.Close()
			bodies[i], errs[i] = io.ReadAll(res.Body)
			if errs[i] == nil && res.StatusCode != http.StatusOK {
				errs[i] = &statusError{res.StatusCode, string(bodies[i])}
			}
		})
	}
	began := time.Now()
	close(start)
	wg.Wait()
	t.Logf("%d concurrent cold queries answered in %v", clients, time.Since(began).Round(time.Millisecond))

	var first gqlResponse
	for i := range clients {
		if errs[i] != nil {
			t.Fatalf("client %d: %v", i, errs[i])
		}
		var r gqlResponse
		if err := json.Unmarshal(bodies[i], &r); err != nil {
			t.Fatalf("client %d: decode %s: %v", i, bodies[i], err)
		}
		if len(r.Errors) > 0 {
			t.Fatalf("client %d: errors %+v", i, r.Errors)
		}
		if i == 0 {
			first = r
		} else if !bytes.Equal(r.Data, first.Data) {
			t.Fatalf("client %d got different data:\n%s\nclient 0:\n%s", i, r.Data, first.Data)
		}
	}
	return first.Data
}

// assertAllProducts fails unless the answer has rows of every product, so
// that "one call" cannot pass by fetching nothing.
func assertAllProducts(t *testing.T, data json.RawMessage) {
	t.Helper()
	type list struct{ Nodes []json.RawMessage }
	var d struct {
		Node struct {
			Accounts struct {
				Nodes []struct{ Transactions list }
			}
			Portfolios, Liabilities, Cards list
			Identity                       *struct{ FullName *string }
		}
	}
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	n := d.Node
	if len(n.Accounts.Nodes) == 0 || len(n.Accounts.Nodes[0].Transactions.Nodes) == 0 || len(n.Portfolios.Nodes) == 0 ||
		len(n.Liabilities.Nodes) == 0 || len(n.Cards.Nodes) == 0 || n.Identity == nil {
		t.Fatalf("a product is missing from the answer: %s", data)
	}
}

type statusError struct {
	status int
	body   string
}

func (e *statusError) Error() string { return http.StatusText(e.status) + ": " + e.body }
