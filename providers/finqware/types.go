package finqware

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Time is a Finqware timestamp or date. It decodes RFC 3339 ("2024-03-15T08:00:12Z"),
// the naive form of the balances API ("2020-01-29T07:31:51.689168", read as UTC,
// https://docs.finqware.com/api/balances), the same with a space instead of "T", and
// a date alone ("2024-03-14", midnight UTC). null and "" give the zero Time.
type Time struct {
	time.Time
}

var errBadTime = errors.New("finqware: invalid timestamp")

// timeLayouts are tried in order; layouts without a zone parse as UTC.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	time.DateOnly,
}

// ParseTime parses s with the layouts of Time.
func ParseTime(s string) (Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Time{}, nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return Time{t}, nil
		}
	}
	return Time{}, errBadTime
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*t = Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errBadTime
	}
	v, err := ParseTime(s)
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// MarshalJSON implements json.Marshaler: RFC 3339 in UTC, or null.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(strconv.Quote(t.UTC().Format(time.RFC3339Nano))), nil
}

// Ptr returns a pointer to the time, or nil when t is zero.
func (t Time) Ptr() *time.Time {
	if t.IsZero() {
		return nil
	}
	v := t.Time
	return &v
}

// CreditDebit is the credit_debit_indicator of an amount: amounts are always
// positive strings and the sign lives here (https://docs.finqware.com/api/accounts).
type CreditDebit string

// The documented indicators.
const (
	Credit CreditDebit = "credit"
	Debit  CreditDebit = "debit"
)

// IsDebit reports a debit indicator ("debit", or the ISO 20022 "DBIT"), in any case.
func (c CreditDebit) IsDebit() bool {
	return strings.EqualFold(string(c), "debit") || strings.EqualFold(string(c), "dbit")
}

// Signed returns amount with the sign of c: negated for a debit, as served
// otherwise. The scale is kept: "42.10" debit gives -42.10 (StringFixed via
// FormatAmount shows "-42.10").
func (c CreditDebit) Signed(amount decimal.Decimal) decimal.Decimal {
	if c.IsDebit() {
		return amount.Abs().Neg()
	}
	return amount
}

// FormatAmount renders d with the scale it was decoded with ("42.10" stays
// "42.10", where decimal.Decimal.String would give "42.1").
func FormatAmount(d decimal.Decimal) string {
	if exp := d.Exponent(); exp < 0 {
		return d.StringFixed(-exp)
	}
	return d.String()
}

// formatFilterTime renders a filter datetime: RFC 3339 in UTC, at most
// microseconds (Finqware's timestamps have microseconds).
func formatFilterTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.999999Z07:00")
}
