package flankssim

import (
	"testing"

	"github.com/shopspring/decimal"
)

func TestQuery_Filters(t *testing.T) {
	s := newSim(t, Options{Seed: 4})
	tok := s.create("testbank", "", "XXXX")
	all := decodeList(t, s.post(credentialsPath+"data", map[string]any{"credentials_token": tok}, 200))
	accounts := decodeList(t, s.post(credentialsPath+"account", map[string]any{"credentials_token": tok}, 200))
	first, second := accounts[0]["iban"].(string), accounts[1]["iban"].(string)
	count := func(pred func(map[string]any) bool) int {
		n := 0
		for _, tx := range all {
			if pred(tx) {
				n++
			}
		}
		return n
	}
	tests := []struct {
		name  string
		query map[string]any
		want  int
	}{
		{"account list", map[string]any{"account_id": []any{first}},
			count(func(m map[string]any) bool { return m["account_id"] == first })},
		{"two accounts", map[string]any{"account_id": []any{first, second}},
			count(func(m map[string]any) bool { return m["account_id"] == first || m["account_id"] == second })},
		{"AND across keys", map[string]any{"account_id": []any{first}, "category": []any{"Nómina"}},
			count(func(m map[string]any) bool { return m["account_id"] == first && m["category"] == "Nómina" })},
		{"date range", map[string]any{"operationDate": map[string]any{"$gte": "2024-06-01", "$lt": "2024-07-01"}},
			count(func(m map[string]any) bool {
				d := m["operationDate"].(string)
				return d >= "2024-06-01" && d < "2024-07-01"
			})},
		{"numeric, exact", map[string]any{"amount": map[string]any{"$gt": 1000}},
			count(func(m map[string]any) bool { return dec(t, m["amount"]).GreaterThan(decimal.New(1000, 0)) })},
		{"nested field", map[string]any{"transfer.ibanBeneficiary": []any{second}},
			count(func(m map[string]any) bool { return m["transfer"].(map[string]any)["ibanBeneficiary"] == second })},
		{"no match", map[string]any{"account_id": []any{"ES0000000000000000000000"}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decodeList(t, s.post(credentialsPath+"data", map[string]any{"credentials_token": tok, "query": tt.query}, 200))
			if len(got) != tt.want {
				t.Errorf("got %d transactions, want %d", len(got), tt.want)
			}
		})
	}
	if tests[0].want == 0 || tests[2].want == 0 || tests[3].want == 0 || tests[5].want == 0 {
		t.Fatal("filters matched nothing: the test data lost its variety")
	}
}

func TestQuery_Invalid(t *testing.T) {
	s := newSim(t, Options{Seed: 4})
	tok := s.create("testbank", "", "XXXX")
	for _, q := range []any{"account_id=1", []any{1}, map[string]any{"amount": map[string]any{"$regex": "x"}}} {
		raw := s.post(credentialsPath+"data", map[string]any{"credentials_token": tok, "query": q}, 400)
		env := decodeObject(t, raw)
		if env["success"] != false || env["error"].(map[string]any)["code"] != "ValidationError" {
			t.Errorf("query %v: %s", q, raw)
		}
	}
}
