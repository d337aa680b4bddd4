package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
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

// Automatic persisted queries (a bandwidth feature, not a security one)
// read from two stores: the safelist, fixed and never evicted, so
// first-party clients can send hashes alone from their first request and
// no one can push them out; and a bounded LRU of queries clients
// registered. A query is registered only by a request that passed every
// check (validation, limits, budget, safelist): apqRegister runs last, so
// a refused request neither evicts anything nor leaves a query runnable
// by its hash.
type persistedQueries struct {
	safelist Safelist
	cache    graphql.Cache[string]
}

// apqCacheSize bounds the registered queries held per process.
const apqCacheSize = 1000

// pendingAPQKey carries a request's hash from the parameter stage to
// apqRegister.
const pendingAPQKey = "fingraph.apqPending"

func newPersistedQueries(list Safelist) *persistedQueries {
	return &persistedQueries{safelist: list, cache: lru.New[string](apqCacheSize)}
}

var (
	_ graphql.HandlerExtension          = (*persistedQueries)(nil)
	_ graphql.OperationParameterMutator = (*persistedQueries)(nil)
)

func (*persistedQueries) ExtensionName() string { return "AutomaticPersistedQuery" }

func (*persistedQueries) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters resolves a hash-only request, or checks the
// hash of a request that sends its query and marks it for registration.
func (p *persistedQueries) MutateOperationParameters(ctx context.Context, raw *graphql.RawParams) *gqlerror.Error {
	hash, ok, err := apqHash(raw.Extensions)
	if err != nil || !ok {
		return err
	}
	if raw.Query == "" {
		if raw.Query, ok = p.lookup(ctx, hash); !ok {
			e := gqlerror.Errorf("PersistedQueryNotFound")
			errcode.Set(e, "PERSISTED_QUERY_NOT_FOUND")
			return e
		}
		return nil
	}
	if hashQuery(raw.Query) != hash {
		return gqlerror.Errorf("provided APQ hash does not match query")
	}
	if _, listed := p.safelist[hash]; !listed {
		graphql.GetOperationContext(ctx).Stats.SetExtension(pendingAPQKey, hash)
	}
	return nil
}

func (p *persistedQueries) lookup(ctx context.Context, hash string) (string, bool) {
	if q, ok := p.safelist[hash]; ok {
		return q, true
	}
	return p.cache.Get(ctx, hash)
}

// apqHash reads extensions.persistedQuery: ok is false when there is none.
func apqHash(ext map[string]any) (string, bool, *gqlerror.Error) {
	raw, present := ext["persistedQuery"]
	if !present || raw == nil {
		return "", false, nil
	}
	pq, _ := raw.(map[string]any)
	hash, _ := pq["sha256Hash"].(string)
	if pq == nil || hash == "" {
		return "", false, gqlerror.Errorf("invalid APQ extension data")
	}
	if !isVersion1(pq["version"]) {
		return "", false, gqlerror.Errorf("unsupported APQ version")
	}
	return hash, true, nil
}

// isVersion1 accepts the number 1 in the forms a JSON decoder produces.
func isVersion1(v any) bool {
	switch n := v.(type) {
	case float64:
		return n == 1
	case json.Number:
		return n == "1"
	}
	i, ok := asInt(v)
	return ok && i == 1
}

// apqRegister stores the query of a request marked for registration. It
// is the last operation context mutator, so it only runs for a request
// every check has accepted.
type apqRegister struct{ pq *persistedQueries }

var (
	_ graphql.HandlerExtension        = apqRegister{}
	_ graphql.OperationContextMutator = apqRegister{}
)

func (apqRegister) ExtensionName() string { return "AutomaticPersistedQueryRegister" }

func (apqRegister) Validate(graphql.ExecutableSchema) error { return nil }

func (r apqRegister) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if hash, ok := rc.Stats.GetExtension(pendingAPQKey).(string); ok {
		r.pq.cache.Add(ctx, hash, rc.RawQuery)
	}
	return nil
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
