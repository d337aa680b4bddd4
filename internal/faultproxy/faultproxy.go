// Package faultproxy puts an in-process Toxiproxy
// (github.com/Shopify/toxiproxy/v2) between a test's client and a TCP
// upstream (a provider simulator, PostgreSQL), so the test can take the
// upstream down, make it slow or reset its connections, and heal it again,
// without a separate toxiproxy-server process or its HTTP API.
//
// Toxiproxy works at the TCP level only; HTTP faults (429, 5xx, malformed
// bodies) come from the simulators' own fault injection.
package faultproxy

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/rs/zerolog"
)

// Proxy is one running proxy in front of one upstream. Its methods are
// safe for concurrent use.
type Proxy struct {
	t    testing.TB
	p    *toxiproxy.Proxy
	addr string
	seq  atomic.Int64 // names toxics uniquely
}

// New starts a proxy on a free loopback port in front of upstream
// ("host:port"); it is stopped when the test ends.
func New(t testing.TB, name, upstream string) *Proxy {
	t.Helper()
	// A server of our own with no metrics and a silent logger: nothing
	// listens for the toxiproxy HTTP API, the test drives the proxy.
	srv := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(nil), zerolog.Nop())
	p := toxiproxy.NewProxy(srv, name, "127.0.0.1:0", upstream)
	if err := p.Start(); err != nil {
		t.Fatalf("faultproxy: start %s: %v", name, err)
	}
	// Start resolved ":0" into the bound address, which a restart reuses.
	fp := &Proxy{t: t, p: p, addr: p.Listen}
	t.Cleanup(p.Stop)
	return fp
}

// Front starts a proxy in front of the host of rawURL and returns it with
// rawURL pointed at the proxy instead (path, query and credentials kept).
func Front(t testing.TB, name, rawURL string) (*Proxy, string) {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		t.Fatalf("faultproxy: %s is not an absolute URL: %v", rawURL, err)
	}
	upstream := u.Host
	if u.Port() == "" {
		upstream = net.JoinHostPort(u.Hostname(), defaultPort(u.Scheme))
	}
	p := New(t, name, upstream)
	u.Host = p.Addr()
	return p, u.String()
}

func defaultPort(scheme string) string {
	switch strings.ToLower(scheme) {
	case "https":
		return "443"
	case "postgres", "postgresql":
		return "5432"
	}
	return "80"
}

// Addr is the proxy's "host:port".
func (p *Proxy) Addr() string { return p.addr }

// Down stops the proxy: open connections are closed and new ones refused,
// as when the upstream's host goes away.
func (p *Proxy) Down() { p.p.Stop() }

// Up starts a stopped proxy again on the same address.
func (p *Proxy) Up() {
	p.t.Helper()
	if err := p.p.Start(); err != nil && err != toxiproxy.ErrProxyAlreadyStarted {
		p.t.Fatalf("faultproxy: restart %s: %v", p.p.Name, err)
	}
}

// Latency delays everything the upstream sends by d, on open connections
// and new ones.
func (p *Proxy) Latency(d time.Duration) {
	p.add("latency", "downstream", fmt.Sprintf(`{"latency": %d}`, d.Milliseconds()))
}

// ResetPeer resets every connection (TCP RST) as soon as the client sends
// anything, as a crashing upstream or a middlebox does.
func (p *Proxy) ResetPeer() {
	p.add("reset_peer", "upstream", `{"timeout": 0}`)
}

// Heal removes every toxic and starts the proxy if it was down.
func (p *Proxy) Heal() {
	p.t.Helper()
	p.p.Toxics.ResetToxics(context.Background())
	p.Up()
}

func (p *Proxy) add(kind, stream, attrs string) {
	p.t.Helper()
	name := fmt.Sprintf("%s_%d", kind, p.seq.Add(1))
	doc := fmt.Sprintf(`{"name": %q, "type": %q, "stream": %q, "attributes": %s}`, name, kind, stream, attrs)
	if _, err := p.p.Toxics.AddToxicJson(strings.NewReader(doc)); err != nil {
		p.t.Fatalf("faultproxy: add %s to %s: %v", kind, p.p.Name, err)
	}
}
