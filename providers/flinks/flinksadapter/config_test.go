package flinksadapter_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/config"
	"github.com/fingraph/fingraph/providers/flinks/flinkssim"
	"github.com/fingraph/fingraph/providers/guard"
)

// configErrorVar returns the variable a *config.Error names, or fails.
func configErrorVar(t *testing.T, err error) *config.Error {
	t.Helper()
	var ce *config.Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is not a *config.Error", err, err)
	}
	for _, s := range []string{flinkssim.DefaultUploadClientSecret, flinkssim.DefaultAPISecret, "-----BEGIN"} {
		if strings.Contains(ce.Error(), s) {
			t.Fatalf("config error leaks a secret or file content: %v", ce)
		}
	}
	return ce
}

// TestConfigUploadErrors: each invalid Upload API setting is a
// *config.Error naming its variable, found at start.
func TestConfigUploadErrors(t *testing.T) {
	e := startUploadSim(t, flinkssim.Options{})
	expiredCert, expiredKey, err := e.sim.IssueClientCertificate(flinkssim.ClientCertOptions{
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	_, otherKey, err := e.sim.IssueClientCertificate(flinkssim.ClientCertOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		change  map[string]string // "" deletes
		wantVar string
		wantMsg string
	}{
		{"missing cert file", map[string]string{"FLINKS_UPLOAD_CERT": filepath.Join(dir, "nope.pem")},
			"FLINKS_UPLOAD_CERT", "file missing or unreadable"},
		{"no client secret", map[string]string{"FLINKS_UPLOAD_CLIENT_SECRET": ""}, "FLINKS_UPLOAD_CLIENT_SECRET", "is required"},
		{"expired cert", map[string]string{"FLINKS_UPLOAD_CERT": writeTestFile(t, dir, "expired.pem", expiredCert),
			"FLINKS_UPLOAD_KEY": writeTestFile(t, dir, "expired.key", expiredKey)}, "FLINKS_UPLOAD_CERT", "certificate expired"},
		{"key of another certificate", map[string]string{"FLINKS_UPLOAD_KEY": writeTestFile(t, dir, "other.key", otherKey)},
			"FLINKS_UPLOAD_KEY", "does not match"},
		{"CA not PEM", map[string]string{"FLINKS_UPLOAD_CA": writeTestFile(t, dir, "ca.txt", []byte("not a certificate"))},
			"FLINKS_UPLOAD_CA", "not PEM"},
		{"plain http upload URL", map[string]string{"FLINKS_UPLOAD_URL": "http://127.0.0.1:1"}, "FLINKS_UPLOAD_URL", "https"},
		{"no cert", map[string]string{"FLINKS_UPLOAD_CERT": ""}, "FLINKS_UPLOAD_CERT", "is required"},
		{"no key", map[string]string{"FLINKS_UPLOAD_KEY": ""}, "FLINKS_UPLOAD_KEY", "is required"},
		{"no client id", map[string]string{"FLINKS_UPLOAD_CLIENT_ID": ""}, "FLINKS_UPLOAD_CLIENT_ID", "is required"},
		{"no API secret", map[string]string{"FLINKS_API_SECRET": ""}, "FLINKS_API_SECRET", "is required"},
		{"no data API", map[string]string{"FLINKS_BASE_URL": ""}, "FLINKS_BASE_URL", "fraud analysis"},
		{"bad upload timeout", map[string]string{"FLINKS_UPLOAD_TIMEOUT": "0s"}, "FLINKS_UPLOAD_TIMEOUT", "positive"},
		{"bad fraud poll interval", map[string]string{"FLINKS_FRAUD_POLL_INTERVAL": "-1s"}, "FLINKS_FRAUD_POLL_INTERVAL", "positive"},
		{"key without the rest", map[string]string{"FLINKS_UPLOAD_CLIENT_ID": "", "FLINKS_UPLOAD_CERT": "",
			"FLINKS_UPLOAD_CLIENT_SECRET": ""}, "FLINKS_UPLOAD_KEY", "without"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := e.env()
			for k, v := range tc.change {
				env[k] = v
			}
			_, err := loadConfig(env)
			ce := configErrorVar(t, err)
			if ce.Var != tc.wantVar || !strings.Contains(ce.Msg, tc.wantMsg) {
				t.Fatalf("error %q; want %s and %q", ce, tc.wantVar, tc.wantMsg)
			}
		})
	}
}

// TestConfigUploadOptional: without any FLINKS_UPLOAD_* the section is
// valid and the adapter has no uploads; with them all, it has.
func TestConfigUploadOptional(t *testing.T) {
	e := startUploadSim(t, flinkssim.Options{})
	env := map[string]string{"FLINKS_BASE_URL": e.dataURL, "FLINKS_SECRET_KEY": flinkssim.DefaultSecretKey}
	cfg, err := loadConfig(env)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.UploadConfigured() || cfg.UploadTimeout != 5*time.Minute || cfg.FraudPollInterval != 30*time.Second {
		t.Fatalf("defaults: %+v", cfg)
	}
	a, err := cfg.New(guard.Hooks{})
	if err != nil || a.UploadsConfigured() {
		t.Fatalf("New without uploads: %v", err)
	}

	full := e.env()
	full["FLINKS_FRAUD_POLL_INTERVAL"] = "10s"
	cfg, err = loadConfig(full)
	if err != nil {
		t.Fatal(err)
	}
	a, err = cfg.New(guard.Hooks{})
	if err != nil || !a.UploadsConfigured() || a.FraudPollInterval() != 10*time.Second {
		t.Fatalf("New with uploads: %v", err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestConfigNewReportsCertificateErrors: files that went bad after
// Validate fail New with the variable named.
func TestConfigNewReportsCertificateErrors(t *testing.T) {
	e := startUploadSim(t, flinkssim.Options{})
	cfg, err := loadConfig(e.env())
	if err != nil {
		t.Fatal(err)
	}
	cfg.UploadCert = filepath.Join(t.TempDir(), "gone.pem")
	_, err = cfg.New(guard.Hooks{})
	if ce := configErrorVar(t, err); ce.Var != "FLINKS_UPLOAD_CERT" {
		t.Fatalf("New: %v", err)
	}
}

// TestConfigRateLimit: FLINKS_RATE_LIMIT is a rate per second, never
// negative.
func TestConfigRateLimit(t *testing.T) {
	cfg, err := loadConfig(map[string]string{"FLINKS_RATE_LIMIT": "4"})
	if err != nil || cfg.RateLimit != 4 {
		t.Fatalf("rate limit %v, %v", cfg.RateLimit, err)
	}
	_, err = loadConfig(map[string]string{"FLINKS_RATE_LIMIT": "-4"})
	var ce *config.Error
	if !errors.As(err, &ce) || ce.Var != "FLINKS_RATE_LIMIT" {
		t.Fatalf("err = %v, want one naming FLINKS_RATE_LIMIT", err)
	}
}
