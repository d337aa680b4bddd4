package httpx

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// scripted serves the given statuses in order (the last one repeats) and
// counts the requests.
func scripted(t *testing.T, header http.Header, statuses ...int) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(statuses[min(i, len(statuses)-1)])
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

type sleepLog struct{ delays []time.Duration }

func (s *sleepLog) sleep(_ context.Context, d time.Duration) error {
	s.delays = append(s.delays, d)
	return nil
}

func newTestCaller(s *sleepLog) *Caller {
	return &Caller{HTTP: &http.Client{Timeout: 5 * time.Second}, Sleep: s.sleep,
		Jitter: func(n int64) int64 { return n - 1 }}
}

func get(url string, idempotent bool) Call {
	return Call{Label: "GET /x", Idempotent: idempotent, Build: func(ctx context.Context) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, url+"?secret=s3cr3t", nil)
	}}
}

func TestCallerDo(t *testing.T) {
	tests := []struct {
		name      string
		statuses  []int
		header    http.Header
		idem      bool
		wantCalls int32
		wantCode  int
		wantSleep []time.Duration
	}{
		{name: "success at once", statuses: []int{200}, idem: true, wantCalls: 1, wantCode: 200},
		{name: "503 retried up to 3 attempts", statuses: []int{503}, idem: true, wantCalls: 3, wantCode: 503,
			wantSleep: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}},
		{name: "recovers on the second attempt", statuses: []int{502, 200}, idem: true, wantCalls: 2, wantCode: 200,
			wantSleep: []time.Duration{100 * time.Millisecond}},
		{name: "non-idempotent sent once", statuses: []int{503}, idem: false, wantCalls: 1, wantCode: 503},
		{name: "400 not retried", statuses: []int{400}, idem: true, wantCalls: 1, wantCode: 400},
		{name: "501 not retried", statuses: []int{501}, idem: true, wantCalls: 1, wantCode: 501},
		{name: "429 honours Retry-After", statuses: []int{429, 200}, header: http.Header{"Retry-After": {"2"}},
			idem: true, wantCalls: 2, wantCode: 200, wantSleep: []time.Duration{2 * time.Second}},
		{name: "Retry-After beyond the policy ends the call", statuses: []int{429, 200},
			header: http.Header{"Retry-After": {"3600"}}, idem: true, wantCalls: 1, wantCode: 429},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, n := scripted(t, tt.header, tt.statuses...)
			var s sleepLog
			res, err := newTestCaller(&s).Do(context.Background(), get(srv.URL, tt.idem))
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			if res.Status != tt.wantCode || n.Load() != tt.wantCalls {
				t.Fatalf("status %d after %d calls; want %d after %d", res.Status, n.Load(), tt.wantCode, tt.wantCalls)
			}
			if len(s.delays) != len(tt.wantSleep) {
				t.Fatalf("slept %v; want %v", s.delays, tt.wantSleep)
			}
			for i := range s.delays {
				if s.delays[i] != tt.wantSleep[i] {
					t.Fatalf("slept %v; want %v", s.delays, tt.wantSleep)
				}
			}
		})
	}
}

func TestCallerResendOnce(t *testing.T) {
	srv, n := scripted(t, nil, 401)
	var asked int
	call := get(srv.URL, false)
	call.Resend = func(r *Response) bool { asked++; return r.Status == 401 }
	res, err := newTestCaller(&sleepLog{}).Do(context.Background(), call)
	if err != nil || res.Status != 401 {
		t.Fatalf("Do = %v, %v; want the 401", res, err)
	}
	if asked != 1 || n.Load() != 2 {
		t.Fatalf("Resend asked %d times, %d calls; want 1 and 2", asked, n.Load())
	}
}

func TestCallerRefusesWhenBreakerOpen(t *testing.T) {
	srv, n := scripted(t, nil, 500)
	c := newTestCaller(&sleepLog{})
	c.Guards.Breaker = NewBreaker(BreakerConfig{MaxConsecutiveFailures: 1, OpenTimeout: time.Hour})
	for range 2 {
		if _, err := c.Do(context.Background(), get(srv.URL, false)); err != nil {
			t.Fatalf("Do while closed: %v", err)
		}
	}
	_, err := c.Do(context.Background(), get(srv.URL, false))
	var refused *RefusedError
	if !errors.As(err, &refused) || !errors.Is(err, ErrCircuitOpen) {
		t.Fatalf("Do = %v; want a RefusedError matching ErrCircuitOpen", err)
	}
	if n.Load() != 2 {
		t.Fatalf("%d calls reached the server; want 2", n.Load())
	}
}

func TestCallerTransportErrorHidesQuery(t *testing.T) {
	srv, _ := scripted(t, nil, 200)
	srv.Close()
	c := newTestCaller(&sleepLog{})
	_, err := c.Do(context.Background(), get(srv.URL, true))
	var terr *TransportError
	if !errors.As(err, &terr) {
		t.Fatalf("Do = %v; want a TransportError", err)
	}
	if strings.Contains(err.Error(), "s3cr3t") {
		t.Fatalf("error %q leaks the query string", err)
	}
}

func TestCallerBodyCap(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(strings.Repeat("x", 100)))
	}))
	defer srv.Close()
	c := newTestCaller(&sleepLog{})
	c.MaxBody = 10
	_, err := c.Do(context.Background(), get(srv.URL, true))
	if !errors.Is(err, ErrBodyTooLarge) {
		t.Fatalf("Do = %v; want ErrBodyTooLarge", err)
	}
}
