package flanks_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fingraph/fingraph/providers/flanks"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

func TestRoundTrip_LinkCodes(t *testing.T) {
	forEachMode(t, func(t *testing.T, m mode) {
		r := newRT(t, m, flankssim.Options{})
		a, err := r.sim.CompleteLink(flankssim.LinkCompletion{
			LinkToken: "link-A", Bank: "testbank", ExternalID: "user-9",
			Extra: map[string]string{"utm": "onboarding"}, Password: "XXXX",
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.sim.CompleteLink(flankssim.LinkCompletion{LinkToken: "link-B", ClientID: "other-app", Bank: "bbva"}); err != nil {
			t.Fatal(err)
		}

		filters := []struct {
			name string
			opts *flanks.ListLinkCodesOptions
			want int
		}{
			{"no filter", nil, 2},
			{"empty filter", &flanks.ListLinkCodesOptions{}, 2},
			{"link_token", &flanks.ListLinkCodesOptions{LinkToken: "link-A"}, 1},
			{"client_id", &flanks.ListLinkCodesOptions{ClientID: "other-app"}, 1},
			{"both, no match", &flanks.ListLinkCodesOptions{ClientID: flankssim.DefaultClientID, LinkToken: "link-B"}, 0},
		}
		for _, f := range filters {
			codes := must(r.c.ListLinkCodes(r.ctx, f.opts))(t)
			if len(codes) != f.want {
				t.Errorf("ListLinkCodes %s: %d codes, want %d", f.name, len(codes), f.want)
			}
		}
		codes := must(r.c.ListLinkCodes(r.ctx, &flanks.ListLinkCodesOptions{LinkToken: "link-A"}))(t)
		if len(codes) != 1 || codes[0].Code != a.Code || codes[0].LinkToken != "link-A" ||
			codes[0].Extra["utm"] != "onboarding" || codes[0].Extra["external_id"] != "user-9" {
			t.Fatalf("pending codes of link-A: %+v", codes)
		}

		ex := must(r.c.ExchangeLinkCode(r.ctx, codes[0].Code))(t)
		if ex.CredentialsToken != a.CredentialsToken || ex.LinkToken != "link-A" || ex.Message == "" ||
			ex.Extra["utm"] != "onboarding" || ex.Extra["external_id"] != "user-9" {
			t.Errorf("exchange = %+v, want credentials %s", ex, a.CredentialsToken)
		}
		// The token works.
		if st := r.status(ex.CredentialsToken); st.Name != "testbank" {
			t.Errorf("status of the exchanged token: %+v", st)
		}
		must(r.c.ListAccounts(r.ctx, r.req(ex.CredentialsToken)))(t)

		// A code is single use, and is no longer listed.
		_, err = r.c.ExchangeLinkCode(r.ctx, codes[0].Code)
		if e := wantAPIError(t, err); e.StatusCode != http.StatusBadRequest {
			t.Errorf("second exchange: %v", err)
		}
		if strings.Contains(err.Error(), codes[0].Code) {
			t.Errorf("error %q leaks the link code", err)
		}
		if left := must(r.c.ListLinkCodes(r.ctx, &flanks.ListLinkCodesOptions{LinkToken: "link-A"}))(t); len(left) != 0 {
			t.Errorf("used code still listed: %+v", left)
		}
	})
}

func TestRoundTrip_LinkExchangeDelayed(t *testing.T) {
	forEachMode(t, func(t *testing.T, m mode) {
		r := newRT(t, m, flankssim.Options{LinkExchangeDelay: 72 * time.Hour, TokenTTL: 100 * time.Hour})
		res, err := r.sim.CompleteLink(flankssim.LinkCompletion{Bank: "testbank"})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // a pending exchange does not spend the code
			_, err = r.c.ExchangeLinkCode(r.ctx, res.Code)
			e := wantIs(t, "exchange inside the delay", err, flanks.ErrLinkPending)
			if e.StatusCode != http.StatusAccepted {
				t.Errorf("pending exchange status %d", e.StatusCode)
			}
		}
		if n := r.sim.Requests("/v0/platform/link"); n != 2 {
			t.Errorf("%d exchange requests, want 2 (a 202 is not retried)", n)
		}
		if codes := must(r.c.ListLinkCodes(r.ctx, nil))(t); len(codes) != 1 || codes[0].Code != res.Code {
			t.Errorf("pending code not listed: %+v", codes)
		}
		r.clock.Advance(72 * time.Hour)
		ex := must(r.c.ExchangeLinkCode(r.ctx, res.Code))(t)
		if ex.CredentialsToken != res.CredentialsToken {
			t.Errorf("token %s, want %s", ex.CredentialsToken, res.CredentialsToken)
		}
		must(r.c.GetCredentialsStatus(r.ctx, ex.CredentialsToken))(t)
	})
}

func TestRoundTrip_Entities(t *testing.T) {
	forEachMode(t, func(t *testing.T, m mode) {
		r := newRT(t, m, flankssim.Options{})
		got := must(r.c.ListEntities(r.ctx))(t)
		want := flankssim.Entities()
		if len(got) != len(want) {
			t.Fatalf("%d entities, want %d", len(got), len(want))
		}
		for i, w := range want {
			g := got[i]
			if string(g.ID) != w.ID || g.Name != w.Name || g.CIF != w.CIF || g.AlwaysManualRefresh != w.AlwaysManualRefresh {
				t.Errorf("entity %d = %+v, want %+v", i, g, w)
			}
		}
	})
}
