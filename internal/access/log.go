package access

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// Options configure a Log. Zero values take the defaults.
type Options struct {
	// Retention is how long rows are kept (FINGRAPH_ACCESS_LOG_RETENTION).
	Retention time.Duration
	// FlushEvery is the longest a row waits in memory; default 1 s.
	FlushEvery time.Duration
	// MaxBatch rows waiting trigger a write at once; default 500.
	MaxBatch int
	// CleanupEvery is how often the flusher deletes expired rows; default
	// 1 h. Every replica does it; the delete is idempotent.
	CleanupEvery time.Duration
	Logger       *slog.Logger
	Now          func() time.Time
}

// maxPending bounds the rows kept in memory while the database refuses
// them; past it the oldest are dropped, and the drop is logged.
const maxPending = 100_000

// Log writes trail rows in batches. Reads only append to its buffer, so
// recording never waits for the database.
type Log struct {
	st   *store.Store
	opts Options

	mu      sync.Mutex
	pending []models.AccessLogEntry
	kick    chan struct{}

	flushMu     sync.Mutex // one flush at a time
	lastCleanup time.Time

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// New returns a Log over st; Start runs its flusher.
func New(st *store.Store, o Options) *Log {
	if o.FlushEvery <= 0 {
		o.FlushEvery = time.Second
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = 500
	}
	if o.CleanupEvery <= 0 {
		o.CleanupEvery = time.Hour
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Log{st: st, opts: o, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
}

// Start runs the flusher until Close.
func (l *Log) Start() {
	go func() {
		defer close(l.done)
		t := time.NewTicker(l.opts.FlushEvery)
		defer t.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-t.C:
			case <-l.kick:
			}
			l.flushLogged()
		}
	}()
}

// Close stops the flusher and writes what is left (shutdown).
func (l *Log) Close() error {
	l.once.Do(func() { close(l.stop) })
	select {
	case <-l.done:
	case <-time.After(10 * time.Second):
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return l.Flush(ctx)
}

// add queues a row, asking for a write when a batch is full.
func (l *Log) add(e models.AccessLogEntry) {
	l.mu.Lock()
	l.pending = append(l.pending, e)
	if over := len(l.pending) - maxPending; over > 0 {
		l.pending = l.pending[over:]
		l.opts.Logger.Error("access log: rows dropped: the database refused them too long", "dropped", over)
	}
	full := len(l.pending) >= l.opts.MaxBatch
	l.mu.Unlock()
	if full {
		select {
		case l.kick <- struct{}{}:
		default:
		}
	}
}

func (l *Log) flushLogged() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := l.Flush(ctx); err != nil {
		l.opts.Logger.Error("access log: write", "error", err.Error())
	}
}

// Flush writes every queued row now, and deletes expired rows when a
// cleanup is due. Rows a failed write could not store are queued again.
func (l *Log) Flush(ctx context.Context) error {
	l.flushMu.Lock()
	defer l.flushMu.Unlock()
	l.mu.Lock()
	rows := l.pending
	l.pending = nil
	l.mu.Unlock()
	if err := l.st.AppendAccessLog(ctx, rows); err != nil {
		l.mu.Lock()
		l.pending = append(rows, l.pending...)
		l.mu.Unlock()
		return err
	}
	return l.cleanup(ctx)
}

// cleanup deletes rows past the retention period, at most every
// CleanupEvery.
func (l *Log) cleanup(ctx context.Context) error {
	now := l.now()
	if l.opts.Retention <= 0 || now.Sub(l.lastCleanup) < l.opts.CleanupEvery {
		return nil
	}
	n, err := l.st.DeleteAccessLogBefore(ctx, now.Add(-l.opts.Retention))
	if err != nil {
		return err
	}
	l.lastCleanup = now
	if n > 0 {
		l.opts.Logger.Info("access log: expired rows deleted", "rows", n)
	}
	return nil
}
