package finqwareadapter

import (
	"context"
	"fmt"

	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/sandbox"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/finqware/finqwaresim"
)

// Sim is the Finqware simulator running for the sandbox.
type Sim struct {
	srv *finqwaresim.Server
	url string
}

var _ sandbox.Sim = (*Sim)(nil)

// StartSim starts the Finqware simulator on o.Addr and points cfg at it.
func StartSim(cfg *Config, o sandbox.Options) (*Sim, error) {
	o = o.WithDefaults()
	srv, err := finqwaresim.New(finqwaresim.Options{Seed: o.Seed, AsOf: o.AsOf, HistoryDays: min(o.HistoryDays, 365),
		Latency: o.Latency})
	if err != nil {
		return nil, fmt.Errorf("finqware simulator: %w", err)
	}
	url, err := srv.Start(o.Addr)
	if err != nil {
		return nil, fmt.Errorf("start finqware simulator: %w", err)
	}
	cfg.BaseURL, cfg.ClientID = url, finqwaresim.DefaultClientID
	cfg.ClientSecret, cfg.ClientAppKey = finqwaresim.DefaultClientSecret, finqwaresim.DefaultClientAppKey
	return &Sim{srv: srv, url: url}, nil
}

// Server returns the simulator itself (approve or deny a consent, inject
// faults).
func (s *Sim) Server() *finqwaresim.Server { return s.srv }

// Provider implements sandbox.Sim.
func (s *Sim) Provider() models.Provider { return models.ProviderFinqware }

// Close implements sandbox.Sim.
func (s *Sim) Close() error { return s.srv.Close() }

// Describe implements sandbox.Sim.
func (s *Sim) Describe() sandbox.Endpoint {
	return sandbox.Endpoint{Name: "finqware", BaseURL: s.url, Settings: map[string]string{
		"FINQWARE_BASE_URL": s.url, "FINQWARE_CLIENT_ID": finqwaresim.DefaultClientID,
		"FINQWARE_CLIENT_SECRET": finqwaresim.DefaultClientSecret, "FINQWARE_CLIENT_APP_KEY": finqwaresim.DefaultClientAppKey,
	}, Hints: []string{"skills: " + finqwaresim.SkillBT + ", " + finqwaresim.SkillRZB + " (bank consent page), " +
		finqwaresim.SkillDeposit + " (form, upload, confirmation)"}}
}

// DemoLinks implements sandbox.Sim: the demo user onboards to Finqware
// through the API (that is the flow worth trying), so none is pre-linked.
func (s *Sim) DemoLinks(context.Context, string) ([]provider.Link, error) { return nil, nil }

// SimServer returns the Finqware simulator of a running sandbox, or nil.
func SimServer(sb *sandbox.Sandbox) *finqwaresim.Server {
	if sb == nil {
		return nil
	}
	if s, ok := sb.Sim(models.ProviderFinqware).(*Sim); ok {
		return s.srv
	}
	return nil
}
