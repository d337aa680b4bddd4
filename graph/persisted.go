package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/fingraph/fingraph/internal/auth"
)

// CodeNotSafelisted is the extensions.code of an operation a first-party
// client may not run because it is not in the safelist.
const CodeNotSafelisted = "PERSISTED_QUERY_NOT_ALLOWED"

// Safelist is the set of operations first-party clients (the `user` role)
// may run, keyed by the SHA-256 hex of the query text, as produced at
// build time by the web and mobile apps. Analysts and admins are exempt:
// they explore. Nil or empty means no restriction.
type Safelist map[string]string

// ParseSafelist reads a manifest: either {"<sha256>": "<query>", ...} or
// ["<query>", ...]. Hashes are checked against the query text.
func ParseSafelist(data []byte) (Safelist, error) {
	var byHash map[string]string
	if err := json.Unmarshal(data, &byHash); err == nil {
		for h, q := range byHash {
			if hashQuery(q) != h {
				return nil, fmt.Errorf("safelist: hash %s does not match its query", h)
			}
		}
		return byHash, nil
	}
	var list []string
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("safelist: want a JSON object of hash to query, or an array of queries")
	}
	out := make(Safelist, len(list))
	for _, q := range list {
		out[hashQuery(q)] = q
	}
	return out, nil
}

func hashQuery(q string) string {
	sum := sha256.Sum256([]byte(q))
	return hex.EncodeToString(sum[:])
}

// newAPQ returns automatic persisted queries (a bandwidth feature, not a
// security one) with the safelist preloaded, so first-party clients can
// send hashes alone from their first request.
func newAPQ(list Safelist) extension.AutomaticPersistedQuery {
	cache := lru.New[string](1000)
	for h, q := range list {
		cache.Add(context.Background(), h, q)
	}
	return extension.AutomaticPersistedQuery{Cache: cache}
}

type safelistExtension struct{ list Safelist }

var (
	_ graphql.HandlerExtension        = safelistExtension{}
	_ graphql.OperationContextMutator = safelistExtension{}
)

func (safelistExtension) ExtensionName() string { return "Safelist" }

func (safelistExtension) Validate(graphql.ExecutableSchema) error { return nil }

func (e safelistExtension) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	p, ok := auth.FromContext(ctx)
	if !ok || p.Has(auth.RoleAnalyst) || p.Has(auth.RoleAdmin) {
		return nil
	}
	if _, ok := e.list[hashQuery(rc.RawQuery)]; ok {
		return nil
	}
	return limitError(CodeNotSafelisted, "this operation is not in the client safelist")
}
