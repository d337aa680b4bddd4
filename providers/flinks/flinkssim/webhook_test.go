package flinkssim

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fingraph/fingraph/providers/flinks"
)

// receiver is a webhook endpoint that verifies and records deliveries; it fails the first
// failFirst of them with 500.
type receiver struct {
	t         *testing.T
	secret    []byte
	failFirst int32
	n         atomic.Int32
	got       chan *flinks.WebhookEvent
}

func newReceiver(t *testing.T, secret []byte, failFirst int32) (*receiver, string) {
	r := &receiver{t: t, secret: secret, failFirst: failFirst, got: make(chan *flinks.WebhookEvent, 64)}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return r, srv.URL
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if err := flinks.VerifyWebhook(rc.secret, body, r.Header); err != nil {
		rc.t.Errorf("delivery does not verify: %v", err)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if rc.n.Add(1) <= rc.failFirst {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	ev, err := flinks.ParseWebhook(body)
	if err != nil {
		rc.t.Errorf("ParseWebhook: %v", err)
	}
	rc.got <- ev
}

// next waits for the next accepted delivery; the timeout only guards a hung test.
func (rc *receiver) next(t *testing.T) *flinks.WebhookEvent {
	t.Helper()
	select {
	case ev := <-rc.got:
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook delivered")
		return nil
	}
}

// sleepLog records the simulator's waits and returns at once.
type sleepLog struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (s *sleepLog) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.delays = append(s.delays, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepLog) get() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.delays...)
}

func TestWebhookOnExtraction(t *testing.T) {
	secret := []byte("whsec-test")
	rc, url := newReceiver(t, secret, 0)
	var sl sleepLog
	e := newEnv(t, Options{WebhookURL: url, WebhookSecret: secret, WebhookKYC: true, ExtractionDelay: 5 * time.Minute, Sleep: sl.sleep})
	id := e.login(t, UserGreatday)
	kyc := rc.next(t)
	if kyc.ResponseType != flinks.WebhookKYC || kyc.LoginID != id || len(kyc.Holders) != 1 || kyc.Holders[0].Name == "" {
		t.Fatalf("KYC event = %+v", kyc)
	}
	ev := rc.next(t)
	if ev.ResponseType != flinks.WebhookGetAccountsDetail || ev.LoginID != id || ev.Detail == nil || len(ev.Detail.Accounts) != 3 ||
		len(ev.Detail.Accounts[0].Transactions) == 0 || ev.RequestID == "" {
		t.Fatalf("GetAccountsDetail event = %+v", ev)
	}
	if got := sl.get(); len(got) != 1 || got[0] != 5*time.Minute {
		t.Errorf("waits = %v; want the 5 min extraction delay", got)
	}
	// The RequestId of the webhook opens the data too.
	e.clock.Advance(5 * time.Minute)
	if _, err := e.client.GetAccountsDetail(context.Background(), allData(ev.RequestID)); err != nil {
		t.Errorf("webhook RequestId: %v", err)
	}
}

func TestWebhookRetries(t *testing.T) {
	secret := []byte("whsec-test")
	rc, url := newReceiver(t, secret, 2)
	var sl sleepLog
	e := newEnv(t, Options{WebhookURL: url, WebhookSecret: secret, Sleep: sl.sleep})
	id := e.login(t, UserGreatdayNoMFA)
	if ev := rc.next(t); ev.LoginID != id {
		t.Fatalf("event for %s", ev.LoginID)
	}
	e.sim.WaitWebhooks()
	want := []time.Duration{0, DefaultWebhookInterval, DefaultWebhookInterval}
	if got := sl.get(); !slices.Equal(got, want) {
		t.Errorf("waits = %v; want %v", got, want)
	}
	d := e.sim.Deliveries()
	if len(d) != 3 || d[0].StatusCode != 500 || d[1].StatusCode != 500 || d[2].StatusCode != 200 || d[2].Attempt != 3 {
		t.Errorf("deliveries = %+v", d)
	}
}

func TestWebhookGivesUpAfterMaxRetries(t *testing.T) {
	rc, url := newReceiver(t, []byte("s"), 1000)
	var sl sleepLog
	e := newEnv(t, Options{WebhookURL: url, WebhookSecret: []byte("s"), Sleep: sl.sleep})
	e.login(t, UserGreatdayNoMFA)
	e.sim.WaitWebhooks()
	if n := rc.n.Load(); n != 1+DefaultWebhookRetries {
		t.Fatalf("%d attempts; want %d", n, 1+DefaultWebhookRetries)
	}
}

func TestFireWebhook(t *testing.T) {
	secret := []byte("whsec-test")
	rc, url := newReceiver(t, secret, 1)
	e := newEnv(t, Options{WebhookURL: url, WebhookSecret: secret,
		Sleep: func(ctx context.Context, d time.Duration) error { <-ctx.Done(); return ctx.Err() }}) // automatic deliveries never run
	id := e.login(t, UserGreatday)
	if err := e.sim.FireWebhook(id); err == nil {
		t.Fatal("a 500 answer must be an error")
	}
	if err := e.sim.FireWebhook(id); err != nil {
		t.Fatalf("FireWebhook: %v", err)
	}
	if ev := rc.next(t); ev.LoginID != id {
		t.Fatalf("event = %+v", ev)
	}
	if err := e.sim.FireWebhook("0f5b8e0c-3c7d-4d8b-9c56-7e2f1a0b9d44"); !errors.Is(err, ErrUnknownLogin) {
		t.Fatalf("unknown login: %v", err)
	}
	plain := newEnv(t, Options{})
	if err := plain.sim.FireWebhook(id); !errors.Is(err, ErrNoWebhookURL) {
		t.Fatalf("no URL: %v", err)
	}
}

func TestWebhookStopsForDeletedLogin(t *testing.T) {
	rc, url := newReceiver(t, []byte("s"), 0)
	release := make(chan struct{})
	e := newEnv(t, Options{WebhookURL: url, WebhookSecret: []byte("s"),
		Sleep: func(ctx context.Context, d time.Duration) error { <-release; return ctx.Err() }})
	id := e.login(t, UserGreatday)
	if err := e.client.DeleteCard(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	close(release)
	e.sim.WaitWebhooks()
	if n := rc.n.Load(); n != 0 || len(e.sim.Deliveries()) != 0 {
		t.Fatalf("%d deliveries for a deleted login", n)
	}
}
