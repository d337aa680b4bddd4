package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/fingraph/fingraph/internal/sandbox"
	"github.com/fingraph/fingraph/providers/flinks"
	"github.com/fingraph/fingraph/providers/flinks/flinksadapter"
)

// provider is the Flinks simulator, run in this process so that it
// outlives every server it serves, as a real provider does: logins, and the
// uploads it received, survive the kills.
type provider struct {
	sim    *flinksadapter.Sim
	secret []byte // the webhook signing key the server is configured with
	env    []string

	// The simulator's webhooks go to a capture endpoint, never to the
	// server: the crash test sends deliveries itself, so it knows which
	// ones were acknowledged.
	capture  *http.Server
	fireMu   sync.Mutex
	mu       sync.Mutex
	captured map[string][]byte // by LoginId, the latest rendered delivery
}

// startProvider starts the Flinks simulator (data, upload and webhook
// sides); its client certificates go under dataDir.
func startProvider(seed int64, dataDir string) (*provider, error) {
	var cfg flinksadapter.Config
	sim, err := flinksadapter.StartSim(&cfg, sandbox.Options{Seed: seed, HistoryDays: 60, DataDir: dataDir})
	if err != nil {
		return nil, err
	}
	p := &provider{sim: sim, secret: []byte(sim.WebhookSecret()), captured: map[string][]byte{}}
	for k, v := range sim.Describe().Settings {
		p.env = append(p.env, k+"="+v)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, errors.Join(err, sim.Close())
	}
	p.capture = &http.Server{Handler: http.HandlerFunc(p.keep), ReadHeaderTimeout: 5 * time.Second}
	go p.capture.Serve(ln)
	sim.Server().SetWebhook("http://"+ln.Addr().String()+"/", p.secret)
	return p, nil
}

// keep records a delivery the simulator rendered.
func (p *provider) keep(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ev, err := flinks.ParseWebhook(body)
	if err != nil || ev.ResponseType != flinks.WebhookGetAccountsDetail {
		w.WriteHeader(http.StatusOK) // not a delivery the test replays
		return
	}
	p.mu.Lock()
	p.captured[ev.LoginID] = body
	p.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// linkCode creates a login at the simulator, as a user finishing Flinks
// Connect does, and returns its LoginId.
func (p *provider) linkCode(scenario string) (string, error) {
	return p.sim.SandboxLinkCode(context.Background(), "", scenario)
}

// delivery returns the login's GetAccountsDetail webhook body as the
// simulator renders it now (its full data).
func (p *provider) delivery(loginID string) ([]byte, error) {
	p.fireMu.Lock()
	defer p.fireMu.Unlock()
	if err := p.sim.SandboxFireWebhook(context.Background(), loginID); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	body, ok := p.captured[loginID]
	if !ok {
		return nil, fmt.Errorf("no delivery captured for login %s", loginID)
	}
	return body, nil
}

// close stops the capture endpoint and the simulator.
func (p *provider) close() error {
	return errors.Join(p.capture.Close(), p.sim.Close())
}
