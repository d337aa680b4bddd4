package aggregate_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks/flanksadapter"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

func TestLinkCredentials(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		res, err := e.sim.CompleteLink(flankssim.LinkCompletion{Bank: "bankinter", ExternalID: "cust-42"})
		check(t, err)
		c, delayed, err := e.svc.LinkCredentials(e.ctx, userA, models.ProviderFlanks, res.Code)
		check(t, err)
		if delayed || c.UserID != userA || c.EntityID != "bankinter" || c.EntityName != "Bankinter" ||
			c.ExternalID == nil || *c.ExternalID != "cust-42" || c.ProviderRef != res.CredentialsToken ||
			c.ProviderCreatedAt == nil || c.LastUpdateAt == nil || len(c.ProductStatus) == 0 {
			t.Fatalf("linked credentials %+v (delayed %v)", c, delayed)
		}
		stored, err := e.st.CredentialsByProviderRef(e.ctx, models.ProviderFlanks, res.CredentialsToken)
		check(t, err)
		if stored.ID != c.ID || e.syncRecord(c, models.ProductCredentialsStatus).Status != "ok" {
			t.Fatalf("stored %+v", stored)
		}
		// The code is single use.
		_, _, err = e.svc.LinkCredentials(e.ctx, userA, models.ProviderFlanks, res.Code)
		if !errors.Is(err, apperr.ErrInvalidInput) {
			t.Fatalf("reused code: %v", err)
		}
	})
}

func TestLinkCredentialsDelayed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		res, err := e.sim.CompleteLink(flankssim.LinkCompletion{Bank: "testbank", ExchangeDelay: 72 * time.Hour})
		check(t, err)
		c, delayed, err := e.svc.LinkCredentials(e.ctx, userA, models.ProviderFlanks, res.Code)
		if err != nil || !delayed || c != nil {
			t.Fatalf("202: credentials %v delayed %v err %v", c, delayed, err)
		}
		e.clock.Advance(72 * time.Hour)
		c, delayed, err = e.svc.LinkCredentials(e.ctx, userA, models.ProviderFlanks, res.Code)
		if err != nil || delayed || c == nil {
			t.Fatalf("after the delay: credentials %v delayed %v err %v", c, delayed, err)
		}
	})
}

// fixedLink makes every link code exchange return the same handle, as when
// one user links the same bank login twice.
type fixedLink struct {
	*flanksadapter.Adapter
	ref string
}

func (f fixedLink) Link(context.Context, string) (*provider.Link, error) {
	return &provider.Link{Ref: f.ref}, nil
}

func TestRelinkSameCredentials(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		ref, err := e.sim.CreateCredentials("testbank", "", "")
		check(t, err)
		e.svc = aggregate.New(e.st, provider.NewRegistry(fixedLink{e.flank, ref}), aggregate.Options{Now: e.clock.Now})

		first, _, err := e.svc.LinkCredentials(e.ctx, userA, models.ProviderFlanks, "code-1")
		check(t, err)
		again, _, err := e.svc.LinkCredentials(e.ctx, userA, models.ProviderFlanks, "code-2")
		check(t, err)
		if again.ID != first.ID {
			t.Fatalf("re-link by the owner created a second row: %s vs %s", again.ID, first.ID)
		}
		_, _, err = e.svc.LinkCredentials(e.ctx, userB, models.ProviderFlanks, "code-3")
		if !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("re-link by another user: %v", err)
		}
	})
}

func TestDeleteCredentialsErasesEverything(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		a, b := e.link(userA, "testbank", ""), e.link(userB, "bbva", "")
		e.ensure(a, allProducts...)
		e.ensure(b, allProducts...)
		for _, c := range []*models.Credentials{a, b} { // the sessions that created them
			check(t, e.st.CreateOnboardingSession(e.ctx, &models.OnboardingSession{ID: "s-" + c.ID, UserID: c.UserID,
				Provider: c.Provider, Skill: "k", SkillDef: models.JSON(`{}`), State: models.OnboardingCompleted,
				CredentialsID: &c.ID, ProviderState: models.JSON(`{"nonce":"n"}`), ExpiresAt: e.clock.Now(),
				CreatedAt: e.clock.Now(), UpdatedAt: e.clock.Now()}))
			// and statements uploaded into them, with a file still held
			check(t, e.st.CreateStatementUpload(e.ctx, &models.StatementUpload{ID: "u-" + c.ID, UserID: c.UserID,
				Provider: c.Provider, Status: models.UploadCompleted, CredentialsID: &c.ID, Fraud: models.JSON(`{"done":true}`),
				CreatedAt: e.clock.Now(), UpdatedAt: e.clock.Now()}, []models.StatementFile{{UploadID: "u-" + c.ID,
				Name: "s.pdf", Type: "PDF", Size: 4, Status: models.FileQueued, Content: []byte("%PDF")}}))
		}
		tables := ownedTables(t, db)
		before := map[string]int64{}
		for _, m := range tables {
			if e.count(m, a.ID) == 0 {
				t.Fatalf("%s: nothing cached for A; the test would prove nothing", tableName(t, db, m))
			}
			before[tableName(t, db, m)] = e.count(m, b.ID)
		}

		if confirmed, err := e.svc.DeleteCredentials(e.ctx, a); err != nil || !confirmed {
			t.Fatalf("delete: confirmed %v, %v", confirmed, err)
		}
		for _, m := range tables {
			name := tableName(t, db, m)
			if n := e.count(m, a.ID); n != 0 {
				t.Errorf("%s: %d rows left for deleted credentials", name, n)
			}
			if n := e.count(m, b.ID); n != before[name] {
				t.Errorf("%s: other user's rows changed %d -> %d", name, before[name], n)
			}
		}
		var files int64
		check(t, db.Gorm.Table("statement_files").Where("upload_id = ?", "u-"+a.ID).Count(&files).Error)
		if files != 0 {
			t.Errorf("%d statement files left for deleted credentials", files)
		}
		if _, err := e.st.CredentialsByProviderRef(e.ctx, models.ProviderFlanks, a.ProviderRef); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("credentials row kept: %v", err)
		}
		// Idempotent: the second call finds nothing left and leaves the
		// upstream delete, already confirmed, to the first.
		if confirmed, err := e.svc.DeleteCredentials(e.ctx, a); err != nil || confirmed {
			t.Fatalf("second delete: confirmed %v, %v", confirmed, err)
		}
		if n := e.sim.Requests(pathCreds); n != 1 {
			t.Errorf("upstream deletes %d, want 1", n)
		}
		erasures := e.erasures()
		if len(erasures) != 1 || erasures[0].UpstreamConfirmedAt == nil || erasures[0].ProviderRef != "" ||
			erasures[0].ProviderRefSealed != "" || erasures[0].Attempts != 1 {
			t.Fatalf("erasure record: %+v", erasures)
		}
	})
}

// TestDeleteCredentialsUpstreamDownRetriesUntilConfirmed: with the
// provider down the cached data still goes at once, and the upstream delete
// is asked again, on schedule, until the provider confirms.
func TestDeleteCredentialsUpstreamDownRetriesUntilConfirmed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		c := e.link(userA, "testbank", "")
		e.ensure(c, models.ProductAccounts)
		check(t, e.sim.InjectFault(pathCreds, flankssim.Fault{Kind: flankssim.FaultServerError, Times: 10}))
		if confirmed, err := e.svc.DeleteCredentials(e.ctx, c); err != nil || confirmed {
			t.Fatalf("delete with upstream down: confirmed %v, %v", confirmed, err)
		}
		if _, err := e.st.CredentialsByProviderRef(e.ctx, models.ProviderFlanks, c.ProviderRef); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("credentials kept while the provider is down: %v", err)
		}
		for _, m := range ownedTables(t, db) {
			if n := e.count(m, c.ID); n != 0 {
				t.Errorf("%s: %d rows left", tableName(t, db, m), n)
			}
		}
		pending := e.erasures()
		if len(pending) != 1 || pending[0].UpstreamConfirmedAt != nil || pending[0].Attempts != 1 ||
			pending[0].LastError == "" || pending[0].ProviderRef != c.ProviderRef {
			t.Fatalf("pending erasure: %+v", pending)
		}
		if strings.Contains(pending[0].ProviderRefSealed, c.ProviderRef) {
			t.Fatal("provider handle stored in plain text")
		}

		e.sim.ClearFaults()
		calls := e.sim.Requests(pathCreds)
		if n, err := e.svc.RetryErasures(e.ctx); err != nil || n != 0 || e.sim.Requests(pathCreds) != calls {
			t.Fatalf("retry before it is due: %d confirmed, %v, %d calls", n, err, e.sim.Requests(pathCreds)-calls)
		}
		e.clock.Advance(time.Minute)
		if n, err := e.svc.RetryErasures(e.ctx); err != nil || n != 1 || e.sim.Requests(pathCreds) != calls+1 {
			t.Fatalf("retry when due: %d confirmed, %v, %d calls", n, err, e.sim.Requests(pathCreds)-calls)
		}
		done := e.erasures()
		if len(done) != 1 || done[0].UpstreamConfirmedAt == nil || done[0].ProviderRefSealed != "" || done[0].Attempts != 2 {
			t.Fatalf("confirmed erasure: %+v", done)
		}
		if n, _ := e.svc.RetryErasures(e.ctx); n != 0 || e.sim.Requests(pathCreds) != calls+1 {
			t.Fatal("a confirmed erasure was retried")
		}
	})
}

func TestStartAction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		c := e.link(userA, "testbank", "")
		tok, err := e.svc.StartAction(e.ctx, c, "sca")
		check(t, err)
		stored, err := e.st.CredentialsByProviderRef(e.ctx, models.ProviderFlanks, c.ProviderRef)
		check(t, err)
		if tok == "" || tok == c.ProviderRef || !stored.SCARequired {
			t.Fatalf("token %q, sca required %v", tok, stored.SCARequired)
		}
		if _, err := e.svc.StartAction(e.ctx, c, "reboot"); !errors.Is(err, apperr.ErrUnsupported) {
			t.Fatalf("unknown flow: %v", err)
		}
		if _, err := e.svc.StartAction(e.ctx, c, "reconsent"); !errors.Is(err, apperr.ErrUnsupported) {
			t.Fatalf("a flow Flanks does not have: %v", err)
		}
	})
}

func TestRefreshCredentials(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		c := e.link(userA, "testbank", "")
		e.ensure(c, models.ProductTransactions, models.ProductIdentity)
		status := e.sim.Requests(pathStatus)
		check(t, e.svc.RefreshCredentials(e.ctx, c)) // everything is fresh: refresh ignores TTLs
		got := map[string]int{
			"status": e.sim.Requests(pathStatus) - status, "account": e.sim.Requests(pathAccount),
			"data": e.sim.Requests(pathData), "auth": e.sim.Requests("/v0/bank/credentials/auth"),
			"card": e.sim.Requests("/v0/bank/credentials/card"),
		}
		want := map[string]int{"status": 1, "account": 2, "data": 2, "auth": 2, "card": 0}
		for k, n := range want {
			if got[k] != n {
				t.Errorf("%s calls %d, want %d", k, got[k], n)
			}
		}
	})
}

func TestUpdateStatus(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{sim: flankssim.Options{ExtractionDelay: time.Minute}})
		c := e.link(userA, "testbank", "")
		check(t, e.svc.UpdateStatus(e.ctx, c))
		if n := e.sim.Requests(pathStatus); n != 1 {
			t.Fatalf("status asked again within PendingRetry: %d calls", n)
		}
		e.clock.Advance(time.Minute)
		check(t, e.svc.UpdateStatus(e.ctx, c))
		stored, err := e.st.CredentialsByProviderRef(e.ctx, models.ProviderFlanks, c.ProviderRef)
		check(t, err)
		var flags map[models.Product]models.ProductFlags
		check(t, json.Unmarshal(stored.ProductStatus, &flags))
		if stored.Pending || !flags[models.ProductAccounts].Created || flags[models.ProductAccounts].Errored {
			t.Fatalf("status after the extraction: pending %v, products %s", stored.Pending, stored.ProductStatus)
		}
		check(t, e.svc.UpdateStatus(e.ctx, c)) // fresh now: TTL'd like any product
		if n := e.sim.Requests(pathStatus); n != 2 {
			t.Fatalf("fresh status refetched: %d calls", n)
		}
	})
}

func TestEntitiesCached(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		for range 2 {
			list, err := e.svc.Entities(e.ctx, models.ProviderFlanks)
			check(t, err)
			var bk *provider.Entity
			for i := range list {
				if list[i].ID == "bankinter" {
					bk = &list[i]
				}
			}
			if bk == nil || bk.Name != "Bankinter" || bk.VATNumber == nil || *bk.VATNumber != "A28157360" ||
				!bk.AlwaysManualRefresh || bk.Provider != models.ProviderFlanks {
				t.Fatalf("bankinter entity %+v", bk)
			}
		}
		if n := e.sim.Requests("/v0/bank/available"); n != 1 {
			t.Fatalf("entities fetched %d times, want 1 (cached)", n)
		}
		e.clock.Advance(aggregate.EntitiesTTL)
		_, err := e.svc.Entities(e.ctx, models.ProviderFlanks)
		check(t, err)
		if n := e.sim.Requests("/v0/bank/available"); n != 2 {
			t.Fatalf("entities not refreshed after the TTL: %d calls", n)
		}
		if _, err := e.svc.Entities(e.ctx, models.ProviderFinqware); !errors.Is(err, apperr.ErrUpstreamUnavailable) {
			t.Fatalf("unconfigured provider: %v", err)
		}
	})
}

func TestSyncRecordsBatch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		a, b := e.link(userA, "testbank", ""), e.link(userB, "bbva", "")
		e.ensure(a, models.ProductAccounts)
		recs, err := e.svc.SyncRecords(e.ctx, []string{a.ID, b.ID, "unknown"})
		check(t, err)
		if len(recs[a.ID]) != 2 || len(recs[b.ID]) != 1 || len(recs["unknown"]) != 0 {
			t.Fatalf("records %v", recs)
		}
	})
}
