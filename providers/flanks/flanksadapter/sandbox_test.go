package flanksadapter_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/sandbox"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks/flanksadapter"
	"github.com/fingraph/fingraph/providers/guard"
)

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// startSandbox starts the Flanks simulator in a sandbox and returns the
// sandbox and the configuration pointed at it.
func startSandbox(t *testing.T, o sandbox.Options) (*sandbox.Sandbox, *flanksadapter.Config) {
	t.Helper()
	cfg := &flanksadapter.Config{Timeout: 20 * time.Second, JWEEnc: "A256GCM"}
	sim, err := flanksadapter.StartSim(cfg, o)
	check(t, err)
	sb := sandbox.New()
	sb.Add(sim)
	return sb, cfg
}

func TestStartDescribeClose(t *testing.T) {
	ctx := context.Background()
	sb, cfg := startSandbox(t, sandbox.Options{})
	eps := sb.Describe()
	if len(eps) != 1 || eps[0].Name != "flanks" || !strings.HasPrefix(eps[0].BaseURL, "http://127.0.0.1:") ||
		eps[0].Settings["FLANKS_CLIENT_ID"] == "" || eps[0].Settings["FLANKS_BASE_URL"] != cfg.BaseURL {
		t.Fatalf("endpoints %+v", eps)
	}
	client, err := cfg.NewClient(guard.Hooks{})
	check(t, err)
	list, err := client.ListEntities(ctx)
	if err != nil || len(list) == 0 {
		t.Fatalf("entities from the sandbox: %v, %v", list, err)
	}
	check(t, sb.Close())
	check(t, sb.Close())
}

// demoState is what a restart must preserve: per credentials id, its
// accounts as "provider id=row id balance".
type demoState map[string][]string

// startAndSeed runs one "process": a fresh sandbox, seeded twice, with
// every demo credentials refreshed against it (ignoring the cache TTL).
func startAndSeed(t *testing.T, db *database.DB) demoState {
	t.Helper()
	ctx, st := context.Background(), store.New(db.Gorm)
	sb, cfg := startSandbox(t, sandbox.Options{AsOf: time.Date(2025, 3, 13, 0, 0, 0, 0, time.UTC)})
	defer sb.Close()
	client, err := cfg.NewClient(guard.Hooks{})
	check(t, err)
	agg := aggregate.New(st, provider.NewRegistry(flanksadapter.New(client)), aggregate.Options{})
	check(t, sandbox.SeedDemo(ctx, sb, agg, st, "demo", []string{"all"}))
	check(t, sandbox.SeedDemo(ctx, sb, agg, st, "demo", []string{"all"})) // idempotent within a run too

	var creds []models.Credentials
	check(t, db.Gorm.Where("user_id = ?", "demo").Order("entity_id").Find(&creds).Error)
	out := demoState{}
	for i := range creds {
		check(t, agg.RefreshCredentials(ctx, &creds[i]))
		check(t, agg.Ensure(ctx, &creds[i], models.ProductAccounts))
		var accts []models.Account
		check(t, db.Gorm.Where("credentials_id = ?", creds[i].ID).Order("provider_id").Find(&accts).Error)
		for _, a := range accts {
			out[creds[i].ID] = append(out[creds[i].ID], a.ProviderID+"="+a.ID+" "+a.Balance.String())
		}
	}
	return out
}

func TestSeedDemoSurvivesRestart(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		first := startAndSeed(t, db)
		if len(first) != 2 {
			t.Fatalf("demo credentials with accounts: %d, want 2", len(first))
		}
		second := startAndSeed(t, db)
		if len(second) != len(first) {
			t.Fatalf("restart changed the demo credentials: %v -> %v", first, second)
		}
		for id, accts := range first {
			if strings.Join(second[id], ",") != strings.Join(accts, ",") || len(accts) == 0 {
				t.Fatalf("credentials %s after restart: %v, before %v", id, second[id], accts)
			}
		}
	})
}
