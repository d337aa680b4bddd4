package flinksadapter

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

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
}

var _ sandbox.Sim = (*Sim)(nil)

// StartSim starts the Flinks simulator on o.Addr and points cfg at it;
// its webhooks go to o.PublicURL/webhooks/flinks, signed with a secret
// made for this run.
func StartSim(cfg *Config, o sandbox.Options) (*Sim, error) {
	o = o.WithDefaults()
	var b [24]byte
	_, _ = rand.Read(b[:])
	secret := hex.EncodeToString(b[:])
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
	cfg.BaseURL, cfg.CustomerID = url, ""
	cfg.SecretKey, cfg.APIKey, cfg.WebhookSecret = flinkssim.DefaultSecretKey, flinkssim.DefaultAPIKey, secret
	return &Sim{srv: srv, seed: o.Seed, url: url, secret: secret}, nil
}

// Server returns the simulator itself.
func (s *Sim) Server() *flinkssim.Server { return s.srv }

// WebhookSecret is the secret the simulator signs deliveries with.
func (s *Sim) WebhookSecret() string { return s.secret }

// Provider implements sandbox.Sim.
func (s *Sim) Provider() models.Provider { return models.ProviderFlinks }

// Close implements sandbox.Sim.
func (s *Sim) Close() error { return s.srv.Close() }

// Describe implements sandbox.Sim.
func (s *Sim) Describe() sandbox.Endpoint {
	return sandbox.Endpoint{Name: "flinks", BaseURL: s.url, Settings: map[string]string{
		"FLINKS_BASE_URL": s.url, "FLINKS_SECRET_KEY": flinkssim.DefaultSecretKey, "FLINKS_API_KEY": flinkssim.DefaultAPIKey,
		"FLINKS_WEBHOOK_SECRET": s.secret,
	}, Hints: []string{"Connect page: " + s.srv.ConnectURL("http://127.0.0.1:8080/") +
		" (user " + flinkssim.UserGreatdayNoMFA + ", password " + flinkssim.TestPassword + ")"}}
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

// SimServer returns the Flinks simulator of a running sandbox, or nil.
func SimServer(sb *sandbox.Sandbox) *Sim {
	if sb == nil {
		return nil
	}
	s, _ := sb.Sim(models.ProviderFlinks).(*Sim)
	return s
}
