package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	r := &loadResult{}
	for i := 100; i >= 1; i-- { // unsorted on purpose
		r.Latencies = append(r.Latencies, time.Duration(i)*time.Millisecond)
	}
	for p, want := range map[float64]time.Duration{50: 50 * time.Millisecond, 95: 95 * time.Millisecond,
		99: 99 * time.Millisecond, 100: 100 * time.Millisecond, 0.1: time.Millisecond} {
		if got := r.Percentile(p); got != want {
			t.Errorf("p%v = %v, want %v", p, got, want)
		}
	}
	if got := (&loadResult{}).Percentile(50); got != 0 {
		t.Errorf("empty p50 = %v", got)
	}
}

// The load driver stops at -n, sends the token and body, and tells
// successes, HTTP errors and GraphQL errors apart.
func TestLoadCountsOutcomes(t *testing.T) {
	var seen atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := seen.Add(1)
		if r.Header.Get("Authorization") != "Bearer tok" || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "bad headers", http.StatusBadRequest)
			return
		}
		switch {
		case n == 1: // the probe
			w.Write([]byte(`{"data":{"me":{"id":"u"}}}`))
		case n%10 == 0:
			http.Error(w, "boom", http.StatusInternalServerError)
		case n%10 == 5:
			w.Write([]byte(`{"errors":[{"message":"no"}],"data":null}`))
		default:
			w.Write([]byte(`{"data":{"me":{"id":"u"}}}`))
		}
	}))
	defer srv.Close()
	var out, errOut bytes.Buffer
	code := run([]string{"load", "-url", srv.URL, "-token", "tok", "-query", "{ me { id } }", "-c", "7", "-n", "100"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if got := seen.Load(); got != 101 {
		t.Errorf("server saw %d requests, want 100 plus the probe", got)
	}
	for _, want := range []string{"requests  100 in", "errors    20 (transport 0, HTTP status 10, GraphQL 10)", "p50 "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// -duration bounds a run even when -n is far away.
func TestLoadStopsAtDuration(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(5 * time.Millisecond)
		w.Write([]byte(`{"data":{}}`))
	}))
	defer srv.Close()
	cfg := loadConfig{URL: srv.URL, Token: "t", Body: []byte(`{}`), Concurrency: 4, Requests: maxLoadRequests,
		Duration: 200 * time.Millisecond, Timeout: time.Second}
	start := time.Now()
	res := load(context.Background(), newLoadClient(cfg), cfg)
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("ran %v", d)
	}
	if res.Completed == 0 || res.Errors() != 0 {
		t.Fatalf("completed %d, errors %d", res.Completed, res.Errors())
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"nope"},
		{"load", "-url", "http://192.0.2.1/graphql", "-token", "t"}, // not loopback
		{"load", "-url", "http://127.0.0.1:1/graphql"},              // no token
		{"load", "-url", "http://127.0.0.1:1/graphql", "-token", "t", "-c", "0"},
		{"load", "-url", "http://127.0.0.1:1/graphql", "-token", "t", "-vars", "[1]"},
		{"nested", "-bogus"},
		{"nested", "-db", "mysql"},
		{"load", "-url", "http://127.0.0.1:1/graphql", "-token", "t", "-workload", "writes"},
		{"load", "-url", "http://127.0.0.1:1/graphql", "-token", "t", "-pid", "-3"},
	} {
		t.Setenv("FINGRAPH_TOKEN", "")
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != 2 {
			t.Errorf("%q: exit %d, want 2 (%s)", args, code, errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"cold", "-h"}, &out, &errOut); code != 0 || !strings.Contains(errOut.String(), "-benchtime") {
		t.Errorf("cold -h: exit %d, output %q", code, errOut.String())
	}
}

// -rate sends on schedule whatever the server does, and counts a request
// due while -c are in flight as not sent.
func TestOpenLoopRateAndOverload(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release // every request hangs until the run is over
		w.Write([]byte(`{"data":{}}`))
	}))
	defer srv.Close()
	defer close(release)
	cfg := loadConfig{URL: srv.URL, Token: "t", Body: []byte(`{}`), Concurrency: 2, Requests: 10,
		Duration: 5 * time.Second, Timeout: 10 * time.Second, Rate: 100}
	rec := newRecorder(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	var sent atomic.Int64
	openLoop(ctx, cfg, rec, func(int64, time.Time) {
		if sent.Add(1) == 2 {
			go func() { time.Sleep(150 * time.Millisecond); cancel() }()
		}
		<-ctx.Done()
	})
	if got := rec.res.NotSent; got != 8 {
		t.Errorf("not sent %d, want 8 (10 due, 2 in flight)", got)
	}
}

// The mixed workload sends every n-th request as a refresh, cycling over
// the credentials.
func TestMixedRequestOrder(t *testing.T) {
	c := loadConfig{Body: []byte("r"), Refresh: [][]byte{[]byte("a"), []byte("b")}, RefreshEvery: 3}
	var got string
	for i := range int64(9) {
		got += string(c.request(i).body)
	}
	if got != "rrarrbrra" {
		t.Errorf("requests %q", got)
	}
}

func TestReadRSSOfSelf(t *testing.T) {
	rss, hwm, err := readRSS(os.Getpid())
	if err != nil {
		t.Skip("no /proc:", err)
	}
	if rss <= 0 || hwm < rss {
		t.Errorf("rss %d kB, hwm %d kB", rss, hwm)
	}
}
