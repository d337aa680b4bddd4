package aggregate

import (
	"context"
	"errors"
	"time"

	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
)

// Erasure retry pacing: exponential from one minute, at most six hours
// apart, forever: a provider-side delete is owed until it is confirmed.
const (
	erasureFirstRetry = time.Minute
	erasureMaxRetry   = 6 * time.Hour
	erasureBatch      = 100
)

// RetryErasures asks the providers again to delete every erasure that is
// due, and returns how many they confirmed. Several replicas may run it
// at once: a provider answers an already deleted handle as gone, which
// counts as confirmed.
func (s *Service) RetryErasures(ctx context.Context) (int, error) {
	due, err := s.st.DueErasures(ctx, s.now(), erasureBatch)
	if err != nil {
		return 0, err
	}
	confirmed := 0
	for i := range due {
		if ctx.Err() != nil {
			return confirmed, ctx.Err()
		}
		if s.deleteUpstream(ctx, &due[i]) {
			confirmed++
		}
	}
	return confirmed, nil
}

// deleteUpstream makes one attempt and records its outcome; it reports
// whether the provider confirmed.
func (s *Service) deleteUpstream(ctx context.Context, e *models.Erasure) bool {
	err := s.askDelete(ctx, e)
	// The outcome is recorded even when the caller has gone: the attempt
	// happened either way.
	rec := context.WithoutCancel(ctx)
	if err == nil {
		if err := s.st.ConfirmErasure(rec, e.ID, s.now()); err != nil {
			s.log.Error("record erasure confirmation", "erasure", e.ID, "error", err)
		}
		return true
	}
	code := provider.CodeInternal
	var f *provider.Failure
	if errors.As(err, &f) {
		code = f.Code
	}
	next := s.now().Add(ErasureDelay(e.Attempts))
	s.log.Warn("upstream delete failed; will retry", "erasure", e.ID, "provider", e.Provider,
		"code", code, "next_attempt_at", next)
	if err := s.st.RetryErasureAt(rec, e.ID, next, code); err != nil {
		s.log.Error("record erasure attempt", "erasure", e.ID, "error", err)
	}
	return false
}

// askDelete asks the provider once. A provider without upstream deletion
// has nothing to confirm, nor has credentials never linked upstream (no
// handle).
func (s *Service) askDelete(ctx context.Context, e *models.Erasure) error {
	if e.ProviderRef == "" {
		return nil
	}
	if _, err := s.reg.Get(e.Provider); err != nil {
		return err // not configured here now: keep asking until it is
	}
	del, err := provider.As[provider.Deleter](s.reg, e.Provider, "deletion")
	if err != nil {
		return nil
	}
	return del.Delete(ctx, &models.Credentials{Provider: e.Provider, ProviderRef: e.ProviderRef, ProviderState: e.ProviderState})
}

// ErasureDelay is the wait after the given number of earlier attempts:
// one minute, doubling, at most six hours.
func ErasureDelay(attempts int) time.Duration {
	d := erasureFirstRetry
	for range attempts {
		if d >= erasureMaxRetry/2 {
			return erasureMaxRetry
		}
		d *= 2
	}
	return d
}
