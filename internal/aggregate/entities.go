package aggregate

import (
	"context"
	"slices"
	"time"

	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
)

// entityCache is one provider's institution list and when it was fetched.
type entityCache struct {
	list []provider.Entity
	at   time.Time
}

// Entities lists the institutions of provider p, from memory for
// EntitiesTTL. When the provider fails, an outdated list is still served;
// a provider that cannot list institutions answers UNSUPPORTED.
func (s *Service) Entities(ctx context.Context, p models.Provider) ([]provider.Entity, error) {
	lister, err := provider.As[provider.InstitutionLister](s.reg, p, "listing institutions")
	if err != nil {
		return nil, err
	}
	s.entMu.Lock()
	cached, ok := s.entities[p]
	s.entMu.Unlock()
	if ok && s.now().Sub(cached.at) < EntitiesTTL {
		return slices.Clone(cached.list), nil
	}
	ch := s.flights.DoChan("entities/"+string(p), func() (any, error) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.FetchTimeout)
		defer cancel()
		list, err := lister.Institutions(fctx)
		if err != nil {
			return nil, err
		}
		s.entMu.Lock()
		s.entities[p] = entityCache{list: list, at: s.now()}
		s.entMu.Unlock()
		return list, nil
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-ch:
		if r.Err != nil {
			if ok {
				s.log.WarnContext(ctx, "entities refresh failed; serving the cached list", "provider", p, "error", r.Err.Error())
				return slices.Clone(cached.list), nil
			}
			return nil, r.Err
		}
		return slices.Clone(r.Val.([]provider.Entity)), nil
	}
}

// entityName returns the institution's display name, or its id when the
// list is unavailable (the name is cosmetic; linking must not fail on it).
func (s *Service) entityName(ctx context.Context, p models.Provider, id string) string {
	list, err := s.Entities(ctx, p)
	if err != nil {
		return id
	}
	for _, e := range list {
		if e.ID == id {
			return e.Name
		}
	}
	return id
}
