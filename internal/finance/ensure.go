package finance

import (
	"context"
	"errors"

	"github.com/fingraph/fingraph/models"
)

// ensureKey is one product of one credentials.
type ensureKey struct {
	creds   string
	product models.Product
}

// ensureOnce remembers, for one request, which products were already made
// fresh: a list of fifty accounts asks for the same transactions product
// fifty times, and only the first may cost anything.
type ensureOnce = onceMap[ensureKey, struct{}]

// ensure makes products fresh for one credentials; failures come back as
// warnings, never as a reason to drop cached data. Freshness is first
// judged from the sync records, which load for every credentials of the
// response in one query, so a warm cache costs no per-item statements.
func (s *Service) ensure(ctx context.Context, c *models.Credentials, products ...models.Product) error {
	l := loadersFrom(ctx)
	var warns []error
	for _, p := range products {
		if s.freshInRequest(ctx, c.ID, p) {
			continue
		}
		_, err := l.ensured.do(ensureKey{c.ID, p}, func() (struct{}, error) {
			err := s.agg.Ensure(ctx, c, p)
			l.syncRecords.Clear(c.ID)
			return struct{}{}, err
		})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			warns = append(warns, err)
		}
	}
	return errors.Join(warns...)
}

func (s *Service) freshInRequest(ctx context.Context, credsID string, p models.Product) bool {
	recs, err := loadersFrom(ctx).syncRecords.Load(ctx, credsID)
	if err != nil {
		return false
	}
	for i := range recs {
		if recs[i].Product == p {
			return s.agg.Fresh(&recs[i])
		}
	}
	return false
}
