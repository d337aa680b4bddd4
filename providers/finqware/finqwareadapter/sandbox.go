package finqwareadapter

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/sandbox"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/finqware/finqwaresim"
)

// Sim is the Finqware simulator running for the sandbox.
type Sim struct {
	srv    *finqwaresim.Server
	url    string
	faults *sandbox.FaultSwitch
}

var (
	_ sandbox.Sim            = (*Sim)(nil)
	_ sandbox.ConsentDecider = (*Sim)(nil)
	_ sandbox.Faulter        = (*Sim)(nil)
)

// StartSim starts the Finqware simulator on o.Addr and points cfg at it.
func StartSim(cfg *Config, o sandbox.Options) (*Sim, error) {
	o = o.WithDefaults()
	srv, err := finqwaresim.New(finqwaresim.Options{Seed: o.Seed, AsOf: o.AsOf, HistoryDays: min(o.HistoryDays, 365),
		Latency: o.Latency})
	if err != nil {
		return nil, fmt.Errorf("finqware simulator: %w", err)
	}
	url, err := srv.Start(o.Addr)
	if err != nil {
		return nil, fmt.Errorf("start finqware simulator: %w", err)
	}
	cfg.BaseURL, cfg.ClientID = url, finqwaresim.DefaultClientID
	cfg.ClientSecret, cfg.ClientAppKey = finqwaresim.DefaultClientSecret, finqwaresim.DefaultClientAppKey
	return &Sim{srv: srv, url: url, faults: sandbox.NewFaultSwitch(srv, o.Latency)}, nil
}

// Server returns the simulator itself (approve or deny a consent, inject
// faults).
func (s *Sim) Server() *finqwaresim.Server { return s.srv }

// Provider implements sandbox.Sim.
func (s *Sim) Provider() models.Provider { return models.ProviderFinqware }

// Close implements sandbox.Sim.
func (s *Sim) Close() error {
	s.faults.Stop()
	return s.srv.Close()
}

// Describe implements sandbox.Sim.
func (s *Sim) Describe() sandbox.Endpoint {
	return sandbox.Endpoint{Name: "finqware", BaseURL: s.url, Settings: map[string]string{
		"FINQWARE_BASE_URL": s.url, "FINQWARE_CLIENT_ID": finqwaresim.DefaultClientID,
		"FINQWARE_CLIENT_SECRET": finqwaresim.DefaultClientSecret, "FINQWARE_CLIENT_APP_KEY": finqwaresim.DefaultClientAppKey,
	}, Hints: []string{"skills: " + finqwaresim.SkillBT + ", " + finqwaresim.SkillRZB + " (bank consent page), " +
		finqwaresim.SkillDeposit + " (form, upload, confirmation)"}}
}

// DemoLinks implements sandbox.Sim: the demo user onboards to Finqware
// through the API (that is the flow worth trying), so none is pre-linked.
func (s *Sim) DemoLinks(context.Context, string) ([]provider.Link, error) { return nil, nil }

// consentPagePrefix is the path of the simulated bank's consent pages.
const consentPagePrefix = "/sandbox/consent/"

// SandboxDecideConsent implements sandbox.ConsentDecider: it posts the
// consent page's form (decision=approve or deny) as the user's browser
// would, without following the bank's redirect, and returns where the
// bank sends the browser (the session's redirect link, with its
// temp_token or its error). Only this simulator's pages are answered.
func (s *Sim) SandboxDecideConsent(ctx context.Context, pageURL string, approve bool) (string, error) {
	page, err := url.Parse(pageURL)
	base, berr := url.Parse(s.url)
	if err != nil || berr != nil || page.Scheme != base.Scheme || page.Host != base.Host ||
		!strings.HasPrefix(page.Path, consentPagePrefix) {
		return "", &apperr.Error{Kind: apperr.ErrUnsupported, Public: "the session's consent page is not the Finqware simulator's"}
	}
	decision := "deny"
	if approve {
		decision = "approve"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, page.String(),
		strings.NewReader(url.Values{"decision": {decision}}.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	client := &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("finqware simulator: consent page: %w", err)
	}
	res.Body.Close()
	switch res.StatusCode {
	case http.StatusFound, http.StatusSeeOther:
		if loc := res.Header.Get("Location"); loc != "" {
			return loc, nil
		}
	case http.StatusNotFound:
		return "", apperr.Conflictf("the Finqware simulator does not know this consent request (it has restarted since the session started)")
	case http.StatusGone:
		return "", apperr.Conflictf("the consent was already answered")
	case http.StatusConflict:
		return "", apperr.Conflictf("the session has not asked the bank for consent")
	}
	return "", fmt.Errorf("finqware simulator: consent page answered %d", res.StatusCode)
}

// SandboxFault implements sandbox.Faulter.
func (s *Sim) SandboxFault(f sandbox.Fault, d time.Duration) error { return s.faults.Set(f, d) }

// SimServer returns the Finqware simulator of a running sandbox, or nil.
func SimServer(sb *sandbox.Sandbox) *finqwaresim.Server {
	if sb == nil {
		return nil
	}
	if s, ok := sb.Sim(models.ProviderFinqware).(*Sim); ok {
		return s.srv
	}
	return nil
}
