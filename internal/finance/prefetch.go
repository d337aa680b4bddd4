package finance

import (
	"context"
	"slices"
	"sync"

	"github.com/vikstrous/dataloadgen"

	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// Child is a list the query reads under every row of a parent list, with
// the arguments and selection its resolver will ask for.
//
// A parent list told about its children reads each of them for all its
// rows in the same batch and primes the child loader (readAhead). The
// child resolvers then find their pages ready. Without this, each level of
// a nested query gathered its resolvers in a loader for a batching window
// (about 1 ms per level), and a slow scheduler could split a level into
// two statements.
type Child struct {
	// Field is the GraphQL field on the parent's node type, such as
	// "transactions" on Account.
	Field string
	Args  ListArgs
}

// relation is one parent-to-child list that a parent batch can read ahead.
type relation[P, T any] struct {
	product models.Product
	credsOf func(*P) string // the credentials whose product holds the rows
	idOf    func(*P) string
	loader  *dataloadgen.Loader[listKey, *store.Conn[T]]
	fetch   func(context.Context, store.ListRequest) (map[string]*store.Conn[T], error)
	next    func(context.Context, []*T, []Child) // the children's own children
}

// readAhead reads one child list for every parent whose product is fresh
// and primes the child loader with each parent's page. Parents whose
// product is stale or missing are left to the child resolvers, which
// fetch from the provider first and report what failed. A failed read is
// dropped for the same reason: the child resolvers then read lazily and
// return the error where it belongs.
func readAhead[P, T any](ctx context.Context, pf prefetcher, parents []*P, ch Child, rel relation[P, T]) {
	fresh := freshParents(ctx, pf, parents, rel.credsOf, rel.product)
	if len(fresh) == 0 {
		return
	}
	scope, err := scopeOf(ctx)
	if err != nil {
		return
	}
	ids := distinct(fresh, rel.idOf)
	res, err := rel.fetch(ctx, store.ListRequest{Parents: ids, Scope: scope, Page: ch.Args.Page,
		Total: ch.Args.Total, Fields: ch.Args.Fields})
	if err != nil {
		return
	}
	var rows []*T
	sh := shapeOf(ch.Args, nil) // the same for every parent
	for _, id := range ids {
		c := res[id]
		rel.loader.Prime(listKey{Parent: id, Shape: sh}, c)
		if c != nil && rel.next != nil {
			for i := range c.Rows {
				rows = append(rows, &c.Rows[i])
			}
		}
	}
	if len(rows) > 0 && len(ch.Args.Children) > 0 {
		rel.next(ctx, rows, ch.Args.Children)
	}
}

// distinct returns key of each of ps once, in order.
func distinct[P any](ps []*P, key func(*P) string) []string {
	out := make([]string, 0, len(ps))
	seen := make(map[string]bool, len(ps))
	for _, p := range ps {
		if k := key(p); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// prefetcher reads ahead the children of parent pages for one request.
type prefetcher struct {
	s *Service
	l *loaders
}

// known is what read-ahead learnt in this request: credentials already in
// the credentials loader and sync records already read, so that deeper
// levels do not read them again.
type known struct {
	mu    sync.Mutex
	creds map[string]bool
	recs  map[string][]models.SyncRecord
}

// freshParents returns the parents whose product is fresh, judged from
// their credentials' sync records.
func freshParents[P any](ctx context.Context, pf prefetcher, parents []*P, credsOf func(*P) string, product models.Product) []*P {
	fresh := pf.freshCredentials(ctx, distinct(parents, credsOf), product)
	out := make([]*P, 0, len(parents))
	for _, p := range parents {
		if fresh[credsOf(p)] {
			out = append(out, p)
		}
	}
	return out
}

// freshCredentials returns which credentials hold product fresh, and
// records each as ensured for this request: the child resolvers then
// trust this judgement instead of re-judging it a moment later, when the
// TTL may just have run out under rows already read. It also puts the
// credentials into the credentials loader, which child resolvers ask for.
func (pf prefetcher) freshCredentials(ctx context.Context, ids []string, product models.Product) map[string]bool {
	pf.loadCredentials(ctx, ids)
	recs := pf.records(ctx, ids)
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		for i := range recs[id] {
			if r := &recs[id][i]; r.Product == product && pf.s.agg.Fresh(r) {
				out[id] = true
				pf.l.ensured.mark(ensureKey{id, product})
			}
		}
	}
	return out
}

// knowCredentials primes the credentials loader with rows already read.
func (pf prefetcher) knowCredentials(creds []*models.Credentials) {
	k := &pf.l.known
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, c := range creds {
		pf.l.credentials.Prime(c.ID, c)
		k.creds[c.ID] = true
	}
}

// loadCredentials reads the credentials not yet known and primes the
// credentials loader with them.
func (pf prefetcher) loadCredentials(ctx context.Context, ids []string) {
	k := &pf.l.known
	k.mu.Lock()
	missing := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return k.creds[id] })
	k.mu.Unlock()
	if len(missing) == 0 {
		return
	}
	scope, err := scopeOf(ctx)
	if err != nil {
		return
	}
	got, err := pf.s.store.CredentialsByIDs(ctx, scope, missing)
	if err != nil {
		return
	}
	creds := make([]*models.Credentials, 0, len(got))
	for _, c := range got {
		creds = append(creds, c)
	}
	pf.knowCredentials(creds)
}

// records returns the sync records of ids, reading those not yet known in
// one statement and priming the sync-record loader with them.
func (pf prefetcher) records(ctx context.Context, ids []string) map[string][]models.SyncRecord {
	k := &pf.l.known
	k.mu.Lock()
	missing := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { _, ok := k.recs[id]; return ok })
	k.mu.Unlock()
	if len(missing) > 0 {
		if got, err := pf.s.syncRecordsOf(ctx, missing); err == nil {
			k.mu.Lock()
			for id, r := range got {
				k.recs[id] = r
				pf.l.syncRecords.Prime(id, r)
			}
			k.mu.Unlock()
		}
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make(map[string][]models.SyncRecord, len(ids))
	for _, id := range ids {
		out[id] = k.recs[id]
	}
	return out
}
