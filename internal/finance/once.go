package finance

import (
	"errors"
	"sync"
)

// onceMap runs one call per key for one request; concurrent callers of a
// key wait for the first and share its result.
type onceMap[K comparable, V any] struct {
	mu    sync.Mutex
	calls map[K]*onceCall[V]
}

type onceCall[V any] struct {
	done chan struct{}
	val  V
	err  error
}

// mark records k as done with the zero value, without running anything.
func (m *onceMap[K, V]) mark(k K) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.calls == nil {
		m.calls = map[K]*onceCall[V]{}
	}
	if _, ok := m.calls[k]; !ok {
		c := &onceCall[V]{done: make(chan struct{})}
		close(c.done)
		m.calls[k] = c
	}
}

// do returns fn's result for k, running fn only on the first call.
func (m *onceMap[K, V]) do(k K, fn func() (V, error)) (V, error) {
	m.mu.Lock()
	if m.calls == nil {
		m.calls = map[K]*onceCall[V]{}
	}
	if c, ok := m.calls[k]; ok {
		m.mu.Unlock()
		<-c.done
		return c.val, c.err
	}
	c := &onceCall[V]{done: make(chan struct{})}
	m.calls[k] = c
	m.mu.Unlock()
	defer close(c.done)
	c.err = errPanicked // replaced when fn returns; waiters see it if fn panics
	c.val, c.err = fn()
	return c.val, c.err
}

var errPanicked = errors.New("finance: the call panicked")
