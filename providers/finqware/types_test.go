package finqware

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func TestTimeDecoding(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		err  bool
	}{
		{`"2024-03-15T08:00:12Z"`, time.Date(2024, 3, 15, 8, 0, 12, 0, time.UTC), false},
		{`"2024-03-15T10:00:12+02:00"`, time.Date(2024, 3, 15, 8, 0, 12, 0, time.UTC), false},
		{`"2024-03-15T08:00:12.123456789Z"`, time.Date(2024, 3, 15, 8, 0, 12, 123456789, time.UTC), false},
		{`"2020-01-29T07:31:51.689168"`, time.Date(2020, 1, 29, 7, 31, 51, 689168000, time.UTC), false},
		{`"2020-01-29T07:31:51"`, time.Date(2020, 1, 29, 7, 31, 51, 0, time.UTC), false},
		{`"2020-01-29 07:31:51.5"`, time.Date(2020, 1, 29, 7, 31, 51, 5e8, time.UTC), false},
		{`"2020-01-29"`, time.Date(2020, 1, 29, 0, 0, 0, 0, time.UTC), false},
		{`null`, time.Time{}, false},
		{`""`, time.Time{}, false},
		{`"29/01/2020"`, time.Time{}, true},
		{`1580282711`, time.Time{}, true},
	}
	for _, tt := range tests {
		var got Time
		err := json.Unmarshal([]byte(tt.in), &got)
		if (err != nil) != tt.err || !got.Equal(tt.want) {
			t.Errorf("%s: got %v, %v; want %v (error %v)", tt.in, got, err, tt.want, tt.err)
		}
		if !tt.err && !got.IsZero() && got.Location() != time.UTC && tt.in != `"2024-03-15T10:00:12+02:00"` {
			t.Errorf("%s: naive value not in UTC: %v", tt.in, got.Location())
		}
	}
	b, _ := json.Marshal(struct{ A, B Time }{A: Time{time.Date(2024, 3, 15, 10, 0, 0, 0, time.FixedZone("EET", 7200))}})
	if string(b) != `{"A":"2024-03-15T08:00:00Z","B":null}` {
		t.Errorf("marshal %s", b)
	}
	if (Time{}).Ptr() != nil || (Time{time.Unix(1, 0)}).Ptr() == nil {
		t.Error("Ptr")
	}
}

func TestSignedAmountsKeepScale(t *testing.T) {
	tests := []struct {
		amount string
		cdi    CreditDebit
		want   string
	}{
		{"42.10", Debit, "-42.10"},
		{"42.10", Credit, "42.10"},
		{"0.50", "DEBIT", "-0.50"},
		{"100", Debit, "-100"},
		{"1523.400", "DBIT", "-1523.400"},
		{"7.00", "", "7.00"},
	}
	for _, tt := range tests {
		var tx Transaction
		raw := `{"data": {"amount": "` + tt.amount + `", "credit_debit_indicator": "` + string(tt.cdi) + `"}}`
		if err := json.Unmarshal([]byte(raw), &tx); err != nil {
			t.Fatal(err)
		}
		if got := FormatAmount(tx.SignedAmount()); got != tt.want {
			t.Errorf("%s %s: %s, want %s", tt.amount, tt.cdi, got, tt.want)
		}
		if FormatAmount(tx.Data.Amount) != tt.amount {
			t.Errorf("served amount %s lost its scale: %s", tt.amount, FormatAmount(tx.Data.Amount))
		}
	}
	b := Balance{Data: BalanceData{Amount: decimal.RequireFromString("3.20"), CreditDebitIndicator: Debit}}
	if FormatAmount(b.SignedAmount()) != "-3.20" {
		t.Errorf("balance %s", FormatAmount(b.SignedAmount()))
	}
}

func TestTransactionFilterJSON(t *testing.T) {
	lt := decimal.RequireFromString("99.99")
	f := TransactionFilter{Currency: "RON", Status: "booked", Category: "shopping", AmountLt: &lt, AmountEq: &lt,
		BookingDateGt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), BookingDateEq: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC),
		BookingDateLt: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC),
		TimestampEq:   time.Date(2024, 1, 3, 0, 0, 0, 0, time.UTC), TimestampGt: time.Date(2024, 1, 4, 0, 0, 0, 0, time.UTC),
		TimestampLte: time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC), TimestampLt: time.Date(2024, 1, 6, 0, 0, 0, 0, time.UTC)}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	assertJSONEqual(t, b, `{"currency": "RON", "status": "booked", "category": "shopping", "lt": "99.99", "eq": "99.99",
		"booking_date_gt": "2024-01-01T00:00:00Z", "booking_date_eq": "2024-01-02T00:00:00Z", "booking_date_lt": "2024-02-01T00:00:00Z",
		"timestamp_eq": "2024-01-03T00:00:00Z", "timestamp_gt": "2024-01-04T00:00:00Z", "timestamp_lte": "2024-01-05T00:00:00Z",
		"timestamp_lt": "2024-01-06T00:00:00Z"}`)
	if b, _ := json.Marshal(TransactionFilter{}); string(b) != "{}" {
		t.Errorf("empty filter %s", b)
	}
}

func TestTempTokenFromRedirect(t *testing.T) {
	tok, err := TempTokenFromRedirect("myapp://finqware/callback?state=1&temp_token=abc%2Bdef")
	if err != nil || tok != "abc+def" {
		t.Fatalf("%q %v", tok, err)
	}
	_, err = TempTokenFromRedirect("https://app.example/cb?error=access_denied&error_description=User+said+no")
	var denied *ConsentDeniedError
	if !errors.As(err, &denied) || !errors.Is(err, ErrConsentDenied) || denied.Code != "access_denied" ||
		denied.Description != "User said no" {
		t.Fatalf("denied: %v", err)
	}
	if _, err := TempTokenFromRedirect("https://app.example/cb"); err == nil || errors.Is(err, ErrConsentDenied) {
		t.Fatalf("neither: %v", err)
	}
	if _, err := TempTokenFromRedirect("%zz"); err == nil {
		t.Fatal("bad URL accepted")
	}
}
