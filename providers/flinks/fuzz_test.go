package flinks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/providers/internal/httpx"
)

// Fuzz secrets use no character of "[REDACTED]", "[id]", brackets, spaces
// or separators, so a message can only contain one if redaction failed.
const (
	fuzzSecretKey = "flinksSECRETkey0a1b2c3d"
	fuzzAPIKey    = "flinksAPIkey9z8y7x6w5v"
	// fuzzNumber is a body value no decoding error may quote.
	fuzzNumber = "73194682507319468250"
)

var fuzzNow = time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)

// sameDecimal asserts d survives a JSON round trip, and AmountString keeps
// its value and scale.
func sameDecimal(t *testing.T, field string, d decimal.Decimal) {
	t.Helper()
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatalf("%s: marshal %s: %v", field, d, err)
	}
	var back decimal.Decimal
	if err := json.Unmarshal(b, &back); err != nil || !back.Equal(d) {
		t.Fatalf("%s: %s re-encoded as %s, decoded as %s (%v)", field, d, b, back, err)
	}
	s := AmountString(d)
	again, err := decimal.NewFromString(s)
	if err != nil || !again.Equal(d) || (d.Exponent() < 0 && again.Exponent() != d.Exponent()) {
		t.Fatalf("%s: AmountString(%s) = %q reads back as %s (%v)", field, d, s, again, err)
	}
}

func sameNull(t *testing.T, field string, d decimal.NullDecimal) {
	t.Helper()
	if d.Valid {
		sameDecimal(t, field, d.Decimal)
	}
}

// checkDateTime asserts an accepted DateTime is written in a form that
// reads back as the same instant, to the 100 ns of the .NET layout.
func checkDateTime(t *testing.T, d DateTime) {
	t.Helper()
	if d.IsZero() {
		return
	}
	out, err := d.MarshalJSON()
	if err != nil {
		t.Fatalf("marshal %v: %v", d.Time, err)
	}
	if y := d.UTC().Year(); y < 0 || y > 9999 {
		return // the zone moved it out of four-digit years
	}
	var back DateTime
	if err := back.UnmarshalJSON(out); err != nil || !back.Equal(d.Truncate(100*time.Nanosecond)) {
		t.Fatalf("DateTime %v written as %s reads back as %v (%v)", d.Time, out, back.Time, err)
	}
}

func checkDate(t *testing.T, d Date) {
	t.Helper()
	if d.IsZero() {
		return
	}
	out, err := d.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Date
	if err := back.UnmarshalJSON(out); err != nil || back.String() != d.String() {
		t.Fatalf("Date %s written as %s reads back as %q (%v)", d, out, back, err)
	}
}

func checkDetail(t *testing.T, d *AccountsDetail) {
	t.Helper()
	for _, a := range d.Accounts {
		sameNull(t, "OverdraftLimit", a.OverdraftLimit)
		if a.Balance != nil {
			sameNull(t, "Available", a.Balance.Available)
			sameNull(t, "Current", a.Balance.Current)
			sameNull(t, "Limit", a.Balance.Limit)
			if v, ok := a.Balance.CurrentOrAvailable(); ok && !v.Equal(a.Balance.Current.Decimal) && !v.Equal(a.Balance.Available.Decimal) {
				t.Fatalf("CurrentOrAvailable = %s", v)
			}
		}
		for _, tx := range a.Transactions {
			sameNull(t, "Debit", tx.Debit)
			sameNull(t, "Credit", tx.Credit)
			sameNull(t, "Balance", tx.Balance)
			checkDate(t, tx.Date)
			amount, ok := tx.Amount()
			if ok != (tx.Debit.Valid || tx.Credit.Valid) {
				t.Fatalf("Amount ok=%v for %+v", ok, tx)
			}
			if ok && !amount.Equal(tx.Credit.Decimal.Sub(tx.Debit.Decimal)) {
				t.Fatalf("Amount = %s, credit %s, debit %s", amount, tx.Credit.Decimal, tx.Debit.Decimal)
			}
		}
	}
	if d.Login != nil {
		checkDateTime(t, d.Login.LastRefresh)
	}
	_, _ = d.Holder()
	_ = d.LoginID()
}

// checkAPIError asserts what every typed error of an answer satisfies.
func checkAPIError(t *testing.T, err error) {
	t.Helper()
	var e *APIError
	if !errors.As(err, &e) {
		t.Fatalf("decode error %T %v is not an *APIError", err, err)
	}
	msg := e.Error()
	for _, sec := range []string{fuzzSecretKey, fuzzAPIKey} {
		if strings.Contains(e.Message, sec) {
			t.Fatalf("message leaks a secret: %q", msg)
		}
	}
	if guidPattern.MatchString(e.Message) {
		t.Fatalf("message keeps a GUID: %q", e.Message)
	}
	if errors.Is(err, ErrMalformedResponse) && strings.Contains(e.Message, fuzzNumber) {
		t.Fatalf("malformed-response detail quotes a body value: %q", e.Message)
	}
	if e.StatusCode >= 500 && !errors.Is(err, ErrUpstream) {
		t.Fatalf("status %d is not ErrUpstream: %v", e.StatusCode, err)
	}
	if e.StatusCode == http.StatusTooManyRequests && !errors.Is(err, ErrRateLimited) {
		t.Fatalf("status 429 is not ErrRateLimited: %v", err)
	}
	if s, ok := codeSentinels[e.FlinksCode]; ok && !errors.Is(err, s) {
		t.Fatalf("code %s does not match %v", e.FlinksCode, s)
	}
	id, ok := PendingRequestID(err)
	pending := errors.Is(err, ErrOperationPending) || errors.Is(err, ErrOperationDispatched)
	if ok != (pending && e.RequestID != "") || (ok && id != e.RequestID) {
		t.Fatalf("PendingRequestID = %q, %v for %v", id, ok, err)
	}
	_ = Temporary(err)
	if e.RetryAfter < 0 {
		t.Fatalf("negative RetryAfter %v", e.RetryAfter)
	}
}

// FuzzDecodeAccountsDetail feeds an answer of GetAccountsDetail to the
// client's decoding, and its body to ParseWebhook.
func FuzzDecodeAccountsDetail(f *testing.F) {
	for _, s := range []string{
		`{"HttpStatusCode": 200, "Accounts": [{"Id": "a1", "AccountNumber": 1234567, "Balance": {"Available": 12.5, "Current": "12.50", "Limit": null},
		  "Holder": {"Name": "N", "Address": {"City": "C"}}, "Transactions": [{"Id": "t1", "Date": "2024-03-15", "Debit": 120.50, "Credit": null, "Balance": "2150.00"},
		  {"Id": "t2", "Date": "2024/03/16", "Credit": "1e-2", "Debit": "0.005"}]}], "Login": {"Id": "6f1c2a9e-0c4b-4d7e-9a53-1b2c3d4e5f60", "LastRefresh": "2024-03-18T14:02:11.4411021"},
		  "InstitutionId": 14, "RequestId": "r-1"}`,
		`{"Accounts": [{"Holder": "Jane Doe", "EftEligibleRatio": "0.93", "OverdraftLimit": "1e10000"}]}`,
		`{"Accounts": [{"Transactions": [{"Debit": "NaN"}]}]}`,
		`{"Accounts": [{"Transactions": [{"Date": "2024-02-30"}]}]}`,
		`{"HttpStatusCode": "` + fuzzNumber + `"}`,
		// Too large for an int: encoding/json's error carries the literal.
		`{"HttpStatusCode": ` + fuzzNumber + `}`,
		`{"Accounts": [{"Transactions": [{"Id": ` + fuzzNumber + `}]}]}`,
		`{"HttpStatusCode": 202, "FlinksCode": "OPERATION_PENDING", "RequestId": "req-9"}`,
		`{"HttpStatusCode": 401, "FlinksCode": "invalid_login", "Message": "login 6f1c2a9e-0c4b-4d7e-9a53-1b2c3d4e5f60 with key ` + fuzzSecretKey + `"}`,
		`{"HttpStatusCode": 400, "FlinksCode": 7, "Message": ["` + fuzzAPIKey + `"]}`,
		`{"Message": "` + strings.Repeat("é", 300) + `"}`,
		`<html>` + fuzzAPIKey + `</html>`, `[]`, `{`, ``, `null`,
	} {
		f.Add([]byte(s), uint16(200))
	}
	f.Add([]byte(`{"FlinksCode": "RETRY_LATER", "Message": "`+fuzzSecretKey+`"}`), uint16(503))
	f.Add([]byte(`{"FlinksCode": "TOO_MANY_REQUESTS"}`), uint16(403))
	f.Add([]byte(`{"HttpStatusCode": 202}`), uint16(202))
	f.Add([]byte(``), uint16(429))
	c := &Client{now: func() time.Time { return fuzzNow }}
	r := &request{method: http.MethodPost, label: "POST /BankingServices/GetAccountsDetail"}
	secrets := []string{fuzzSecretKey, fuzzAPIKey}
	f.Fuzz(func(t *testing.T, body []byte, status uint16) {
		code := int(status % 600)
		if code < 100 {
			code = http.StatusOK
		}
		res := &httpx.Response{Status: code, Header: http.Header{}, Body: body}
		var out AccountsDetail
		if err := c.decode(r, res, &out, secrets); err != nil {
			checkAPIError(t, err)
		} else if code/100 != 2 {
			t.Fatalf("status %d decoded without error", code)
		}
		checkDetail(t, &out)

		ev, err := ParseWebhook(body)
		if err != nil {
			if ev != nil || !errors.Is(err, ErrInvalidWebhook) || !errors.Is(err, ErrMalformedResponse) {
				t.Fatalf("ParseWebhook = %v, %v", ev, err)
			}
			checkAPIError(t, err)
			return
		}
		if ev.Detail != nil {
			checkDetail(t, ev.Detail)
		}
		if ev.Login != nil && ev.Login.ID != "" && ev.LoginID != ev.Login.ID {
			t.Fatalf("LoginID %q, Login.Id %q", ev.LoginID, ev.Login.ID)
		}
	})
}

// FuzzScalars decodes one JSON value into each liberal scalar type.
func FuzzScalars(f *testing.F) {
	for _, s := range []string{
		`"2019-05-09T13:47:46.5227901"`, `"2024-03-18T14:02:11Z"`, `"2024-03-18T14:02:11.123456789+05:30"`,
		`"2024-03-18 14:02:11"`, `"2024-03-18"`, `"2024/03/18"`, `"9999-12-31T23:00:00-05:00"`,
		`"0001-01-01T00:30:00+01:00"`, `""`, `" "`, `null`, `12`, `"12"`, `"-0"`, `"1e3"`, `"99999999999999999999"`,
		`{"Name": "N"}`, `"Jane"`, `[1]`, `true`, `"120.50"`, `-0.005`, `"1e-10000"`, `"\ud800"`, `"x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var dt DateTime
		if dt.UnmarshalJSON(b) == nil {
			checkDateTime(t, dt)
		}
		var d Date
		if d.UnmarshalJSON(b) == nil {
			checkDate(t, d)
		}
		var fs FlexString
		if fs.UnmarshalJSON(b) == nil {
			var s string
			if json.Unmarshal(b, &s) == nil && string(fs) != strings.TrimSpace(s) {
				t.Fatalf("FlexString(%s) = %q", b, fs)
			}
		}
		var n flexInt
		_ = n.UnmarshalJSON(b)
		var h Holder
		_ = h.UnmarshalJSON(b)
		var nd decimal.NullDecimal
		if json.Unmarshal(b, &nd) == nil {
			sameNull(t, "decimal", nd)
		}
	})
}

// FuzzVerifyWebhook: VerifyWebhook accepts exactly the deliveries whose
// every signature header holds the HMAC of the body.
func FuzzVerifyWebhook(f *testing.F) {
	body := []byte(`{"ResponseType": "KYC", "Login": {"Id": "l"}}`)
	right := SignWebhook([]byte("whsec"), body)
	f.Add([]byte("whsec"), body, "", "", uint8(0b0011))
	f.Add([]byte("whsec"), body, "", "", uint8(0b1111))
	f.Add([]byte("whsec"), body, right, "", uint8(0b0001))
	f.Add([]byte("whsec"), body, right[:20]+"\n"+right[20:], "", uint8(0b0001))
	f.Add([]byte("whsec"), body, " "+right+" ", "", uint8(0b0001))
	f.Add([]byte("whsec"), body, "", "tampered", uint8(0b0111))
	f.Add([]byte("whsec"), body, "", "", uint8(0b10011))
	f.Add([]byte("whsec"), body, strings.TrimRight(right, "="), "", uint8(0b0001))
	f.Add([]byte(""), body, "", "", uint8(0b0011))
	f.Add([]byte("whsec"), []byte(" \n"), "", "", uint8(0b0011))
	f.Add([]byte("k"), []byte("x"), "", "", uint8(0b0100))
	f.Fuzz(func(t *testing.T, secret, body []byte, sig1, sig2 string, mode uint8) {
		m := hmac.New(sha256.New, secret)
		m.Write(body)
		want := base64.StdEncoding.EncodeToString(m.Sum(nil))
		h := http.Header{}
		var values []string
		if mode&1 != 0 {
			v := sig1
			if mode&2 != 0 {
				v = want
			}
			h.Add(WebhookSignatureHeader, v)
			values = append(values, v)
			if mode&16 != 0 {
				h.Add(WebhookSignatureHeader, v)
				values = append(values, v)
			}
		}
		if mode&4 != 0 {
			v := sig2
			if mode&8 != 0 {
				v = want
			}
			h.Add(WebhookSignatureHeaderAlt, v)
			values = append(values, v)
		}
		// The signature as the header should carry it, give or take
		// surrounding space and line breaks (which base64 decoding skips).
		correct := func(v string) bool {
			return strings.NewReplacer("\r", "", "\n", "").Replace(strings.TrimSpace(v)) == want
		}
		duplicated := mode&1 != 0 && mode&16 != 0 // two values of one header
		allCorrect := len(values) > 0 && !duplicated
		for _, v := range values {
			allCorrect = allCorrect && correct(v)
		}
		err := VerifyWebhook(secret, body, h)
		if err == nil {
			if len(secret) == 0 || len(strings.TrimSpace(string(body))) == 0 || !allCorrect {
				t.Fatalf("accepted secret %q body %q headers %q; the HMAC is %s", secret, body, values, want)
			}
			return
		}
		if !errors.Is(err, ErrInvalidWebhook) {
			t.Fatalf("error %v does not match ErrInvalidWebhook", err)
		}
		if len(secret) > 0 && len(strings.TrimSpace(string(body))) > 0 && allCorrect {
			t.Fatalf("refused a correctly signed delivery (%q): %v", values, err)
		}
		// The message is one of the fixed reasons: it never quotes the
		// secret, the body or a signature.
		known := false
		for _, r := range []error{ErrWebhookSecretUnset, ErrWebhookEmptyBody, ErrWebhookSignatureMissing,
			ErrWebhookSignatureMalformed, ErrWebhookSignatureMismatch} {
			known = known || (errors.Is(err, r) && err.Error() == r.Error())
		}
		if !known {
			t.Fatalf("unexpected webhook error %q", err)
		}
	})
}
