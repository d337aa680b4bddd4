package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fingraph/fingraph/providers/flinks"
)

const testSecret = "bench-test-secret-0123456789"

func testPlan(url string) *webhookPlan {
	return &webhookPlan{URL: url, Secret: []byte(testSecret), LoginID: demoFlinksLogin, Every: 4, DupEvery: 3,
		BadEvery: 5, Run: uuid.New(), Start: time.Date(2026, 12, 7, 21, 0, 0, 0, time.UTC)}
}

// The tool's signature is one the server's own verifier accepts, and its
// body is a KYC delivery the server's parser reads for the login; a bad
// signature is refused as a mismatch.
func TestWebhookSignedAsTheServerVerifies(t *testing.T) {
	p := testPlan("")
	for j := range int64(10) {
		c := p.webhook(j, true)
		h := http.Header{}
		h.Set(flinks.WebhookSignatureHeader, c.sig)
		err := flinks.VerifyWebhook([]byte(testSecret), c.body, h)
		if c.kind == kindWebhookBad {
			if !errors.Is(err, flinks.ErrWebhookSignatureMismatch) {
				t.Errorf("webhook %d (bad): verify = %v, want a mismatch", j, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("webhook %d (%s): the server's verifier refuses it: %v", j, c.kind, err)
		}
		ev, err := flinks.ParseWebhook(c.body)
		if err != nil {
			t.Fatal(err)
		}
		if ev.ResponseType != flinks.WebhookKYC || ev.LoginID != demoFlinksLogin || len(ev.Holders) != 1 ||
			ev.Holders[0].Name == "" || ev.RequestID == "" || ev.Institution != flinksInstitution {
			t.Fatalf("webhook %d parses as %+v", j, ev)
		}
	}
}

// Each webhook slot gets its variant: badly signed every BadEvery-th,
// a duplicate of the previous body every DupEvery-th unless that one was
// bad or not sent, else a body no other slot (nor another run) has.
func TestWebhookVariants(t *testing.T) {
	p := testPlan("")
	var kinds []string
	seen := map[[32]byte]int64{}
	for j := range int64(15) {
		c := p.webhook(j, true)
		kinds = append(kinds, c.kind)
		sum := sha256.Sum256(c.body)
		prev, dup := seen[sum]
		switch {
		case c.kind == kindWebhookDup && (!dup || prev != j-1):
			t.Errorf("duplicate %d does not repeat webhook %d's body", j, j-1)
		case c.kind != kindWebhookDup && dup:
			t.Errorf("webhook %d (%s) repeats webhook %d's body", j, c.kind, prev)
		}
		seen[sum] = j
		if want := map[string]int{kindWebhookBad: 401}[c.kind]; want == 0 && c.want != 200 || want != 0 && c.want != want {
			t.Errorf("webhook %d (%s) wants %d", j, c.kind, c.want)
		}
	}
	// j:  0 1 2 3 4 5 6 7 8 9 10 11 12 13 14
	// bad at 4, 9, 14; dup at 2, 5 (after 4: bad, so new), 8, 11, 14 (bad wins).
	want := "w w d w b w w w d b w d w w b"
	short := map[string]string{kindWebhook: "w", kindWebhookDup: "d", kindWebhookBad: "b"}
	var got []string
	for _, k := range kinds {
		got = append(got, short[k])
	}
	if g := strings.Join(got, " "); g != want {
		t.Errorf("variants\n got %s\nwant %s", g, want)
	}
	if c := p.webhook(2, false); c.kind != kindWebhook {
		t.Errorf("a duplicate of a slot a refresh took: %s, want a new delivery", c.kind)
	}
	if bytes.Equal(p.body(3), testPlan("").body(3)) {
		t.Error("two runs send the same body: the second's would be duplicates")
	}
}

// The mixed split: refreshes keep their slots, webhooks take one in
// Every of the others, reads the rest; a webhook whose predecessor slot
// went to a refresh is not sent as its duplicate.
func TestMixedSplitWithWebhooks(t *testing.T) {
	c := loadConfig{Body: []byte("r"), Refresh: [][]byte{[]byte("a")}, RefreshEvery: 20, Webhooks: testPlan("")}
	c.Webhooks.Every = 10
	count := map[string]int{}
	for i := range int64(1000) {
		count[c.request(i).kind]++
	}
	webhooks := count[kindWebhook] + count[kindWebhookDup] + count[kindWebhookBad]
	if count["refreshCredentials"] != 50 || webhooks != 100 || count["read"] != 850 {
		t.Errorf("split %v, want 50 refreshes, 100 webhooks, 850 reads", count)
	}
	// Coprime numbers meet: the refresh wins the slot (i = 39: 39%20 == 19,
	// 39%3 == 0), and webhook 14 after it is not a duplicate of a body
	// never sent.
	c.Webhooks.Every, c.Webhooks.DupEvery, c.Webhooks.BadEvery = 3, 2, 0
	if k := c.request(39).kind; k != "refreshCredentials" {
		t.Errorf("request 39 is a %s", k)
	}
	if k := c.request(42).kind; k != kindWebhook {
		t.Errorf("request 42 (webhook 14, after a slot a refresh took) is a %s", k)
	}
	if k := c.request(45).kind; k != kindWebhookDup {
		t.Errorf("request 45 (webhook 15) is a %s", k)
	}
}

// A mixed run against a stand-in server whose webhook endpoint verifies
// with the server's verifier and deduplicates on the body, as fingraph's
// does: every kind is counted apart with its statuses, the bad signatures
// are refused but are not errors of the run, and the server took each new
// delivery once.
func TestLoadMixedWithWebhooks(t *testing.T) {
	var (
		mu       sync.Mutex
		accepted = map[[32]byte]bool{}
		dups     int
		rejected int
	)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /webhooks/flinks", func(w http.ResponseWriter, r *http.Request) {
		var b bytes.Buffer
		b.ReadFrom(r.Body)
		if err := flinks.VerifyWebhook([]byte(testSecret), b.Bytes(), r.Header); err != nil {
			mu.Lock()
			rejected++
			mu.Unlock()
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		sum := sha256.Sum256(b.Bytes())
		mu.Lock()
		if accepted[sum] {
			dups++
		}
		accepted[sum] = true
		mu.Unlock()
	})
	mux.HandleFunc("POST /graphql", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Query string }
		json.NewDecoder(r.Body).Decode(&req)
		if strings.Contains(req.Query, "credentials(first") {
			w.Write([]byte(`{"data":{"me":{"credentials":{"nodes":[{"id":"c1"}]}}}}`))
			return
		}
		w.Write([]byte(`{"data":{"me":{"id":"u"}}}`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	t.Setenv("FLINKS_WEBHOOK_SECRET", testSecret)
	var out, errOut bytes.Buffer
	code := run([]string{"load", "-url", srv.URL + "/graphql", "-token", "tok", "-query", "{ me { id } }", "-workload", "mixed",
		"-subscribers", "0", "-c", "1", "-n", "200", "-webhook-every", "4"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	// 200 requests: 10 refreshes (i%20 == 19), 50 webhook slots (i%4 == 0);
	// of webhooks 0..49, 5 badly signed (j%10 == 9), duplicates at
	// j%5 == 4 but for those that are bad (9, 19, ...): 5; 40 new.
	for _, want := range []string{
		"errors    0 (transport 0, HTTP status 0, GraphQL 0)",
		"webhook: 40 requests", "webhook-duplicate: 5 requests", "webhook-bad-signature: 5 requests",
		"status    401: 5", "read: 140 requests", "refreshCredentials: 10 requests",
		"should have gained accepted 41 (with the probe), duplicate 5, rejected_signature 5",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if len(accepted) != 41 || dups != 5 || rejected != 5 {
		t.Errorf("server took %d new deliveries, %d duplicates, refused %d; want 41, 5, 5", len(accepted), dups, rejected)
	}
}

// A secret that is not the server's fails the run before the load.
func TestWebhookProbeWrongSecret(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/webhooks/flinks" {
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		w.Write([]byte(`{"data":{"me":{"credentials":{"nodes":[{"id":"c1"}]}}}}`))
	}))
	defer srv.Close()
	var out, errOut bytes.Buffer
	code := run([]string{"load", "-url", srv.URL + "/graphql", "-token", "t", "-workload", "mixed", "-subscribers", "0",
		"-n", "10", "-webhook-secret", "wrong-secret-0123456789"}, &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "not the server's FLINKS_WEBHOOK_SECRET") {
		t.Errorf("exit %d: %s", code, errOut.String())
	}
}

func TestWebhookUsageErrors(t *testing.T) {
	base := []string{"load", "-url", "http://127.0.0.1:1/graphql", "-token", "t", "-workload", "mixed"}
	for _, extra := range [][]string{
		{}, // no secret
		{"-webhook-secret", "s", "-webhook-dup-every", "1"},
		{"-webhook-secret", "s", "-webhook-every", "-1"},
		{"-webhook-secret", "s", "-webhook-url", "http://192.0.2.1/webhooks/flinks"},
	} {
		t.Setenv("FLINKS_WEBHOOK_SECRET", "")
		var out, errOut bytes.Buffer
		if code := run(append(append([]string{}, base...), extra...), &out, &errOut); code != 2 {
			t.Errorf("%q: exit %d, want 2 (%s)", extra, code, errOut.String())
		}
	}
	if got := webhookURL("http://127.0.0.1:18081/graphql?x=1"); got != "http://127.0.0.1:18081/webhooks/flinks" {
		t.Errorf("webhookURL = %q", got)
	}
}

// Requests still unanswered when the run ends are counted as cut short,
// per kind, and in nothing else: the server may have acted on them.
func TestLoadCountsCutShort(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
	}))
	defer srv.Close()
	defer close(release)
	cfg := loadConfig{URL: srv.URL, Token: "t", Body: []byte(`{}`), Concurrency: 3, Requests: 100,
		Duration: 200 * time.Millisecond, Timeout: 10 * time.Second}
	res := load(context.Background(), newLoadClient(cfg), cfg)
	if res.CutShort != 3 || res.Kinds["read"].CutShort != 3 || res.Total() != 0 {
		t.Fatalf("cut short %d (reads %d), total %d; want 3, 3, 0", res.CutShort, res.Kinds["read"].CutShort, res.Total())
	}
}
