package finance

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

func TestOnceMapRunsOncePerKey(t *testing.T) {
	var m onceMap[string, int]
	var runs atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	got := make([]int, 20)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = m.do("k", func() (int, error) {
				runs.Add(1)
				<-release // hold the first call so that the others must wait
				return 42, nil
			})
		}()
	}
	close(release)
	wg.Wait()
	if runs.Load() != 1 {
		t.Fatalf("fn ran %d times for one key", runs.Load())
	}
	for i, v := range got {
		if v != 42 {
			t.Fatalf("caller %d got %d", i, v)
		}
	}
	if v, _ := m.do("other", func() (int, error) { return 7, nil }); v != 7 {
		t.Fatalf("another key got %d", v)
	}
}

func TestOnceMapMarkAndPanic(t *testing.T) {
	var m onceMap[string, int]
	m.mark("k")
	if _, err := m.do("k", func() (int, error) { t.Fatal("ran a marked key"); return 0, nil }); err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() { _ = recover() }()
		_, _ = m.do("p", func() (int, error) { panic("boom") })
	}()
	if _, err := m.do("p", func() (int, error) { return 1, nil }); !errors.Is(err, errPanicked) {
		t.Fatalf("after a panic, err = %v, want errPanicked", err)
	}
}
