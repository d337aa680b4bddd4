package aggregate

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/singleflight"

	"github.com/fingraph/fingraph/internal/events"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// Defaults for the zero values of Options.
const (
	DefaultTTL          = 15 * time.Minute
	DefaultStaleBound   = 24 * time.Hour
	DefaultPendingRetry = 30 * time.Second
	DefaultFetchTimeout = 60 * time.Second
	DefaultLeaseTTL     = 10 * time.Second
	// DefaultFetchBudget and DefaultFailureMemory: see Options.
	DefaultFetchBudget   = 3 * time.Second
	DefaultFailureMemory = 10 * time.Second
	// DefaultFinishLinkDelay is Options.FinishLinkDelay's default.
	DefaultFinishLinkDelay = 30 * time.Second
	// EntitiesTTL is how long a provider's institution list is kept in
	// memory: it changes rarely and every link screen asks for it.
	EntitiesTTL = time.Hour
)

// Options tune the cache. The zero value is usable.
type Options struct {
	// TTL is how long a product counts as fresh, per product; products
	// absent use DefaultTTL.
	TTL map[models.Product]time.Duration
	// DefaultTTL applies to products without a TTL entry. Default 15 min.
	DefaultTTL time.Duration
	// StaleBound is the oldest cache a failed refresh still serves as
	// merely stale; older data is flagged expired. Default 24 h (as
	// stale-if-error=86400).
	StaleBound time.Duration
	// PendingRetry is how long a product the provider reported as still
	// extracting is left alone before asking again, so polling clients do
	// not hammer the provider. Default 30 s.
	PendingRetry time.Duration
	// FetchTimeout bounds one fetch. A fetch is shared by every caller
	// waiting for it, so it does not end when the first caller gives up.
	// Default 60 s.
	FetchTimeout time.Duration
	// LeaseTTL is how long a replica's claim on a fetch (PostgreSQL)
	// lasts unless renewed. The holder renews it every third of LeaseTTL
	// while the fetch runs, so a replica killed mid-fetch holds up the
	// others for at most LeaseTTL, not for a whole FetchTimeout.
	// Default 10 s.
	LeaseTTL time.Duration
	// FetchBudget is how long a reader waits for a refresh when cached
	// rows exist: past it the reader gets them, marked stale, and the
	// fetch goes on in the background. It must sit well inside the request
	// deadline, so a hanging provider never costs a user the cached view.
	// Default 3 s.
	FetchBudget time.Duration
	// FailureMemory is how long a failed fetch is remembered: readers in
	// that window share the failure (and the cached rows) instead of
	// asking the provider again. Default 10 s.
	FailureMemory time.Duration
	// RevalidateWindow is, per product, how long past its TTL the cached
	// rows of a product whose last fetch succeeded are still served at
	// once, without an error, while one background refresh runs
	// (stale-while-revalidate). Older rows, and products never fetched,
	// make the reader wait as without a window. Products absent use
	// DefaultRevalidateWindow; an entry of 0 turns it off for its product.
	RevalidateWindow map[models.Product]time.Duration
	// DefaultRevalidateWindow applies to products without a
	// RevalidateWindow entry. The zero value turns stale-while-revalidate
	// off: every expired read waits for its refresh (within FetchBudget).
	DefaultRevalidateWindow time.Duration
	// WholeFetchMin is how many of a provider's whole-call products
	// (provider.WholeFetcher) an operation must need (WithPlan) for its
	// cold products to come from that one call instead of one call each.
	// Default: more than half of them.
	WholeFetchMin int
	// FinishLinkDelay is how long the job that finishes a link waits, so
	// the linking request (which fetches the status itself) goes first.
	// Default 30 s.
	FinishLinkDelay time.Duration
	// Instance identifies this replica (leases); default a random id.
	Instance string
	// Events publishes what changed, with each change's transaction; nil
	// publishes nothing.
	Events *events.Publisher
	// Now is the clock (tests inject one). Default time.Now.
	Now func() time.Time
	// Logger receives sync failures, never provider handles or payloads.
	Logger *slog.Logger
	// Observer counts fresh hits, fetches and stale reads (metrics); nil
	// counts nothing.
	Observer Observer
}

func (o Options) withDefaults() Options {
	if o.DefaultTTL <= 0 {
		o.DefaultTTL = DefaultTTL
	}
	if o.StaleBound <= 0 {
		o.StaleBound = DefaultStaleBound
	}
	if o.PendingRetry <= 0 {
		o.PendingRetry = DefaultPendingRetry
	}
	if o.FetchTimeout <= 0 {
		o.FetchTimeout = DefaultFetchTimeout
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = DefaultLeaseTTL
	}
	if o.FinishLinkDelay <= 0 {
		o.FinishLinkDelay = DefaultFinishLinkDelay
	}
	if o.FetchBudget <= 0 {
		o.FetchBudget = DefaultFetchBudget
	}
	if o.FailureMemory <= 0 {
		o.FailureMemory = DefaultFailureMemory
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Instance == "" {
		o.Instance = uuid.NewString()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Observer == nil {
		o.Observer = nopObserver{}
	}
	return o
}

// Service is the read-through cache over the providers and the credentials
// lifecycle. It is safe for concurrent use.
type Service struct {
	st   *store.Store
	reg  *provider.Registry
	opts Options
	log  *slog.Logger

	// flights collapses concurrent fetches of one (credentials, product)
	// within this process.
	flights singleflight.Group

	entMu    sync.Mutex
	entities map[models.Provider]entityCache
}

// New returns a Service over st and the providers of reg.
func New(st *store.Store, reg *provider.Registry, opts Options) *Service {
	opts = opts.withDefaults()
	return &Service{
		st:       st,
		reg:      reg,
		opts:     opts,
		log:      opts.Logger.With("component", "aggregate"),
		entities: map[models.Provider]entityCache{},
	}
}

// publish publishes an event about creds (and product p, if any) with tx.
func (s *Service) publish(ctx context.Context, tx *store.Store, k events.Kind, creds *models.Credentials, p models.Product) error {
	return s.opts.Events.Publish(ctx, tx, events.Event{Kind: k, UserID: creds.UserID,
		CredentialsID: creds.ID, Product: p, At: s.now()})
}

// Registry returns the providers the service fetches from.
func (s *Service) Registry() *provider.Registry { return s.reg }

func (s *Service) now() time.Time { return s.opts.Now().UTC() }

// ttl is the freshness window of product p.
func (s *Service) ttl(p models.Product) time.Duration {
	if d, ok := s.opts.TTL[p]; ok && d > 0 {
		return d
	}
	return s.opts.DefaultTTL
}

// fresh reports whether rec spares a provider call: fetched within the
// TTL, or reported pending within PendingRetry.
func (s *Service) fresh(rec *models.SyncRecord) bool {
	if rec == nil || rec.ErrorCode == store.CodeStale {
		return false
	}
	now := s.now()
	switch rec.Status {
	case store.SyncOK:
		return rec.FetchedAt != nil && now.Sub(*rec.FetchedAt) < s.ttl(rec.Product)
	case store.SyncPending:
		hold := s.opts.PendingRetry
		if rec.ErrorCode == codePolling { // a job polls it: leave it to the job
			hold = pollHold
		}
		return now.Sub(rec.AttemptedAt) < hold
	}
	return false
}
