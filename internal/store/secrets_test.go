package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/secrets"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

const canaryRef = "CANARY-credentials-token-7f3a"

func newCredentials(t *testing.T, st *store.Store, db *database.DB, user, ref string) *models.Credentials {
	t.Helper()
	now := time.Now().UTC()
	must(t, db.Gorm.Create(&models.User{ID: user, CreatedAt: now, LastSeenAt: now}).Error)
	c := &models.Credentials{ID: uuid.NewString(), UserID: user, Provider: models.ProviderFlanks, ProviderRef: ref,
		EntityID: "testbank", EntityName: "TestBank", CreatedAt: now, UpdatedAt: now}
	must(t, st.CreateCredentials(context.Background(), c))
	return c
}

func rawColumn(t *testing.T, db *database.DB, table, col, key, id string) string {
	t.Helper()
	var v string
	must(t, db.SQL.QueryRow("SELECT "+col+" FROM "+table+" WHERE "+key+" = "+placeholder(db), id).Scan(&v))
	return v
}

func placeholder(db *database.DB) string {
	if db.Dialect == "postgres" {
		return "$1"
	}
	return "?"
}

// TestSecretsSealedAtRest: provider handles are stored sealed, read back
// in plain text, and found by their keyed hash.
func TestSecretsSealedAtRest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		st := store.New(db.Gorm)
		c := newCredentials(t, st, db, "u1", canaryRef)
		raw := rawColumn(t, db, "credentials", "provider_ref", "id", c.ID)
		if strings.Contains(raw, canaryRef) || !strings.HasPrefix(raw, "v1.") {
			t.Fatalf("stored provider_ref is not sealed: %q", raw)
		}
		got, err := st.CredentialsByProviderRef(context.Background(), models.ProviderFlanks, canaryRef)
		if err != nil || got.ID != c.ID || got.ProviderRef != canaryRef {
			t.Fatalf("lookup by handle: %+v, %v", got, err)
		}
		if _, err := st.CredentialsByProviderRef(context.Background(), models.ProviderFlanks, canaryRef+"x"); err == nil {
			t.Fatal("a different handle matched")
		}
	})
}

// TestSecretsBoundToRow: a sealed value copied onto another row does not
// decrypt, so that row reads back marked unreadable, with no secret,
// instead of returning the wrong one; the other rows of the same read
// are unaffected.
func TestSecretsBoundToRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		st := store.New(db.Gorm)
		a := newCredentials(t, st, db, "alice", "token-a")
		b := newCredentials(t, st, db, "bob", "token-b")
		// Move a's sealed handle onto b's row (a goes first: the raw column
		// is also unique, which blocks a plain copy).
		sealedA := rawColumn(t, db, "credentials", "provider_ref", "id", a.ID)
		must(t, db.Gorm.Exec("DELETE FROM credentials WHERE id = ?", a.ID).Error)
		must(t, db.Gorm.Table("credentials").Where("id = ?", b.ID).UpdateColumn("provider_ref", sealedA).Error)
		scope := store.Scope{All: true}
		c := newCredentials(t, st, db, "carol", "token-c")
		got, err := st.CredentialsByIDs(context.Background(), scope, []string{b.ID, c.ID})
		if err != nil {
			t.Fatalf("one unreadable row failed the whole read: %v", err)
		}
		if bad := got[b.ID]; bad == nil || !errors.Is(bad.SealErr, secrets.ErrDecrypt) || bad.ProviderRef != "" {
			t.Fatalf("a ciphertext moved to another row: %+v", bad)
		}
		if ok := got[c.ID]; ok == nil || ok.SealErr != nil || ok.ProviderRef != "token-c" {
			t.Fatalf("an untouched row: %+v", ok)
		}
	})
}

// TestRotateSecrets re-wraps under a new master key: afterwards the old key
// can go, and a value stored before sealing existed gets sealed.
func TestRotateSecrets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		k1, k2, index := secrets.GenerateKey(), secrets.GenerateKey(), secrets.GenerateKey()
		open := func(current []byte, previous ...[]byte) *store.Store {
			ring, err := secrets.NewKeyring(current, previous...)
			must(t, err)
			ring, err = ring.WithIndexKey(index)
			must(t, err)
			p, err := store.NewSecretsPlugin(ring)
			must(t, err)
			g := reopen(t, db)
			must(t, g.Use(p))
			return store.New(g)
		}
		old := open(k1)
		c := newCredentials(t, old, db, "u1", canaryRef)
		legacy := newCredentials(t, old, db, "u2", "legacy-token")
		now := time.Now().UTC()
		erasure := &models.Erasure{ID: "e1", Provider: models.ProviderFlanks, ProviderRef: "erased-token",
			RequestedAt: now, PurgedAt: now, NextAttemptAt: now}
		must(t, old.CreateErasure(context.Background(), erasure))
		if raw := rawColumn(t, db, "erasures", "provider_ref", "id", "e1"); !strings.HasPrefix(raw, "v1.") {
			t.Fatalf("erasure handle not sealed: %q", raw)
		}
		must(t, db.Gorm.Table("credentials").Where("id = ?", legacy.ID).
			UpdateColumns(map[string]any{"provider_ref": "legacy-token", "provider_ref_index": ""}).Error)
		hook := &models.WebhookEvent{ID: "w1", Provider: models.ProviderFlinks, BodyHash: "h1",
			Payload: []byte(`{"LoginId":"canary-login"}`), ReceivedAt: now}
		must(t, old.CreateWebhookEvent(context.Background(), hook))

		both := open(k2, k1)
		stats, err := both.RotateSecrets(context.Background())
		must(t, err)
		if stats.Credentials != 2 || stats.Erasures != 1 || stats.Webhooks != 1 {
			t.Fatalf("rotated %+v, want 2 credentials, 1 erasure, 1 webhook", stats)
		}
		again, err := both.RotateSecrets(context.Background())
		must(t, err)
		if again != (store.RotateStats{}) {
			t.Errorf("a second rotation changed %d rows", again.Credentials)
		}
		onlyNew := open(k2)
		got, err := onlyNew.CredentialsByIDs(context.Background(), store.Scope{All: true}, []string{c.ID, legacy.ID})
		must(t, err)
		if got[c.ID].ProviderRef != canaryRef || got[legacy.ID].ProviderRef != "legacy-token" {
			t.Fatalf("after rotation: %q %q", got[c.ID].ProviderRef, got[legacy.ID].ProviderRef)
		}
		if e, err := onlyNew.WebhookEvent(context.Background(), "w1"); err != nil || string(e.Payload) != `{"LoginId":"canary-login"}` {
			t.Fatalf("webhook payload after rotation: %v", err)
		}
		due, err := onlyNew.DueErasures(context.Background(), now, 10)
		must(t, err)
		if len(due) != 1 || due[0].ProviderRef != "erased-token" {
			t.Fatalf("erasure after rotation: %+v", due)
		}
		if raw := rawColumn(t, db, "credentials", "provider_ref", "id", legacy.ID); !strings.HasPrefix(raw, "v1.") {
			t.Errorf("legacy value not sealed: %q", raw)
		}
		if _, err := onlyNew.CredentialsByProviderRef(context.Background(), models.ProviderFlanks, "legacy-token"); err != nil {
			t.Errorf("legacy row not found by its index after rotation: %v", err)
		}
	})
}
