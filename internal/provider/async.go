package provider

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/models"
)

// Pending is the answer of a fetch the provider will finish later (Flinks'
// 202 OPERATION_PENDING): the engine records the products as pending,
// stores State (what to poll with), and, for a Poller, polls in a durable
// job. It matches apperr.ErrPending.
type Pending struct {
	// State replaces the credentials' sealed state document (nil: kept).
	State models.JSON
	// RetryAfter is when to poll next; zero means the engine's interval.
	RetryAfter time.Duration
}

// Error implements error.
func (p *Pending) Error() string { return "provider: the data is not ready yet" }

// Unwrap matches apperr.ErrPending.
func (p *Pending) Unwrap() error { return apperr.ErrPending }

// Poller is a provider whose fetches may end Pending and that finishes
// them by polling (GetAccountsDetailAsync).
type Poller interface {
	// Poll asks once whether the pending fetch of creds is done: Rows when
	// it is, *Pending while it is not.
	Poll(ctx context.Context, creds *models.Credentials) (*Rows, error)
}

// WebhookReceiver is a provider that pushes data to fingraph through signed
// webhook deliveries.
type WebhookReceiver interface {
	// VerifyWebhook checks a delivery's signature over its raw body; it
	// fails closed (no secret configured: every delivery is refused).
	VerifyWebhook(header http.Header, body []byte) error
	// ParseWebhook reads a verified delivery.
	ParseWebhook(body []byte) (*Delivery, error)
}

// Delivery is what a webhook brought: the handle of the credentials it
// concerns and, when it carries data, the rows (every product it holds).
type Delivery struct {
	// Ref is the provider's handle of the credentials (Flinks' LoginId).
	Ref string
	// Kind names the delivery type (for logs and metrics).
	Kind string
	// Rows is nil for a delivery that carries no data.
	Rows *Rows
}

// ErrWebhookRejected wraps every signature failure.
var ErrWebhookRejected = fmt.Errorf("provider: webhook rejected: %w", apperr.ErrUnauthenticated)
