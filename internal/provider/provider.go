// Package provider is the contract between fingraph's engine and the
// upstream aggregators. Every provider adapter implements the small core,
// Provider (name, status, fetch); what only some providers can do is an
// optional capability, a separate interface the engine discovers by type
// assertion (as pkgsite's internal/fetch does with its module getters), so
// an adapter offers exactly what its provider has and a missing capability
// is a clear UNSUPPORTED error, never a panic.
//
// Adapters live next to their provider's client (providers/<name>/
// <name>adapter), map wire types to models and classify every error into a
// *Failure. This package knows no provider by name.
package provider

import (
	"context"
	"errors"
	"time"

	"github.com/fingraph/fingraph/models"
)

// Provider is the core every adapter implements. An adapter never logs or
// returns the credentials' ProviderRef or ProviderState, and every error it
// returns is a *Failure (classified) or a context error.
type Provider interface {
	// Name identifies the provider in Credentials.Provider.
	Name() models.Provider
	// Status reports the credentials' state upstream.
	Status(ctx context.Context, creds *models.Credentials) (*Status, error)
	// Fetch returns the rows of product p of the credentials, and of any
	// other product the same upstream call returned (Rows.Products says
	// which). A product whose extraction is still running fails with a
	// Failure of kind apperr.ErrPending.
	Fetch(ctx context.Context, creds *models.Credentials, p models.Product) (*Rows, error)
}

// Linker is a provider whose own UI (Flanks Link, Flinks Connect) hands
// the frontend a code that links new credentials.
type Linker interface {
	// Link trades the code for the provider's handle of the new
	// credentials. ErrLinkDelayed means the provider holds the handle back
	// for now; the same code can be used again later.
	Link(ctx context.Context, code string) (*Link, error)
}

// ErrLinkDelayed: the provider accepted the link code but holds the
// credentials back (Flanks answers 202 for up to about 72 h).
var ErrLinkDelayed = errors.New("provider: link delayed")

// Link is the outcome of linking by code. Ref is the provider's secret
// handle of the new credentials: store it, never show or log it.
type Link struct {
	Ref string
	// State is the adapter's initial sealed state document, if any.
	State models.JSON
	// ExternalID is the link's external_id parameter, if any.
	ExternalID string
}

// ActionStarter is a provider with flows that need the user, such as
// strong customer authentication or new bank credentials.
type ActionStarter interface {
	// Actions lists the actions StartAction accepts.
	Actions() []Action
	// StartAction starts the flow and returns the token (or URL) the
	// frontend hands to the provider's UI.
	StartAction(ctx context.Context, creds *models.Credentials, a Action) (string, error)
}

// Deleter is a provider that deletes credentials and their data upstream.
type Deleter interface {
	// Delete removes the credentials upstream. Credentials the provider no
	// longer knows count as deleted (nil).
	Delete(ctx context.Context, creds *models.Credentials) error
}

// InstitutionLister is a provider that lists the institutions it reaches.
type InstitutionLister interface {
	Institutions(ctx context.Context) ([]Entity, error)
}

// Action is a flow that needs the user.
type Action string

// The actions a provider may need or offer.
const (
	// ActionSCA: strong customer authentication, then an update.
	ActionSCA Action = "sca"
	// ActionReset: re-enter changed bank credentials.
	ActionReset Action = "reset"
	// ActionReconsent: renew an expired or revoked consent.
	ActionReconsent Action = "reconsent"
	// ActionHistory: authorise reading history older than the default
	// window (Flanks: transactions older than 90 days).
	ActionHistory Action = "history"
)

// Status is the provider's view of one credentials.
type Status struct {
	// EntityID is the institution the credentials log in to.
	EntityID string
	// Pending is true until the first extraction finished.
	Pending bool
	// Blocked credentials no longer log in.
	Blocked bool
	// Actions are the user flows the provider needs before it can update
	// the data again (SCA, reset, re-consent).
	Actions []Action
	// Products has the provider's created/errored flags per product.
	Products map[models.Product]models.ProductFlags
	// LastUpdateAt is when the last extraction finished, if any.
	LastUpdateAt *time.Time
	// LastTransactionDate is the date of the newest transaction the last
	// extraction retrieved, if the provider says.
	LastTransactionDate *models.Date
	// ProviderCreatedAt is when the provider created the credentials.
	ProviderCreatedAt *time.Time
	// ConsentExpiresAt is when the user's consent lapses, if it does.
	ConsentExpiresAt *time.Time
	// State, when not nil, replaces the credentials' sealed state document.
	State models.JSON
	// Status, when the adapter knows it without asking (it follows from
	// the rows, as "no longer pending"), is stored in the same transaction
	// as the rows, so no reader sees the data beside an older status.
	Status *Status
}

// Needs reports whether the status asks for action a.
func (s *Status) Needs(a Action) bool {
	for _, x := range s.Actions {
		if x == a {
			return true
		}
	}
	return false
}

// Entity is an institution a provider can connect to.
type Entity struct {
	ID                  string
	Provider            models.Provider
	Name                string
	VATNumber           *string
	AlwaysManualRefresh bool
}

// Linked is a child row with the provider's reference to its parent.
type Linked[T any] = models.Linked[T]

// Rows are the normalised rows of one fetch. Products lists every product
// the fetch returned (at least the one asked for); each is written with
// its own sync record in one transaction, and a listed product with no
// rows is written as empty. Ids, owners and timestamps are left empty: the
// store assigns them. Identity and Mifid are nil when there is none.
type Rows struct {
	Products       []models.Product
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
	// State, when not nil, replaces the credentials' sealed state document.
	State models.JSON
	// Status, when the adapter knows it without asking (it follows from
	// the rows, as "no longer pending"), is stored in the same transaction
	// as the rows, so no reader sees the data beside an older status.
	Status *Status
}

// Has reports whether the rows carry product p.
func (r *Rows) Has(p models.Product) bool {
	for _, x := range r.Products {
		if x == p {
			return true
		}
	}
	return false
}

// ProductLister is a provider that serves only some products. Products it
// does not list are never fetched: they read as empty, with no error. A
// provider without it serves every product.
type ProductLister interface {
	Products() []models.Product
}

// Bundler is a provider whose one fetch answers every product it serves
// (Flinks' GetAccountsDetail): the engine then runs a single fetch at a
// time per credentials, whatever product a reader asked for, and records
// a pending fetch on all of them.
type Bundler interface {
	// BundlesProducts reports that Fetch returns all of Products.
	BundlesProducts() bool
}

// WholeFetcher is a provider with one call that answers most products of a
// credentials at once (Flanks' /credentials/all). The engine uses it
// instead of one call per product when the operation being served needs
// most of WholeProducts (aggregate.WithPlan): one round trip instead of
// one per level of parents and children, and one bulkhead slot instead of
// ten.
type WholeFetcher interface {
	// WholeProducts lists the products FetchWhole can return.
	WholeProducts() []models.Product
	// FetchWhole returns the rows of every product of WholeProducts the
	// provider has ready; Rows.Products lists them. A product it leaves
	// out (still extracting, or failed upstream) is fetched on its own,
	// which reports its state precisely.
	FetchWhole(ctx context.Context, creds *models.Credentials) (*Rows, error)
}

// Bundles reports whether p is a Bundler that bundles.
func Bundles(p Provider) bool {
	b, ok := p.(Bundler)
	return ok && b.BundlesProducts()
}

// Serves reports whether p serves product q.
func Serves(p Provider, q models.Product) bool {
	l, ok := p.(ProductLister)
	if !ok {
		return true
	}
	for _, x := range l.Products() {
		if x == q {
			return true
		}
	}
	return false
}

// CertificateReloader is a provider holding client certificates (mutual
// TLS) that are renewed while the server runs.
type CertificateReloader interface {
	// WatchCertificates reloads changed certificate files until ctx ends,
	// reporting failed reloads to onErr.
	WatchCertificates(ctx context.Context, onErr func(error))
	// ReloadCertificates re-reads them now (SIGHUP).
	ReloadCertificates() error
}
