package flinksadapter

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/sandbox"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flinks/flinkssim"
)

// Sim is the Flinks simulator running for the sandbox.
type Sim struct {
	srv    *flinkssim.Server
	seed   int64
	url    string
	secret string
	upload uploadFiles
	tmpDir string // removed at Close: the certificates' directory without a DataDir
	faults *sandbox.FaultSwitch
}

// uploadFiles are the Upload API settings of a sandbox.
type uploadFiles struct {
	url, cert, key, ca string
}

// uploadCertDir is the subdirectory of the data dir holding the Upload
// API certificates of the sandbox.
const uploadCertDir = "flinks-upload"

var (
	_ sandbox.Sim          = (*Sim)(nil)
	_ sandbox.LinkCoder    = (*Sim)(nil)
	_ sandbox.WebhookFirer = (*Sim)(nil)
	_ sandbox.Faulter      = (*Sim)(nil)
)

// StartSim starts the Flinks simulator on o.Addr and points cfg at it;
// its webhooks go to o.PublicURL/webhooks/flinks, signed with
// cfg.WebhookSecret (FLINKS_WEBHOOK_SECRET) when set, so that a load
// generator can sign deliveries as the simulator does, else with a secret
// made for this run. Its Upload API listens on a free loopback port (the
// server is its only client, and its certificate names 127.0.0.1), with a
// client certificate written to o.DataDir/flinks-upload (a temporary
// directory without a DataDir).
func StartSim(cfg *Config, o sandbox.Options) (*Sim, error) {
	o = o.WithDefaults()
	secret := cfg.WebhookSecret
	if secret == "" {
		var b [24]byte
		_, _ = rand.Read(b[:])
		secret = hex.EncodeToString(b[:])
	}
	so := flinkssim.Options{Seed: o.Seed, AsOf: o.AsOf, HistoryDays: min(o.HistoryDays, flinkssim.DefaultHistoryDays),
		Latency: o.Latency, ExtractionDelay: o.ExtractionDelay, WebhookSecret: []byte(secret)}
	if o.PublicURL != "" {
		so.WebhookURL = strings.TrimRight(o.PublicURL, "/") + "/webhooks/flinks"
	}
	srv, err := flinkssim.New(so)
	if err != nil {
		return nil, fmt.Errorf("flinks simulator: %w", err)
	}
	url, err := srv.Start(o.Addr)
	if err != nil {
		return nil, fmt.Errorf("start flinks simulator: %w", err)
	}
	sim := &Sim{srv: srv, seed: o.Seed, url: url, secret: secret, faults: sandbox.NewFaultSwitch(srv, o.Latency)}
	if err := sim.startUpload(o.DataDir); err != nil {
		return nil, errors.Join(fmt.Errorf("start flinks upload simulator: %w", err), sim.Close())
	}
	cfg.BaseURL, cfg.CustomerID = url, ""
	cfg.SecretKey, cfg.APIKey, cfg.WebhookSecret = flinkssim.DefaultSecretKey, flinkssim.DefaultAPIKey, secret
	cfg.UploadURL, cfg.UploadCert, cfg.UploadKey, cfg.UploadCA = sim.upload.url, sim.upload.cert, sim.upload.key, sim.upload.ca
	cfg.UploadClientID, cfg.UploadClientSecret = flinkssim.DefaultUploadClientID, flinkssim.DefaultUploadClientSecret
	cfg.APISecret = flinkssim.DefaultAPISecret
	return sim, nil
}

// startUpload starts the Upload API listener and writes a client
// certificate for it. The files are rewritten on every start: the
// simulator's CA is made anew each run, so older ones would not verify.
func (s *Sim) startUpload(dataDir string) error {
	url, err := s.srv.StartUpload("127.0.0.1:0")
	if err != nil {
		return err
	}
	dir, err := s.certDir(dataDir)
	if err != nil {
		return err
	}
	certPEM, keyPEM, err := s.srv.IssueClientCertificate(flinkssim.ClientCertOptions{CommonName: "fingraph sandbox"})
	if err != nil {
		return fmt.Errorf("issue a client certificate: %w", err)
	}
	f := uploadFiles{url: url, cert: filepath.Join(dir, "client.pem"), key: filepath.Join(dir, "client.key"),
		ca: filepath.Join(dir, "ca.pem")}
	for _, w := range []struct {
		path string
		data []byte
	}{{f.ca, s.srv.CACertPEM()}, {f.cert, certPEM}, {f.key, keyPEM}} {
		if err := writePrivate(w.path, w.data); err != nil {
			return err
		}
	}
	s.upload = f
	return nil
}

// certDir returns the private (0700) directory of the certificates.
func (s *Sim) certDir(dataDir string) (string, error) {
	if dataDir == "" {
		dir, err := os.MkdirTemp("", "fingraph-flinks-upload-")
		if err != nil {
			return "", err
		}
		s.tmpDir = dir
		return dir, nil
	}
	dir := filepath.Join(dataDir, uploadCertDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	// MkdirAll leaves an existing directory's mode alone.
	return dir, os.Chmod(dir, 0o700)
}

// writePrivate writes a 0600 file through a temporary one and a rename,
// so a reader (the certificate watcher) never sees half a file.
func writePrivate(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*") // CreateTemp makes 0600 files
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	return nil
}

// Server returns the simulator itself.
func (s *Sim) Server() *flinkssim.Server { return s.srv }

// WebhookSecret is the secret the simulator signs deliveries with.
func (s *Sim) WebhookSecret() string { return s.secret }

// Provider implements sandbox.Sim.
func (s *Sim) Provider() models.Provider { return models.ProviderFlinks }

// Close implements sandbox.Sim. The certificates of a DataDir stay (the
// next start rewrites them); a temporary directory goes.
func (s *Sim) Close() error {
	s.faults.Stop()
	err := s.srv.Close()
	if s.tmpDir != "" {
		err = errors.Join(err, os.RemoveAll(s.tmpDir))
	}
	return err
}

// uploadHint uploads a PDF statement through the server's GraphQL
// multipart endpoint (the GraphQL multipart request spec); the
// Authorization header is in double quotes so the shell expands $TOKEN.
const uploadHint = `Upload a statement: curl http://127.0.0.1:8080/graphql -H "Authorization: Bearer $TOKEN" -H 'GraphQL-Require-Preflight: 1' ` +
	`-F operations='{"query":"mutation($f:[Upload!]!){uploadStatements(files:$f){id status}}","variables":{"f":[null]}}' ` +
	`-F map='{"0":["variables.f.0"]}' -F 0=@statement.pdf`

// Describe implements sandbox.Sim. The secrets it prints are the
// simulator's defaults and this run's, worthless elsewhere.
func (s *Sim) Describe() sandbox.Endpoint {
	return sandbox.Endpoint{Name: "flinks", BaseURL: s.url, Settings: map[string]string{
		"FLINKS_BASE_URL":             s.url,
		"FLINKS_SECRET_KEY":           flinkssim.DefaultSecretKey,
		"FLINKS_API_KEY":              flinkssim.DefaultAPIKey,
		"FLINKS_WEBHOOK_SECRET":       s.secret,
		"FLINKS_UPLOAD_URL":           s.upload.url,
		"FLINKS_UPLOAD_CLIENT_ID":     flinkssim.DefaultUploadClientID,
		"FLINKS_UPLOAD_CLIENT_SECRET": flinkssim.DefaultUploadClientSecret,
		"FLINKS_UPLOAD_CERT":          s.upload.cert,
		"FLINKS_UPLOAD_KEY":           s.upload.key,
		"FLINKS_UPLOAD_CA":            s.upload.ca,
		"FLINKS_API_SECRET":           flinkssim.DefaultAPISecret,
	}, Hints: []string{"Connect page: " + s.srv.ConnectURL("http://127.0.0.1:8080/") +
		" (user " + flinkssim.UserGreatdayNoMFA + ", password " + flinkssim.TestPassword + ")",
		uploadHint,
		"Statements named with \"" + flinkssim.FraudNameMarker + "\" (or containing " + flinkssim.FraudContentMarker +
			") get fraud signals in the analysis"}}
}

// DemoLinks implements sandbox.Sim: a FlinksCapital login whose LoginId
// is derived from the seed, so it is the same on every start.
func (s *Sim) DemoLinks(_ context.Context, externalID string) ([]provider.Link, error) {
	id, err := s.srv.CreateLoginWithID(sandbox.DemoRef(s.seed, "flinks", externalID), flinkssim.UserGreatdayNoMFA, flinkssim.TestPassword)
	if err != nil {
		return nil, fmt.Errorf("demo login: %w", err)
	}
	return []provider.Link{{Ref: id, ExternalID: externalID,
		State: state{Institution: flinkssim.Institution}.doc()}}, nil
}

// sandboxUsers are the FlinksCapital test users SandboxLinkCode accepts.
var sandboxUsers = []string{flinkssim.UserGreatdayNoMFA, flinkssim.UserGreatday, flinkssim.UserPending,
	flinkssim.UserDispatched, flinkssim.UserServiceUnavailable, flinkssim.UserDisabled}

// SandboxLinkCode implements sandbox.LinkCoder: a user finishing Flinks
// Connect at FlinksCapital (the only institution) as the test user named
// by scenario (UserGreatdayNoMFA when empty). It returns the LoginId
// Connect's redirect carries; the webhook follows once the extraction is
// done, as with Flinks.
func (s *Sim) SandboxLinkCode(_ context.Context, institution, scenario string) (string, error) {
	if institution != "" && !strings.EqualFold(institution, flinkssim.Institution) {
		return "", apperr.Invalid("the Flinks simulator has only the institution %q", flinkssim.Institution)
	}
	if scenario == "" {
		scenario = flinkssim.UserGreatdayNoMFA
	}
	id, err := s.srv.CreateLogin(scenario, flinkssim.TestPassword)
	if errors.Is(err, flinkssim.ErrInvalidCredentials) {
		return "", apperr.Invalid("%q is not a FlinksCapital test user: use one of %s", scenario, strings.Join(sandboxUsers, ", "))
	}
	if err != nil {
		return "", fmt.Errorf("flinks simulator: create a login: %w", err)
	}
	return id, nil
}

// SandboxFireWebhook implements sandbox.WebhookFirer: the login's
// GetAccountsDetail webhook, signed, delivered now.
func (s *Sim) SandboxFireWebhook(_ context.Context, loginID string) error {
	err := s.srv.FireWebhook(loginID)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flinkssim.ErrUnknownLogin):
		return apperr.Conflictf("the Flinks simulator does not know this login (it has restarted since the link)")
	case errors.Is(err, flinkssim.ErrNoWebhookURL):
		return &apperr.Error{Kind: apperr.ErrUnsupported, Public: "the Flinks simulator has no webhook URL"}
	}
	return apperr.Conflictf("the Flinks simulator's webhook delivery failed: %v", err)
}

// SandboxFault implements sandbox.Faulter.
func (s *Sim) SandboxFault(f sandbox.Fault, d time.Duration) error { return s.faults.Set(f, d) }

// SimServer returns the Flinks simulator of a running sandbox, or nil.
func SimServer(sb *sandbox.Sandbox) *Sim {
	if sb == nil {
		return nil
	}
	s, _ := sb.Sim(models.ProviderFlinks).(*Sim)
	return s
}
