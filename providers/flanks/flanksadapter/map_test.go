package flanksadapter

import (
	"encoding/json"
	"testing"

	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks"
)

// The identity's documents are the provider's JSON as sent: nulls stay
// null (they once became ""), numbers stay numbers, and a document that
// is not an object is kept whole.
func TestMapIdentityKeepsProviderJSON(t *testing.T) {
	var id flanks.Identity
	if err := json.Unmarshal([]byte(`{"_id": "x", "fullName": "Ana Pérez",
		"address": "Calle Mayor 1, Madrid",
		"contactInfo": {"email": "ana@example.com", "phone": null, "ext": 12.50}}`), &id); err != nil {
		t.Fatal(err)
	}
	row := mapIdentity(&id)
	if got := compactDoc(t, row.ContactInfo); got != `{"email":"ana@example.com","phone":null,"ext":12.50}` {
		t.Errorf("contactInfo = %s", got)
	}
	if got := compactDoc(t, row.Address); got != `"Calle Mayor 1, Madrid"` {
		t.Errorf("address = %s", got)
	}
	for _, doc := range []string{`{"_id": "x", "fullName": "A", "address": null}`, `{"_id": "x", "fullName": "A"}`} {
		var id flanks.Identity
		if err := json.Unmarshal([]byte(doc), &id); err != nil {
			t.Fatal(err)
		}
		if row := mapIdentity(&id); row.Address != nil || row.ContactInfo != nil {
			t.Errorf("absent or null documents stored as %q, %q", row.Address, row.ContactInfo)
		}
	}
}

// Numbers written into JSON documents keep the scale they were served with.
func TestMappedDocumentsKeepScale(t *testing.T) {
	var l flanks.Liability
	if err := json.Unmarshal([]byte(`{"_id": "l", "name": "L", "balance": 100.00, "currency": "EUR",
		"interest": {"rate": 2.50, "spread": 0.10, "type": "fixed"}}`), &l); err != nil {
		t.Fatal(err)
	}
	row := mapLiability(&l)
	if got := compactDoc(t, row.Interest); got != `{"benchmark":null,"rate":2.50,"spread":0.10,"type":"fixed"}` {
		t.Errorf("interest = %s", got)
	}
	if got := models.DecimalText(row.Balance); got != "100.00" {
		t.Errorf("balance = %s", got)
	}
}

func compactDoc(t *testing.T, doc models.JSON) string {
	t.Helper()
	b, err := json.Marshal(json.RawMessage(doc))
	if err != nil {
		t.Fatalf("document %s: %v", doc, err)
	}
	return string(b)
}
