package httpx

import "time"

// windowBuckets is how many buckets a rolling window has (Hystrix uses 10):
// old calls leave the window in steps of window/10.
const windowBuckets = 10

// bucket counts the calls of one time slice.
type bucket struct {
	slot            int64 // which slice of time (now / width) the counts belong to
	calls, failures int
}

// rollingCounts counts calls and failures over a rolling window. It is not
// safe for concurrent use; Breaker guards it.
type rollingCounts struct {
	width   time.Duration
	buckets [windowBuckets]bucket
}

func newRollingCounts(window time.Duration) rollingCounts {
	return rollingCounts{width: max(window/windowBuckets, 1)}
}

func (w *rollingCounts) slot(now time.Time) int64 { return now.UnixNano() / int64(w.width) }

// add counts one call at now.
func (w *rollingCounts) add(now time.Time, failed bool) {
	s := w.slot(now)
	b := &w.buckets[(s%windowBuckets+windowBuckets)%windowBuckets] // times before 1970 give negative slots
	if b.slot != s {
		*b = bucket{slot: s} // the bucket held a slice that has left the window
	}
	b.calls++
	if failed {
		b.failures++
	}
}

// totals sums the buckets still inside the window at now.
func (w *rollingCounts) totals(now time.Time) (calls, failures int) {
	s := w.slot(now)
	for _, b := range w.buckets {
		if b.slot > s-windowBuckets && b.slot <= s {
			calls += b.calls
			failures += b.failures
		}
	}
	return calls, failures
}

func (w *rollingCounts) reset() { w.buckets = [windowBuckets]bucket{} }
