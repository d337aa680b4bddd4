package flanksadapter

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/sandbox"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// demoBanks are the institutions the demo user is linked to.
var demoBanks = []string{"testbank", "bbva"}

// DefaultSandboxBank is the institution of SandboxLinkCode without one.
const DefaultSandboxBank = "testbank"

// Sim is the Flanks simulator running for the sandbox.
type Sim struct {
	srv        *flankssim.Server
	seed       int64
	url        string
	id, secret string
	faults     *sandbox.FaultSwitch
}

var (
	_ sandbox.Sim       = (*Sim)(nil)
	_ sandbox.LinkCoder = (*Sim)(nil)
	_ sandbox.Faulter   = (*Sim)(nil)
)

// StartSim starts the Flanks simulator on o.Addr and points cfg at it.
func StartSim(cfg *Config, o sandbox.Options) (*Sim, error) {
	o = o.WithDefaults()
	srv, err := flankssim.New(flankssim.Options{
		Seed: o.Seed, ClientID: flankssim.DefaultClientID, ClientSecret: flankssim.DefaultClientSecret,
		AsOf: o.AsOf, Latency: o.Latency, ExtractionDelay: o.ExtractionDelay, HistoryDays: o.HistoryDays,
	})
	if err != nil {
		return nil, fmt.Errorf("flanks simulator: %w", err)
	}
	url, err := srv.Start(o.Addr)
	if err != nil {
		return nil, fmt.Errorf("start flanks simulator: %w", err)
	}
	cfg.BaseURL, cfg.ClientID, cfg.ClientSecret = url, flankssim.DefaultClientID, flankssim.DefaultClientSecret
	return &Sim{srv: srv, seed: o.Seed, url: url, id: cfg.ClientID, secret: cfg.ClientSecret,
		faults: sandbox.NewFaultSwitch(srv, o.Latency)}, nil
}

// Server returns the simulator itself, for tests and tools that drive it
// (complete a link, inject faults).
func (s *Sim) Server() *flankssim.Server { return s.srv }

// Provider implements sandbox.Sim.
func (s *Sim) Provider() models.Provider { return models.ProviderFlanks }

// Close implements sandbox.Sim.
func (s *Sim) Close() error {
	s.faults.Stop()
	return s.srv.Close()
}

// Describe implements sandbox.Sim.
func (s *Sim) Describe() sandbox.Endpoint {
	return sandbox.Endpoint{Name: "flanks", BaseURL: s.url,
		Settings: map[string]string{"FLANKS_BASE_URL": s.url, "FLANKS_CLIENT_ID": s.id, "FLANKS_CLIENT_SECRET": s.secret},
		Hints: []string{
			"link a bank:   curl -s -X POST " + s.url + `/sandbox/link/complete -H 'Content-Type: application/json' -d '{"bank":"testbank"}'`,
			"inject faults: curl -s -X POST " + s.url + `/sandbox/faults -H 'Content-Type: application/json' -d '{"latency_ms":300}'`,
		}}
}

// DemoLinks implements sandbox.Sim: credentials at each demo bank, with a
// credentials_token derived from (seed, bank, external id).
func (s *Sim) DemoLinks(_ context.Context, externalID string) ([]provider.Link, error) {
	links := make([]provider.Link, 0, len(demoBanks))
	for _, bank := range demoBanks {
		token := sandbox.DemoRef(s.seed, bank, externalID)
		_, err := s.srv.AddCredentials(flankssim.NewCredentials{Token: token, Bank: bank, ExternalID: externalID})
		if err != nil && !errors.Is(err, flankssim.ErrAlreadyExists) {
			return nil, fmt.Errorf("demo credentials at %s: %w", bank, err)
		}
		links = append(links, provider.Link{Ref: token, ExternalID: externalID})
	}
	return links, nil
}

// SandboxLinkCode implements sandbox.LinkCoder: a user finishing Flanks
// Link at bank (DefaultSandboxBank when empty) with scenario as the
// password, which carries the TestBank triggers (SCA_SMS,
// INVALID_CREDENTIALS, DATA_ERROR_PRODUCT_ACCOUNT...; anything else is a
// good password). It returns the code Link hands the App.
func (s *Sim) SandboxLinkCode(_ context.Context, bank, scenario string) (string, error) {
	if bank == "" {
		bank = DefaultSandboxBank
	}
	res, err := s.srv.CompleteLink(flankssim.LinkCompletion{Bank: bank, Password: scenario})
	switch {
	case errors.Is(err, flankssim.ErrUnknownBank):
		return "", apperr.Invalid("the Flanks simulator has no institution %q (see entities(provider: FLANKS))", bank)
	case errors.Is(err, flankssim.ErrAlreadyExists):
		return "", apperr.Conflictf("Flanks Link answered CREDENTIALS_ALREADY_EXIST: it issues no code")
	case err != nil:
		return "", fmt.Errorf("flanks simulator: complete a link: %w", err)
	}
	return res.Code, nil
}

// SandboxFault implements sandbox.Faulter.
func (s *Sim) SandboxFault(f sandbox.Fault, d time.Duration) error { return s.faults.Set(f, d) }

// SimServer returns the Flanks simulator of a running sandbox, or nil when
// it has none.
func SimServer(sb *sandbox.Sandbox) *flankssim.Server {
	if sb == nil {
		return nil
	}
	if s, ok := sb.Sim(models.ProviderFlanks).(*Sim); ok {
		return s.srv
	}
	return nil
}
