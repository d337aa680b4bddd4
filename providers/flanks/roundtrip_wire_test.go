package flanks_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// TestRoundTrip_DecodeIsLossless fetches each read endpoint twice, raw with
// net/http and through the client, and checks that every field the simulator
// sends survives the client's decoding: same text, numbers equal as exact
// decimals, null as the zero value. A field the client does not model fails
// too, so a renamed key on either side cannot go unnoticed.
func TestRoundTrip_DecodeIsLossless(t *testing.T) {
	forEachMode(t, func(t *testing.T, m mode) {
		r := newRT(t, m, flankssim.Options{})
		tok := r.create("openbank", "user-7", "XXXX")
		bearer := rawToken(t, r.base)
		req := r.req(tok)
		calls := []struct {
			path string
			call func() (any, error)
		}{
			{"account", func() (any, error) { return r.c.ListAccounts(r.ctx, req) }},
			{"data", func() (any, error) { return r.c.ListAccountTransactions(r.ctx, req) }},
			{"card", func() (any, error) { return r.c.ListCards(r.ctx, req) }},
			{"card/transaction", func() (any, error) { return r.c.ListCardTransactions(r.ctx, req) }},
			{"portfolio", func() (any, error) { return r.c.ListPortfolios(r.ctx, req) }},
			{"investment", func() (any, error) { return r.c.ListInvestments(r.ctx, req) }},
			{"investment/transaction", func() (any, error) { return r.c.ListInvestmentTransactions(r.ctx, req) }},
			{"investment/detail", func() (any, error) { return r.c.GetInvestmentDetail(r.ctx, req) }},
			{"liability", func() (any, error) { return r.c.ListLiabilities(r.ctx, req) }},
			{"liability/transaction", func() (any, error) { return r.c.ListLiabilityTransactions(r.ctx, req) }},
			{"holder", func() (any, error) { return r.c.ListHolders(r.ctx, req) }},
			{"auth", func() (any, error) { return r.c.GetIdentity(r.ctx, req) }},
			{"mifid/raw", func() (any, error) { return r.c.ListMiFIDRaw(r.ctx, req) }},
			{"status", func() (any, error) { return r.c.GetCredentialsStatus(r.ctx, tok) }},
			{"all", func() (any, error) { return r.c.GetAll(r.ctx, req) }},
		}
		for _, c := range calls {
			status, raw := rawPost(t, r.base+"/v0/bank/credentials/"+c.path, "application/json", bearer, `{"credentials_token":"`+tok+`"}`)
			if status != http.StatusOK {
				t.Fatalf("%s: raw fetch %d %s", c.path, status, raw)
			}
			v, err := c.call()
			if err != nil {
				t.Fatalf("%s: %v", c.path, err)
			}
			decoded, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("%s: re-encode: %v", c.path, err)
			}
			var diffs []string
			compareJSON(c.path, numbers([]byte(raw)), numbers(decoded), &diffs)
			sort.Strings(diffs)
			for i, d := range diffs {
				if i == 10 {
					t.Errorf("... and %d more", len(diffs)-i)
					break
				}
				t.Errorf("%s", d)
			}
		}
	})
}

// rawToken gets an access token without the client.
func rawToken(t *testing.T, base string) string {
	t.Helper()
	status, raw := rawPost(t, base+"/v0/token", "application/json", "",
		`{"client_id":"`+flankssim.DefaultClientID+`","client_secret":"`+flankssim.DefaultClientSecret+`","grant_type":"client_credentials"}`)
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(raw), &tr); status != http.StatusOK || err != nil || tr.AccessToken == "" {
		t.Fatalf("token: %d %s", status, raw)
	}
	return tr.AccessToken
}

func numbers(b []byte) any {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return fmt.Sprintf("<invalid JSON %.40q>", b)
	}
	return v
}

// yearMonth is a card expiry date, which the client decodes as the month's
// first day.
var yearMonth = regexp.MustCompile(`^\d{4}-\d{2}$`)

// compareJSON reports where got (the client's re-encoded value) loses or
// changes what raw (the simulator's body) said.
func compareJSON(path string, raw, got any, diffs *[]string) {
	bad := func(format string, args ...any) {
		*diffs = append(*diffs, path+": "+fmt.Sprintf(format, args...))
	}
	switch rv := raw.(type) {
	case nil:
		switch g := got.(type) {
		case nil, map[string]any: // null, or a zero struct
		case string:
			if g != "" {
				bad("null decoded as %q", g)
			}
		case []any:
			if len(g) != 0 {
				bad("null decoded as %d items", len(g))
			}
		default:
			bad("null decoded as %v", g)
		}
	case json.Number:
		var text string
		switch g := got.(type) {
		case json.Number:
			text = string(g)
		case string: // decimals and FlexStrings re-encode as strings
			text = g
		default:
			bad("number %s decoded as %v (%T)", rv, got, got)
			return
		}
		a, errA := decimal.NewFromString(string(rv))
		b, errB := decimal.NewFromString(text)
		if errA != nil || errB != nil || !a.Equal(b) {
			bad("number %s decoded as %s", rv, text)
		}
	case string:
		switch g := got.(type) {
		case string:
			if g != rv && !(yearMonth.MatchString(rv) && g == rv+"-01") {
				bad("%q decoded as %q", rv, g)
			}
		case map[string]any: // an owner name decoded as {name, rel}
			if g["name"] != rv {
				bad("%q decoded as %v", rv, g)
			}
		default:
			bad("%q decoded as %v (%T)", rv, got, got)
		}
	case bool:
		if got != rv {
			bad("%v decoded as %v", rv, got)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(rv) {
			bad("list of %d decoded as %T %v", len(rv), got, got)
			return
		}
		for i := range rv {
			compareJSON(fmt.Sprintf("%s[%d]", path, i), rv[i], g[i], diffs)
		}
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			bad("object decoded as %T", got)
			return
		}
		for k, v := range rv {
			gv, present := g[k]
			if !present {
				bad("field %q is not decoded by the client", k)
				continue
			}
			compareJSON(path+"."+k, v, gv, diffs)
		}
	}
}
