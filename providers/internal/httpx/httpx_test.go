package httpx

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestBackoffCeiling(t *testing.T) {
	b := Backoff{Base: DefaultBaseDelay, Cap: DefaultMaxDelay}
	want := []time.Duration{100, 200, 400, 800, 1600, 2000, 2000}
	for n, w := range want {
		if got := b.Ceiling(n); got != w*time.Millisecond {
			t.Errorf("Ceiling(%d) = %v, want %v", n, got, w*time.Millisecond)
		}
	}
	if got := b.Ceiling(10_000); got != DefaultMaxDelay {
		t.Errorf("Ceiling(huge) = %v", got)
	}
}

func TestBackoffFullJitterBounds(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2)) // seeded: reproducible
	b := Backoff{Base: DefaultBaseDelay, Cap: DefaultMaxDelay, Rand: r.Int64N}
	for n := range 8 {
		var sawLow, sawHigh bool
		ceil := b.Ceiling(n)
		for range 2000 {
			d := b.Delay(n)
			if d < 0 || d > ceil {
				t.Fatalf("Delay(%d) = %v outside [0, %v]", n, d, ceil)
			}
			sawLow = sawLow || d < ceil/4
			sawHigh = sawHigh || d > ceil*3/4
		}
		if !sawLow || !sawHigh {
			t.Errorf("Delay(%d) not spread over [0, %v]", n, ceil)
		}
	}
}

func TestRetryableStatus(t *testing.T) {
	yes := []int{408, 425, 429, 500, 502, 503, 504, 599}
	no := []int{200, 202, 400, 401, 403, 404, 409, 422, 501}
	for _, c := range yes {
		if !RetryableStatus(c) {
			t.Errorf("%d not retryable", c)
		}
	}
	for _, c := range no {
		if RetryableStatus(c) {
			t.Errorf("%d retryable", c)
		}
	}
}

func TestRetryableError(t *testing.T) {
	if RetryableError(context.Canceled) || RetryableError(&url.Error{Op: "Get", URL: "x", Err: context.Canceled}) {
		t.Error("cancellation retryable")
	}
	if !RetryableError(&url.Error{Op: "Get", URL: "x", Err: context.DeadlineExceeded}) {
		t.Error("per-attempt timeout not retryable")
	}
	if RetryableError(&url.Error{Op: "Get", URL: "x", Err: errors.New(`unsupported protocol scheme "ftp"`)}) {
		t.Error("bad scheme retryable")
	}
	if !RetryableError(&url.Error{Op: "Post", URL: "x", Err: errors.New("connection reset by peer")}) {
		t.Error("connection reset not retryable")
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2024, 3, 15, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"2", 2 * time.Second, true},
		{" 0 ", 0, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"", 0, false},
		{"-1", 0, false},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestReadCapped(t *testing.T) {
	b, err := ReadCapped(strings.NewReader("hello"), 5)
	if err != nil || string(b) != "hello" {
		t.Errorf("got %q, %v", b, err)
	}
	b, err = ReadCapped(bytes.NewReader(make([]byte, 10)), 4)
	if !errors.Is(err, ErrBodyTooLarge) || len(b) != 4 {
		t.Errorf("got %d bytes, %v", len(b), err)
	}
}

func TestSleepStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("err = %v", err)
	}
}

func TestStripURLQuery(t *testing.T) {
	err := StripURLQuery(&url.Error{Op: "Get", URL: "https://h/p?link_token=secret", Err: errors.New("boom")})
	if strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "https://h/p") {
		t.Errorf("err = %v", err)
	}
}
