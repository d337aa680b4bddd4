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

	"github.com/fingraph/fingraph/models"
)

// MarshalDecimal writes the decimal as a JSON string. Its text is digits,
// a sign, a point and perhaps an exponent, none of which JSON escapes, so
// it is written between quotes as it is: every amount of a page passes
// here, and strconv.Quote cost an allocation and a scan each.
func MarshalDecimal(d decimal.Decimal) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, `"`)
		_, _ = io.WriteString(w, d.String())
		_, _ = io.WriteString(w, `"`)
	})
}

// UnmarshalDecimal accepts a string or a json.Number (variables are decoded
// with UseNumber); it rejects floats.
func UnmarshalDecimal(v any) (decimal.Decimal, error) {
	switch x := v.(type) {
	case string:
		d, err := decimal.NewFromString(x)
		if err != nil {
			return decimal.Decimal{}, fmt.Errorf("Decimal must be a decimal number in a string, e.g. \"12.34\"")
		}
		return d, nil
	case json.Number:
		return decimal.NewFromString(string(x))
	case int, int32, int64:
		return decimal.NewFromString(fmt.Sprint(x))
	}
	return decimal.Decimal{}, fmt.Errorf("Decimal must be a string such as \"12.34\", not %T", v)
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

// UnmarshalDate reads YYYY-MM-DD.
func UnmarshalDate(v any) (models.Date, error) {
	s, ok := v.(string)
	if !ok {
		return models.Date{}, fmt.Errorf("Date must be a string YYYY-MM-DD")
	}
	return models.ParseDate(s)
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
		return "", fmt.Errorf("CurrencyCode must be an ISO 4217 code such as EUR")
	}
	return s, nil
}
