package flanks

import (
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// Fuzz secrets use no character of "[REDACTED]" brackets, spaces or
// separators, so a redacted message can only contain one if redaction failed.
const (
	fuzzSecret = "flanksCLIENTsecret9f8e7d"
	fuzzToken  = "accessTOKEN5a4b3c2d1e0f"
	// fuzzNumber is a body value no decoding error may quote.
	fuzzNumber = "73194682507319468250"
)

var fuzzNow = time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)

func fuzzClient(t testing.TB) *Client {
	c, err := NewClient("https://flanks.invalid", WithClientCredentials("client-id", fuzzSecret))
	if err != nil {
		t.Fatal(err)
	}
	c.now = func() time.Time { return fuzzNow }
	return c
}

// noSecrets fails when s holds a secret the client must redact.
func noSecrets(t *testing.T, s string) {
	t.Helper()
	for _, sec := range []string{fuzzSecret, fuzzToken} {
		if strings.Contains(s, sec) {
			t.Fatalf("error leaks a secret: %q", s)
		}
	}
}

// sameDecimal asserts d survives a JSON round trip with its value.
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
}

func fuzzSeedFile(f *testing.F, name string) {
	if b, err := os.ReadFile("testdata/" + name); err == nil {
		f.Add(b)
	}
}

// FuzzDecodeData feeds a 2xx body to the client's decoding of the accounts
// and transactions endpoints.
func FuzzDecodeData(f *testing.F) {
	fuzzSeedFile(f, "accounts.json")
	fuzzSeedFile(f, "transactions.json")
	for _, s := range []string{
		`[{"_id": "a", "balance": "12.30", "numOwners": 2, "owners": ["x", {"name": "y", "relation": "Titular"}], "updated_at_timestamp": "1710483120.5"}]`,
		`[{"_id": "t", "amount": -1.5e3, "balance": null, "operationDate": "15/03/2024", "valueDate": "2024-03", "transfer": {"payer": "p", "ibanPayer": "ES00"}}]`,
		`[{"amount": "` + fuzzNumber + `", "iban": "` + fuzzNumber + `"}]`,
		// Too large for an int: encoding/json's error carries the literal.
		`[{"numOwners": ` + fuzzNumber + `}]`, `[{"numOwners": -` + fuzzNumber + `.5}]`,
		`[{"balance": "1e10001"}]`, `[{"amount": "NaN"}]`, `[{"operationDate": "2024-02-30"}]`,
		`{"error": "PROCESSING"}`, `{"code": 20001, "message": "` + fuzzToken + `"}`,
		`{"success": false, "error": {"code": "ValidationError", "details": [{"field": "` + fuzzSecret + `", "error_type": "missing"}]}, "trace_id": "t-1"}`,
		`[`, `[1]`, `{}`, ``, `null`, `"` + fuzzNumber + `"`,
	} {
		f.Add([]byte(s))
	}
	c := fuzzClient(f)
	r := &request{method: http.MethodPost, path: "/v0/bank/credentials/data", secrets: []string{fuzzToken}}
	f.Fuzz(func(t *testing.T, body []byte) {
		res := &result{status: http.StatusOK, header: http.Header{}, body: body}
		var accounts []Account
		var txns []AccountTransaction
		for _, out := range []any{&accounts, &txns} {
			err := c.decodeSuccess(r, res, sent{token: fuzzToken}, out)
			if err == nil {
				continue
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("decode error %T %v is not an *APIError", err, err)
			}
			msg := err.Error()
			noSecrets(t, msg)
			if errors.Is(err, ErrMalformedResponse) {
				if strings.Contains(apiErr.Message, fuzzNumber) {
					t.Fatalf("malformed-response detail quotes a body value: %q", apiErr.Message)
				}
			} else if p, ok := embeddedError(body); !ok || !(p.hasError || p.code.Name() != "") {
				t.Fatalf("%v for a body that holds no embedded error", err)
			}
		}
		for _, a := range accounts {
			sameDecimal(t, "balance", a.Balance)
		}
		for _, tx := range txns {
			sameDecimal(t, "amount", tx.Amount)
			if tx.Balance.Valid {
				sameDecimal(t, "balance", tx.Balance.Decimal)
			}
			for _, d := range []Date{tx.OperationDate, tx.ValueDate} {
				checkDateRoundTrip(t, d)
			}
		}
	})
}

// checkDateRoundTrip asserts an accepted Date is written as a date that
// reads back as the same day.
func checkDateRoundTrip(t *testing.T, d Date) {
	t.Helper()
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatalf("marshal %v: %v", d.Time, err)
	}
	var back Date
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("Date %s re-reads with %v", b, err)
	}
	// Day one of year one in another zone writes as 0001-01-01, which is
	// the zero (absent) Date.
	if back.String() != d.String() && d.String() != "0001-01-01" {
		t.Fatalf("Date %q re-encoded as %s reads back as %q", d.String(), b, back.String())
	}
}

// FuzzScalars decodes one JSON value into each liberal scalar type.
func FuzzScalars(f *testing.F) {
	for _, s := range []string{
		`"2024-03-15"`, `"2024-03-15T10:00:00+02:00"`, `"2024-03-15 10:00:00"`, `"15/03/2024"`, `"2024-03"`,
		`"03/2024"`, `"03/24"`, `"0001-01-01T00:30:00+01:00"`, `""`, `null`, ` null `, `"  "`,
		`1710483120`, `"1710483120.25"`, `1710483120123`, `-1.5`, `"-0.5"`, `0`, `"0.000000001"`,
		`"1.-5"`, `1e3`, `"9999-12-31T23:59:59Z"`, `true`, `{"a": [1, "b"]}`, `[1, 2]`, `"\ud800"`, `"x`,
		// Signs of fractions, the epoch, and both sides of the seconds and
		// milliseconds boundary must round-trip.
		`"-1.5"`, `"-0"`, `"+0.5"`, `"0.0"`, `"-100000000000.5"`, `"100000000001.5"`, `-9223372036854775807.5`,
		`"12.30"`, `-0.10`, `123456789012345678.0123456789`, `"1e10000"`, `"1e10001"`, `{"name": "n", "rel": "r"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var d Date
		if err := d.UnmarshalJSON(b); err == nil && d.Valid() {
			checkDateRoundTrip(t, d)
		}
		var ts Timestamp
		if err := ts.UnmarshalJSON(b); err == nil && !ts.IsZero() {
			checkTimestamp(t, b, ts)
		}
		var fs FlexString
		if err := fs.UnmarshalJSON(b); err == nil {
			var s string
			if json.Unmarshal(b, &s) == nil && string(fs) != s {
				t.Fatalf("FlexString(%s) = %q, want %q", b, fs, s)
			}
		}
		var m StringMap
		_ = m.UnmarshalJSON(b)
		var o Owner
		_ = o.UnmarshalJSON(b)
		var dec decimal.Decimal
		if err := json.Unmarshal(b, &dec); err == nil {
			sameDecimal(t, "decimal", dec)
		}
		var tr Transfer
		_ = tr.UnmarshalJSON(b)
	})
}

// checkTimestamp asserts an accepted Timestamp is the exact value of a
// decimal number (seconds, or milliseconds past 1e11, cut at the
// nanosecond toward zero), and that MarshalJSON writes what reads back as
// the same instant.
func checkTimestamp(t *testing.T, b []byte, ts Timestamp) {
	t.Helper()
	if s, _, _ := jsonScalarString(b); decimalPattern.MatchString(s) {
		if got, want := unixNanos(ts.Time), decimalNanos(s); got.Cmp(want) != 0 {
			t.Fatalf("Timestamp(%s) = %v (%s ns), want %s ns", b, ts.Time, got, want)
		}
	}
	out, err := ts.MarshalJSON()
	if err != nil {
		t.Fatalf("Timestamp(%s) = %v does not marshal: %v", b, ts.Time, err)
	}
	var back Timestamp
	if err := back.UnmarshalJSON(out); err != nil || !back.Equal(ts.Time) || back.IsZero() {
		t.Fatalf("Timestamp %v written as %s reads back as %v (%v)", ts.Time, out, back.Time, err)
	}
}

// decimalPattern matches the plain decimal numbers Timestamp reads as Unix
// time.
var decimalPattern = regexp.MustCompile(`^[-+]?[0-9]+(\.[0-9]*)?$`)

func unixNanos(t time.Time) *big.Int {
	n := new(big.Int).Mul(big.NewInt(t.Unix()), big.NewInt(1e9))
	return n.Add(n, big.NewInt(int64(t.Nanosecond())))
}

// decimalNanos is the instant s names in nanoseconds, computed exactly:
// s is seconds, or milliseconds when its whole part is past 1e11.
func decimalNanos(s string) *big.Int {
	r, _ := new(big.Rat).SetString(s)
	unit := big.NewRat(1e9, 1)
	if whole := new(big.Int).Quo(r.Num(), r.Denom()); whole.CmpAbs(big.NewInt(maxUnixSeconds)) > 0 {
		unit = big.NewRat(1e6, 1)
	}
	r.Mul(r, unit)
	return new(big.Int).Quo(r.Num(), r.Denom()) // toward zero
}

// FuzzAPIError builds the typed error of an error answer.
func FuzzAPIError(f *testing.F) {
	for _, s := range []string{
		`{"error": "Invalid credentials_token"}`, `{"message": "` + fuzzSecret + ` is wrong", "code": 40001}`,
		`{"error": "PROCESSING"}`, `{"code": "20002.0"}`, `{"code": " sca_required "}`,
		`{"success": false, "error": {"code": 50002, "message": "bad", "details": [{"error_type": 1, "field": null}]}, "trace_id": 12}`,
		`{"error": {"message": {"nested": "` + fuzzToken + `"}}}`, `{"message": ["` + fuzzToken + `", 1]}`,
		`{"error": false}`, `{"success": "no"}`, `<html>` + fuzzSecret + `</html>`, `[]`, ``,
		`{"message": "` + strings.Repeat("é", 300) + fuzzToken + `"}`,
		// An object keeps raw bytes: a secret split by one, then truncated.
		`{"message": {"a": "` + fuzzToken[:5] + "\xff" + fuzzToken[5:] + strings.Repeat("x", 600) + `"}}`,
		`{"code": "` + fuzzSecret[:3] + "\xff" + fuzzSecret[3:] + `", "trace_id": {"t": "` + fuzzToken[:1] + "\xc3" + fuzzToken[1:] + `"}}`,
	} {
		f.Add([]byte(s), uint16(400), "")
	}
	f.Add([]byte(`{}`), uint16(429), "120")
	f.Add([]byte(`{}`), uint16(503), "Fri, 14 Mar 2025 10:00:30 GMT")
	f.Add([]byte(`{}`), uint16(401), "-5")
	f.Fuzz(func(t *testing.T, body []byte, status uint16, retryAfter string) {
		code := int(status % 600)
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		e := newAPIError(http.MethodPost, "/v0/bank/credentials/status", code, h, body, fuzzNow, []string{fuzzSecret, fuzzToken, ""})
		msg := e.Error()
		noSecrets(t, msg)
		if len(e.Message) > maxMessageLen+len("...") || len(e.TraceID) > maxMessageLen+len("...") {
			t.Fatalf("message of %d bytes", len(e.Message))
		}
		if !utf8.ValidString(msg) {
			t.Fatalf("error is not valid UTF-8: %q", msg)
		}
		if e.RetryAfter < 0 {
			t.Fatalf("negative RetryAfter %v", e.RetryAfter)
		}
		for status, sentinel := range map[int]error{401: ErrUnauthorized, 403: ErrForbidden, 404: ErrNotFound, 429: ErrRateLimited} {
			if errors.Is(e, sentinel) != (code == status) {
				t.Fatalf("status %d: errors.Is(%v) = %v", code, sentinel, !(code == status))
			}
		}
		if errors.Is(e, ErrUpstream) != (code >= 500) {
			t.Fatalf("status %d: ErrUpstream = %v", code, errors.Is(e, ErrUpstream))
		}
		if info, ok := codeInfo[e.Code]; ok && !errors.Is(e, info.err) {
			t.Fatalf("code %s does not match %v", e.Code, info.err)
		}
		_, _ = embeddedError(body)
	})
}
