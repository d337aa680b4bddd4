package analytics

import (
	"context"
	"fmt"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// AccessLog pages the access trail, newest first: admins only. Reading
// the trail is not itself recorded: it holds no user's data.
func (s *Service) AccessLog(ctx context.Context, f store.AccessLogFilter, p store.Page, withTotal bool) (*store.Conn[models.AccessLogEntry], error) {
	c, ok := auth.FromContext(ctx)
	if !ok {
		return nil, apperr.ErrUnauthenticated
	}
	if !c.Has(auth.RoleAdmin) {
		return nil, fmt.Errorf("analytics: access log read by %s: %w", c.UserID, apperr.ErrForbidden)
	}
	if p.Backward || p.Before != nil {
		return nil, apperr.Invalid("the access log pages forward only (first, after)")
	}
	return s.primary.AccessLog(ctx, f, p, withTotal)
}
