package aggregate_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// pusher is a provider that only pushes data: deliveries are JSON
// {"ref": ..., "balance": ...}, signed by the header X-Ok: yes.
type pusher struct{}

func (pusher) Name() models.Provider { return models.ProviderFlinks }
func (pusher) Status(context.Context, *models.Credentials) (*provider.Status, error) {
	return &provider.Status{}, nil
}
func (pusher) Fetch(context.Context, *models.Credentials, models.Product) (*provider.Rows, error) {
	return nil, &provider.Failure{Kind: errors.New("unused"), Code: provider.CodeUnavailable}
}
func (pusher) VerifyWebhook(h http.Header, _ []byte) error {
	if h.Get("X-Ok") != "yes" {
		return errors.New("unsigned")
	}
	return nil
}
func (pusher) ParseWebhook(body []byte) (*provider.Delivery, error) {
	var d struct{ Ref, Balance string }
	if err := json.Unmarshal(body, &d); err != nil || d.Ref == "" {
		return nil, errors.New("unreadable")
	}
	return &provider.Delivery{Ref: d.Ref, Rows: &provider.Rows{Products: []models.Product{models.ProductAccounts},
		Accounts: []models.Account{{ProviderID: "acct-1", Balance: decimal.RequireFromString(d.Balance), Currency: "CAD",
			Owners: models.StringList{}}}}}, nil
}

// pushEnv is a service over pusher with a settable clock.
type pushEnv struct {
	t     *testing.T
	db    *database.DB
	st    *store.Store
	svc   *aggregate.Service
	clock *clock
}

func newPushEnv(t *testing.T, db *database.DB) *pushEnv {
	e := &pushEnv{t: t, db: db, st: store.New(db.Gorm), clock: &clock{t: time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)}}
	e.svc = aggregate.New(e.st, provider.NewRegistry(pusher{}), aggregate.Options{Now: e.clock.Now})
	check(t, e.st.TouchUser(context.Background(), userA, e.clock.Now()))
	return e
}

var signed = http.Header{"X-Ok": {"yes"}}

// receive stores a delivery and returns the id of its event.
func (e *pushEnv) receive(body string) (id string, dup bool) {
	e.t.Helper()
	dup, err := e.svc.ReceiveWebhook(context.Background(), models.ProviderFlinks, signed, []byte(body))
	check(e.t, err)
	sum := sha256.Sum256([]byte(body))
	check(e.t, e.db.Gorm.Table("webhook_events").Where("body_hash = ?", hex.EncodeToString(sum[:])).Pluck("id", &id).Error)
	return id, dup
}

func (e *pushEnv) event(id string) *models.WebhookEvent {
	e.t.Helper()
	ev, err := e.st.WebhookEvent(context.Background(), id)
	check(e.t, err)
	return ev
}

// TestWebhookIntake: unsigned deliveries write nothing; a signed one is
// stored once, whatever the redeliveries.
func TestWebhookIntake(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newPushEnv(t, db)
		_, err := e.svc.ReceiveWebhook(context.Background(), models.ProviderFlinks, http.Header{}, []byte(`{"ref":"r"}`))
		if !errors.Is(err, provider.ErrWebhookRejected) {
			t.Fatalf("unsigned: %v", err)
		}
		if _, err := e.svc.ReceiveWebhook(context.Background(), models.ProviderFlanks, signed, []byte(`{}`)); err == nil {
			t.Fatal("a provider without webhooks accepted one")
		}
		var n int64
		check(t, db.Gorm.Table("webhook_events").Count(&n).Error)
		if n != 0 {
			t.Fatalf("%d events after rejections", n)
		}
		id, dup := e.receive(`{"ref":"r","balance":"1.10"}`)
		if dup || len(e.event(id).Payload) == 0 {
			t.Fatalf("first delivery: dup %v", dup)
		}
		if _, dup := e.receive(`{"ref":"r","balance":"1.10"}`); !dup {
			t.Fatal("a redelivery was not reported as a duplicate")
		}
	})
}

// TestWebhookProcessing: a delivery for known credentials becomes cached
// rows (exact money) and loses its payload; processing it again does
// nothing; unreadable ones are finished as malformed.
func TestWebhookProcessing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newPushEnv(t, db)
		c, err := e.svc.AttachCredentials(context.Background(), userA, models.ProviderFlinks, &provider.Link{Ref: "login-1"})
		check(t, err)
		id, _ := e.receive(`{"ref":"login-1","balance":"1234.56"}`)
		check(t, e.svc.ProcessWebhook(context.Background(), aggregate.WebhookJob{EventID: id}))
		var accts []models.Account
		check(t, db.Gorm.Where("credentials_id = ?", c.ID).Find(&accts).Error)
		if len(accts) != 1 || accts[0].Balance.String() != "1234.56" {
			t.Fatalf("accounts %+v", accts)
		}
		ev := e.event(id)
		if ev.ProcessedAt == nil || len(ev.Payload) != 0 || ev.LastError != "" {
			t.Fatalf("processed event %+v", ev)
		}
		if rec, _ := e.st.SyncRecord(context.Background(), c.ID, models.ProductAccounts); rec == nil || rec.Status != store.SyncOK {
			t.Fatalf("sync record %+v", rec)
		}
		check(t, e.svc.ProcessWebhook(context.Background(), aggregate.WebhookJob{EventID: id}))
		bad, _ := e.receive(`not json`)
		check(t, e.svc.ProcessWebhook(context.Background(), aggregate.WebhookJob{EventID: bad}))
		if ev := e.event(bad); ev.ProcessedAt == nil || ev.LastError != "malformed" {
			t.Fatalf("malformed event %+v", ev)
		}
	})
}

// TestWebhookUnknownCredentials: a delivery for credentials not linked
// yet is retried, then dropped after a day.
func TestWebhookUnknownCredentials(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newPushEnv(t, db)
		id, _ := e.receive(`{"ref":"later","balance":"5"}`)
		err := e.svc.ProcessWebhook(context.Background(), aggregate.WebhookJob{EventID: id})
		if !errors.Is(err, aggregate.ErrRetryLater) || e.event(id).ProcessedAt != nil {
			t.Fatalf("before the link: %v", err)
		}
		e.clock.Advance(25 * time.Hour)
		check(t, e.svc.ProcessWebhook(context.Background(), aggregate.WebhookJob{EventID: id}))
		if ev := e.event(id); ev.ProcessedAt == nil || ev.LastError != "unknown_credentials" || len(ev.Payload) != 0 {
			t.Fatalf("after a day: %+v", ev)
		}
	})
}
