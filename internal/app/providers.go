package app

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/config"
	"github.com/fingraph/fingraph/internal/sandbox"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks"
)

// startSandbox runs the built-in simulators for providers without a base
// URL, pointing the configuration at them. Production never does this.
func (a *App) startSandbox(ctx context.Context) error {
	if !a.Config.Sandbox || a.Config.Flanks.BaseURL != "" {
		return nil
	}
	sb, err := sandbox.Start(ctx, sandbox.Options{
		ExtractionDelay: a.Config.SandboxDelay, HistoryDays: a.Config.SandboxHistory, Latency: a.Config.SandboxLatency,
	})
	if err != nil {
		return fmt.Errorf("start sandbox: %w", err)
	}
	a.Sandbox = sb
	a.closers = append(a.closers, func() error { sb.Close(); return nil })
	a.Config.Flanks.BaseURL, a.Config.Flanks.ClientID, a.Config.Flanks.ClientSecret = sb.FlanksURL(), sb.FlanksClientID(), sb.FlanksClientSecret()
	return nil
}

// newFlanks builds the Flanks client from configuration.
func newFlanks(c config.Flanks) (*flanks.Client, error) {
	opts := []flanks.Option{
		flanks.WithClientCredentials(c.ClientID, c.ClientSecret),
		flanks.WithHTTPClient(&http.Client{Timeout: c.Timeout}),
		flanks.WithTimeout(c.Timeout),
	}
	if c.Username != "" {
		opts = append(opts, flanks.WithPasswordGrant(c.Username, c.Password))
	}
	if c.JWE {
		opts = append(opts, flanks.WithJWE(flanks.JWEConfig{JWKSURL: c.JWKSURL, Enc: flanks.ContentEncryption(c.JWEEnc)}))
	}
	return flanks.NewClient(c.BaseURL, opts...)
}

// newAggregate wires the providers behind the lazy-fetch cache.
func (a *App) newAggregate(st *store.Store) (*aggregate.Service, error) {
	fc, err := newFlanks(a.Config.Flanks)
	if err != nil {
		return nil, fmt.Errorf("flanks client: %w", err)
	}
	ttl := map[models.Product]time.Duration{}
	for p, d := range a.Config.Cache.TTLs {
		ttl[models.Product(p)] = d
	}
	return aggregate.New(st, []aggregate.Provider{aggregate.NewFlanks(fc)}, aggregate.Options{
		TTL: ttl, DefaultTTL: a.Config.Cache.DefaultTTL, StaleBound: a.Config.Cache.StaleBound, Logger: a.logger,
	}), nil
}
