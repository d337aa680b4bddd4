package flinks

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDateTimeDecoding(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{in: `"2019-05-09T13:47:46.5227901"`, want: time.Date(2019, 5, 9, 13, 47, 46, 522790100, time.UTC)},
		{in: `"2024-03-14T10:22:05.123"`, want: time.Date(2024, 3, 14, 10, 22, 5, 123000000, time.UTC)},
		{in: `"2024-03-14T10:22:05"`, want: time.Date(2024, 3, 14, 10, 22, 5, 0, time.UTC)},
		{in: `"2024-03-14T10:22:05.5-04:00"`, want: time.Date(2024, 3, 14, 14, 22, 5, 500000000, time.UTC)},
		{in: `"2024-03-14"`, want: time.Date(2024, 3, 14, 0, 0, 0, 0, time.UTC)},
		{in: `null`},
		{in: `""`},
		{in: `"yesterday"`, bad: true},
	}
	for _, tt := range tests {
		var d DateTime
		err := json.Unmarshal([]byte(tt.in), &d)
		if (err != nil) != tt.bad {
			t.Errorf("%s: err = %v", tt.in, err)
			continue
		}
		if !tt.bad && !d.Equal(tt.want) {
			t.Errorf("%s: got %v; want %v", tt.in, d.Time, tt.want)
		}
	}
	b, _ := json.Marshal(DateTime{time.Date(2019, 5, 9, 13, 47, 46, 522790100, time.UTC)})
	if string(b) != `"2019-05-09T13:47:46.5227901"` {
		t.Errorf("marshal = %s", b)
	}
}

func TestDateDecoding(t *testing.T) {
	for in, want := range map[string]string{
		`"2024-03-15"`: "2024-03-15", `"2024-03-15T00:00:00"`: "2024-03-15",
		`"2024/03/15"`: "2024-03-15", `null`: "", `""`: "",
	} {
		var d Date
		if err := json.Unmarshal([]byte(in), &d); err != nil || d.String() != want {
			t.Errorf("%s: got %q, %v; want %q", in, d.String(), err, want)
		}
	}
	var d Date
	if err := json.Unmarshal([]byte(`"15 March"`), &d); err == nil {
		t.Error("want an error for a free-form date")
	}
}

func TestTransactionAmount(t *testing.T) {
	tests := []struct {
		body string
		want string
		ok   bool
	}{
		{`{"Debit":null,"Credit":2150.00}`, "2150.00", true},
		{`{"Debit":120.50,"Credit":null}`, "-120.50", true},
		{`{"Debit":0.5}`, "-0.5", true},
		{`{"Debit":10.00,"Credit":2.5}`, "-7.50", true},
		{`{"Debit":"12.30"}`, "-12.30", true},
		{`{"Debit":null,"Credit":null}`, "", false},
	}
	for _, tt := range tests {
		var tx Transaction
		if err := json.Unmarshal([]byte(tt.body), &tx); err != nil {
			t.Fatalf("%s: %v", tt.body, err)
		}
		got, ok := tx.Amount()
		if ok != tt.ok || (ok && AmountString(got) != tt.want) {
			t.Errorf("%s: Amount = %s, %v; want %s, %v", tt.body, AmountString(got), ok, tt.want, tt.ok)
		}
	}
}

func TestHolderShapes(t *testing.T) {
	var a struct{ Holder *Holder }
	if err := json.Unmarshal([]byte(`{"Holder":"John Flinkyfoot"}`), &a); err != nil || a.Holder.Name != "John Flinkyfoot" {
		t.Fatalf("string holder: %+v, %v", a.Holder, err)
	}
	if err := json.Unmarshal([]byte(`{"Holder":{"Name":"Jane","Address":{"City":"Toronto","POBox":null},"Email":"j@e.x"}}`), &a); err != nil ||
		a.Holder.Address.City != "Toronto" || a.Holder.Email != "j@e.x" {
		t.Fatalf("object holder: %+v, %v", a.Holder, err)
	}
	if got := (Address{CivicAddress: "100 King St W", City: "Toronto", Province: "ON", PostalCode: "M5X 1A9", Country: "CA"}).String(); got != "100 King St W, Toronto, ON, M5X 1A9, CA" {
		t.Errorf("Address.String = %q", got)
	}
	var none []Account
	if _, ok := firstHolder(none); ok {
		t.Error("no accounts, no holder")
	}
}

func TestFlexScalars(t *testing.T) {
	var v struct {
		A FlexString
		B FlexString
		C FlexString
	}
	if err := json.Unmarshal([]byte(`{"A":14,"B":"777","C":null}`), &v); err != nil || v.A != "14" || v.B != "777" || v.C != "" {
		t.Fatalf("got %+v, %v", v, err)
	}
	var env envelope
	if err := json.Unmarshal([]byte(`{"HttpStatusCode":"202"}`), &env); err != nil || env.HTTPStatusCode != 202 {
		t.Fatalf("string status: %+v, %v", env, err)
	}
	if err := json.Unmarshal([]byte(`{"A":{"x":1}}`), &v); err == nil {
		t.Error("an object is not a FlexString")
	}
}

func TestBalanceFallback(t *testing.T) {
	var b Balance
	if err := json.Unmarshal([]byte(`{"Available":10.10,"Current":null,"Limit":500}`), &b); err != nil {
		t.Fatal(err)
	}
	if v, ok := b.CurrentOrAvailable(); !ok || AmountString(v) != "10.10" {
		t.Errorf("CurrentOrAvailable = %v, %v", v, ok)
	}
	var nilBal *Balance
	if _, ok := nilBal.CurrentOrAvailable(); ok {
		t.Error("nil balance has no value")
	}
}
