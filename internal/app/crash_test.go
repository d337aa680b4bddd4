package app_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/migrations"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// crashEnv carries the child's configuration and link code.
const crashEnv = "FINGRAPH_CRASH_HELPER"

type crashSpec struct {
	Env  map[string]string
	Code string
}

// TestCrashHelper is the process TestKilledDuringLink kills: it links
// credentials through its own API and blocks in the provider's status
// call until it is killed.
func TestCrashHelper(t *testing.T) {
	raw := os.Getenv(crashEnv)
	if raw == "" {
		t.Skip("run by TestKilledDuringLink")
	}
	var spec crashSpec
	check(t, json.Unmarshal([]byte(raw), &spec))
	s := newServer(t, migrations.Postgres, spec.Env)
	s.gql(t, s.tokenFor(t, "kim"), `mutation($c: String!) { linkCredentials(provider: FLANKS, code: $c) { status } }`,
		map[string]any{"c": spec.Code}, nil)
	t.Fatal("the link returned: the parent should have killed this process first")
}

// statusGate blocks the simulator's status calls while closed, and
// signals each one that arrives.
type statusGate struct {
	next    http.Handler
	mu      sync.Mutex
	open    bool
	release chan struct{}
	arrived chan struct{}
	calls   atomic.Int32
}

func (g *statusGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/v0/bank/credentials/status" && r.Method == http.MethodPost {
		g.calls.Add(1)
		g.mu.Lock()
		open := g.open
		g.mu.Unlock()
		if !open {
			select {
			case g.arrived <- struct{}{}:
			default:
			}
			select {
			case <-g.release:
			case <-r.Context().Done():
				return
			}
		}
	}
	g.next.ServeHTTP(w, r)
}

func (g *statusGate) Open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.open = true
	close(g.release)
}

// TestKilledDuringLink: a process killed with SIGKILL after the provider
// consumed a one-use link code, while both the request and its job wait
// for the status, loses nothing: after a restart the job finishes the
// link, once.
func TestKilledDuringLink(t *testing.T) {
	if os.Getenv(crashEnv) != "" {
		t.Skip("inside the helper")
	}
	sim, err := flankssim.New(flankssim.Options{Seed: 5, HistoryDays: 30})
	check(t, err)
	gate := &statusGate{next: sim, release: make(chan struct{}), arrived: make(chan struct{}, 4)}
	ts := httptest.NewServer(gate)
	t.Cleanup(ts.Close)
	lr, err := sim.CompleteLink(flankssim.LinkCompletion{Bank: "testbank"})
	check(t, err)
	env := map[string]string{
		"DATABASE_URL": dbtest.PostgresSchemaURL(t), "FINGRAPH_DATA_DIR": t.TempDir(),
		"FLANKS_BASE_URL": ts.URL, "FLANKS_CLIENT_ID": flankssim.DefaultClientID,
		"FLANKS_CLIENT_SECRET": flankssim.DefaultClientSecret,
		// The job starts at once, so it is running (and then lost) too.
		"FINGRAPH_LINK_FINISH_DELAY": "1ms", "FINGRAPH_JOB_POLL_INTERVAL": "50ms",
		"FINGRAPH_JOB_TIMEOUT": "1s", "FINGRAPH_JOB_RESCUE_AFTER": "2s",
	}
	spec, err := json.Marshal(crashSpec{Env: env, Code: lr.Code})
	check(t, err)
	child := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
	child.Env = append(os.Environ(), crashEnv+"="+string(spec))
	check(t, child.Start())
	start := time.Now()
	for range 2 { // the request's status call and the job's
		select {
		case <-gate.arrived:
		case <-time.After(60 * time.Second):
			_ = child.Process.Kill()
			t.Fatal("the helper never asked for the status")
		}
	}
	check(t, child.Process.Signal(syscall.SIGKILL))
	_ = child.Wait()
	gate.Open()
	before := gate.calls.Load()
	t.Logf("killed after %v", time.Since(start))

	s := newServer(t, migrations.Postgres, env)
	deadline := time.Now().Add(60 * time.Second)
	for {
		var creds []models.Credentials
		check(t, s.app.DB.Gorm.Where("user_id = ?", "kim").Find(&creds).Error)
		if len(creds) > 1 {
			t.Fatalf("%d credentials rows for one link", len(creds))
		}
		if len(creds) == 1 && !creds[0].Pending && creds[0].EntityID == "testbank" {
			t.Logf("finished %v after the kill", time.Since(start))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the link was not finished after the restart: %+v", creds)
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	if n := gate.calls.Load() - before; n != 1 {
		t.Fatalf("%d status calls after the restart, want exactly 1", n)
	}
}
