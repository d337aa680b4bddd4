package reconcile_test

import (
	"context"
	"errors"
	"iter"
	"reflect"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/reconcile"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// plain is a provider with the core only.
type plain struct{ name models.Provider }

func (p *plain) Name() models.Provider { return p.name }
func (p *plain) Status(context.Context, *models.Credentials) (*provider.Status, error) {
	return nil, errors.New("not called")
}
func (p *plain) Fetch(context.Context, *models.Credentials, models.Product) (*provider.Rows, error) {
	return nil, errors.New("not called")
}

// inventory is a provider that lists what it holds.
type inventory struct {
	plain
	conns []provider.UpstreamConnection
	codes []provider.PendingLinkCode
	err   error // returned by Connections after the connections
}

func (p *inventory) Connections(context.Context) iter.Seq2[provider.UpstreamConnection, error] {
	return func(yield func(provider.UpstreamConnection, error) bool) {
		for _, c := range p.conns {
			if !yield(c, nil) {
				return
			}
		}
		if p.err != nil {
			yield(provider.UpstreamConnection{}, p.err)
		}
	}
}

func (p *inventory) PendingLinkCodes(context.Context) ([]provider.PendingLinkCode, error) {
	return p.codes, nil
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func as(role auth.Role) context.Context {
	return auth.NewContext(context.Background(), &auth.Principal{UserID: "someone", Roles: []auth.Role{role}})
}

// addCredentials creates credentials of provider p with handle ref for user,
// created at.
func addCredentials(t *testing.T, st *store.Store, db *database.DB, p models.Provider, user, ref string, at time.Time) string {
	t.Helper()
	db.Gorm.FirstOrCreate(&models.User{ID: user, CreatedAt: at, LastSeenAt: at})
	c := &models.Credentials{ID: user + "-" + ref, UserID: user, Provider: p, ProviderRef: ref,
		EntityID: "bank", EntityName: "Bank", RequiredActions: models.StringList{}, CreatedAt: at, UpdatedAt: at}
	check(t, st.CreateCredentials(context.Background(), c))
	return c.ID
}

func ptr[T any](v T) *T { return &v }

// TestReconcile: orphans upstream, credentials missing upstream and
// pending codes of a provider with an inventory; unsupported for one
// without; other providers' credentials do not count.
func TestReconcile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		st := store.New(db.Gorm)
		past := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
		created := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
		fl := &inventory{plain: plain{models.ProviderFlanks},
			conns: []provider.UpstreamConnection{
				{Ref: "known-token-0000000001", Status: "active"},
				{Ref: "orphan-token-000000abcd", Status: "error", Institution: "bbva", ExternalID: "ext-1", CreatedAt: &created},
				{Ref: "known-token-0000000002", Status: "pending"},
				{Ref: "short", Status: "active"},
				{Ref: "orphan-token-000000abcd", Status: "error", Institution: "bbva", ExternalID: "ext-1", CreatedAt: &created},
			},
			codes: []provider.PendingLinkCode{{Code: "code-00000000-wxyz", ExternalID: "ext-2"}, {Code: "tiny"}},
		}
		reg := provider.NewRegistry(fl, &plain{models.ProviderFinqware})
		addCredentials(t, st, db, models.ProviderFlanks, "alice", "known-token-0000000001", past)
		addCredentials(t, st, db, models.ProviderFlanks, "bob", "known-token-0000000002", past)
		gone := addCredentials(t, st, db, models.ProviderFlanks, "bob", "gone-token-00000000009", past)
		addCredentials(t, st, db, models.ProviderFinqware, "carol", "short", past)

		got, err := reconcile.New(st, reg).Reconcile(as(auth.RoleAdmin), nil)
		check(t, err)
		want := []reconcile.Report{{
			Provider: models.ProviderFlanks, Status: reconcile.StatusOK,
			OrphanedUpstream: []reconcile.Orphan{
				{RefLast4: "abcd", Status: "error", Institution: ptr("bbva"), ExternalID: ptr("ext-1"), CreatedAt: &created},
				{RefLast4: "", Status: "active"},
			},
			MissingUpstream:  []reconcile.Missing{{CredentialsID: (&models.Credentials{ID: gone}).GlobalID(), UserID: "bob", CreatedAt: past}},
			PendingLinkCodes: []reconcile.PendingCode{{CodeLast4: "wxyz", ExternalID: ptr("ext-2")}, {CodeLast4: ""}},
		}, {
			Provider: models.ProviderFinqware, Status: reconcile.StatusUnsupported,
			OrphanedUpstream: []reconcile.Orphan{}, MissingUpstream: []reconcile.Missing{}, PendingLinkCodes: []reconcile.PendingCode{},
		}}
		for i := range got {
			for j := range got[i].MissingUpstream {
				got[i].MissingUpstream[j].CreatedAt = got[i].MissingUpstream[j].CreatedAt.UTC()
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("reports:\n got %+v\nwant %+v", got, want)
		}
	})
}

// TestReconcileOne: one provider only; an unconfigured one is an error.
func TestReconcileOne(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		st := store.New(db.Gorm)
		reg := provider.NewRegistry(&inventory{plain: plain{models.ProviderFlanks}}, &plain{models.ProviderFinqware})
		svc := reconcile.New(st, reg)
		got, err := svc.Reconcile(as(auth.RoleAdmin), ptr(models.ProviderFinqware))
		check(t, err)
		if len(got) != 1 || got[0].Status != reconcile.StatusUnsupported {
			t.Fatalf("finqware only: %+v", got)
		}
		_, err = svc.Reconcile(as(auth.RoleAdmin), ptr(models.ProviderFlinks))
		if apperr.Code(err) != apperr.CodeUpstreamUnavailable {
			t.Fatalf("unconfigured provider: %v", err)
		}
	})
}

// TestReconcileFailure: a provider that fails is reported as failed with
// its code, and nothing it listed before failing shows as an orphan.
func TestReconcileFailure(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		st := store.New(db.Gorm)
		fl := &inventory{plain: plain{models.ProviderFlanks},
			conns: []provider.UpstreamConnection{{Ref: "orphan-token-000000abcd"}},
			err:   &provider.Failure{Kind: apperr.ErrUpstreamUnavailable, Code: provider.CodeUnavailable, Err: errors.New("503")}}
		addCredentials(t, st, db, models.ProviderFlanks, "alice", "known-token-0000000001", time.Now().Add(-time.Hour))
		got, err := reconcile.New(st, provider.NewRegistry(fl)).Reconcile(as(auth.RoleAdmin), nil)
		check(t, err)
		if len(got) != 1 || got[0].Status != reconcile.StatusFailed || got[0].ErrorCode == nil ||
			*got[0].ErrorCode != apperr.CodeUpstreamUnavailable || len(got[0].OrphanedUpstream)+len(got[0].MissingUpstream) != 0 {
			t.Fatalf("failed provider: %+v", got)
		}
	})
}

// TestReconcileRecent: credentials stored after the provider's list was
// read are not reported missing.
func TestReconcileRecent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		st := store.New(db.Gorm)
		addCredentials(t, st, db, models.ProviderFlanks, "alice", "new-token-000000000001", time.Now().Add(time.Minute))
		got, err := reconcile.New(st, provider.NewRegistry(&inventory{plain: plain{models.ProviderFlanks}})).Reconcile(as(auth.RoleAdmin), nil)
		check(t, err)
		if len(got) != 1 || len(got[0].MissingUpstream) != 0 {
			t.Fatalf("recent credentials judged: %+v", got)
		}
	})
}

// TestReconcileAdminsOnly: users and analysts get FORBIDDEN, and nobody
// at all UNAUTHENTICATED, before any provider is asked.
func TestReconcileAdminsOnly(t *testing.T) {
	svc := reconcile.New(nil, provider.NewRegistry(&plain{models.ProviderFlanks}))
	for _, role := range []auth.Role{auth.RoleUser, auth.RoleAnalyst} {
		if _, err := svc.Reconcile(as(role), nil); !errors.Is(err, apperr.ErrForbidden) {
			t.Errorf("%s: %v", role, err)
		}
	}
	if _, err := svc.Reconcile(context.Background(), nil); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Errorf("anonymous: %v", err)
	}
}
