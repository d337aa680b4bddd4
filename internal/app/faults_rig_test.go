package app_test

import (
	"context"
	"maps"
	"testing"

	"github.com/fingraph/fingraph/internal/faultproxy"
	"github.com/fingraph/fingraph/internal/sandbox"
	"github.com/fingraph/fingraph/migrations"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/finqware/finqwareadapter"
	"github.com/fingraph/fingraph/providers/finqware/finqwaresim"
	"github.com/fingraph/fingraph/providers/flanks/flanksadapter"
	"github.com/fingraph/fingraph/providers/flinks/flinksadapter"
)

// faultRig is a server whose three providers are simulators the test
// started itself, each behind a fault proxy of its own, with one linked
// credentials per provider for the demo user. The server starts no
// simulator: every provider has a base URL, the proxy's.
type faultRig struct {
	*testServer
	proxy  map[models.Provider]*faultproxy.Proxy
	flanks *flanksadapter.Sim
	flinks *flinksadapter.Sim
	finq   *finqwareadapter.Sim
}

// simBaseVar names the setting of each provider's base URL, the one the
// proxy takes over.
var simBaseVar = map[models.Provider]string{
	models.ProviderFlanks:   "FLANKS_BASE_URL",
	models.ProviderFlinks:   "FLINKS_BASE_URL",
	models.ProviderFinqware: "FINQWARE_BASE_URL",
}

// faultProviders is the order the fault tests visit the providers in.
var faultProviders = []models.Provider{models.ProviderFlanks, models.ProviderFlinks, models.ProviderFinqware}

// newFaultRig starts the simulators, their proxies and a server on d
// configured to reach each simulator through its proxy (env overrides
// the rest), and links one credentials per provider through the API.
func newFaultRig(t *testing.T, d migrations.Dialect, env map[string]string) *faultRig {
	t.Helper()
	o := sandbox.Options{HistoryDays: 30, DataDir: t.TempDir()}
	r := &faultRig{proxy: map[models.Provider]*faultproxy.Proxy{}}
	var err error
	r.flanks, err = flanksadapter.StartSim(&flanksadapter.Config{}, o)
	check(t, err)
	t.Cleanup(func() { _ = r.flanks.Close() })
	r.flinks, err = flinksadapter.StartSim(&flinksadapter.Config{}, o)
	check(t, err)
	t.Cleanup(func() { _ = r.flinks.Close() })
	r.finq, err = finqwareadapter.StartSim(&finqwareadapter.Config{}, o)
	check(t, err)
	t.Cleanup(func() { _ = r.finq.Close() })

	// No demo connections (the sandbox has no simulator to make them
	// in) and no cache: every read asks the provider, so a fault shows
	// on the first read after it starts.
	vars := map[string]string{"FINGRAPH_SANDBOX_DEMO": "none", "FINGRAPH_CACHE_TTL": "1ns"}
	for _, sim := range []sandbox.Sim{r.flanks, r.flinks, r.finq} {
		p := sim.Provider()
		settings := sim.Describe().Settings
		proxy, url := faultproxy.Front(t, string(p), settings[simBaseVar[p]])
		settings[simBaseVar[p]] = url
		r.proxy[p] = proxy
		maps.Copy(vars, settings)
	}
	maps.Copy(vars, env)
	r.testServer = newServer(t, d, vars)
	r.linkAll(t)
	return r
}

// linkAll links the demo user to each provider as its own UI would.
func (r *faultRig) linkAll(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	code, err := r.flanks.SandboxLinkCode(ctx, flanksadapter.DefaultSandboxBank, "")
	check(t, err)
	r.linkWith(t, "FLANKS", code)
	login, err := r.flinks.SandboxLinkCode(ctx, "", "")
	check(t, err)
	r.linkFlinks(t, login)
	// Finqware: a session of steps, the bank's consent page, the
	// server's callback.
	sess := startSession(t, r.testServer, finqwaresim.SkillBT)
	sess, res := submit(t, r.testServer, sess.ID, "sca", nil)
	if len(res.Errors) > 0 || sess.Redirect == nil {
		t.Fatalf("finqware sca step: %+v %+v", sess, res.Errors)
	}
	if ui := r.follow(t, r.bank(t, sess.Redirect.URL, "approve")); ui.Query().Get("status") != "COMPLETED" {
		t.Fatalf("finqware onboarding ended at %s", ui)
	}
}
