// Package sandbox runs fingraph's built-in provider simulators on loopback
// ports, for development and demos: the app points each provider without a
// base URL at its simulator, and SeedDemo gives the demo user linked
// credentials with deterministic data. It knows no provider by name: each
// adapter package offers a Sim (see internal/app's provider table).
// Production never starts it.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
)

// DefaultSeed drives the simulated data: the same seed gives the same
// institutions, accounts and movements on every start.
const DefaultSeed int64 = 20240315

// Options configures the simulators. The zero value is usable.
type Options struct {
	// Addr is a simulator's listen address; default "127.0.0.1:0" (a free
	// loopback port each).
	Addr string
	// Seed drives the simulated data; default DefaultSeed.
	Seed int64
	// AsOf is the last day of the simulated history. Zero means today
	// (UTC), so dates stay current; the data is then identical for every
	// start on the same day and shifts by a day at midnight. Set it for
	// byte-identical data across days.
	AsOf time.Time
	// Latency is added to every simulated response (demos of loading
	// states).
	Latency time.Duration
	// ExtractionDelay is how long new credentials stay pending upstream;
	// default 0 (data at once).
	ExtractionDelay time.Duration
	// HistoryDays is how many days of transactions the simulators
	// generate; 0 means each simulator's default.
	HistoryDays int
	// DataDir is where a simulator may keep files (generated
	// certificates); empty means none.
	DataDir string
	// PublicURL is how a simulator reaches the server (webhooks).
	PublicURL string
}

// WithDefaults fills the zero values.
func (o Options) WithDefaults() Options {
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	return o
}

// Endpoint describes one simulator for `fingraph sandbox` to print.
type Endpoint struct {
	Name    string
	BaseURL string
	// Settings are the environment variables that point fingraph at it.
	Settings map[string]string
	// Hints are example calls that drive the simulator.
	Hints []string
}

// Sim is one running simulator.
type Sim interface {
	// Provider names the provider it simulates.
	Provider() models.Provider
	// Describe says where it listens and how to use it.
	Describe() Endpoint
	// DemoLinks makes the demo user's connections exist in the simulator
	// (idempotently: the same handles on every start with the same seed)
	// and returns them for the server to attach.
	DemoLinks(ctx context.Context, externalID string) ([]provider.Link, error)
	// Close stops it.
	Close() error
}

// Sandbox is a set of running simulators.
type Sandbox struct {
	sims []Sim
}

// New returns an empty sandbox.
func New() *Sandbox { return &Sandbox{} }

// Add adds a running simulator.
func (s *Sandbox) Add(sim Sim) { s.sims = append(s.sims, sim) }

// Sim returns the simulator of provider p, or nil.
func (s *Sandbox) Sim(p models.Provider) Sim {
	for _, sim := range s.sims {
		if sim.Provider() == p {
			return sim
		}
	}
	return nil
}

// Close stops every simulator. It is safe to call more than once.
func (s *Sandbox) Close() error {
	var errs []error
	for _, sim := range s.sims {
		if err := sim.Close(); err != nil {
			errs = append(errs, fmt.Errorf("sandbox: stop %s simulator: %w", sim.Provider(), err))
		}
	}
	return errors.Join(errs...)
}

// Describe lists the running simulators and how to call them.
func (s *Sandbox) Describe() []Endpoint {
	out := make([]Endpoint, 0, len(s.sims))
	for _, sim := range s.sims {
		out = append(out, sim.Describe())
	}
	return out
}
