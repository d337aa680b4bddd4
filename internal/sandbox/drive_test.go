package sandbox_test

import (
	"sync"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/sandbox"
)

// knobs records what a FaultSwitch sets.
type knobs struct {
	mu      sync.Mutex
	latency time.Duration
	rate    float64
}

func (k *knobs) SetLatency(d time.Duration) { k.mu.Lock(); k.latency = d; k.mu.Unlock() }
func (k *knobs) SetErrorRate(p float64)     { k.mu.Lock(); k.rate = p; k.mu.Unlock() }

func (k *knobs) get() (time.Duration, float64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.latency, k.rate
}

// waitFor polls until the knobs read want, or fails after a few seconds.
func (k *knobs) waitFor(t *testing.T, lat time.Duration, rate float64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		l, r := k.get()
		if l == lat && r == rate {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("knobs %s %v, want %s %v", l, r, lat, rate)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestFaultSwitch(t *testing.T) {
	base := 10 * time.Millisecond
	k := &knobs{latency: base}
	sw := sandbox.NewFaultSwitch(k, base)
	defer sw.Stop()

	if err := sw.Set(sandbox.FaultSlow, time.Hour); err != nil {
		t.Fatal(err)
	}
	k.waitFor(t, base+sandbox.SlowLatency, 0)
	if err := sw.Set(sandbox.FaultNone, 0); err != nil {
		t.Fatal(err)
	}
	k.waitFor(t, base, 0)

	// A fault ends by itself.
	if err := sw.Set(sandbox.FaultFailing, 30*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if l, r := k.get(); l != base || r != 1 {
		t.Fatalf("failing: %s %v", l, r)
	}
	k.waitFor(t, base, 0)

	// A later Set replaces the pending end: the short fault's timer does
	// not end the long one.
	if err := sw.Set(sandbox.FaultFailing, 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := sw.Set(sandbox.FaultSlow, time.Hour); err != nil {
		t.Fatal(err)
	}
	time.Sleep(60 * time.Millisecond)
	if l, r := k.get(); l != base+sandbox.SlowLatency || r != 0 {
		t.Fatalf("the replaced fault's end applied: %s %v", l, r)
	}

	// Stop cancels the pending end.
	sw.Stop()
	if err := sw.Set(sandbox.FaultFailing, 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	sw.Stop()
	time.Sleep(60 * time.Millisecond)
	if _, r := k.get(); r != 1 {
		t.Fatal("a stopped switch still ended the fault")
	}

	for _, c := range []struct {
		f sandbox.Fault
		d time.Duration
	}{{"melting", time.Second}, {sandbox.FaultSlow, 0}, {sandbox.FaultFailing, -time.Second}} {
		if err := sw.Set(c.f, c.d); err == nil {
			t.Errorf("Set(%q, %s) accepted", c.f, c.d)
		}
	}
}
