package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/sandbox"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks/flanksadapter"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// The sandbox seeds FINGRAPH_SANDBOX_USERS users besides the demo user, so
// the analysts' views have something to explore in `go run .`: Flanks
// credentials at the simulator's seven banks, some in trouble (the
// TestBank triggers of providers/flanks/flankssim: SCA, wrong password,
// failing products), a Flinks login for every fourth user, and last-seen
// times spread over the past days. Handles are derived from the seed, so
// every start re-creates the same connections in the (in-memory)
// simulators and the stored rows keep working. It runs in the background,
// start-up does not wait: linking, then fetching each user's data a few
// credentials at a time, so the aggregates fill within seconds.
//
// Only the Flanks simulator can create credentials in a chosen state; it
// is named here rather than through a sandbox capability because the
// adapters (providers/) were off limits when this was written.

// SandboxUserID names the i-th seeded user (0-based).
func SandboxUserID(i int) string { return fmt.Sprintf("sandbox-user-%02d", i+1) }

// seedBanks are the Flanks simulator's institutions, cycled over users.
var seedBanks = []string{"testbank", "bbva", "santander", "caixabank", "bankinter", "ing", "openbank"}

// seedScenarios are the TestBank triggers (the Link password), cycled over
// users: most connections are healthy.
var seedScenarios = []string{"", "", "", "", "", "", "SCA_SMS", "INVALID_CREDENTIALS",
	"DATA_ERROR_PRODUCT_ACCOUNT", "DATA_ERROR_TRANSACTION_ACCOUNT"}

// seedProducts are fetched for every seeded credentials, parents first.
var seedProducts = []models.Product{models.ProductAccounts, models.ProductTransactions, models.ProductPortfolios,
	models.ProductInvestments, models.ProductLiabilities, models.ProductCards}

// seedFetchers bounds the seeded credentials fetched at once.
const seedFetchers = 3

// startSeedingUsers seeds the users in the background; Close cancels it
// and waits. SeededUsers is closed when it is done.
func (a *App) startSeedingUsers(agg *aggregate.Service, st *store.Store) {
	done := make(chan struct{})
	a.SeededUsers = done
	n := a.Config.Analytics.SandboxUsers
	if n == 0 || a.Sandbox == nil {
		close(done)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.closers = append(a.closers, func() error { cancel(); <-done; return nil })
	go func() {
		defer close(done)
		start := time.Now()
		creds, err := seedUsers(ctx, a.Sandbox, agg, st, n)
		if err == nil {
			prefetch(ctx, agg, creds)
		}
		switch {
		case ctx.Err() != nil:
		case err != nil:
			a.logger.Error("seed sandbox users", "error", err.Error())
		default:
			a.logger.Info("sandbox users seeded", "users", n, "credentials", len(creds), "took", time.Since(start).String())
		}
	}()
}

// seedUsers links the credentials of n users and returns them.
func seedUsers(ctx context.Context, sb *sandbox.Sandbox, agg *aggregate.Service, st *store.Store, n int) ([]*models.Credentials, error) {
	now := time.Now().UTC()
	var out []*models.Credentials
	for i := range n {
		id := SandboxUserID(i)
		if err := st.TouchUser(ctx, id, now.Add(-time.Duration(i)*7*time.Hour)); err != nil {
			return out, err
		}
		links, err := userLinks(ctx, sb, id, i)
		if err != nil {
			return out, err
		}
		for _, l := range links {
			c, err := agg.AttachCredentials(ctx, id, l.provider, &l.link)
			if err != nil {
				return out, fmt.Errorf("%s at %s: %w", id, l.provider, err)
			}
			out = append(out, c)
		}
	}
	return out, nil
}

type seedLink struct {
	provider models.Provider
	link     provider.Link
}

// userLinks creates user i's connections in the simulators.
func userLinks(ctx context.Context, sb *sandbox.Sandbox, userID string, i int) ([]seedLink, error) {
	var out []seedLink
	if sim := flanksadapter.SimServer(sb); sim != nil {
		banks := []string{seedBanks[i%len(seedBanks)]}
		if i%3 == 0 {
			banks = append(banks, seedBanks[(i+3)%len(seedBanks)])
		}
		for j, bank := range banks {
			scenario := seedScenarios[i%len(seedScenarios)]
			if j > 0 {
				scenario = "" // the second bank of a user is healthy
			}
			token := sandbox.DemoRef(sandbox.DefaultSeed, "seeded-user", bank, userID)
			_, err := sim.AddCredentials(flankssim.NewCredentials{Token: token, Bank: bank, ExternalID: userID, Password: scenario})
			if err != nil && !errors.Is(err, flankssim.ErrAlreadyExists) {
				return nil, fmt.Errorf("%s at %s: %w", userID, bank, err)
			}
			out = append(out, seedLink{models.ProviderFlanks, provider.Link{Ref: token, ExternalID: userID}})
		}
	}
	if sim := sb.Sim(models.ProviderFlinks); sim != nil && i%4 == 1 {
		links, err := sim.DemoLinks(ctx, userID)
		if err != nil {
			return nil, fmt.Errorf("%s at flinks: %w", userID, err)
		}
		for _, l := range links {
			out = append(out, seedLink{models.ProviderFlinks, l})
		}
	}
	return out, nil
}

// prefetch fetches the seeded credentials' data, a few at a time. A
// credentials in trouble fails its fetches: that is the point of it, and
// its sync records say so.
func prefetch(ctx context.Context, agg *aggregate.Service, creds []*models.Credentials) {
	var g errgroup.Group
	g.SetLimit(seedFetchers)
	for _, c := range creds {
		g.Go(func() error {
			for _, p := range seedProducts {
				if ctx.Err() != nil {
					return nil
				}
				_ = agg.Ensure(ctx, c, p)
			}
			return nil
		})
	}
	_ = g.Wait()
}
