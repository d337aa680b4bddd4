package flanksadapter_test

import (
	"cmp"
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks"
	"github.com/fingraph/fingraph/providers/flanks/flanksadapter"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

func wholeAdapter(t *testing.T, opts flankssim.Options) (*flanksadapter.Adapter, *flankssim.Server) {
	t.Helper()
	sim, url := flankssim.NewTestServer(t, opts)
	client, err := flanks.NewClient(url, flanks.WithClientCredentials(flankssim.DefaultClientID, flankssim.DefaultClientSecret),
		flanks.WithTimeout(20*time.Second), flanks.WithRetry(flanks.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	return flanksadapter.New(client), sim
}

// TestFetchWholeMatchesProductEndpoints: one /credentials/all call gives
// exactly the rows of the ten product endpoints it replaces, children
// linked to the same parents.
func TestFetchWholeMatchesProductEndpoints(t *testing.T) {
	a, sim := wholeAdapter(t, flankssim.Options{Seed: 11, HistoryDays: 60})
	tok, err := sim.CreateCredentials("testbank", "ext-1", "")
	if err != nil {
		t.Fatal(err)
	}
	creds := &models.Credentials{Provider: models.ProviderFlanks, ProviderRef: tok}
	ctx := context.Background()
	whole, err := a.FetchWhole(ctx, creds)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(whole.Products, a.WholeProducts()) {
		t.Fatalf("whole fetch returned %v, want every product of %v", whole.Products, a.WholeProducts())
	}
	one := &provider.Rows{}
	for _, p := range a.WholeProducts() {
		r, err := a.Fetch(ctx, creds, p)
		if err != nil {
			t.Fatalf("Fetch(%s): %v", p, err)
		}
		merge(one, r)
	}
	if len(one.Transactions) == 0 || len(one.InvestmentTxns) == 0 || len(one.LiabilityTxns) == 0 ||
		len(one.CardTxns) == 0 || one.Identity == nil {
		t.Fatal("the simulator served an empty product: the comparison would prove little")
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"accounts", byID(whole.Accounts, accountID), byID(one.Accounts, accountID)},
		{"transactions", linked(whole.Transactions, txnID), linked(one.Transactions, txnID)},
		{"portfolios", byID(whole.Portfolios, portfolioID), byID(one.Portfolios, portfolioID)},
		{"investments", linked(whole.Investments, investmentID), linked(one.Investments, investmentID)},
		{"investment transactions", linked(whole.InvestmentTxns, invTxnID), linked(one.InvestmentTxns, invTxnID)},
		{"liabilities", byID(whole.Liabilities, liabilityID), byID(one.Liabilities, liabilityID)},
		{"liability transactions", linked(whole.LiabilityTxns, liabTxnID), linked(one.LiabilityTxns, liabTxnID)},
		{"cards", byID(whole.Cards, cardID), byID(one.Cards, cardID)},
		{"card transactions", linked(whole.CardTxns, cardTxnID), linked(one.CardTxns, cardTxnID)},
		{"identity", whole.Identity, one.Identity},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s differ between /credentials/all and their endpoint", c.name)
		}
	}
}

// TestFetchWholeLeavesOutUnfinishedProducts: while the extraction runs,
// /credentials/all answers empty lists for products not extracted yet;
// those must not be returned as (empty) data.
func TestFetchWholeLeavesOutUnfinishedProducts(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	a, sim := wholeAdapter(t, flankssim.Options{Seed: 3, HistoryDays: 10, ExtractionDelay: time.Hour,
		Now: func() time.Time { return now }})
	tok, err := sim.CreateCredentials("testbank", "", "")
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(10 * time.Minute) // the first steps only
	rows, err := a.FetchWhole(context.Background(), &models.Credentials{Provider: models.ProviderFlanks, ProviderRef: tok})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows.Products) == 0 || len(rows.Products) >= len(a.WholeProducts()) {
		t.Fatalf("products %v returned 10 minutes into a one-hour extraction", rows.Products)
	}
	if rows.Has(models.ProductLiabTxns) {
		t.Fatal("liability transactions, extracted last, returned before they were")
	}
}

// TestFetchWholeLeavesOutErroredProducts: a product whose extraction
// failed is left to its own endpoint, which reports the failure.
func TestFetchWholeLeavesOutErroredProducts(t *testing.T) {
	a, sim := wholeAdapter(t, flankssim.Options{Seed: 4, HistoryDays: 10})
	tok, err := sim.CreateCredentials("testbank", "", "DATA_ERROR_PRODUCT_CARD")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := a.FetchWhole(context.Background(), &models.Credentials{Provider: models.ProviderFlanks, ProviderRef: tok})
	if err != nil {
		t.Fatal(err)
	}
	if rows.Has(models.ProductCards) || !rows.Has(models.ProductAccounts) {
		t.Fatalf("products %v with the card extraction failed", rows.Products)
	}
}

func merge(dst, r *provider.Rows) {
	dst.Accounts = append(dst.Accounts, r.Accounts...)
	dst.Transactions = append(dst.Transactions, r.Transactions...)
	dst.Portfolios = append(dst.Portfolios, r.Portfolios...)
	dst.Investments = append(dst.Investments, r.Investments...)
	dst.InvestmentTxns = append(dst.InvestmentTxns, r.InvestmentTxns...)
	dst.Liabilities = append(dst.Liabilities, r.Liabilities...)
	dst.LiabilityTxns = append(dst.LiabilityTxns, r.LiabilityTxns...)
	dst.Cards = append(dst.Cards, r.Cards...)
	dst.CardTxns = append(dst.CardTxns, r.CardTxns...)
	if r.Identity != nil {
		dst.Identity = r.Identity
	}
}

func byID[T any](rows []T, id func(T) string) []T {
	out := slices.Clone(rows)
	slices.SortFunc(out, func(a, b T) int { return cmp.Compare(id(a), id(b)) })
	return out
}

func linked[T any](rows []models.Linked[T], id func(T) string) []models.Linked[T] {
	return byID(rows, func(l models.Linked[T]) string { return l.ParentRef + "/" + id(l.Row) })
}

func accountID(r models.Account) string              { return r.ProviderID }
func txnID(r models.AccountTransaction) string       { return r.ProviderID }
func portfolioID(r models.Portfolio) string          { return r.ProviderID }
func investmentID(r models.Investment) string        { return r.ProviderID }
func invTxnID(r models.InvestmentTransaction) string { return r.ProviderID }
func liabilityID(r models.Liability) string          { return r.ProviderID }
func liabTxnID(r models.LiabilityTransaction) string { return r.ProviderID }
func cardID(r models.Card) string                    { return r.ProviderID }
func cardTxnID(r models.CardTransaction) string      { return r.ProviderID }
