package flinksadapter_test

import (
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/provider/providertest"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flinks"
	"github.com/fingraph/fingraph/providers/flinks/flinksadapter"
	"github.com/fingraph/fingraph/providers/flinks/flinkssim"
)

// newAdapter returns an adapter over a fresh simulator.
func newAdapter(t *testing.T, o flinkssim.Options, ao flinksadapter.Options) (*flinksadapter.Adapter, *flinkssim.Server) {
	t.Helper()
	if o.Seed == 0 {
		o.Seed = 11
	}
	if o.HistoryDays == 0 {
		o.HistoryDays = 30
	}
	sim, url := flinkssim.NewTestServer(t, o)
	client, err := flinks.NewClient(url, flinks.WithSecretKey(flinkssim.DefaultSecretKey), flinks.WithAPIKey(flinkssim.DefaultAPIKey),
		flinks.WithTimeout(20*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return flinksadapter.New(client, ao), sim
}

// TestContract runs the provider contract against the Flinks simulator.
func TestContract(t *testing.T) {
	a, sim := newAdapter(t, flinkssim.Options{}, flinksadapter.Options{})
	login := func(t *testing.T) string {
		id, err := sim.CreateLogin(flinkssim.UserGreatdayNoMFA, flinkssim.TestPassword)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	providertest.Run(t, providertest.Harness{
		Provider: a,
		NewCredentials: func(t *testing.T) *models.Credentials {
			return &models.Credentials{Provider: models.ProviderFlinks, ProviderRef: login(t)}
		},
		LinkCode: login,
		Products: a.Products(),
		Secrets:  []string{flinkssim.DefaultSecretKey, flinkssim.DefaultAPIKey},
	})
}
