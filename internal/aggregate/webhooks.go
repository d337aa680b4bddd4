package aggregate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// WebhookJob processes one stored delivery.
type WebhookJob struct {
	EventID string `json:"event_id" river:"unique"`
}

// Kind implements river.JobArgs.
func (WebhookJob) Kind() string { return "process_webhook" }

// unknownCredentialsGrace is how long a delivery for credentials this
// server does not know is retried: the delivery may race the link that
// creates them, but one for credentials deleted since never resolves.
const unknownCredentialsGrace = 24 * time.Hour

// ReceiveWebhook verifies a delivery of provider p and stores it, with the
// job that processes it, in one transaction: once it returns nil the
// delivery survives a crash, and only then may the caller answer 2xx.
// duplicate reports a delivery already stored (a redelivery or a replay),
// which is acknowledged without any effect. A signature failure matches
// provider.ErrWebhookRejected and writes nothing.
func (s *Service) ReceiveWebhook(ctx context.Context, p models.Provider, header map[string][]string, body []byte) (duplicate bool, err error) {
	rcv, err := provider.As[provider.WebhookReceiver](s.reg, p, "webhooks")
	if err != nil {
		return false, err
	}
	if err := rcv.VerifyWebhook(header, body); err != nil {
		return false, fmt.Errorf("%w (%w)", provider.ErrWebhookRejected, err)
	}
	sum := sha256.Sum256(body)
	e := &models.WebhookEvent{ID: uuid.NewString(), Provider: p, BodyHash: hex.EncodeToString(sum[:]),
		Payload: body, ReceivedAt: s.now()}
	err = s.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CreateWebhookEvent(ctx, e); err != nil {
			return err
		}
		return tx.EnqueueJob(ctx, WebhookJob{}.Kind(), WebhookJob{EventID: e.ID})
	})
	if errors.Is(err, apperr.ErrConflict) {
		return true, nil
	}
	return false, err
}

// ProcessWebhook runs a WebhookJob: it turns the delivery into cached
// data (raising the same events as a fetch) and blanks its payload.
func (s *Service) ProcessWebhook(ctx context.Context, job WebhookJob) error {
	e, err := s.st.WebhookEvent(ctx, job.EventID)
	if errors.Is(err, apperr.ErrNotFound) || (err == nil && e.ProcessedAt != nil) {
		return nil
	}
	if err != nil {
		return err
	}
	rcv, err := provider.As[provider.WebhookReceiver](s.reg, e.Provider, "webhooks")
	if err != nil {
		return err
	}
	d, err := rcv.ParseWebhook(e.Payload)
	if err != nil {
		s.log.WarnContext(ctx, "webhook delivery unreadable", "event", e.ID, "provider", e.Provider)
		return s.st.FinishWebhookEvent(ctx, e.ID, s.now(), "malformed")
	}
	err = s.SaveDelivery(ctx, e.Provider, d)
	switch {
	case errors.Is(err, ErrRetryLater) && s.now().Sub(e.ReceivedAt) > unknownCredentialsGrace:
		return s.st.FinishWebhookEvent(ctx, e.ID, s.now(), "unknown_credentials")
	case err != nil:
		return err
	}
	return s.st.FinishWebhookEvent(ctx, e.ID, s.now(), "")
}
