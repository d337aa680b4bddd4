package aggregate

import "github.com/fingraph/fingraph/models"

// Fresh reports whether rec is recent enough that Ensure would not call
// the provider. Callers that already hold the sync records (loaded in one
// batch for a whole response) use it to skip Ensure entirely.
// Each fresh judgement counts as a cache hit (Options.Observer).
func (s *Service) Fresh(rec *models.SyncRecord) bool {
	ok := s.fresh(rec)
	if ok {
		s.opts.Observer.FreshHit(rec.Product)
	}
	return ok
}
