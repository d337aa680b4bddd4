// Package finqwareadapter puts Finqware behind fingraph's provider
// contract (internal/provider): account information through a consent's
// credentials_id and access_token, deletion of the consent upstream, the
// skills catalog, and the onboarding sessions (provider.Onboarder) that
// create consents. The handle of a connection (Credentials.ProviderRef) is
// Finqware's credentials_id; its sealed state holds the access_token and
// the consent expiry.
package finqwareadapter

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/finqware"
)

// Adapter adapts the Finqware client to the provider contract.
type Adapter struct {
	c *finqware.Client
}

var (
	_ provider.Provider          = (*Adapter)(nil)
	_ provider.ProductLister     = (*Adapter)(nil)
	_ provider.Deleter           = (*Adapter)(nil)
	_ provider.InstitutionLister = (*Adapter)(nil)
	_ provider.Onboarder         = (*Adapter)(nil)
)

// New returns the adapter over c.
func New(c *finqware.Client) *Adapter { return &Adapter{c: c} }

// Name implements provider.Provider.
func (a *Adapter) Name() models.Provider { return models.ProviderFinqware }

// Products implements provider.ProductLister: account information only.
func (a *Adapter) Products() []models.Product {
	return []models.Product{models.ProductAccounts, models.ProductTransactions}
}

// state is the sealed document of a connection.
type state struct {
	AccessToken string     `json:"access_token"`
	ConsentExp  *time.Time `json:"consent_exp,omitempty"`
	// UserRef is the tenant_user_id the consent was made for.
	UserRef string `json:"user_ref,omitempty"`
}

func credentialsOf(c *models.Credentials) (finqware.Credentials, error) {
	var st state
	if err := json.Unmarshal(c.ProviderState, &st); err != nil || st.AccessToken == "" || c.ProviderRef == "" {
		return finqware.Credentials{}, &provider.Failure{Kind: apperr.ErrConflict, Code: provider.CodeGone,
			Public: "these credentials lack their access token: link them again",
			Err:    fmt.Errorf("finqwareadapter: no access token in the provider state")}
	}
	return finqware.Credentials{CredentialsID: c.ProviderRef, AccessToken: st.AccessToken, TenantUserID: st.UserRef}, nil
}

// Status implements provider.Provider with POST /consents/get: the
// consent's status and expiry; an expired or deleted consent needs the
// user to consent again.
func (a *Adapter) Status(ctx context.Context, c *models.Credentials) (*provider.Status, error) {
	cred, err := credentialsOf(c)
	if err != nil {
		return nil, err
	}
	consent, err := a.c.GetConsent(ctx, cred)
	if err != nil {
		return nil, classify(err)
	}
	st := &provider.Status{EntityID: consent.Originator.Skill}
	if t := consent.ConsentExp.Ptr(); t != nil {
		st.ConsentExpiresAt = t
	}
	if consent.Status != finqware.ConsentActive {
		st.Actions = []provider.Action{provider.ActionReconsent}
		st.Blocked = true
	}
	return st, nil
}

// Fetch implements provider.Provider: accounts (with their balances) and
// transactions.
func (a *Adapter) Fetch(ctx context.Context, c *models.Credentials, p models.Product) (*provider.Rows, error) {
	cred, err := credentialsOf(c)
	if err != nil {
		return nil, err
	}
	switch p {
	case models.ProductAccounts:
		accts, err := a.c.GetAccounts(ctx, cred)
		if err != nil {
			return nil, classify(err)
		}
		return &provider.Rows{Products: []models.Product{p}, Accounts: mapAccounts(accts)}, nil
	case models.ProductTransactions:
		txns, err := a.c.GetTransactions(ctx, cred, nil)
		if err != nil {
			return nil, classify(err)
		}
		return &provider.Rows{Products: []models.Product{p}, Transactions: mapTransactions(txns)}, nil
	}
	return nil, &provider.Failure{Kind: apperr.ErrUnsupported, Code: provider.CodeInvalid,
		Err: fmt.Errorf("finqwareadapter: finqware has no product %q", p)}
}

// Delete implements provider.Deleter with POST /consents/delete (the
// cached data goes at once); an unknown or inactive consent counts as
// deleted.
func (a *Adapter) Delete(ctx context.Context, c *models.Credentials) error {
	cred, err := credentialsOf(c)
	if err != nil {
		return nil // nothing upstream can be addressed without the token
	}
	zero := 0
	_, err = a.c.DeleteConsent(ctx, cred, &finqware.DeleteConsentOptions{PCDDataRetention: &zero})
	if err == nil || gone(err) {
		return nil
	}
	return classify(err)
}

// Institutions implements provider.InstitutionLister: each skill is an
// institution a user can connect to.
func (a *Adapter) Institutions(ctx context.Context) ([]provider.Entity, error) {
	skills, err := a.Skills(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]provider.Entity, 0, len(skills))
	for _, s := range skills {
		out = append(out, provider.Entity{ID: s.ID, Provider: models.ProviderFinqware, Name: s.Name})
	}
	return out, nil
}
