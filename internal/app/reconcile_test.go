package app_test

import (
	"strings"
	"testing"

	"github.com/fingraph/fingraph/internal/app"
	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

const reconciliationQuery = `query($p: Provider) { reconciliation(provider: $p) { provider status errorCode
	orphanedUpstream { refLast4 status institution externalId createdAt }
	missingUpstream { credentialsId userId }
	pendingLinkCodes { codeLast4 externalId createdAt expiresAt } } }`

type reconciliationData struct {
	Reconciliation []struct {
		Provider, Status string
		ErrorCode        *string
		OrphanedUpstream []struct {
			RefLast4, Status        string
			Institution, ExternalID *string
			CreatedAt               *string
		}
		MissingUpstream  []struct{ CredentialsID, UserID string }
		PendingLinkCodes []struct {
			CodeLast4            string
			ExternalID           *string
			CreatedAt, ExpiresAt *string
		}
	}
}

func last4(s string) string { return s[len(s)-4:] }

// TestReconciliation: the admin sees exactly the Flanks credentials and
// link code the server does not know, and the credentials Flanks dropped
// behind its back; the other providers are UNSUPPORTED; users and
// analysts get FORBIDDEN.
func TestReconciliation(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		sim := s.sim()
		s.link(t, s.token, "bbva", "")
		dropped, err := sim.CompleteLink(flankssim.LinkCompletion{Bank: "testbank"})
		check(t, err)
		var linked struct {
			ExchangeLinkCode struct{ Credentials struct{ ID string } }
		}
		s.mustGQL(t, s.token, `mutation($c: String!) { exchangeLinkCode(code: $c) { credentials { id } } }`,
			map[string]any{"c": dropped.Code}, &linked)
		check(t, sim.DeleteCredentials(dropped.CredentialsToken))
		orphan, err := sim.CreateCredentials("bbva", "ext-orphan", "")
		check(t, err)
		pending, err := sim.CompleteLink(flankssim.LinkCompletion{Bank: "testbank", ExternalID: "ext-code"})
		check(t, err)

		admin := s.tokenFor(t, "root", auth.RoleAdmin)
		var d reconciliationData
		raw := s.gql(t, admin, reconciliationQuery, nil, &d)
		if len(raw.Errors) > 0 {
			t.Fatalf("errors: %+v", raw.Errors)
		}
		for _, secret := range []string{orphan, pending.Code, pending.CredentialsToken, dropped.CredentialsToken} {
			if strings.Contains(string(raw.Data), secret) {
				t.Fatalf("the reconciliation shows a secret in full: %s", raw.Data)
			}
		}
		statuses := map[string]string{}
		for _, r := range d.Reconciliation {
			statuses[r.Provider] = r.Status
		}
		if len(d.Reconciliation) != 3 || statuses["FLANKS"] != "OK" || statuses["FLINKS"] != "UNSUPPORTED" || statuses["FINQWARE"] != "UNSUPPORTED" {
			t.Fatalf("reports: %+v", d.Reconciliation)
		}
		for _, r := range d.Reconciliation {
			if r.Provider != "FLANKS" {
				if r.ErrorCode != nil || len(r.OrphanedUpstream)+len(r.MissingUpstream)+len(r.PendingLinkCodes) != 0 {
					t.Errorf("unsupported %s reports %+v", r.Provider, r)
				}
				continue
			}
			o := r.OrphanedUpstream
			if len(o) != 2 || o[0].RefLast4 != last4(orphan) || deref(o[0].ExternalID) != "ext-orphan" ||
				deref(o[0].Institution) != "bbva" || o[0].Status == "" || o[0].CreatedAt != nil ||
				o[1].RefLast4 != last4(pending.CredentialsToken) || deref(o[1].ExternalID) != "ext-code" {
				t.Errorf("orphaned upstream: %+v", o)
			}
			m := r.MissingUpstream
			if len(m) != 1 || m[0].CredentialsID != linked.ExchangeLinkCode.Credentials.ID || m[0].UserID != app.DemoUserID {
				t.Errorf("missing upstream: %+v, want %s", m, linked.ExchangeLinkCode.Credentials.ID)
			}
			c := r.PendingLinkCodes
			if len(c) != 1 || c[0].CodeLast4 != last4(pending.Code) || deref(c[0].ExternalID) != "ext-code" {
				t.Errorf("pending link codes: %+v", c)
			}
		}

		var one reconciliationData
		s.mustGQL(t, admin, reconciliationQuery, map[string]any{"p": "FINQWARE"}, &one)
		if len(one.Reconciliation) != 1 || one.Reconciliation[0].Status != "UNSUPPORTED" {
			t.Errorf("finqware only: %+v", one)
		}

		for name, token := range map[string]string{"user": s.token, "analyst": s.tokenFor(t, "ana", auth.RoleAnalyst)} {
			r := s.gql(t, token, reconciliationQuery, nil, nil)
			if len(r.Errors) != 1 || code(r.Errors[0]) != "FORBIDDEN" || string(r.Data) != "null" {
				t.Errorf("as %s: data %s, errors %+v", name, r.Data, r.Errors)
			}
		}
	})
}
