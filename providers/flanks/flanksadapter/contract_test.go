package flanksadapter_test

import (
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/provider/providertest"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks"
	"github.com/fingraph/fingraph/providers/flanks/flanksadapter"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// TestContract runs the provider contract against the Flanks simulator.
func TestContract(t *testing.T) {
	sim, url := flankssim.NewTestServer(t, flankssim.Options{Seed: 9, HistoryDays: 30})
	client, err := flanks.NewClient(url, flanks.WithClientCredentials(flankssim.DefaultClientID, flankssim.DefaultClientSecret),
		flanks.WithTimeout(20*time.Second), flanks.WithRetry(flanks.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	var products []models.Product
	for _, d := range models.DataProducts() {
		products = append(products, d.Product)
	}
	providertest.Run(t, providertest.Harness{
		Provider: flanksadapter.New(client),
		NewCredentials: func(t *testing.T) *models.Credentials {
			tok, err := sim.CreateCredentials("testbank", "", "")
			if err != nil {
				t.Fatal(err)
			}
			return &models.Credentials{Provider: models.ProviderFlanks, ProviderRef: tok}
		},
		LinkCode: func(t *testing.T) string {
			r, err := sim.CompleteLink(flankssim.LinkCompletion{Bank: "bbva"})
			if err != nil {
				t.Fatal(err)
			}
			return r.Code
		},
		Products: products,
		Secrets:  []string{flankssim.DefaultClientSecret},
	})
}
