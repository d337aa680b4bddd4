package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/config"
	"github.com/fingraph/fingraph/internal/events"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/sandbox"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/finqware/finqwareadapter"
	"github.com/fingraph/fingraph/providers/flanks/flanksadapter"
	"github.com/fingraph/fingraph/providers/flinks/flinksadapter"
	"github.com/fingraph/fingraph/providers/guard"
)

// kit is everything the server needs of one provider: its configuration
// section, how to build its adapter, and how to start its simulator. This
// table is the one place that names every provider; the engine, services,
// GraphQL layer and configuration loader go through it.
type kit struct {
	name models.Provider
	// legacyLinker serves the deprecated exchangeLinkCode mutation.
	legacyLinker bool
	section      func() config.Section
	// build makes the adapter; h connects its client to the metrics and
	// tracing.
	build    func(s config.Section, h guard.Hooks) (provider.Provider, error)
	simulate func(config.Section, sandbox.Options) (sandbox.Sim, error)
}

var kits = []kit{
	{
		name: models.ProviderFlanks, legacyLinker: true,
		section: func() config.Section { return &flanksadapter.Config{} },
		build: func(s config.Section, h guard.Hooks) (provider.Provider, error) {
			c, err := s.(*flanksadapter.Config).NewClient(h)
			if err != nil {
				return nil, err
			}
			return flanksadapter.New(c), nil
		},
		simulate: func(s config.Section, o sandbox.Options) (sandbox.Sim, error) {
			return flanksadapter.StartSim(s.(*flanksadapter.Config), o)
		},
	},
	{
		name:    models.ProviderFlinks,
		section: func() config.Section { return &flinksadapter.Config{} },
		build: func(s config.Section, h guard.Hooks) (provider.Provider, error) {
			return s.(*flinksadapter.Config).New(h)
		},
		simulate: func(s config.Section, o sandbox.Options) (sandbox.Sim, error) {
			return flinksadapter.StartSim(s.(*flinksadapter.Config), o)
		},
	},
	{
		name:    models.ProviderFinqware,
		section: func() config.Section { return &finqwareadapter.Config{} },
		build: func(s config.Section, h guard.Hooks) (provider.Provider, error) {
			c, err := s.(*finqwareadapter.Config).NewClient(h)
			if err != nil {
				return nil, err
			}
			return finqwareadapter.New(c), nil
		},
		simulate: func(s config.Section, o sandbox.Options) (sandbox.Sim, error) {
			return finqwareadapter.StartSim(s.(*finqwareadapter.Config), o)
		},
	},
}

// Sections returns a fresh configuration section for every provider, for
// config.Load.
func Sections() map[models.Provider]config.Section {
	out := make(map[models.Provider]config.Section, len(kits))
	for _, k := range kits {
		out[k.name] = k.section()
	}
	return out
}

// StartSimulators starts the simulator of every provider whose base URL
// is unset and points its section at it. The cli's sandbox command and the
// app both use it.
func StartSimulators(cfg config.Config, o sandbox.Options) (*sandbox.Sandbox, error) {
	sb := sandbox.New()
	for _, k := range kits {
		sec := cfg.Providers[k.name]
		if sec == nil || sec.Configured() {
			continue
		}
		sim, err := k.simulate(sec, o)
		if err != nil {
			return nil, errors.Join(err, sb.Close())
		}
		sb.Add(sim)
	}
	return sb, nil
}

// startSandbox runs the built-in simulators for providers without a base
// URL, pointing the configuration at them. Production never does this.
func (a *App) startSandbox(ctx context.Context) error {
	if !a.Config.Sandbox {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	sb, err := StartSimulators(a.Config, a.sandboxOptions())
	if err != nil {
		return fmt.Errorf("start sandbox: %w", err)
	}
	a.Sandbox = sb
	a.closers = append(a.closers, sb.Close)
	return nil
}

func (a *App) sandboxOptions() sandbox.Options {
	c := a.Config
	return sandbox.Options{ExtractionDelay: c.SandboxDelay, HistoryDays: c.SandboxHistory,
		Latency: c.SandboxLatency, DataDir: c.DataDir, PublicURL: c.PublicURL}
}

// newRegistry builds the adapter of every provider that has a base URL
// (real or simulated); the others are left out, and asking for them
// answers that the provider is not configured.
func (a *App) newRegistry() (*provider.Registry, models.Provider, error) {
	var ps []provider.Provider
	var legacy models.Provider
	for _, k := range kits {
		sec := a.Config.Providers[k.name]
		if sec == nil || !sec.Configured() {
			continue
		}
		p, err := k.build(sec, a.providerHooks(k.name))
		if err != nil {
			return nil, "", fmt.Errorf("%s client: %w", k.name, err)
		}
		ps = append(ps, p)
		if k.legacyLinker {
			legacy = k.name
		}
	}
	return provider.NewRegistry(ps...), legacy, nil
}

// newAggregate wires the providers behind the lazy-fetch cache.
func (a *App) newAggregate(st *store.Store, reg *provider.Registry, pub *events.Publisher) *aggregate.Service {
	return aggregate.New(st, reg, aggregate.Options{
		TTL: perProduct(a.Config.Cache.TTLs), DefaultTTL: a.Config.Cache.DefaultTTL, StaleBound: a.Config.Cache.StaleBound,
		RevalidateWindow: perProduct(a.Config.Cache.RevalidateWindows), DefaultRevalidateWindow: a.Config.Cache.RevalidateWindow,
		FetchBudget: a.Config.Cache.FetchBudget, FailureMemory: a.Config.Cache.FailureMemory,
		WholeFetchMin:   a.Config.Cache.WholeFetchMin,
		FinishLinkDelay: a.Config.Jobs.LinkDelay, Instance: a.Instance, Events: pub, Logger: a.logger,
		Observer: a.Metrics.Cache(),
	})
}

// perProduct keys a configured per-product list by product.
func perProduct(m map[string]time.Duration) map[models.Product]time.Duration {
	out := make(map[models.Product]time.Duration, len(m))
	for p, d := range m {
		out[models.Product(p)] = d
	}
	return out
}
