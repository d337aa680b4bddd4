package flinkssim

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"strconv"
	"time"
)

// Endpoint keys for InjectFault and Requests: the path under the data API base
// (/v3/{customerId}) without ids, or the Upload API path.
const (
	EndpointGenerateAuthorizeToken  = "/BankingServices/GenerateAuthorizeToken"
	EndpointAuthorize               = "/BankingServices/Authorize"
	EndpointGetAccountsDetail       = "/BankingServices/GetAccountsDetail"
	EndpointGetAccountsDetailAsync  = "/BankingServices/GetAccountsDetailAsync"
	EndpointGetAccountsSummary      = "/BankingServices/GetAccountsSummary"
	EndpointGetAccountsSummaryAsync = "/BankingServices/GetAccountsSummaryAsync"
	EndpointDeleteCard              = "/BankingServices/DeleteCard"
	EndpointFraudAnalysis           = "/upload/fraudanalysis"
	EndpointUploadToken             = "/api/v1/token"
	EndpointUpload                  = "/api/v1/upload"
	EndpointUploadComplete          = "/api/v1/upload/complete"
)

// AnyPath makes a fault apply to whichever API endpoint comes next.
const AnyPath = "*"

// FaultKind selects what a scripted fault answers.
type FaultKind string

// The scripted faults, matching the error matrix client tests must cover (style.md rule 9).
const (
	// FaultRateLimit answers 429 with a Retry-After header (seconds).
	FaultRateLimit FaultKind = "rate_limit"
	// FaultServerError answers Status (default 500) with AGGREGATION_ERROR.
	FaultServerError FaultKind = "server_error"
	// FaultMalformed answers 200 with a truncated JSON body.
	FaultMalformed FaultKind = "malformed"
	// FaultTooManyRequests answers Flinks' own rate limit: 401 TOO_MANY_REQUESTS.
	FaultTooManyRequests FaultKind = "too_many_requests"
)

// Fault is a scripted failure for the next Times requests of an endpoint.
type Fault struct {
	Kind FaultKind
	// Times is how many requests the fault answers; 0 means 1.
	Times int
	// Status is the 5xx status of FaultServerError; 0 means 500.
	Status int
	// RetryAfter is the Retry-After of FaultRateLimit in seconds; 0 means 1.
	RetryAfter int
}

type faultState struct {
	latency   time.Duration
	errorRate float64
	scripted  map[string][]Fault
}

func newFaultState(latency time.Duration, errorRate float64) faultState {
	return faultState{latency: latency, errorRate: errorRate, scripted: map[string][]Fault{}}
}

// InjectFault queues f for the next requests to endpoint (an Endpoint* key, or AnyPath).
// Faults of one endpoint are served in the order they were injected.
func (s *Server) InjectFault(endpoint string, f Fault) error {
	switch f.Kind {
	case FaultRateLimit, FaultMalformed, FaultTooManyRequests:
	case FaultServerError:
		if f.Status != 0 && (f.Status < 500 || f.Status > 599) {
			return fmt.Errorf("flinkssim: server_error status %d is not 5xx", f.Status)
		}
	default:
		return fmt.Errorf("flinkssim: unknown fault kind %q", f.Kind)
	}
	if f.Times < 0 || f.RetryAfter < 0 {
		return fmt.Errorf("flinkssim: negative times or retry_after in fault")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.scripted[endpoint] = append(s.faults.scripted[endpoint], f)
	return nil
}

// SetLatency sets the delay added before every API response.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.latency = max(d, 0)
}

// SetErrorRate sets the probability of a random 5xx (clamped to [0,1]).
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

// Requests returns how many requests reached an endpoint key (any method, any outcome).
func (s *Server) Requests(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[endpoint]
}

// api wraps an API handler: it counts the request, applies latency and faults, and (for
// the data API) checks the customer id of the path.
func (s *Server) api(endpoint string, dataAPI bool, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.counts[endpoint]++
		latency := s.faults.latency
		s.mu.Unlock()
		if dataAPI && r.PathValue("cid") != s.opts.CustomerID {
			writeFlinks(w, http.StatusNotFound, "", "Not found")
			return
		}
		if latency > 0 && sleepCtx(r.Context(), latency) != nil {
			return
		}
		if s.applyFault(w, endpoint) {
			return
		}
		h(w, r)
	}
}

// applyFault answers with the next scripted fault, or a random 5xx per the error rate.
func (s *Server) applyFault(w http.ResponseWriter, endpoint string) bool {
	s.mu.Lock()
	f, ok := s.popFaultLocked(endpoint)
	if !ok {
		f, ok = s.popFaultLocked(AnyPath)
	}
	if !ok && s.faults.errorRate > 0 && s.rng.Float64() < s.faults.errorRate {
		f, ok = Fault{Kind: FaultServerError, Status: []int{500, 502, 503}[s.rng.IntN(3)]}, true
	}
	s.mu.Unlock()
	if !ok {
		return false
	}
	switch f.Kind {
	case FaultRateLimit:
		w.Header().Set("Retry-After", strconv.Itoa(max(f.RetryAfter, 1)))
		writeFlinks(w, http.StatusTooManyRequests, "", "Too many requests")
	case FaultServerError:
		writeFlinks(w, cmpOr(f.Status, http.StatusInternalServerError), "AGGREGATION_ERROR", "An unexpected error occurred")
	case FaultMalformed:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"HttpStatusCode":200,"Accounts":[{"Id":"`)
	case FaultTooManyRequests:
		writeFlinks(w, http.StatusUnauthorized, "TOO_MANY_REQUESTS", "Too many requests")
	}
	return true
}

func (s *Server) popFaultLocked(endpoint string) (Fault, bool) {
	q := s.faults.scripted[endpoint]
	if len(q) == 0 {
		return Fault{}, false
	}
	f := q[0]
	switch {
	case q[0].Times > 1:
		q[0].Times--
	case len(q) == 1:
		delete(s.faults.scripted, endpoint)
	default:
		s.faults.scripted[endpoint] = q[1:]
	}
	return f, true
}

func cmpOr(v, d int) int {
	if v != 0 {
		return v
	}
	return d
}

// quietLog drops the http.Server's own log lines (TLS handshake failures are expected in
// mTLS tests).
func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }
