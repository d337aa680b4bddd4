package flanks

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
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

// MarshalJSON implements json.Marshaler, writing Unix seconds or null.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatInt(t.Unix(), 10)), nil
}

// parseUnix reads "1710483120", "1710483120.25" or milliseconds without
// going through float64.
func parseUnix(s string) (time.Time, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	secs, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	if secs == 0 && frac == "" {
		return time.Time{}, true
	}
	// Values past year 5000 in seconds are milliseconds.
	if secs > 100_000_000_000 || secs < -100_000_000_000 {
		return time.UnixMilli(secs).UTC(), true
	}
	var nanos int64
	if frac != "" {
		frac = (frac + "000000000")[:9]
		n, err := strconv.ParseInt(frac, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		nanos = n
	}
	return time.Unix(secs, nanos).UTC(), true
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
