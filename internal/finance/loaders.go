package finance

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/fingraph/fingraph/internal/access"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

type ctxKey struct{ name string }

var loadersKey = ctxKey{"finance-loaders"}

// loaders batch and cache reads for ONE request: never shared between
// requests or users, because each batch runs with the first caller's
// scope.
type loaders struct {
	credentials  *dataloadgen.Loader[string, *models.Credentials]
	accounts     *dataloadgen.Loader[string, *models.Account]
	portfolios   *dataloadgen.Loader[string, *models.Portfolio]
	investments  *dataloadgen.Loader[string, *models.Investment]
	liabilities  *dataloadgen.Loader[string, *models.Liability]
	cards        *dataloadgen.Loader[string, *models.Card]
	identities   *dataloadgen.Loader[string, *models.Identity]
	mifid        *dataloadgen.Loader[string, *models.Mifid]
	syncRecords  *dataloadgen.Loader[string, []models.SyncRecord]
	credsByUser  *perUser[models.Credentials]
	acctsByCreds *dataloadgen.Loader[listKey, *store.Conn[models.Account]]
	acctsByUser  *perUser[models.Account]
	txnsByAcct   *dataloadgen.Loader[listKey, *store.Conn[models.AccountTransaction]]
	txnsByUser   *perUser[models.AccountTransaction]
	portsByCreds *dataloadgen.Loader[listKey, *store.Conn[models.Portfolio]]
	invsByCreds  *dataloadgen.Loader[listKey, *store.Conn[models.Investment]]
	invsByPort   *dataloadgen.Loader[listKey, *store.Conn[models.Investment]]
	invTxnsByInv *dataloadgen.Loader[listKey, *store.Conn[models.InvestmentTransaction]]
	liabsByCreds *dataloadgen.Loader[listKey, *store.Conn[models.Liability]]
	liabTxns     *dataloadgen.Loader[listKey, *store.Conn[models.LiabilityTransaction]]
	cardsByCreds *dataloadgen.Loader[listKey, *store.Conn[models.Card]]
	cardTxns     *dataloadgen.Loader[listKey, *store.Conn[models.CardTransaction]]
	holders      *dataloadgen.Loader[listKey, *store.Conn[models.Holder]]
	productRefs  *dataloadgen.Loader[store.ProductRef, models.Node]
	ensured      ensureOnce
	known        known

	userCredsMu sync.Mutex
	userCreds   map[string][]models.Credentials
}

// userCredentials returns all credentials of a user, read once per request
// (me.accounts, me.transactions and summary each fan out over them).
func (l *loaders) userCredentials(ctx context.Context, st *store.Store, userID string) ([]models.Credentials, error) {
	access.Viewed(ctx, userID)
	l.userCredsMu.Lock()
	defer l.userCredsMu.Unlock()
	if c, ok := l.userCreds[userID]; ok {
		return c, nil
	}
	c, err := st.AllCredentialsOfUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	if l.userCreds == nil {
		l.userCreds = map[string][]models.Credentials{}
	}
	l.userCreds[userID] = c
	return c, nil
}

// listKey is one parent plus the shape of the page it asks for; parents
// asking for the same shape share one query.
type listKey struct {
	Parent string
	Shape  string
}

type shape struct {
	Page     store.Page
	Filter   *store.TxnFilter
	Total    bool
	Fields   []string
	Children []Child
}

func keyFor(parent string, a ListArgs, f *store.TxnFilter) listKey {
	return listKey{Parent: parent, Shape: shapeOf(a, f)}
}

// shapeOf is the Shape of every key asking for page a with filter f.
func shapeOf(a ListArgs, f *store.TxnFilter) string {
	b, _ := json.Marshal(shape{Page: a.Page, Filter: f, Total: a.Total, Fields: a.Fields, Children: a.Children})
	return string(b)
}

// wait is how long a loader collects keys before querying. Sibling
// resolvers run concurrently; on a loaded machine (CI under -race) fifty
// of them took longer than 0.5 ms to reach the loader and split a level
// into two statements, so the window is 1 ms.
const wait = time.Millisecond

// perUser loads lists keyed by the user in the caller's goroutine, once
// per key and request. They hang off the root (me), so a request has one
// key per field in its text and nothing to batch with; a loader would
// only add a batching window or a hand-off to its fetch goroutine.
type perUser[T any] struct {
	fetch func(context.Context, []listKey) (map[listKey]*store.Conn[T], error)
	once  onceMap[listKey, *store.Conn[T]]
}

// Load returns the page of key, fetching it on the first call.
func (p *perUser[T]) Load(ctx context.Context, key listKey) (*store.Conn[T], error) {
	access.Viewed(ctx, key.Parent) // the parent is the user: recorded even when they have nothing
	return p.once.do(key, func() (*store.Conn[T], error) {
		res, err := p.fetch(ctx, []listKey{key})
		return res[key], err
	})
}

func byUser[T any](fetch func(context.Context, store.ListRequest) (map[string]*store.Conn[T], error),
	then func(context.Context, []*T, []Child)) *perUser[T] {
	return &perUser[T]{fetch: listFetch(fetch, then)}
}

func byID[T any](fetch func(context.Context, store.Scope, []string) (map[string]*T, error)) *dataloadgen.Loader[string, *T] {
	return dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string]*T, error) {
		scope, err := scopeOf(ctx)
		if err != nil {
			return nil, err
		}
		res, err := fetch(ctx, scope, ids)
		viewed(ctx, res)
		return res, err
	}, dataloadgen.WithWait(wait))
}

// byParent batches list keys in a loader (see listFetch).
func byParent[T any](fetch func(context.Context, store.ListRequest) (map[string]*store.Conn[T], error),
	then func(context.Context, []*T, []Child)) *dataloadgen.Loader[listKey, *store.Conn[T]] {
	return dataloadgen.NewMappedLoader(listFetch(fetch, then), dataloadgen.WithWait(wait))
}

// listFetch groups keys by page shape and runs one list query per shape.
// When the shape names children, then reads them ahead for every row.
func listFetch[T any](fetch func(context.Context, store.ListRequest) (map[string]*store.Conn[T], error),
	then func(context.Context, []*T, []Child)) func(context.Context, []listKey) (map[listKey]*store.Conn[T], error) {
	return func(ctx context.Context, keys []listKey) (map[listKey]*store.Conn[T], error) {
		scope, err := scopeOf(ctx)
		if err != nil {
			return nil, err
		}
		groups := map[string][]string{}
		for _, k := range keys {
			groups[k.Shape] = append(groups[k.Shape], k.Parent)
		}
		out := make(map[listKey]*store.Conn[T], len(keys))
		for sh, parents := range groups {
			var s shape
			if err := json.Unmarshal([]byte(sh), &s); err != nil {
				return nil, err
			}
			res, err := fetch(ctx, store.ListRequest{Parents: parents, Scope: scope, Page: s.Page, Filter: s.Filter, Total: s.Total, Fields: s.Fields})
			if err != nil {
				return nil, err
			}
			for _, p := range parents {
				out[listKey{p, sh}] = res[p]
				viewedList(ctx, res[p])
			}
			if then != nil && len(s.Children) > 0 {
				then(ctx, rowsOf(res), s.Children)
			}
		}
		return out, nil
	}
}

// rowsOf points at every row of a batch's pages.
func rowsOf[T any](res map[string]*store.Conn[T]) []*T {
	var rows []*T
	for _, c := range res {
		if c == nil {
			continue
		}
		for i := range c.Rows {
			rows = append(rows, &c.Rows[i])
		}
	}
	return rows
}

func (s *Service) newLoaders() *loaders {
	st := s.store
	l := &loaders{known: known{creds: map[string]bool{}, recs: map[string][]models.SyncRecord{}}}
	pf := prefetcher{s: s, l: l}
	l.credentials = byID(st.CredentialsByIDs)
	l.accounts = byID(st.AccountsByIDs)
	l.portfolios = byID(st.PortfoliosByIDs)
	l.investments = byID(st.InvestmentsByIDs)
	l.liabilities = byID(st.LiabilitiesByIDs)
	l.cards = byID(st.CardsByIDs)
	l.identities = byID(st.IdentitiesByCredentials)
	l.mifid = byID(st.MifidByCredentials)
	l.syncRecords = dataloadgen.NewMappedLoader(s.syncRecordsOf, dataloadgen.WithWait(wait))
	l.credsByUser = byUser(st.CredentialsByUser, pf.credentials)
	l.acctsByCreds = byParent(st.AccountsByCredentials, pf.accounts)
	l.acctsByUser = byUser(st.AccountsByUser, pf.accounts)
	l.txnsByAcct = byParent(st.AccountTransactionsByAccount, nil)
	l.txnsByUser = byUser(st.AccountTransactionsByUser, nil)
	l.portsByCreds = byParent(st.PortfoliosByCredentials, pf.portfolios)
	l.invsByCreds = byParent(st.InvestmentsByCredentials, pf.investments)
	l.invsByPort = byParent(st.InvestmentsByPortfolio, pf.investments)
	l.invTxnsByInv = byParent(st.InvestmentTransactionsByInvestment, nil)
	l.liabsByCreds = byParent(st.LiabilitiesByCredentials, pf.liabilities)
	l.liabTxns = byParent(st.LiabilityTransactionsByLiability, nil)
	l.cardsByCreds = byParent(st.CardsByCredentials, pf.cards)
	l.cardTxns = byParent(st.CardTransactionsByCard, nil)
	l.holders = byParent(st.HoldersByCredentials, nil)
	l.productRefs = dataloadgen.NewMappedLoader(func(ctx context.Context, refs []store.ProductRef) (map[store.ProductRef]models.Node, error) {
		scope, err := scopeOf(ctx)
		if err != nil {
			return nil, err
		}
		res, err := st.ProductsByRef(ctx, scope, refs)
		viewedNodes(ctx, res)
		return res, err
	}, dataloadgen.WithWait(wait))
	return l
}

// Middleware gives each request its own loaders.
func (s *Service) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(s.WithLoaders(r.Context())))
	})
}

// WithLoaders returns ctx carrying fresh per-request loaders.
func (s *Service) WithLoaders(ctx context.Context) context.Context {
	return context.WithValue(ctx, loadersKey, s.newLoaders())
}

func (s *Service) syncRecordsOf(ctx context.Context, ids []string) (map[string][]models.SyncRecord, error) {
	recs, err := s.agg.SyncRecords(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]models.SyncRecord, len(ids))
	for _, id := range ids {
		out[id] = recs[id] // a credentials never synced has none: not an error
	}
	return out, nil
}

func loadersFrom(ctx context.Context) *loaders {
	if l, ok := ctx.Value(loadersKey).(*loaders); ok {
		return l
	}
	panic("finance: no loaders in context; wrap the handler with Service.Middleware")
}
