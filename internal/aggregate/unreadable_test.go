package aggregate_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// TestUnreadableCredentialsFailAlone: credentials whose sealed handle the
// server cannot open (a master key gone from the keyring) fail their own
// fetches with code unreadable, without a provider call, while their
// cached rows stay and the owner's other credentials refresh as usual.
func TestUnreadableCredentialsFailAlone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		bad, good := e.link(userA, "testbank", ""), e.link(userA, "testbank", "")
		e.ensure(bad, models.ProductAccounts)
		e.ensure(good, models.ProductAccounts)
		cached := e.count(&models.Account{}, bad.ID)
		check(t, db.Gorm.Table("credentials").Where("id = ?", bad.ID).
			UpdateColumn("provider_ref", "v1.AAAA.sealed-under-a-lost-key").Error)

		got, err := e.st.CredentialsByIDs(e.ctx, store.Scope{All: true}, []string{bad.ID, good.ID})
		check(t, err)
		if got[bad.ID].SealErr == nil || got[good.ID].SealErr != nil {
			t.Fatalf("seal errors: bad %v, good %v", got[bad.ID].SealErr, got[good.ID].SealErr)
		}
		e.clock.Advance(time.Hour)
		calls := e.sim.Requests(pathAccount)
		err = e.svc.Ensure(e.ctx, got[bad.ID], models.ProductAccounts)
		// Served as any stale read (the cached rows, flagged), with the
		// reason in the message and the sync record.
		se := staleErr(t, err)
		_, msg, _ := apperr.Classify(err)
		if !se.Stale() || !strings.Contains(msg, "cannot read its stored secrets") || strings.Contains(msg, bad.ID) {
			t.Fatalf("unreadable credentials: %v (public %q)", err, msg)
		}
		if rec := e.syncRecord(got[bad.ID], models.ProductAccounts); rec.ErrorCode != provider.CodeUnreadable {
			t.Fatalf("sync record code %q", rec.ErrorCode)
		}
		if n := e.sim.Requests(pathAccount); n != calls {
			t.Fatalf("%d provider calls for unreadable credentials", n-calls)
		}
		if n := e.count(&models.Account{}, bad.ID); n != cached {
			t.Fatalf("cached rows %d -> %d", cached, n)
		}
		if err := e.svc.Ensure(e.ctx, got[good.ID], models.ProductAccounts); err != nil {
			t.Fatalf("the other credentials: %v", err)
		}
		if n := e.sim.Requests(pathAccount); n != calls+1 {
			t.Fatalf("the other credentials made %d calls, want 1", n-calls)
		}
	})
}
