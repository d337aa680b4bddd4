// Package scalars implements fingraph's custom GraphQL scalars. Money is
// exact: Decimal travels as a string, and float inputs are refused because
// a literal like 1.1 has already lost precision when it arrives as float64.
package scalars

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/models"
)

// MarshalDecimal writes the decimal as a JSON string with the scale it
// carries: money is shown as the provider served it, so 2150.00 is
// "2150.00" and -45.20 "-45.20", never trimmed as d.String() would
// (models.DecimalText). Its text is digits, a sign and a point, none of
// which JSON escapes, so it is written between quotes as it is: every
// amount of a page passes here, and strconv.Quote cost an allocation and a
// scan each.
func MarshalDecimal(d decimal.Decimal) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, `"`)
		_, _ = io.WriteString(w, models.DecimalText(d))
		_, _ = io.WriteString(w, `"`)
	})
}

// Bounds of a Decimal input: money needs far less, and a value such as
// "1e999999999" parses into a number whose text is a gigabyte.
const (
	maxDecimalText     = 64
	maxDecimalExponent = 40
)

// UnmarshalDecimal accepts a string or a json.Number (variables are decoded
// with UseNumber); it rejects floats. Errors are client errors that never
// quote the value.
func UnmarshalDecimal(v any) (decimal.Decimal, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = string(x)
	case int, int32, int64:
		s = fmt.Sprint(x)
	default:
		return decimal.Decimal{}, apperr.Invalid("Decimal must be a string such as \"12.34\", not %s", kindOf(v))
	}
	if len(s) > maxDecimalText {
		return decimal.Decimal{}, apperr.Invalid("Decimal must have at most %d characters", maxDecimalText)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, apperr.Invalid("Decimal must be a decimal number in a string, e.g. \"12.34\"")
	}
	if e := d.Exponent(); e > maxDecimalExponent || e < -maxDecimalExponent {
		return decimal.Decimal{}, apperr.Invalid("Decimal is out of range")
	}
	return d, nil
}

// kindOf names the JSON kind of an input value, for messages.
func kindOf(v any) string {
	switch v.(type) {
	case float32, float64:
		return "a float (send it as a string)"
	case bool:
		return "a boolean"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case nil:
		return "null"
	}
	return "another type"
}

// MarshalNullDecimal writes null or the decimal as a JSON string.
func MarshalNullDecimal(d decimal.NullDecimal) graphql.Marshaler {
	if !d.Valid {
		return graphql.Null
	}
	return MarshalDecimal(d.Decimal)
}

// UnmarshalNullDecimal is UnmarshalDecimal for nullable inputs.
func UnmarshalNullDecimal(v any) (decimal.NullDecimal, error) {
	if v == nil {
		return decimal.NullDecimal{}, nil
	}
	d, err := UnmarshalDecimal(v)
	return decimal.NullDecimal{Decimal: d, Valid: err == nil}, err
}

// MarshalDate writes YYYY-MM-DD.
func MarshalDate(d models.Date) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		var buf [16]byte // "YYYY-MM-DD" with its quotes; no escaping needed
		b := append(buf[:0], '"')
		b = d.AppendFormat(b, time.DateOnly)
		_, _ = w.Write(append(b, '"'))
	})
}

// UnmarshalDate reads YYYY-MM-DD; errors never quote the value.
func UnmarshalDate(v any) (models.Date, error) {
	s, ok := v.(string)
	if !ok || len(s) != len(time.DateOnly) {
		return models.Date{}, apperr.Invalid("Date must be a string YYYY-MM-DD")
	}
	d, err := models.ParseDate(s)
	if err != nil {
		return models.Date{}, apperr.Invalid("Date must be a valid date YYYY-MM-DD")
	}
	return d, nil
}

// MarshalJSON writes a provider-owned JSON document compacted, so that
// the answer does not depend on how the database stores it (PostgreSQL's
// jsonb adds spaces, SQLite keeps the text). The response writer splices
// the data in unchecked, so a document that is not valid JSON becomes
// null here rather than breaking the whole response.
func MarshalJSON(j models.JSON) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		b, _ := j.MarshalJSON()
		var buf bytes.Buffer
		if err := json.Compact(&buf, b); err != nil {
			_, _ = io.WriteString(w, "null")
			return
		}
		_, _ = buf.WriteTo(w)
	})
}

// UnmarshalJSON accepts any JSON value.
func UnmarshalJSON(v any) (models.JSON, error) {
	b, err := json.Marshal(v)
	return models.JSON(b), err
}

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// MarshalCurrencyCode writes the ISO 4217 code.
func MarshalCurrencyCode(s string) graphql.Marshaler { return graphql.MarshalString(s) }

// UnmarshalCurrencyCode accepts three upper-case letters.
func UnmarshalCurrencyCode(v any) (string, error) {
	s, ok := v.(string)
	if !ok || !currencyCode.MatchString(s) {
		return "", apperr.Invalid("CurrencyCode must be an ISO 4217 code such as EUR")
	}
	return s, nil
}
