// Package sandbox runs fingraph's built-in provider simulators on loopback
// ports, for development and demos: the app points its provider clients at
// them, and SeedDemo gives the demo user linked credentials with
// deterministic data. Production never starts it.
package sandbox

import (
	"context"
	"fmt"
	"time"

	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// DefaultSeed drives the simulated data: the same seed gives the same
// institutions, accounts and movements on every start.
const DefaultSeed int64 = 20240315

// Options configures the simulators. The zero value is usable.
type Options struct {
	// Addr is the Flanks simulator's listen address; default
	// "127.0.0.1:0" (a free loopback port).
	Addr string
	// Seed drives the simulated data; default DefaultSeed.
	Seed int64
	// ClientID and ClientSecret are the App credentials the simulator
	// accepts; default flankssim's.
	ClientID, ClientSecret string
	// AsOf is the last day of the simulated history. Zero means
	// today (UTC), so dates stay current; the data is then identical for
	// every start on the same day and shifts by a day at midnight. Set it
	// for byte-identical data across days.
	AsOf time.Time
	// Latency is added to every simulated Flanks response (demos of
	// loading states).
	Latency time.Duration
	// ExtractionDelay is how long new credentials stay pending upstream;
	// default 0 (data at once).
	ExtractionDelay time.Duration
	// HistoryDays is how many days of transactions the simulator
	// generates; 0 means flankssim.DefaultHistoryDays (two years).
	HistoryDays int
}

// Endpoint describes one simulator for `fingraph sandbox` to print.
type Endpoint struct {
	Name         string
	BaseURL      string
	ClientID     string
	ClientSecret string
}

// Sandbox is a set of running simulators.
type Sandbox struct {
	seed   int64
	flanks *flankssim.Server
	url    string
	id     string
	secret string
}

// Start starts the simulators. Close stops them.
func Start(ctx context.Context, opts Options) (*Sandbox, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if opts.Seed == 0 {
		opts.Seed = DefaultSeed
	}
	if opts.ClientID == "" || opts.ClientSecret == "" {
		opts.ClientID, opts.ClientSecret = flankssim.DefaultClientID, flankssim.DefaultClientSecret
	}
	srv, err := flankssim.New(flankssim.Options{
		Seed: opts.Seed, ClientID: opts.ClientID, ClientSecret: opts.ClientSecret,
		AsOf: opts.AsOf, Latency: opts.Latency, ExtractionDelay: opts.ExtractionDelay,
		HistoryDays: opts.HistoryDays,
	})
	if err != nil {
		return nil, fmt.Errorf("sandbox: flanks simulator: %w", err)
	}
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	url, err := srv.Start(addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: start flanks simulator: %w", err)
	}
	return &Sandbox{seed: opts.Seed, flanks: srv, url: url, id: opts.ClientID, secret: opts.ClientSecret}, nil
}

// Close stops the simulators. It is safe to call more than once.
func (s *Sandbox) Close() error {
	if err := s.flanks.Close(); err != nil {
		return fmt.Errorf("sandbox: stop flanks simulator: %w", err)
	}
	return nil
}

// FlanksURL is the Flanks simulator's base URL (FLANKS_BASE_URL).
func (s *Sandbox) FlanksURL() string { return s.url }

// FlanksClientID is the client id the Flanks simulator accepts.
func (s *Sandbox) FlanksClientID() string { return s.id }

// FlanksClientSecret is the client secret the Flanks simulator accepts. It
// is a fixed sandbox value, not a real secret.
func (s *Sandbox) FlanksClientSecret() string { return s.secret }

// Flanks returns the Flanks simulator itself, for tests and tools that
// drive it (complete a link, inject faults).
func (s *Sandbox) Flanks() *flankssim.Server { return s.flanks }

// Describe lists the running simulators and how to call them.
func (s *Sandbox) Describe() []Endpoint {
	return []Endpoint{{Name: "flanks", BaseURL: s.url, ClientID: s.id, ClientSecret: s.secret}}
}
