package aggregate

import "github.com/fingraph/fingraph/models"

// Fresh reports whether rec is recent enough that Ensure would not call
// the provider. Callers that already hold the sync records (loaded in one
// batch for a whole response) use it to skip Ensure entirely.
func (s *Service) Fresh(rec *models.SyncRecord) bool { return s.fresh(rec) }
