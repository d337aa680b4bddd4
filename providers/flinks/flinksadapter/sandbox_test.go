package flinksadapter_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/config"
	"github.com/fingraph/fingraph/internal/sandbox"
	"github.com/fingraph/fingraph/providers/flinks/flinksadapter"
	"github.com/fingraph/fingraph/providers/guard"
)

// startSim starts the sandbox simulator with a configuration loaded from
// an empty environment, as the server does.
func startSim(t *testing.T, o sandbox.Options) (*flinksadapter.Sim, *flinksadapter.Config) {
	t.Helper()
	cfg, err := loadConfig(map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	sim, err := flinksadapter.StartSim(cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	return sim, cfg
}

// TestSandboxUploads: the sandbox serves the Upload API with private
// certificate files in the data dir, describes its settings, and the
// configuration it sets validates and uploads.
func TestSandboxUploads(t *testing.T) {
	dataDir := t.TempDir()
	sim, cfg := startSim(t, sandbox.Options{DataDir: dataDir, HistoryDays: 30})
	dir := filepath.Join(dataDir, "flinks-upload")
	checkMode(t, dir, 0o700)
	for _, f := range []string{cfg.UploadCert, cfg.UploadKey, cfg.UploadCA} {
		if filepath.Dir(f) != dir {
			t.Fatalf("%s is not in %s", f, dir)
		}
		checkMode(t, f, 0o600)
	}
	if !strings.HasPrefix(cfg.UploadURL, "https://127.0.0.1:") || !cfg.UploadConfigured() {
		t.Fatalf("upload config %+v", cfg)
	}
	if err := cfg.Validate(config.EnvDevelopment); err != nil {
		t.Fatalf("the sandbox configuration does not validate: %v", err)
	}

	ep := sim.Describe()
	for k, want := range map[string]string{"FLINKS_UPLOAD_URL": cfg.UploadURL, "FLINKS_UPLOAD_CERT": cfg.UploadCert,
		"FLINKS_UPLOAD_KEY": cfg.UploadKey, "FLINKS_UPLOAD_CA": cfg.UploadCA, "FLINKS_UPLOAD_CLIENT_ID": cfg.UploadClientID,
		"FLINKS_UPLOAD_CLIENT_SECRET": cfg.UploadClientSecret, "FLINKS_API_SECRET": cfg.APISecret} {
		if ep.Settings[k] != want || want == "" {
			t.Fatalf("Describe %s = %q, want %q", k, ep.Settings[k], want)
		}
	}
	if !strings.Contains(strings.Join(ep.Hints, "\n"), "uploadStatements(files:$f)") {
		t.Fatalf("no upload hint in %q", ep.Hints)
	}

	cfg.Timeout, cfg.UploadTimeout = 20*time.Second, 20*time.Second
	a, err := cfg.New(guard.Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	session := upload(t, a, "", "statement.pdf", pdfFile)
	link, err := a.CompleteStatements(context.Background(), session)
	if err != nil {
		t.Fatal(err)
	}
	if fa, err := a.FraudAnalysis(context.Background(), link.Ref); err != nil || !fa.Done {
		t.Fatalf("fraud analysis in the sandbox (no extraction delay): %+v, %v", fa, err)
	}

	// A second start (the CA is new) rewrites the files in place.
	old, _ := os.ReadFile(cfg.UploadCA)
	_, cfg2 := startSim(t, sandbox.Options{DataDir: dataDir})
	if now, _ := os.ReadFile(cfg2.UploadCA); cfg2.UploadCA != cfg.UploadCA || string(now) == string(old) {
		t.Fatal("a restart did not rewrite the CA file")
	}
}

// TestSandboxUploadsWithoutDataDir: the certificates go to a temporary
// directory that Close removes.
func TestSandboxUploadsWithoutDataDir(t *testing.T) {
	sim, cfg := startSim(t, sandbox.Options{})
	dir := filepath.Dir(cfg.UploadCert)
	checkMode(t, dir, 0o700)
	if err := sim.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("%s still exists after Close: %v", dir, err)
	}
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Fatalf("%s has mode %v, want %v", path, got, want)
	}
}

// TestSandboxWebhookSecret: FLINKS_WEBHOOK_SECRET, when set, is the secret
// the simulator signs with (a load generator signs deliveries with it
// too); unset, each start makes its own; too short, it is refused.
func TestSandboxWebhookSecret(t *testing.T) {
	const secret = "bench-webhook-secret-0123456789"
	cfg, err := loadConfig(map[string]string{"FLINKS_WEBHOOK_SECRET": secret})
	if err != nil {
		t.Fatal(err)
	}
	sim, err := flinksadapter.StartSim(cfg, sandbox.Options{HistoryDays: 30})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	if sim.WebhookSecret() != secret || cfg.WebhookSecret != secret {
		t.Fatalf("simulator secret %q, config %q, want %q", sim.WebhookSecret(), cfg.WebhookSecret, secret)
	}
	a, _ := startSim(t, sandbox.Options{HistoryDays: 30})
	b, _ := startSim(t, sandbox.Options{HistoryDays: 30})
	if a.WebhookSecret() == "" || a.WebhookSecret() == b.WebhookSecret() {
		t.Fatalf("unset, two starts made secrets %q and %q", a.WebhookSecret(), b.WebhookSecret())
	}
	if _, err := loadConfig(map[string]string{"FLINKS_WEBHOOK_SECRET": "short"}); err == nil {
		t.Fatal("a 5-character secret without FLINKS_BASE_URL validated")
	}
}
