package aggregate_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/models"
)

// Money is stored with the scale Flanks served it with: trailing zeros
// survive the decoder, the mapping and both databases.
func TestMoneyKeepsProviderScale(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{wrap: serve(map[string]string{
			pathAccount: `[{"_id":"acc-1","iban":"ES7600000000000000000001","balance":2150.00,"currency":"EUR"}]`,
			pathData: `[
 {"_id":"t-1","account_id":"acc-1","amount":-45.20,"balance":2150.00,"currency":"EUR","operationDate":"2025-03-01","description":"a"},
 {"_id":"t-2","account_id":"acc-1","amount":0.00,"balance":2195.20,"currency":"EUR","operationDate":"2025-03-02","description":"b"},
 {"_id":"t-3","account_id":"acc-1","amount":12.5,"currency":"EUR","operationDate":"2025-03-03","description":"c"}]`,
			"/v0/bank/credentials/liability": `[{"_id":"l-1","name":"Hipoteca","balance":100000.00,"currency":"EUR",
 "interest":{"rate":2.50,"spread":0.10,"type":"variable"}}]`,
		})})
		c := e.link(userA, "testbank", "")
		e.ensure(c, models.ProductTransactions, models.ProductLiabilities)

		var acct models.Account
		check(t, db.Gorm.Where("credentials_id = ?", c.ID).Take(&acct).Error)
		if got := models.DecimalText(acct.Balance); got != "2150.00" {
			t.Errorf("balance stored as %s, want 2150.00", got)
		}
		var txns []models.AccountTransaction
		check(t, db.Gorm.Where("credentials_id = ?", c.ID).Order("provider_id").Find(&txns).Error)
		want := []struct{ amount, after string }{{"-45.20", "2150.00"}, {"0.00", "2195.20"}, {"12.5", ""}}
		if len(txns) != len(want) {
			t.Fatalf("%d transactions stored, want %d", len(txns), len(want))
		}
		for i, w := range want {
			after := ""
			if txns[i].BalanceAfter.Valid {
				after = models.DecimalText(txns[i].BalanceAfter.Decimal)
			}
			if got := models.DecimalText(txns[i].Amount); got != w.amount || after != w.after {
				t.Errorf("%s stored as amount %s, balance after %q; want %s, %q", txns[i].ProviderID, got, after, w.amount, w.after)
			}
		}
		var l models.Liability
		check(t, db.Gorm.Where("credentials_id = ?", c.ID).Take(&l).Error)
		if got := models.DecimalText(l.Balance); got != "100000.00" {
			t.Errorf("liability balance stored as %s", got)
		}
		// Numbers inside a JSON document keep their scale too.
		if got := compact(t, l.Interest); !bytes.Contains([]byte(got), []byte(`"rate":2.50`)) ||
			!bytes.Contains([]byte(got), []byte(`"spread":0.10`)) {
			t.Errorf("liability interest %s", got)
		}
	})
}

// A null inside a provider JSON object stays null (it once became "")
// and a number stays a number, from the wire to the database.
func TestIdentityDocumentsKeepNulls(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{wrap: serve(map[string]string{
			"/v0/bank/credentials/auth": `{"_id":"x","name":"Ana","fullName":"Ana Pérez",
 "address":{"street":"Calle Mayor 1","city":"Madrid","country":null,"number":7},
 "contactInfo":{"email":"ana@example.com","phone":null}}`,
		})})
		c := e.link(userA, "testbank", "")
		e.ensure(c, models.ProductIdentity)

		var id models.Identity
		check(t, db.Gorm.Where("credentials_id = ?", c.ID).Take(&id).Error)
		for _, tc := range []struct {
			name      string
			doc       models.JSON
			want      map[string]any
			wantNulls []string
		}{
			{"contactInfo", id.ContactInfo, map[string]any{"email": "ana@example.com", "phone": nil}, []string{"phone"}},
			{"address", id.Address, map[string]any{"street": "Calle Mayor 1", "city": "Madrid", "country": nil,
				"number": json.Number("7")}, []string{"country"}},
		} {
			dec := json.NewDecoder(bytes.NewReader(tc.doc))
			dec.UseNumber()
			var got map[string]any
			if err := dec.Decode(&got); err != nil {
				t.Fatalf("%s %s: %v", tc.name, tc.doc, err)
			}
			if len(got) != len(tc.want) {
				t.Errorf("%s = %s", tc.name, tc.doc)
			}
			for k, v := range tc.want {
				if g, ok := got[k]; !ok || g != v {
					t.Errorf("%s[%s] = %#v (%T, present %v), want %#v (%T); document %s", tc.name, k, g, g, ok, v, v, tc.doc)
				}
			}
		}
	})
}

func compact(t *testing.T, doc models.JSON) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, doc); err != nil {
		t.Fatalf("compact %s: %v", doc, err)
	}
	return b.String()
}
