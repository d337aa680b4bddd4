package finance

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// GlobalID encodes a node's type and key as an opaque ID (see
// models.GlobalID).
func GlobalID(n models.Node) string { return models.GlobalID(n) }

// ParseGlobalID splits an ID from GlobalID; anything else is not found.
func ParseGlobalID(id string) (typ, key string, err error) {
	b, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil {
		return "", "", fmt.Errorf("finance: malformed id: %w", apperr.ErrNotFound)
	}
	typ, key, ok := strings.Cut(string(b), ":")
	if !ok || typ == "" || key == "" {
		return "", "", fmt.Errorf("finance: malformed id: %w", apperr.ErrNotFound)
	}
	return typ, key, nil
}

// Node resolves a global ID to an object the caller may see. A foreign,
// unknown or malformed id answers NOT_FOUND alike.
func (s *Service) Node(ctx context.Context, id string) (models.Node, error) {
	typ, key, err := ParseGlobalID(id)
	if err != nil {
		return nil, err
	}
	if _, err := scopeOf(ctx); err != nil {
		return nil, err
	}
	load, ok := nodeLoaders[typ]
	if !ok {
		return nil, fmt.Errorf("finance: unknown node type: %w", apperr.ErrNotFound)
	}
	return load(ctx, s, key)
}

// MaxNodes bounds the ids of one nodes(ids:) call, like a page.
const MaxNodes = store.MaxPageSize

// Nodes resolves several IDs in order; misses become nil entries. The ids
// are resolved concurrently so that the loaders batch them: the number of
// statements does not grow with the number of ids.
func (s *Service) Nodes(ctx context.Context, ids []string) ([]models.Node, error) {
	if len(ids) > MaxNodes {
		return nil, apperr.Invalid("pass at most %d ids", MaxNodes)
	}
	out := make([]models.Node, len(ids))
	g, gctx := errgroup.WithContext(ctx)
	for i, id := range ids {
		g.Go(func() error {
			n, err := s.Node(gctx, id)
			if err != nil && !isNotFound(err) {
				return err
			}
			out[i] = n
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

type nodeLoader func(ctx context.Context, s *Service, key string) (models.Node, error)

func asNode[T models.Node](v T, err error) (models.Node, error) {
	if err != nil {
		return nil, err
	}
	return v, nil
}

var nodeLoaders = map[string]nodeLoader{
	"Credentials": func(ctx context.Context, s *Service, k string) (models.Node, error) {
		return asNode(s.credentialsOf(ctx, k))
	},
	"Account": func(ctx context.Context, s *Service, k string) (models.Node, error) {
		return asNode(s.Account(ctx, k))
	},
	"Portfolio": func(ctx context.Context, s *Service, k string) (models.Node, error) {
		return asNode(found(loadersFrom(ctx).portfolios.Load(ctx, k)))
	},
	"Investment": func(ctx context.Context, s *Service, k string) (models.Node, error) {
		return asNode(found(loadersFrom(ctx).investments.Load(ctx, k)))
	},
	"Liability": func(ctx context.Context, s *Service, k string) (models.Node, error) {
		return asNode(found(loadersFrom(ctx).liabilities.Load(ctx, k)))
	},
	"Card": func(ctx context.Context, s *Service, k string) (models.Node, error) {
		return asNode(found(loadersFrom(ctx).cards.Load(ctx, k)))
	},
	"AccountTransaction": func(ctx context.Context, s *Service, k string) (models.Node, error) {
		return asNode(found(loadersFrom(ctx).acctTxns.Load(ctx, k)))
	},
	"InvestmentTransaction": func(ctx context.Context, s *Service, k string) (models.Node, error) {
		return asNode(found(loadersFrom(ctx).invTxns.Load(ctx, k)))
	},
	"LiabilityTransaction": func(ctx context.Context, s *Service, k string) (models.Node, error) {
		return asNode(found(loadersFrom(ctx).liabTxnsByID.Load(ctx, k)))
	},
	"CardTransaction": func(ctx context.Context, s *Service, k string) (models.Node, error) {
		return asNode(found(loadersFrom(ctx).cardTxnsByID.Load(ctx, k)))
	},
}
