package finqware

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/providers/internal/httpx"
)

// Fuzz secrets use no character of "[REDACTED]", brackets, spaces or
// separators, so a field can only contain one if redaction failed.
const (
	fuzzClientSecret = "finqwareCLIENTsecret42ab"
	fuzzAppKey       = "finqwareAPPkey77cd"
	fuzzAccessToken  = "accessTOKENxyz0987"
	fuzzMacaroon     = "MDAxZmxvY2F0aW9uIGZpbnF3YXJl"
	// fuzzNumber is a body value no decoding error may quote.
	fuzzNumber = "73194682507319468250"
)

var fuzzNow = time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)

// sameAmount asserts d survives a JSON round trip, and FormatAmount keeps
// its value and scale.
func sameAmount(t *testing.T, field string, d decimal.Decimal) {
	t.Helper()
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatalf("%s: marshal %s: %v", field, d, err)
	}
	var back decimal.Decimal
	if err := json.Unmarshal(b, &back); err != nil || !back.Equal(d) {
		t.Fatalf("%s: %s re-encoded as %s, decoded as %s (%v)", field, d, b, back, err)
	}
	s := FormatAmount(d)
	again, err := decimal.NewFromString(s)
	if err != nil || !again.Equal(d) || (d.Exponent() < 0 && again.Exponent() != d.Exponent()) {
		t.Fatalf("%s: FormatAmount(%s) = %q reads back as %s (%v)", field, d, s, again, err)
	}
	for _, cd := range []CreditDebit{Credit, Debit, "DBIT", "Debit", "", "other"} {
		signed := cd.Signed(d)
		if !signed.Abs().Equal(d.Abs()) || (cd.IsDebit() && signed.Sign() > 0) || (!cd.IsDebit() && !signed.Equal(d)) {
			t.Fatalf("%s: %q.Signed(%s) = %s", field, cd, d, signed)
		}
	}
}

// checkTime asserts an accepted Time is written as RFC 3339 that reads back
// as the same instant.
func checkTime(t *testing.T, tm Time) {
	t.Helper()
	out, err := tm.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if tm.IsZero() {
		if string(out) != "null" {
			t.Fatalf("zero Time written as %s", out)
		}
		return
	}
	if y := tm.UTC().Year(); y < 0 || y > 9999 {
		return // the zone moved it out of four-digit years
	}
	var back Time
	if err := back.UnmarshalJSON(out); err != nil || !back.Equal(tm.Time) {
		t.Fatalf("Time %v written as %s reads back as %v (%v)", tm.Time, out, back.Time, err)
	}
	if p := tm.Ptr(); p == nil || !p.Equal(tm.Time) {
		t.Fatalf("Ptr() = %v", p)
	}
}

// checkAPIError asserts the typed error of an answer is classified and
// holds no secret.
func checkAPIError(t *testing.T, err error) {
	t.Helper()
	var e *APIError
	if !errors.As(err, &e) {
		t.Fatalf("decode error %T %v is not an *APIError", err, err)
	}
	msg := e.Error()
	for _, sec := range []string{fuzzClientSecret, fuzzAppKey, fuzzAccessToken, fuzzMacaroon} {
		if strings.Contains(msg, sec) {
			t.Fatalf("error leaks a secret: %q", msg)
		}
	}
	for _, field := range []string{e.ID, e.Type, e.Code, e.Message} {
		if macaroon.MatchString(field) || strings.ContainsFunc(field, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Fatalf("field %q keeps a token or a control character", field)
		}
		if n := len([]rune(field)); n > maxMessageLen+len("...") {
			t.Fatalf("field of %d runes", n)
		}
	}
	if errors.Is(err, ErrMalformedResponse) && strings.Contains(e.Message, fuzzNumber) {
		t.Fatalf("malformed-response detail quotes a body value: %q", e.Message)
	}
	if s, ok := statusSentinels[e.StatusCode]; ok && !errors.Is(err, s) {
		t.Fatalf("status %d does not match %v", e.StatusCode, s)
	}
	if e.StatusCode >= 500 && !errors.Is(err, ErrUpstream) {
		t.Fatalf("status %d does not match ErrUpstream", e.StatusCode)
	}
	for _, s := range codeSentinels[e.Code] {
		if !errors.Is(err, s) {
			t.Fatalf("code %q does not match %v", e.Code, s)
		}
	}
	if e.RetryAfter < 0 {
		t.Fatalf("negative RetryAfter %v", e.RetryAfter)
	}
}

// FuzzDecodeData feeds an answer to the client's decoding of accounts,
// transactions, balances and an upload result (which has an integer).
func FuzzDecodeData(f *testing.F) {
	for _, s := range []string{
		`[{"id": "acc-1", "servicer_id": "bt", "timestamp": "2024-03-15T08:00:12Z", "data": {"account_schemes": [{"scheme_name": "IBAN", "identification": "RO49AAAA1B31007593840000"}],
		  "balances": [{"balance_amount": "42.10", "balance_currency": "RON", "credit_debit_indicator": "debit"}], "currency": "RON"}}]`,
		`[{"id": "tx-1", "account_id": "acc-1", "timestamp": "2020-01-29T07:31:51.689168", "data": {"amount": "1200.00", "balance": null,
		  "booking_date_time": "2024-03-14", "credit_debit_indicator": "DBIT", "details": {"a": 1}}}]`,
		`[{"data": {"amount": 12.5, "booking_date_time": "2024-03-14 10:00:00+02:00"}}]`,
		`[{"data": {"amount": "1e10001"}}]`, `[{"data": {"amount": "NaN"}}]`, `[{"timestamp": "2024-02-30"}]`,
		`[{"data": {"amount": "1", "credit_debit_indicator": ` + fuzzNumber + `}}]`,
		// Too large for UploadResult.Size: encoding/json's error carries the literal.
		`{"upload_id": "u", "size": ` + fuzzNumber + `}`,
		`{"http": 401, "code": "expired_credentials", "message": "consent ` + fuzzAccessToken + ` expired", "id": "e-1"}`,
		`{"http": "503", "code": "x", "type": "external_api_error", "message": "token ` + fuzzMacaroon + `AAAAAAAAAAAA"}`,
		`{"error": {"code": "invalid_step", "message": "` + fuzzClientSecret + `\u0001"}}`,
		`{"error": "` + fuzzAppKey + `"}`, `{"message": "` + strings.Repeat("ș", 400) + `"}`,
		`<html>` + fuzzClientSecret + `</html>`, `[`, ``, `null`, `{}`,
	} {
		f.Add([]byte(s), uint16(200))
	}
	f.Add([]byte(`{"type": "unauthorized", "code": "expired_nonce", "http": 401}`), uint16(401))
	f.Add([]byte(`{"message": "step failed: `+fuzzAccessToken+`"}`), uint16(400))
	f.Add([]byte(`{"error": {"code": "invalid_client_secret"}}`), uint16(503))
	f.Add([]byte(``), uint16(429))
	c := &Client{clientSecret: fuzzClientSecret, clientAppKey: fuzzAppKey, now: func() time.Time { return fuzzNow }}
	r := call{label: "/accounts/get", path: "/accounts/get", secrets: []string{fuzzAccessToken}}
	f.Fuzz(func(t *testing.T, body []byte, status uint16) {
		code := int(status % 600)
		if code < 100 {
			code = http.StatusOK
		}
		res := &httpx.Response{Status: code, Header: http.Header{"Retry-After": {"30"}}, Body: body}
		var accounts []Account
		var txns []Transaction
		var balances []Balance
		var upload UploadResult
		for _, out := range []any{&accounts, &txns, &balances, &upload} {
			if err := c.finish(r, res, nil, out); err != nil {
				checkAPIError(t, err)
			} else if code/100 != 2 {
				t.Fatalf("status %d decoded without error", code)
			}
		}
		for _, a := range accounts {
			checkTime(t, a.Timestamp)
			for _, b := range a.Data.Balances {
				sameAmount(t, "balance_amount", b.BalanceAmount)
				_ = b.SignedAmount()
			}
			_ = a.IBAN()
		}
		for _, tx := range txns {
			checkTime(t, tx.Timestamp)
			checkTime(t, tx.Data.BookingDateTime)
			sameAmount(t, "amount", tx.Data.Amount)
			if tx.Data.Balance.Valid {
				sameAmount(t, "balance", tx.Data.Balance.Decimal)
			}
			_ = tx.SignedAmount()
		}
		for _, b := range balances {
			_ = b.SignedAmount()
		}
	})
}

// FuzzTime decodes one JSON value as a Time, and its text with ParseTime.
func FuzzTime(f *testing.F) {
	for _, s := range []string{
		`"2024-03-15T08:00:12Z"`, `"2020-01-29T07:31:51.689168"`, `"2020-01-29 07:31:51.689168"`,
		`"2020-01-29 07:31:51+02:00"`, `"2024-03-14"`, `" 2024-03-14 "`, `""`, `null`, `12`, `"2024-02-30"`,
		`"9999-12-31T23:00:00-05:00"`, `"0001-01-01T00:00:00Z"`, `"2024-03-15T08:00:12.1234567891Z"`, `"x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var tm Time
		err := tm.UnmarshalJSON(b)
		if err != nil {
			if !errors.Is(err, errBadTime) {
				t.Fatalf("Time(%s) error %v", b, err)
			}
			return
		}
		checkTime(t, tm)
		var s string
		if json.Unmarshal(b, &s) == nil {
			p, err := ParseTime(s)
			if err != nil || !p.Equal(tm.Time) {
				t.Fatalf("ParseTime(%q) = %v, %v; UnmarshalJSON gave %v", s, p.Time, err, tm.Time)
			}
		}
	})
}

// FuzzAPIError builds the typed error of a non-2xx answer.
func FuzzAPIError(f *testing.F) {
	for _, s := range []string{
		`{"id": "e", "type": "invalid_request", "http": 400, "code": "invalid_step", "message": "m"}`,
		`{"error": {"code": "expired_nonce", "message": "` + fuzzMacaroon + `AAAAAAAAAAAAAAAA"}}`,
		`{"message": "` + fuzzClientSecret[:10] + "\\n" + fuzzClientSecret[10:] + `"}`,
		`{"code": 12, "type": ["x"], "http": "x"}`, `{"error": 7}`, `[]`, `oops ` + fuzzAppKey,
	} {
		f.Add([]byte(s), uint16(400), "")
	}
	f.Add([]byte(`{}`), uint16(429), "Fri, 14 Mar 2025 10:01:00 GMT")
	f.Add([]byte(`{}`), uint16(503), "-1")
	f.Fuzz(func(t *testing.T, body []byte, status uint16, retryAfter string) {
		res := &httpx.Response{Status: int(status % 600), Header: http.Header{"Retry-After": {retryAfter}}, Body: body}
		e := newAPIError(http.MethodPost, "/sessions/{session_id}/steps", res, fuzzNow,
			[]string{fuzzClientSecret, fuzzAppKey, fuzzAccessToken, ""})
		checkAPIError(t, e)
		_, _, _ = embeddedError(body)
	})
}
