package aggregate_test

import (
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// gate is a provider whose answers on some paths block, once armed, until
// the test opens it: a fetch there cannot complete before open is called,
// so a read that returns meanwhile provably did not wait for it. It counts
// the requests it holds.
type gate struct {
	mu     sync.Mutex
	armed  bool
	paths  []string
	held   map[string]int
	opened chan struct{}
	once   sync.Once
}

func newGate(paths ...string) *gate {
	return &gate{paths: paths, held: map[string]int{}, opened: make(chan struct{})}
}

// wrap holds the requests on the gate's paths in front of next.
func (g *gate) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		hold := g.armed && slices.Contains(g.paths, r.URL.Path)
		if hold {
			g.held[r.URL.Path]++
		}
		g.mu.Unlock()
		if !hold {
			next.ServeHTTP(w, r)
			return
		}
		select {
		case <-g.opened:
		case <-r.Context().Done():
			return
		}
		next.ServeHTTP(w, r)
	})
}

// arm starts holding requests.
func (g *gate) arm() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.armed = true
}

// open lets every held and later request through; opening twice is
// harmless, so a test may also open it in its cleanup.
func (g *gate) open() { g.once.Do(func() { close(g.opened) }) }

// count returns how many requests reached path.
func (g *gate) count(path string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.held[path]
}

// awaitHeld waits until a request to path is held at the gate.
func (g *gate) awaitHeld(t *testing.T, path string) {
	t.Helper()
	waitFor(t, func() bool { return g.count(path) > 0 })
}

// waitFor polls cond until it holds; the deadline only guards against
// hanging.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition never met")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
