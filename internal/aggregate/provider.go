// Package aggregate is fingraph's data source: it fetches provider data
// lazily into the database cache. Each upstream is hidden behind a
// Provider adapter that normalises its wire types to models (the
// anti-corruption layer); the Service decides freshness per product,
// collapses concurrent fetches, writes each product in one transaction,
// records every sync outcome and serves stale data, marked as such, when a
// provider fails. It also runs the credentials lifecycle (link, refresh,
// forced flows, deletion) and lists institutions.
package aggregate

import (
	"context"
	"errors"
	"time"

	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// Provider is one upstream aggregator seen through fingraph's models. An
// adapter never logs or returns the credentials' ProviderRef, and every
// error it returns is a *Failure (classified) or a context error.
type Provider interface {
	// Name identifies the provider in Credentials.Provider.
	Name() models.Provider
	// Status reports the credentials' state upstream.
	Status(ctx context.Context, creds *models.Credentials) (*Status, error)
	// Fetch returns every row of one product of the credentials. A
	// product whose extraction is still running fails with a Failure of
	// kind apperr.ErrPending.
	Fetch(ctx context.Context, creds *models.Credentials, p models.Product) (*Rows, error)
	// ExchangeLinkCode trades a one-use link code for a new provider
	// handle. ErrLinkDelayed means the provider holds the handle back for
	// now (Flanks' 202); the same code can be exchanged later.
	ExchangeLinkCode(ctx context.Context, code string) (*Link, error)
	// ForceFlow starts a flow that needs the user (FlowSCA, FlowReset,
	// FlowTransaction) and returns the token to hand to the provider's UI.
	ForceFlow(ctx context.Context, creds *models.Credentials, flow Flow) (string, error)
	// Delete removes the credentials and their data upstream. Credentials
	// the provider no longer knows count as deleted (nil).
	Delete(ctx context.Context, creds *models.Credentials) error
	// Entities lists the institutions reachable through the provider.
	Entities(ctx context.Context) ([]Entity, error)
}

// ErrLinkDelayed: the provider accepted the link code but holds the
// credentials back (Flanks answers 202 for up to about 72 h).
var ErrLinkDelayed = errors.New("aggregate: link code exchange delayed")

// Flow is a provider flow that needs the user.
type Flow string

// The flows ForceFlow accepts.
const (
	FlowSCA         Flow = "sca"         // strong customer authentication, then an update
	FlowReset       Flow = "reset"       // re-enter changed bank credentials
	FlowTransaction Flow = "transaction" // read transactions older than 90 days
)

// Status is the provider's view of one credentials.
type Status struct {
	// EntityID is the institution the credentials log in to.
	EntityID string
	// Pending is true until the first extraction finished.
	Pending bool
	// Blocked credentials no longer log in.
	Blocked bool
	// SCARequired and ResetRequired tell which user flow is needed.
	SCARequired, ResetRequired bool
	// Products has the provider's created/errored flags per product.
	Products map[models.Product]models.ProductFlags
	// LastUpdateAt is when the last extraction finished, if any.
	LastUpdateAt *time.Time
	// ProviderCreatedAt is when the provider created the credentials.
	ProviderCreatedAt *time.Time
}

// Link is the outcome of a link code exchange. Ref is the provider's
// secret handle for the new credentials: store it, never show or log it.
type Link struct {
	Ref        string
	ExternalID string // the link's external_id parameter, if any
}

// Entity is an institution a provider can connect to.
type Entity struct {
	ID                  string
	Provider            models.Provider
	Name                string
	VATNumber           *string
	AlwaysManualRefresh bool
}

// Linked is a child row with the provider's reference to its parent; the
// store resolves it to the parent's id when it writes.
type Linked[T any] = store.Linked[T]

// Rows are the normalised rows of one product; Fetch fills the field of
// the product it was asked for. Ids, owners and timestamps are left empty:
// the store assigns them. Identity and Mifid are nil when there is none.
type Rows struct {
	Accounts       []models.Account
	Transactions   []Linked[models.AccountTransaction]
	Portfolios     []models.Portfolio
	Investments    []Linked[models.Investment]
	InvestmentTxns []Linked[models.InvestmentTransaction]
	Liabilities    []models.Liability
	LiabilityTxns  []Linked[models.LiabilityTransaction]
	Cards          []models.Card
	CardTxns       []Linked[models.CardTransaction]
	Identity       *models.Identity
	Holders        []models.Holder
	Mifid          *models.Mifid
}
