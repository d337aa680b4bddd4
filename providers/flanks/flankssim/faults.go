package flankssim

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"
)

// FaultKind selects what a scripted fault answers.
type FaultKind string

// The scripted faults, matching the error matrix client tests must cover (style.md rule 9).
const (
	// FaultRateLimit answers 429 with a Retry-After header (seconds).
	FaultRateLimit FaultKind = "rate_limit"
	// FaultServerError answers Status (default 500) with {"error": "Internal Error"}.
	FaultServerError FaultKind = "server_error"
	// FaultMalformed answers 200 with a truncated JSON body.
	FaultMalformed FaultKind = "malformed"
	// FaultAccepted answers 202 {"message": ...} without doing the work.
	FaultAccepted FaultKind = "accepted"
)

// AnyPath makes a fault apply to whichever /v0 path comes next.
const AnyPath = "*"

// Fault is a scripted failure for the next Times requests of a path.
type Fault struct {
	Kind FaultKind `json:"kind"`
	// Times is how many requests the fault answers; 0 means 1.
	Times int `json:"times,omitempty"`
	// Status is the 5xx status of FaultServerError; 0 means 500.
	Status int `json:"status,omitempty"`
	// RetryAfter is the Retry-After of FaultRateLimit in seconds; 0 means 1.
	RetryAfter int `json:"retry_after,omitempty"`
}

// faultState holds the fault knobs; it is guarded by Server.mu.
type faultState struct {
	latency   time.Duration
	errorRate float64
	scripted  map[string][]Fault // queue per path, head first
}

func newFaultState(latency time.Duration, errorRate float64) faultState {
	return faultState{latency: latency, errorRate: errorRate, scripted: map[string][]Fault{}}
}

// InjectFault queues f for the next requests to path (AnyPath for any /v0 path). Faults
// on one path are served in the order they were injected.
func (s *Server) InjectFault(path string, f Fault) error {
	if err := f.validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.scripted[path] = append(s.faults.scripted[path], f)
	return nil
}

func (f Fault) validate() error {
	switch f.Kind {
	case FaultRateLimit, FaultMalformed, FaultAccepted:
	case FaultServerError:
		if f.Status != 0 && (f.Status < 500 || f.Status > 599) {
			return fmt.Errorf("flankssim: server_error status %d is not 5xx", f.Status)
		}
	default:
		return fmt.Errorf("flankssim: unknown fault kind %q", f.Kind)
	}
	if f.Times < 0 || f.RetryAfter < 0 {
		return fmt.Errorf("flankssim: negative times or retry_after in fault")
	}
	return nil
}

// SetLatency sets the delay added before every /v0 response.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.latency = max(d, 0)
}

// SetErrorRate sets the probability of a random 5xx on /v0 paths (clamped to [0,1]).
func (s *Server) SetErrorRate(p float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.errorRate = min(max(p, 0), 1)
}

// ClearFaults removes scripted faults, latency and the error rate.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = newFaultState(0, 0)
}

// sleepLatency waits for the configured latency; false means the client went away.
func (s *Server) sleepLatency(ctx context.Context) bool {
	s.mu.Lock()
	d := s.faults.latency
	s.mu.Unlock()
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// applyFault answers the request with the next scripted fault for path, or with a random
// 5xx per the error rate, and reports whether it did.
func (s *Server) applyFault(w http.ResponseWriter, path string) bool {
	s.mu.Lock()
	f, ok := s.popFaultLocked(path)
	if !ok {
		f, ok = s.popFaultLocked(AnyPath)
	}
	if !ok && s.faults.errorRate > 0 && s.rng.Float64() < s.faults.errorRate {
		f, ok = Fault{Kind: FaultServerError, Status: []int{500, 502, 503}[s.rng.IntN(3)]}, true
	}
	s.mu.Unlock()
	if ok {
		writeFault(w, f)
	}
	return ok
}

// popFaultLocked consumes one use of the head fault queued for path.
func (s *Server) popFaultLocked(path string) (Fault, bool) {
	q := s.faults.scripted[path]
	if len(q) == 0 {
		return Fault{}, false
	}
	f := q[0]
	if q[0].Times > 1 {
		q[0].Times--
	} else if len(q) == 1 {
		delete(s.faults.scripted, path)
	} else {
		s.faults.scripted[path] = q[1:]
	}
	return f, true
}

func writeFault(w http.ResponseWriter, f Fault) {
	switch f.Kind {
	case FaultRateLimit:
		w.Header().Set("Retry-After", strconv.Itoa(max(f.RetryAfter, 1)))
		writeLegacy(w, http.StatusTooManyRequests, "Too many requests")
	case FaultServerError:
		status := f.Status
		if status == 0 {
			status = http.StatusInternalServerError
		}
		writeLegacy(w, status, "Internal Error")
	case FaultMalformed:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`[{"_id": "5f2b9c0e11aa40c8b7e3d101", "balance": 12`))
	case FaultAccepted:
		writeJSON(w, http.StatusAccepted, map[string]string{"message": "Accepted"})
	}
}

// faultSnapshot reports the current knobs and queued faults, sorted by path.
func (s *Server) faultSnapshot() (time.Duration, float64, []pathFault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []pathFault
	for p, q := range s.faults.scripted {
		for _, f := range q {
			out = append(out, pathFault{Path: p, Fault: f})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return s.faults.latency, s.faults.errorRate, out
}

// Requests returns how many requests reached path (any method, any outcome), so tests
// can assert "exactly one upstream call".
func (s *Server) Requests(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[path]
}

// RequestCounts returns a copy of the per-path request counts.
func (s *Server) RequestCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.counts))
	for p, n := range s.counts {
		out[p] = n
	}
	return out
}

// ResetRequests zeroes the request counts.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts = map[string]int{}
}
