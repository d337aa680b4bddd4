package app_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/migrations"
	"github.com/fingraph/fingraph/providers/flinks"
	"github.com/fingraph/fingraph/providers/flinks/flinkssim"
)

// webhookCrashEnv carries the child's configuration.
const webhookCrashEnv = "FINGRAPH_WEBHOOK_CRASH_HELPER"

type webhookCrashSpec struct {
	Env     map[string]string
	LoginID string
	URLFile string
}

// TestWebhookCrashHelper is the process TestKilledWhileAckingWebhooks
// kills: it links a Flinks login, publishes its URL and serves webhooks.
func TestWebhookCrashHelper(t *testing.T) {
	raw := os.Getenv(webhookCrashEnv)
	if raw == "" {
		t.Skip("run by TestKilledWhileAckingWebhooks")
	}
	var spec webhookCrashSpec
	check(t, json.Unmarshal([]byte(raw), &spec))
	s := newServer(t, migrations.Postgres, spec.Env)
	s.mustGQL(t, s.tokenFor(t, "kim"), `mutation($c: String!) { linkCredentials(provider: FLINKS, code: $c) { status } }`,
		map[string]any{"c": spec.LoginID}, nil)
	check(t, os.WriteFile(spec.URLFile+".tmp", []byte(s.URL), 0o600))
	check(t, os.Rename(spec.URLFile+".tmp", spec.URLFile))
	time.Sleep(2 * time.Minute)
	t.Fatal("the parent should have killed this process first")
}

// signedDeliveries returns n distinct GetAccountsDetail deliveries of a
// login, as Flinks would send them, signed with secret.
func signedDeliveries(t *testing.T, sim *flinkssim.Server, loginID string, secret []byte, n int) [][]byte {
	rec := &httpRecorder{}
	sim.SetWebhook(rec.start(t), secret)
	check(t, sim.FireWebhook(loginID))
	body, _ := rec.last()
	var doc map[string]any
	check(t, json.Unmarshal(body, &doc))
	out := make([][]byte, n)
	for i := range out {
		doc["DeliveryAttempt"] = i // distinct bodies: each is a new delivery
		b, err := json.Marshal(doc)
		check(t, err)
		out[i] = b
	}
	return out
}

// TestKilledWhileAckingWebhooks: deliveries stream in while the process is
// killed with SIGKILL; every delivery that was answered 200 is in the
// database afterwards, and the restarted server processes them all.
func TestKilledWhileAckingWebhooks(t *testing.T) {
	if os.Getenv(webhookCrashEnv) != "" {
		t.Skip("inside the helper")
	}
	secret := []byte("crash-test-webhook-secret")
	sim, base := flinkssim.NewTestServer(t, flinkssim.Options{Seed: 5, HistoryDays: 30})
	loginID, err := sim.CreateLogin(flinkssim.UserGreatdayNoMFA, flinkssim.TestPassword)
	check(t, err)
	bodies := signedDeliveries(t, sim, loginID, secret, 300)
	env := map[string]string{
		"DATABASE_URL": dbtest.PostgresSchemaURL(t), "FINGRAPH_DATA_DIR": t.TempDir(),
		"FLINKS_BASE_URL": base, "FLINKS_SECRET_KEY": flinkssim.DefaultSecretKey, "FLINKS_API_KEY": flinkssim.DefaultAPIKey,
		"FLINKS_WEBHOOK_SECRET": string(secret), "FINGRAPH_JOB_POLL_INTERVAL": "50ms",
		"FINGRAPH_JOB_TIMEOUT": "5s", "FINGRAPH_JOB_RESCUE_AFTER": "6s",
	}
	urlFile := filepath.Join(t.TempDir(), "url")
	spec, err := json.Marshal(webhookCrashSpec{Env: env, LoginID: loginID, URLFile: urlFile})
	check(t, err)
	child := exec.Command(os.Args[0], "-test.run=^TestWebhookCrashHelper$", "-test.count=1")
	child.Env = append(os.Environ(), webhookCrashEnv+"="+string(spec))
	var out syncBuffer
	child.Stdout, child.Stderr = &out, &out
	check(t, child.Start())
	t.Cleanup(func() { _ = child.Process.Kill() })
	url, err := waitFile(urlFile)
	if err != nil {
		t.Fatalf("%v; the helper said:\n%s", err, out.String())
	}

	acked := deliverUntilKilled(t, url+"/webhooks/flinks", secret, bodies, child)
	if len(acked) == 0 {
		t.Fatal("no delivery was acknowledged before the kill")
	}
	s := newServer(t, migrations.Postgres, env)
	for _, b := range acked {
		sum := sha256.Sum256(b)
		var n int64
		check(t, s.app.DB.Gorm.Table("webhook_events").Where("body_hash = ?", hex.EncodeToString(sum[:])).Count(&n).Error)
		if n != 1 {
			t.Fatalf("an acknowledged delivery is stored %d times", n)
		}
	}
	deadline := time.Now().Add(90 * time.Second)
	for {
		var open int64
		check(t, s.app.DB.Gorm.Table("webhook_events").Where("processed_at IS NULL").Count(&open).Error)
		if open == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries still unprocessed after the restart", open)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("%d deliveries acknowledged before the kill, all stored and processed", len(acked))
}

// deliverUntilKilled posts the deliveries from 8 senders and kills the
// child with SIGKILL once 40 were acknowledged; it returns the bodies
// answered 200.
func deliverUntilKilled(t *testing.T, url string, secret []byte, bodies [][]byte, child *exec.Cmd) [][]byte {
	var (
		mu     sync.Mutex
		acked  [][]byte
		next   atomic.Int32
		killed sync.Once
		wg     sync.WaitGroup
	)
	client := &http.Client{Timeout: 10 * time.Second}
	for range 8 {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(bodies); i = int(next.Add(1)) - 1 {
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(bodies[i]))
				req.Header.Set(flinks.WebhookSignatureHeader, flinks.SignWebhook(secret, bodies[i]))
				res, err := client.Do(req)
				if err != nil {
					return // the process is gone
				}
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					continue
				}
				mu.Lock()
				acked = append(acked, bodies[i])
				n := len(acked)
				mu.Unlock()
				if n == 40 {
					killed.Do(func() {
						if err := child.Process.Signal(syscall.SIGKILL); err != nil {
							t.Error(err)
						}
					})
				}
			}
		})
	}
	wg.Wait()
	_ = child.Wait()
	mu.Lock()
	defer mu.Unlock()
	return acked
}

// waitFile waits for the child to write its URL.
func waitFile(path string) (string, error) {
	deadline := time.Now().Add(60 * time.Second)
	for {
		b, err := os.ReadFile(path)
		if err == nil {
			return string(b), nil
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("the helper never published its URL: %w", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
