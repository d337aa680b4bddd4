package flinkssim

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/fingraph/fingraph/providers/flinks"
)

// fakeClock is shared by the simulator and the client under test.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2024, 3, 18, 14, 2, 11, 441102100, time.UTC)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

// sleep advances the clock instead of waiting.
func (f *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	f.Advance(d)
	return ctx.Err()
}

type env struct {
	sim    *Server
	base   string
	client *flinks.Client
	clock  *fakeClock
}

// newEnv starts a simulator on a fake clock and a client with the default credentials,
// whose retries and polls advance the same clock.
func newEnv(t *testing.T, opts Options, copts ...flinks.Option) *env {
	t.Helper()
	clock := newClock()
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	if opts.HistoryDays == 0 {
		opts.HistoryDays = 120
	}
	sim, base := NewTestServer(t, opts)
	all := append([]flinks.Option{
		flinks.WithCustomerID(sim.CustomerID()), flinks.WithSecretKey(sim.opts.SecretKey),
		flinks.WithAPIKey(sim.opts.APIKey), flinks.WithAPISecret(sim.opts.APISecret),
		flinks.WithClock(clock.Now), flinks.WithSleeper(clock.sleep),
	}, copts...)
	c, err := flinks.NewClient(base, all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return &env{sim: sim, base: base, client: c, clock: clock}
}

func (e *env) login(t *testing.T, username string) string {
	t.Helper()
	id, err := e.sim.CreateLogin(username, TestPassword)
	if err != nil {
		t.Fatalf("CreateLogin(%s): %v", username, err)
	}
	return id
}

func (e *env) authorize(t *testing.T, loginID string) string {
	t.Helper()
	res, err := e.client.AuthorizeCached(context.Background(), loginID)
	if err != nil {
		t.Fatalf("AuthorizeCached: %v", err)
	}
	return res.RequestID
}

var allData = func(rid string) flinks.AccountsDetailRequest {
	return flinks.AccountsDetailRequest{RequestID: rid, WithAccountIdentity: true, WithKYC: true,
		WithTransactions: true, WithBalance: true}
}
