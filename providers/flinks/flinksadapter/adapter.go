// Package flinksadapter puts Flinks behind fingraph's provider contract
// (internal/provider). A connection's handle (Credentials.ProviderRef) is
// the LoginId Flinks Connect hands the frontend; its sealed state holds
// the institution and, while Flinks extracts, the RequestId to poll. One
// GetAccountsDetail call returns several products at once (accounts with
// their transactions, the holder), so a fetch returns them all; a 202
// OPERATION_PENDING becomes provider.Pending, finished by a polling job or
// by the signed webhook Flinks sends when the data is ready.
package flinksadapter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flinks"
)

// Adapter adapts the Flinks client to the provider contract.
type Adapter struct {
	c             *flinks.Client
	webhookSecret []byte
	pollInterval  time.Duration
	pollTimeout   time.Duration
	days          flinks.DaysOfTransactions
	now           func() time.Time
	// up is the Upload API part (statement uploads), nil without it;
	// atomic because Close drops it while uploads may run.
	up atomic.Pointer[uploads]
}

var (
	_ provider.Provider        = (*Adapter)(nil)
	_ provider.ProductLister   = (*Adapter)(nil)
	_ provider.Bundler         = (*Adapter)(nil)
	_ provider.Linker          = (*Adapter)(nil)
	_ provider.Deleter         = (*Adapter)(nil)
	_ provider.Poller          = (*Adapter)(nil)
	_ provider.WebhookReceiver = (*Adapter)(nil)
)

// Options tune the adapter; zero values take the defaults.
type Options struct {
	// WebhookSecret verifies deliveries; empty refuses them all.
	WebhookSecret []byte
	// PollInterval (default 10 s) and PollTimeout (default 30 min) pace
	// the polling of a pending extraction.
	PollInterval, PollTimeout time.Duration
	// Days is how much history GetAccountsDetail asks for; default 365.
	Days flinks.DaysOfTransactions
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// New returns the adapter over c.
func New(c *flinks.Client, o Options) *Adapter {
	a := &Adapter{c: c, webhookSecret: o.WebhookSecret, pollInterval: o.PollInterval, pollTimeout: o.PollTimeout,
		days: o.Days, now: o.Now}
	if a.pollInterval <= 0 {
		a.pollInterval = 10 * time.Second
	}
	if a.pollTimeout <= 0 {
		a.pollTimeout = 30 * time.Minute
	}
	if a.days == "" {
		a.days = flinks.Days365
	}
	if a.now == nil {
		a.now = time.Now
	}
	return a
}

// Name implements provider.Provider.
func (a *Adapter) Name() models.Provider { return models.ProviderFlinks }

// Products implements provider.ProductLister: what GetAccountsDetail
// returns.
func (a *Adapter) Products() []models.Product {
	return []models.Product{models.ProductAccounts, models.ProductTransactions, models.ProductHolders, models.ProductIdentity}
}

// BundlesProducts implements provider.Bundler: GetAccountsDetail returns
// them all.
func (a *Adapter) BundlesProducts() bool { return true }

// state is the sealed document of a connection.
type state struct {
	Institution      string     `json:"institution,omitempty"`
	PendingRequestID string     `json:"pending_request_id,omitempty"`
	PendingSince     *time.Time `json:"pending_since,omitempty"`
	LastRefresh      *time.Time `json:"last_refresh,omitempty"`
}

func stateOf(c *models.Credentials) state {
	var st state
	_ = json.Unmarshal(c.ProviderState, &st)
	return st
}

func (st state) doc() models.JSON {
	b, _ := json.Marshal(st) // plain strings and times: cannot fail
	return b
}

// Status implements provider.Provider from the sealed state: Flinks has
// no status call; the extraction is pending from the link, or from a 202,
// until the data arrives (within the poll timeout).
func (a *Adapter) Status(_ context.Context, c *models.Credentials) (*provider.Status, error) {
	return a.statusOf(stateOf(c)), nil
}

// statusOf derives the status from a state document.
func (a *Adapter) statusOf(st state) *provider.Status {
	out := &provider.Status{EntityID: st.Institution, LastUpdateAt: st.LastRefresh}
	if st.PendingSince != nil && a.now().Sub(*st.PendingSince) < a.pollTimeout {
		out.Pending = true
	}
	return out
}

// Link implements provider.Linker: the code is the LoginId of the Connect
// redirect (or that redirect URL, or its REDIRECT event JSON). An
// Authorize in cached mode checks Flinks knows the login and names its
// institution.
func (a *Adapter) Link(ctx context.Context, code string) (*provider.Link, error) {
	loginID := loginIDOf(code)
	if loginID == "" {
		return nil, &provider.Failure{Kind: apperr.ErrInvalidInput, Code: provider.CodeInvalid,
			Public: "the code must be a Flinks LoginId or the Connect redirect URL", Err: errors.New("flinksadapter: not a LoginId")}
	}
	auth, err := a.c.AuthorizeCached(ctx, loginID)
	if err != nil {
		if errors.Is(err, flinks.ErrInvalidLogin) || errors.Is(err, flinks.ErrInvalidRequest) {
			return nil, &provider.Failure{Kind: apperr.ErrInvalidInput, Code: provider.CodeInvalid,
				Public: "Flinks does not know this LoginId", Err: safe(err)}
		}
		return nil, classify(err)
	}
	// Connect started an extraction: the connection is pending until its
	// data arrives (a fetch, a poll or the webhook), or the poll timeout.
	now := a.now().UTC()
	return &provider.Link{Ref: loginID, State: state{Institution: auth.Institution, PendingSince: &now}.doc()}, nil
}

// loginIDOf reads a LoginId from a bare id, a Connect redirect URL or a
// REDIRECT event.
func loginIDOf(code string) string {
	if r, err := flinks.ParseConnectEvent([]byte(code)); err == nil && r.LoginID != "" {
		return r.LoginID
	}
	if r, err := flinks.ParseConnectRedirect(code); err == nil && r.LoginID != "" {
		return r.LoginID
	}
	if isGUID(code) {
		return code
	}
	return ""
}

// Fetch implements provider.Provider: Authorize (cached mode) opens a
// session, then GetAccountsDetail returns every product at once, or 202
// (provider.Pending, with the RequestId to poll).
func (a *Adapter) Fetch(ctx context.Context, c *models.Credentials, p models.Product) (*provider.Rows, error) {
	if !provider.Serves(a, p) {
		return nil, &provider.Failure{Kind: apperr.ErrUnsupported, Code: provider.CodeInvalid,
			Err: fmt.Errorf("flinksadapter: flinks has no product %q", p)}
	}
	st := stateOf(c)
	auth, err := a.c.AuthorizeCached(ctx, c.ProviderRef)
	if err != nil {
		return nil, classify(err)
	}
	if auth.MFARequired() {
		return nil, &provider.Failure{Kind: apperr.ErrConflict, Code: provider.CodeSCARequired,
			Public: "the institution asks the user to authenticate again in Flinks Connect",
			Err:    errors.New("flinksadapter: a cached Authorize asked for MFA")}
	}
	if auth.Institution != "" {
		st.Institution = auth.Institution
	}
	d, err := a.c.GetAccountsDetail(ctx, a.request(auth.RequestID))
	return a.detail(st, d, err)
}

// request asks for everything the graph shows.
func (a *Adapter) request(requestID string) flinks.AccountsDetailRequest {
	return flinks.AccountsDetailRequest{RequestID: requestID, WithTransactions: true, WithBalance: true,
		WithAccountIdentity: true, WithKYC: true, DaysOfTransactions: a.days}
}

// detail turns a GetAccountsDetail(Async) answer into rows, or Pending.
func (a *Adapter) detail(st state, d *flinks.AccountsDetail, err error) (*provider.Rows, error) {
	if rid, ok := flinks.PendingRequestID(err); ok {
		if st.PendingRequestID != rid || st.PendingSince == nil {
			now := a.now().UTC()
			st.PendingRequestID, st.PendingSince = rid, &now
		}
		return nil, &provider.Pending{State: st.doc(), RetryAfter: a.pollInterval}
	}
	if err != nil {
		return nil, classify(err)
	}
	return a.rows(st, d), nil
}

// Poll implements provider.Poller with GetAccountsDetailAsync. A session
// Flinks forgot (expired) starts over with a fresh Authorize.
func (a *Adapter) Poll(ctx context.Context, c *models.Credentials) (*provider.Rows, error) {
	st := stateOf(c)
	if st.PendingRequestID == "" {
		return a.Fetch(ctx, c, models.ProductAccounts)
	}
	if st.PendingSince != nil && a.now().Sub(*st.PendingSince) > a.pollTimeout {
		return nil, &provider.Failure{Kind: apperr.ErrUpstreamUnavailable, Code: provider.CodeTimeout,
			Public: "Flinks did not finish extracting the data in time", Err: errors.New("flinksadapter: poll timeout")}
	}
	d, err := a.c.GetAccountsDetailAsync(ctx, st.PendingRequestID)
	if errors.Is(err, flinks.ErrSessionNonExistent) || errors.Is(err, flinks.ErrSessionExpired) {
		return a.Fetch(ctx, c, models.ProductAccounts)
	}
	return a.detail(st, d, err)
}

// Delete implements provider.Deleter with DeleteCard; a login Flinks no
// longer knows counts as deleted.
func (a *Adapter) Delete(ctx context.Context, c *models.Credentials) error {
	err := a.c.DeleteCard(ctx, c.ProviderRef)
	if err == nil || errors.Is(err, flinks.ErrInvalidLogin) {
		return nil
	}
	return classify(err)
}

// VerifyWebhook implements provider.WebhookReceiver: base64 HMAC-SHA256 of
// the raw body in flinks-authenticity-key (or X-Flinks-Signature), with
// FLINKS_WEBHOOK_SECRET; no secret refuses every delivery.
func (a *Adapter) VerifyWebhook(header http.Header, body []byte) error {
	return flinks.VerifyWebhook(a.webhookSecret, body, header)
}

// ParseWebhook implements provider.WebhookReceiver: a GetAccountsDetail
// delivery carries every product, a KYC delivery the identity.
func (a *Adapter) ParseWebhook(body []byte) (*provider.Delivery, error) {
	ev, err := flinks.ParseWebhook(body)
	if err != nil {
		return nil, err
	}
	d := &provider.Delivery{Ref: ev.LoginID, Kind: ev.ResponseType}
	switch {
	case ev.LoginID == "":
		return nil, errors.New("flinksadapter: a delivery without a LoginId")
	case ev.Detail != nil:
		d.Rows = a.rows(state{Institution: ev.Institution}, ev.Detail)
	case len(ev.Holders) > 0:
		d.Rows = &provider.Rows{Products: []models.Product{models.ProductIdentity}, Identity: identityOf(ev.Holders[0])}
	}
	return d, nil
}
