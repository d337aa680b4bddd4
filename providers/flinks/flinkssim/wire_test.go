package flinkssim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestWireShape reads raw JSON: Go's decoder matches field names case-insensitively, so
// the round-trip tests cannot see a casing drift; this test can.
func TestWireShape(t *testing.T) {
	e := newEnv(t, Options{})
	rid := e.authorize(t, e.login(t, UserGreatday))
	req, _ := http.NewRequest(http.MethodPost, e.base+EndpointGetAccountsDetail,
		strings.NewReader(`{"RequestId":"`+rid+`","WithTransactions":true,"WithBalance":true,"WithKYC":true}`))
	req.Header.Set("x-api-key", DefaultAPIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]json.RawMessage) string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return strings.Join(ks, ",")
	}
	if got := keys(top); got != "Accounts,HttpStatusCode,Institution,InstitutionId,InstitutionName,Login,RequestId" {
		t.Errorf("top-level keys = %s", got)
	}
	if string(top["InstitutionId"]) != "14" || string(top["HttpStatusCode"]) != "200" {
		t.Errorf("InstitutionId = %s, HttpStatusCode = %s", top["InstitutionId"], top["HttpStatusCode"])
	}
	var login map[string]json.RawMessage
	_ = json.Unmarshal(top["Login"], &login)
	if got := keys(login); got != "Id,IsScheduledRefresh,LastRefresh,Type,Username" {
		t.Errorf("Login keys = %s", got)
	}
	if !regexp.MustCompile(`^"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}"$`).Match(login["LastRefresh"]) {
		t.Errorf("LastRefresh = %s; want a zone-less .NET datetime with 7 digits", login["LastRefresh"])
	}
	var accounts []map[string]json.RawMessage
	_ = json.Unmarshal(top["Accounts"], &accounts)
	if got := keys(accounts[0]); got != "AccountNumber,AccountType,Balance,Category,Currency,Holder,Id,InstitutionNumber,LastFourDigits,OverdraftLimit,Title,Transactions,TransitNumber,Type" {
		t.Errorf("account keys = %s", got)
	}
	var txs []map[string]json.RawMessage
	_ = json.Unmarshal(accounts[0]["Transactions"], &txs)
	if got := keys(txs[0]); got != "Balance,Code,Credit,Date,Debit,Description,Id" {
		t.Errorf("transaction keys = %s", got)
	}
	money := regexp.MustCompile(`^-?\d+\.\d\d$`)
	for _, tx := range txs {
		amt := tx["Debit"]
		if bytes.Equal(amt, []byte("null")) {
			amt = tx["Credit"]
		}
		if !money.Match(amt) || !money.Match(tx["Balance"]) || !regexp.MustCompile(`^"\d{4}-\d\d-\d\d"$`).Match(tx["Date"]) {
			t.Fatalf("transaction %s", mustJSON(tx))
		}
	}
	var holder map[string]json.RawMessage
	_ = json.Unmarshal(accounts[0]["Holder"], &holder)
	if got := keys(holder); got != "Address,Email,Name,PhoneNumber" {
		t.Errorf("holder keys = %s", got)
	}
	// A 202 and an error use the documented envelopes.
	_ = e.sim.InjectFault(EndpointGetAccountsDetailAsync, Fault{Kind: FaultServerError})
	req, _ = http.NewRequest(http.MethodGet, e.base+EndpointGetAccountsDetailAsync+"/"+rid, nil)
	req.Header.Set("x-api-key", DefaultAPIKey)
	resp, _ = noRedirect.Do(req)
	raw, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || string(raw) != `{"HttpStatusCode":500,"Message":"An unexpected error occurred","FlinksCode":"AGGREGATION_ERROR"}` {
		t.Errorf("error envelope %d %s", resp.StatusCode, raw)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
