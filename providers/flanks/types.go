package flanks

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// Flanks may add fields or change a scalar's JSON type at any time (seed:
// "Flanks can add fields to any endpoint"), so the scalar types below decode
// liberally: null and "" become the zero value, and numbers are read from
// their literal text, never through float64.

var errBadDate = errors.New("flanks: invalid date")

// dateLayouts are tried in order; the first is the documented "YYYY-MM-DD".
// Year-month forms (card expiry) decode as the first day of the month.
var dateLayouts = []string{
	time.DateOnly,
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	time.DateTime,
	"02/01/2006",
	"2006-01",
	"01/2006",
	"01/06",
}

// timestampLayouts are the textual forms of a Timestamp.
var timestampLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", time.DateTime}

// Date is a calendar date such as operationDate or valueDate, sent by Flanks
// as "YYYY-MM-DD" (https://docs.flanks.io/pages/data-model). It also accepts
// null, "" (zero Date), a full RFC 3339 timestamp, DD/MM/YYYY, and a year and
// month (YYYY-MM, MM/YYYY, MM/YY, as card expiry dates come) as that month's
// first day.
type Date struct {
	time.Time
}

// NewDate returns the Date for year, month and day in UTC.
func NewDate(year int, month time.Month, day int) Date {
	return Date{time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// Valid reports whether the date was present.
func (d Date) Valid() bool { return !d.IsZero() }

// String formats the date as YYYY-MM-DD, or "" when absent.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *Date) UnmarshalJSON(b []byte) error {
	s, ok, err := jsonScalarString(b)
	if err != nil || !ok {
		*d = Date{}
		return err
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			*d = Date{t}
			return nil
		}
	}
	return errBadDate
}

// MarshalJSON implements json.Marshaler, writing YYYY-MM-DD or null.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(strconv.Quote(d.String())), nil
}

// Timestamp is an instant such as updated_at_timestamp, sent by Flanks as Unix
// seconds (https://docs.flanks.io/pages/data-model). It also accepts
// fractional seconds, milliseconds, numeric strings, RFC 3339 and null.
type Timestamp struct {
	time.Time
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	s, ok, err := jsonScalarString(b)
	if err != nil || !ok {
		*t = Timestamp{}
		return err
	}
	if v, ok := parseUnix(s); ok {
		*t = Timestamp{v}
		return nil
	}
	for _, layout := range timestampLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			*t = Timestamp{v}
			return nil
		}
	}
	return errors.New("flanks: invalid timestamp")
}

// MarshalJSON implements json.Marshaler, writing Unix seconds (with their
// fraction, when there is one) or null, so that UnmarshalJSON reads back
// the same instant. Two cases are written otherwise, since their plain
// form reads as something else: the epoch as 0.0 (0 is absent), and
// instants more than 1e11 s from it in milliseconds (as such numbers are
// read). An instant whose milliseconds overflow int64 is an error.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	neg, sec, nsec, ok := unixMagnitude(t.Time)
	if !ok {
		return nil, errors.New("flanks: timestamp out of range")
	}
	return []byte(formatUnix(neg, sec, nsec)), nil
}

// unixMagnitude splits t's distance from the epoch into a sign and a
// magnitude of sec seconds and nsec nanoseconds; ok is false when its
// milliseconds do not fit an int64, as then nothing could read it back.
func unixMagnitude(t time.Time) (neg bool, sec, nsec int64, ok bool) {
	const maxSec, maxMilli = math.MaxInt64 / 1000, math.MaxInt64 % 1000
	sec, nsec = t.Unix(), int64(t.Nanosecond())
	if sec > maxSec || sec < -maxSec-1 {
		return false, 0, 0, false // also keeps -sec from overflowing
	}
	if sec < 0 {
		// t is sec + nsec/1e9 with 0 <= nsec < 1e9: negate both, then
		// borrow a second so that nsec is not negative.
		neg, sec, nsec = true, -sec, -nsec
		if nsec < 0 {
			sec, nsec = sec-1, nsec+1e9
		}
	}
	if sec > maxSec || (sec == maxSec && nsec/1e6 > maxMilli) {
		return false, 0, 0, false
	}
	return neg, sec, nsec, true
}

// formatUnix writes a magnitude of sec s and nsec ns with its sign.
func formatUnix(neg bool, sec, nsec int64) string {
	sign := ""
	if neg {
		sign = "-"
	}
	if sec > maxUnixSeconds {
		ms := sec*1000 + nsec/1e6
		return sign + strconv.FormatInt(ms, 10) + fraction(nsec%1e6, 6)
	}
	if sec == 0 && nsec == 0 {
		return "0.0" // the epoch; "0" would read as absent
	}
	return sign + strconv.FormatInt(sec, 10) + fraction(nsec, 9)
}

// fraction writes n, a count of units of 10^-digits, as ".ddd" without
// trailing zeros, or "" for 0.
func fraction(n int64, digits int) string {
	if n == 0 {
		return ""
	}
	f := strconv.FormatInt(n, 10)
	f = strings.Repeat("0", digits-len(f)) + f
	return "." + strings.TrimRight(f, "0")
}

// maxUnixSeconds is the largest magnitude read as seconds: past it (a year
// after 5138), a number is milliseconds.
const maxUnixSeconds = 100_000_000_000

// parseUnix reads "1710483120", "1710483120.25", "-1.5" or milliseconds
// without going through float64. The sign belongs to the whole value:
// "-1.5" is 1.5 s before the epoch. Parsing the sign with the whole part
// once made it -1 s + 0.5 s, and "-0.5" +0.5 s.
func parseUnix(s string) (time.Time, bool) {
	neg := strings.HasPrefix(s, "-")
	if neg || strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || !allDigits(whole) || !allDigits(frac) {
		return time.Time{}, false
	}
	mag, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	if mag == 0 && !hasFrac {
		return time.Time{}, true // 0 is absent
	}
	var sec, nsec int64
	if mag > maxUnixSeconds {
		sec, nsec = mag/1000, (mag%1000)*1e6+digitsValue(frac, 6)
	} else {
		sec, nsec = mag, digitsValue(frac, 9)
	}
	if neg {
		sec, nsec = -sec, -nsec
	}
	return time.Unix(sec, nsec).UTC(), true
}

// allDigits reports whether s holds only ASCII digits ("" does).
func allDigits(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}

// digitsValue reads the first n digits of a decimal fraction as an integer
// count of units of 10^-n, ignoring the rest (truncation toward zero).
func digitsValue(frac string, n int) int64 {
	frac = (frac + strings.Repeat("0", n))[:n]
	v, _ := strconv.ParseInt(frac, 10, 64) // n digits always parse
	return v
}

// FlexString is text that Flanks sometimes sends as a number (type codes,
// entity ids). Numbers and booleans keep their literal text, objects and
// arrays their compact JSON, and null becomes "".
type FlexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexString) UnmarshalJSON(b []byte) error {
	s, err := flexText(b)
	*f = FlexString(s)
	return err
}

// String returns the text.
func (f FlexString) String() string { return string(f) }

// StringMap is a free-form object of text values, such as the link `extra`
// parameters or an identity address. Non-string values keep their literal
// JSON text (numbers are never parsed), and null becomes "". A value that is
// not an object (say an address sent as one string) is kept whole under the
// key "value" rather than failing the response.
type StringMap map[string]string

// UnmarshalJSON implements json.Unmarshaler.
func (m *StringMap) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if isNull(b) {
		*m = nil
		return nil
	}
	if len(b) > 0 && b[0] != '{' {
		s, err := flexText(b)
		*m = StringMap{"value": s}
		return err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(StringMap, len(raw))
	for k, v := range raw {
		s, err := flexText(v)
		if err != nil {
			return err
		}
		out[k] = s
	}
	*m = out
	return nil
}

// Owner is a product holder. Plain endpoints list owners as names; /all adds
// the relation ("with relation", seed), so both a string and an object
// {name, rel} are accepted.
type Owner struct {
	// Name is the holder's name.
	Name string `json:"name"`
	// Rel is the holder relation (e.g. Titular, Autorizado), when given.
	Rel string `json:"rel,omitempty"`
}

// UnmarshalJSON implements json.Unmarshaler.
func (o *Owner) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var w struct {
			Name     string `json:"name"`
			Rel      string `json:"rel"`
			Relation string `json:"relation"`
		}
		if err := json.Unmarshal(b, &w); err != nil {
			return err
		}
		*o = Owner{Name: w.Name, Rel: cmp.Or(w.Rel, w.Relation)}
		return nil
	}
	s, err := flexText(b)
	*o = Owner{Name: s}
	return err
}

// jsonScalarString returns the text of a JSON string or number; ok is false
// for null and "".
func jsonScalarString(b []byte) (string, bool, error) {
	s, err := flexText(b)
	if err != nil {
		return "", false, err
	}
	s = strings.TrimSpace(s)
	return s, s != "", nil
}

// flexText renders any JSON value as text without parsing numbers.
func flexText(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || isNull(b):
		return "", nil
	case b[0] == '"':
		var s string
		err := json.Unmarshal(b, &s)
		return s, err
	case b[0] == '{' || b[0] == '[':
		var buf bytes.Buffer
		err := json.Compact(&buf, b)
		return buf.String(), err
	default:
		if !json.Valid(b) {
			return "", errors.New("flanks: invalid JSON value")
		}
		return string(b), nil
	}
}

func isNull(b []byte) bool { return string(bytes.TrimSpace(b)) == "null" }
