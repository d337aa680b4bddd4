package httpx

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func acquire(t *testing.T, b *Bulkhead) func() {
	t.Helper()
	release, err := b.Acquire(context.Background())
	if err != nil {
		t.Fatalf("Acquire: %v", err)
	}
	return release
}

// waitQueued waits until n callers are blocked in b's queue.
func waitQueued(t *testing.T, b *Bulkhead, n int64) {
	t.Helper()
	for range 10_000 {
		if b.queued.Load() == n {
			return
		}
		time.Sleep(100 * time.Microsecond)
	}
	t.Fatalf("queued = %d, want %d", b.queued.Load(), n)
}

func TestBulkheadQueueThenFull(t *testing.T) {
	b := NewBulkhead(2, 1)
	r1, r2 := acquire(t, b), acquire(t, b)
	got := make(chan func(), 1)
	go func() {
		r, err := b.Acquire(context.Background())
		if err != nil {
			t.Errorf("queued Acquire: %v", err)
		}
		got <- r
	}()
	waitQueued(t, b, 1)
	if _, err := b.Acquire(context.Background()); !errors.Is(err, ErrBulkheadFull) {
		t.Fatalf("Acquire with slots and queue full: %v, want ErrBulkheadFull", err)
	}
	r1()
	r1() // a second release must not free another slot
	r3 := <-got
	if n := b.InFlight(); n != 2 {
		t.Fatalf("InFlight = %d, want 2", n)
	}
	r2()
	r3()
	if n := b.InFlight(); n != 0 {
		t.Fatalf("InFlight = %d after releases", n)
	}
}

func TestBulkheadWaitHonoursContext(t *testing.T) {
	b := NewBulkhead(1, 1)
	defer acquire(t, b)()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := b.Acquire(ctx)
		errc <- err
	}()
	waitQueued(t, b, 1)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if q := b.queued.Load(); q != 0 {
		t.Fatalf("queue place not given back: %d", q)
	}
}

func TestBulkheadBoundsConcurrency(t *testing.T) {
	b := NewBulkhead(0, 0) // defaults: 10 in flight, 5 queued
	var (
		mu             sync.Mutex
		inFlight, peak int
		full           int
		wg             sync.WaitGroup
	)
	gate := make(chan struct{})
	for range 40 {
		wg.Go(func() {
			release, err := b.Acquire(context.Background())
			if errors.Is(err, ErrBulkheadFull) {
				mu.Lock()
				full++
				mu.Unlock()
				return
			}
			mu.Lock()
			inFlight++
			peak = max(peak, inFlight)
			mu.Unlock()
			<-gate
			mu.Lock()
			inFlight--
			mu.Unlock()
			release()
		})
	}
	// Every goroutine ends up holding a slot, queued or refused.
	settled := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return inFlight+int(b.queued.Load())+full == 40
	}
	for i := 0; !settled(); i++ {
		if i == 10_000 {
			t.Fatal("goroutines never settled")
		}
		time.Sleep(100 * time.Microsecond)
	}
	mu.Lock()
	if full != 40-DefaultMaxInFlight-DefaultMaxQueue || inFlight != DefaultMaxInFlight {
		t.Errorf("%d refused, %d in flight; want %d and %d", full, inFlight, 40-DefaultMaxInFlight-DefaultMaxQueue, DefaultMaxInFlight)
	}
	mu.Unlock()
	close(gate)
	wg.Wait()
	if peak > DefaultMaxInFlight {
		t.Errorf("peak in flight %d > %d", peak, DefaultMaxInFlight)
	}
}
