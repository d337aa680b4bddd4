package finqwaresim

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// FaultKind selects what a scripted fault answers.
type FaultKind string

// The scripted faults, matching the error matrix client tests must cover
// (style.md rule 9). A fault answers before the request is processed, so
// it has no side effect (no nonce or temp_token consumed).
const (
	// FaultRateLimit answers 429 with Retry-After (seconds) and the error
	// object.
	FaultRateLimit FaultKind = "rate_limit"
	// FaultServerError answers Status (default 500) with the error object.
	FaultServerError FaultKind = "server_error"
	// FaultMalformed answers 200 with truncated JSON.
	FaultMalformed FaultKind = "malformed"
	// FaultEmpty answers 200 with an empty body.
	FaultEmpty FaultKind = "empty"
	// FaultExternalAPI answers 400 external_api_error /
	// external_api_connection_error: the bank behind the skill failed.
	FaultExternalAPI FaultKind = "external_api"
)

// AnyPath makes a fault apply to whichever API path comes next.
const AnyPath = "*"

// Fault is a scripted failure for the next Times requests of a path.
type Fault struct {
	// Kind selects the answer.
	Kind FaultKind
	// Times is how many requests the fault answers; 0 means 1.
	Times int
	// Status is the 5xx status of FaultServerError; 0 means 500.
	Status int
	// RetryAfter is the Retry-After of FaultRateLimit in seconds; 0 means 1.
	RetryAfter int
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

// InjectFault queues f for the next requests to path (a request path such
// as "/v1/accounts/get", or AnyPath). Faults on one path are served in the
// order they were injected.
func (s *Server) InjectFault(path string, f Fault) error {
	switch f.Kind {
	case FaultRateLimit, FaultMalformed, FaultEmpty, FaultExternalAPI:
	case FaultServerError:
		if f.Status != 0 && (f.Status < 500 || f.Status > 599) {
			return fmt.Errorf("finqwaresim: server_error status %d is not 5xx", f.Status)
		}
	default:
		return fmt.Errorf("finqwaresim: unknown fault kind %q", f.Kind)
	}
	if f.Times < 0 || f.RetryAfter < 0 {
		return fmt.Errorf("finqwaresim: negative times or retry_after in fault")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.scripted[path] = append(s.faults.scripted[path], f)
	return nil
}

// SetLatency sets the delay added before every API response.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.latency = max(d, 0)
}

// SetErrorRate sets the probability of a random 5xx on API paths (clamped
// to [0,1]).
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

// sleepLatency waits for the configured latency; false means the client
// went away.
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

// applyFault answers with the next scripted fault for path, or a random
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
	switch {
	case q[0].Times > 1:
		q[0].Times--
	case len(q) == 1:
		delete(s.faults.scripted, path)
	default:
		s.faults.scripted[path] = q[1:]
	}
	return f, true
}

func writeFault(w http.ResponseWriter, f Fault) {
	switch f.Kind {
	case FaultRateLimit:
		w.Header().Set("Retry-After", strconv.Itoa(max(f.RetryAfter, 1)))
		writeError(w, apiError{status: http.StatusTooManyRequests, typ: typeRateLimit, code: "too_many_requests",
			msg: "Too many requests"})
	case FaultServerError:
		status := f.Status
		if status == 0 {
			status = http.StatusInternalServerError
		}
		writeError(w, apiError{status: status, typ: typeInternal, code: "internal_server_error",
			msg: "We had a problem with our server. Try again later."})
	case FaultMalformed:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`[{"id": "99459ac2-a7b3-11e9-b37d-bfb2bf7bff33", "data": {"amount": "42.`))
	case FaultEmpty:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
	case FaultExternalAPI:
		writeError(w, apiError{status: http.StatusBadRequest, typ: typeExternalAPI,
			code: "external_api_connection_error", msg: "The bank API could not be reached"})
	}
}

// Calls returns how many requests reached path (any method, any outcome),
// so tests can assert "exactly one upstream call".
func (s *Server) Calls(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[path]
}

// ResetCalls zeroes the request counts.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]int{}
}
