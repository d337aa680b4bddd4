package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/fingraph/fingraph/internal/benchkit"
)

// The mixed workload's writes and subscriptions.
const (
	credentialsQuery = `{ me { credentials(first: 50) { nodes { id } } } }`
	refreshMutation  = `mutation($id: ID!) { refreshCredentials(id: $id) { id status { pending } } }`
	syncSubscription = `subscription { syncCompleted { product } }`
)

// refreshBodies lists the user's credentials and returns one
// refreshCredentials body per credentials, so that the refreshes spread
// over all of them as a user's clicks would.
func refreshBodies(ctx context.Context, client *http.Client, c loadConfig) ([][]byte, error) {
	b, err := sendOK(ctx, client, c, benchkit.RequestBody(credentialsQuery, nil))
	if err != nil {
		return nil, err
	}
	var r struct {
		Data struct {
			Me struct {
				Credentials struct{ Nodes []struct{ ID string } }
			}
		}
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("credentials of the user: %w", err)
	}
	var out [][]byte
	for _, n := range r.Data.Me.Credentials.Nodes {
		out = append(out, benchkit.RequestBody(refreshMutation, map[string]any{"id": n.ID}))
	}
	if len(out) == 0 {
		return nil, errors.New("mixed: the user has no credentials to refresh")
	}
	return out, nil
}

// subResult is what the subscribers saw.
type subResult struct {
	Open   int // subscriptions acknowledged by the server
	Events int // "next" messages received
	Errors int // failed to connect or subscribe, "error" messages, or dropped before the end
	First  string
}

// subscribers holds WebSocket subscriptions open during a run.
type subscribers struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	open   atomic.Int64
	events atomic.Int64
	mu     sync.Mutex
	errs   []error
}

// startSubscribers opens n graphql-transport-ws subscriptions to
// syncCompleted; the refreshes of the mixed workload make them fire.
func startSubscribers(ctx context.Context, c loadConfig, n int) *subscribers {
	ctx, cancel := context.WithCancel(ctx)
	s := &subscribers{cancel: cancel}
	for range n {
		s.wg.Go(func() {
			if err := s.subscribe(ctx, c); err != nil && ctx.Err() == nil {
				s.mu.Lock()
				s.errs = append(s.errs, err)
				s.mu.Unlock()
			}
		})
	}
	return s
}

// stop closes the subscriptions and returns what they saw.
func (s *subscribers) stop() subResult {
	s.cancel()
	s.wg.Wait()
	r := subResult{Open: int(s.open.Load()), Events: int(s.events.Load()), Errors: len(s.errs)}
	if len(s.errs) > 0 {
		r.First = s.errs[0].Error()
	}
	return r
}

// wsMessage is a graphql-transport-ws message.
type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// subscribe runs one subscription until ctx ends. The token goes in
// connection_init's payload, as the schema documents for WebSocket.
func (s *subscribers) subscribe(ctx context.Context, c loadConfig) error {
	conn, _, err := websocket.Dial(ctx, c.URL, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return fmt.Errorf("dial: %w", err)
	}
	defer conn.CloseNow()
	init, _ := json.Marshal(map[string]string{"Authorization": "Bearer " + c.Token})
	if err := wsjson.Write(ctx, conn, wsMessage{Type: "connection_init", Payload: init}); err != nil {
		return err
	}
	sub, _ := json.Marshal(map[string]string{"query": syncSubscription})
	acked := false
	for {
		var m wsMessage
		if err := wsjson.Read(ctx, conn, &m); err != nil {
			return fmt.Errorf("read: %w", err)
		}
		switch m.Type {
		case "connection_ack":
			if err := wsjson.Write(ctx, conn, wsMessage{ID: "1", Type: "subscribe", Payload: sub}); err != nil {
				return err
			}
			acked = true
			s.open.Add(1)
		case "ping":
			if err := wsjson.Write(ctx, conn, wsMessage{Type: "pong"}); err != nil {
				return err
			}
		case "next":
			s.events.Add(1)
		case "error", "complete":
			return fmt.Errorf("%s (acknowledged %v): %s", m.Type, acked, m.Payload)
		}
	}
}

func printSubs(w io.Writer, r subResult) {
	fmt.Fprintf(w, "subscriptions %d open, %d events received, %d errors", r.Open, r.Events, r.Errors)
	if r.First != "" {
		fmt.Fprintf(w, " (first: %s)", r.First)
	}
	fmt.Fprintln(w)
}

// rssStats are a process's resident set sizes in kB, from /proc.
type rssStats struct {
	Start, Max, End int64 // VmRSS sampled at the start, at most, at the end
	HWM             int64 // VmHWM at the end: the peak since the process started
}

// startRSS samples pid's resident memory every 250 ms until ctx ends or
// the returned function is called, which returns the figures. pid 0
// samples nothing.
func startRSS(ctx context.Context, pid int) (func() rssStats, error) {
	if pid == 0 {
		return func() rssStats { return rssStats{} }, nil
	}
	if pid < 0 {
		return nil, usageError{"-pid must be positive"}
	}
	first, _, err := readRSS(pid)
	if err != nil {
		return nil, usageError{fmt.Sprintf("-pid %d: %v", pid, err)}
	}
	var (
		mu sync.Mutex
		st = rssStats{Start: first, Max: first}
	)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if rss, _, err := readRSS(pid); err == nil {
				mu.Lock()
				st.Max = max(st.Max, rss)
				mu.Unlock()
			}
		}
	}()
	return func() rssStats {
		cancel()
		<-done
		st.End, st.HWM, _ = readRSS(pid)
		st.Max = max(st.Max, st.End)
		return st
	}, nil
}

// readRSS reads VmRSS and VmHWM (kB) of pid from /proc (Linux).
func readRSS(pid int) (rss, hwm int64, err error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %w", name, err)
		}
		if name == "VmRSS" {
			rss = kb
		} else {
			hwm = kb
		}
	}
	if rss == 0 {
		return 0, 0, errors.New("no VmRSS in /proc status")
	}
	return rss, hwm, sc.Err()
}

func printRSS(w io.Writer, pid int, r rssStats) {
	mb := func(kb int64) string { return fmt.Sprintf("%.1f MiB", float64(kb)/1024) }
	fmt.Fprintf(w, "server RSS (pid %d)  start %s  max %s  end %s  (peak since the process started: %s)\n",
		pid, mb(r.Start), mb(r.Max), mb(r.End), mb(r.HWM))
}
