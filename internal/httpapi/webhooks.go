package httpapi

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
)

// WebhookIntake stores verified webhook deliveries (aggregate.Service).
type WebhookIntake interface {
	ReceiveWebhook(ctx context.Context, p models.Provider, header map[string][]string, body []byte) (bool, error)
}

// What became of a webhook delivery, as Observer.ObserveWebhook reports it.
const (
	WebhookAccepted    = "accepted"
	WebhookDuplicate   = "duplicate"
	WebhookRejected    = "rejected_signature"
	WebhookUnknown     = "unknown_provider"
	WebhookTooLarge    = "too_large"
	WebhookBadRequest  = "bad_request"
	WebhookUnavailable = "unavailable"
)

// WebhookResults lists every webhook result, so an observer can create its
// series up front.
func WebhookResults() []string {
	return []string{WebhookAccepted, WebhookDuplicate, WebhookRejected, WebhookUnknown, WebhookTooLarge,
		WebhookBadRequest, WebhookUnavailable}
}

// webhookAckTimeout bounds storing a delivery: while the database is down
// the provider gets a 503 quickly (and retries), never a 2xx.
const webhookAckTimeout = 2 * time.Second

// webhooks serves POST /webhooks/{provider}: the raw body is verified and
// committed before the 2xx, so an acknowledged delivery survives a crash;
// the work happens in a job. A bad or missing signature answers 401 and
// writes nothing; a redelivery is acknowledged without effect.
func webhooks(in WebhookIntake, maxBytes int64, log *slog.Logger, obs Observer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := models.Provider(r.PathValue("provider"))
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBytes))
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			obs.ObserveWebhook(string(p), WebhookTooLarge)
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		case err != nil:
			obs.ObserveWebhook(string(p), WebhookBadRequest)
			http.Error(w, "could not read the body", http.StatusBadRequest)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), webhookAckTimeout)
		defer cancel()
		dup, err := in.ReceiveWebhook(ctx, p, r.Header, body)
		obs.ObserveWebhook(string(p), webhookResult(dup, err))
		switch {
		case errors.Is(err, provider.ErrWebhookRejected):
			log.WarnContext(ctx, "webhook rejected", "provider", p)
			http.Error(w, "invalid signature", http.StatusUnauthorized)
		case errors.Is(err, apperr.ErrUnsupported), errors.Is(err, apperr.ErrUpstreamUnavailable):
			http.Error(w, "no such webhook", http.StatusNotFound)
		case err != nil:
			log.ErrorContext(ctx, "webhook not stored", "provider", p, "error", err.Error())
			w.Header().Set("Retry-After", "60")
			http.Error(w, "try again later", http.StatusServiceUnavailable)
		default:
			if dup {
				log.InfoContext(ctx, "webhook redelivered", "provider", p)
			}
			w.WriteHeader(http.StatusOK)
		}
	})
}

// webhookResult names the outcome of storing a delivery, as the handler
// answers it.
func webhookResult(dup bool, err error) string {
	switch {
	case errors.Is(err, provider.ErrWebhookRejected):
		return WebhookRejected
	case errors.Is(err, apperr.ErrUnsupported), errors.Is(err, apperr.ErrUpstreamUnavailable):
		return WebhookUnknown
	case err != nil:
		return WebhookUnavailable
	case dup:
		return WebhookDuplicate
	}
	return WebhookAccepted
}
