package finance

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

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
	nodes, err := s.Nodes(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if nodes[0] == nil {
		return nil, fmt.Errorf("finance: node: %w", apperr.ErrNotFound)
	}
	return nodes[0], nil
}

// MaxNodes bounds the ids of one nodes(ids:) call, like a page.
const MaxNodes = store.MaxPageSize

// Nodes resolves several IDs in order; misses become nil entries. It reads
// each node type's ids in one statement, so the statements depend on how
// many types are asked for, never on how many ids.
func (s *Service) Nodes(ctx context.Context, ids []string) ([]models.Node, error) {
	if len(ids) > MaxNodes {
		return nil, apperr.Invalid("pass at most %d ids", MaxNodes)
	}
	scope, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	keys := map[string][]string{}
	for _, id := range ids {
		if typ, key, err := ParseGlobalID(id); err == nil && nodeFetches[typ] != nil {
			keys[typ] = append(keys[typ], key)
		}
	}
	found := map[string]models.Node{}
	for typ, k := range keys {
		nodes, err := nodeFetches[typ](ctx, s.store, scope, k)
		if err != nil {
			return nil, err
		}
		viewedNodes(ctx, nodes)
		for key, n := range nodes {
			found[typ+":"+key] = n
		}
	}
	out := make([]models.Node, len(ids))
	for i, id := range ids {
		if typ, key, err := ParseGlobalID(id); err == nil {
			out[i] = found[typ+":"+key]
		}
	}
	return out, nil
}

// nodeFetch reads nodes of one type by key, in the caller's scope.
type nodeFetch func(ctx context.Context, st *store.Store, scope store.Scope, keys []string) (map[string]models.Node, error)

func fetchAs[T any, P interface {
	*T
	models.Node
}](f func(*store.Store, context.Context, store.Scope, []string) (map[string]*T, error)) nodeFetch {
	return func(ctx context.Context, st *store.Store, scope store.Scope, keys []string) (map[string]models.Node, error) {
		rows, err := f(st, ctx, scope, keys)
		if err != nil {
			return nil, err
		}
		out := make(map[string]models.Node, len(rows))
		for k, v := range rows {
			out[k] = P(v)
		}
		return out, nil
	}
}

var nodeFetches = map[string]nodeFetch{
	"Credentials":           fetchAs((*store.Store).CredentialsByIDs),
	"Account":               fetchAs((*store.Store).AccountsByIDs),
	"Portfolio":             fetchAs((*store.Store).PortfoliosByIDs),
	"Investment":            fetchAs((*store.Store).InvestmentsByIDs),
	"Liability":             fetchAs((*store.Store).LiabilitiesByIDs),
	"Card":                  fetchAs((*store.Store).CardsByIDs),
	"AccountTransaction":    fetchAs((*store.Store).AccountTransactionsByIDs),
	"InvestmentTransaction": fetchAs((*store.Store).InvestmentTransactionsByIDs),
	"LiabilityTransaction":  fetchAs((*store.Store).LiabilityTransactionsByIDs),
	"CardTransaction":       fetchAs((*store.Store).CardTransactionsByIDs),
	"OnboardingSession":     fetchAs((*store.Store).OnboardingSessionsByIDs),
	"StatementUpload":       fetchAs((*store.Store).StatementUploadsByIDs),
}
