package aggregate_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"gorm.io/gorm/schema"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks"
	"github.com/fingraph/fingraph/providers/flanks/flanksadapter"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

const (
	pathAccount = "/v0/bank/credentials/account"
	pathData    = "/v0/bank/credentials/data"
	pathStatus  = "/v0/bank/credentials/status"
	pathCreds   = "/v0/bank/credentials"
	userA       = "user-a"
	userB       = "user-b"
)

// simKey is the simulator's JWE key, generated once: RSA key generation is
// slow under -race.
var simKey = sync.OnceValue(func() []jose.JSONWebKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return []jose.JSONWebKey{{Key: k, KeyID: "test-kid"}}
})

// clock is the injected clock shared by the service and the simulator.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is one database, one simulator and a service over both.
type env struct {
	t     *testing.T
	ctx   context.Context
	db    *database.DB
	st    *store.Store
	sim   *flankssim.Server
	clock *clock
	svc   *aggregate.Service
	flank *flanksadapter.Adapter
}

// envOpts tweak newEnv.
type envOpts struct {
	sim  flankssim.Options
	wrap func(http.Handler) http.Handler // intercepts simulator traffic
	agg  aggregate.Options
}

func newEnv(t *testing.T, db *database.DB, o envOpts) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), db: db, st: store.New(db.Gorm),
		clock: &clock{t: time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)}}
	so := o.sim
	so.Seed, so.JWEKeys, so.Now = 7, simKey(), e.clock.Now
	so.AsOf = time.Date(2025, 3, 13, 0, 0, 0, 0, time.UTC)
	sim, err := flankssim.New(so)
	check(t, err)
	var h http.Handler = sim
	if o.wrap != nil {
		h = o.wrap(sim)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	client, err := flanks.NewClient(ts.URL,
		flanks.WithClientCredentials(flankssim.DefaultClientID, flankssim.DefaultClientSecret),
		flanks.WithRetry(flanks.RetryPolicy{MaxAttempts: 1}), flanks.WithTimeout(20*time.Second))
	check(t, err)
	e.sim, e.flank = sim, flanksadapter.New(client)
	o.agg.Now = e.clock.Now
	e.svc = aggregate.New(e.st, provider.NewRegistry(e.flank), o.agg)
	for _, u := range []string{userA, userB} {
		check(t, e.st.TouchUser(e.ctx, u, e.clock.Now()))
	}
	return e
}

// link creates credentials at bank in the simulator and stores them for
// user.
func (e *env) link(user, bank, password string) *models.Credentials {
	e.t.Helper()
	tok, err := e.sim.CreateCredentials(bank, "ext-"+user, password)
	check(e.t, err)
	c, err := e.svc.AttachCredentials(e.ctx, user, models.ProviderFlanks, &provider.Link{Ref: tok, ExternalID: "ext-" + user})
	check(e.t, err)
	return c
}

// ensure calls Ensure and fails the test on error.
func (e *env) ensure(c *models.Credentials, products ...models.Product) {
	e.t.Helper()
	for _, p := range products {
		if err := e.svc.Ensure(e.ctx, c, p); err != nil {
			e.t.Fatalf("Ensure(%s): %v", p, err)
		}
	}
}

func (e *env) syncRecord(c *models.Credentials, p models.Product) *models.SyncRecord {
	e.t.Helper()
	r, err := e.st.SyncRecord(e.ctx, c.ID, p)
	check(e.t, err)
	return r
}

// count returns the rows of model m belonging to credentials id.
func (e *env) count(m any, credsID string) int64 {
	e.t.Helper()
	var n int64
	check(e.t, e.db.Gorm.Model(m).Where("credentials_id = ?", credsID).Count(&n).Error)
	return n
}

// ownedTables lists every model with a credentials_id column, found by
// walking the schema so a new product table cannot be forgotten.
func ownedTables(t *testing.T, db *database.DB) []any {
	t.Helper()
	var out []any
	for _, m := range models.All() {
		stmt := db.Gorm.Model(m).Statement
		check(t, stmt.Parse(m))
		if _, ok := stmt.Schema.FieldsByDBName["credentials_id"]; ok {
			out = append(out, m)
		}
	}
	return out
}

func tableName(t *testing.T, db *database.DB, m any) string {
	t.Helper()
	s, err := schema.Parse(m, &sync.Map{}, db.Gorm.NamingStrategy)
	check(t, err)
	return s.Table
}

// allProducts are the products Ensure fills, parents first.
var allProducts = []models.Product{
	models.ProductAccounts, models.ProductTransactions, models.ProductPortfolios,
	models.ProductInvestments, models.ProductInvTxns, models.ProductLiabilities,
	models.ProductLiabTxns, models.ProductCards, models.ProductCardTxns,
	models.ProductIdentity, models.ProductHolders, models.ProductMifid,
}

func staleErr(t *testing.T, err error) *aggregate.StaleError {
	t.Helper()
	var se *aggregate.StaleError
	if !errors.As(err, &se) {
		t.Fatalf("want *StaleError, got %T: %v", err, err)
	}
	return se
}

// str renders a scanned column value; NULL is "".
func str(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

func check(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// erasures reads every erasure record, provider handles opened.
func (e *env) erasures() []models.Erasure {
	e.t.Helper()
	var out []models.Erasure
	if err := e.db.Gorm.Order("requested_at").Find(&out).Error; err != nil {
		e.t.Fatal(err)
	}
	return out
}
