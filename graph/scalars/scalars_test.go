package scalars

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/models"
)

func TestMarshalJSONCompactsAndRefusesInvalid(t *testing.T) {
	for in, want := range map[string]string{
		`{"MTD": 0.0245, "risk": null}`: `{"MTD":0.0245,"risk":null}`, // PostgreSQL jsonb text
		`[1, 2]`:                        `[1,2]`,
		``:                              `null`,
		`{"unterminated": `:             `null`,
	} {
		var buf bytes.Buffer
		MarshalJSON(models.JSON(in)).MarshalGQL(&buf)
		if buf.String() != want {
			t.Errorf("MarshalJSON(%q) = %s, want %s", in, buf.String(), want)
		}
	}
}

// The fast writers must give exactly what strconv.Quote of the value's
// text gives, for every shape of value.
func TestMarshalDecimalAndDateQuoteLikeStrconv(t *testing.T) {
	for _, s := range []string{"0", "-0.5", "12.34", "1000", "-1234567890123456789012.000100", "1E+5", "0.00001"} {
		d := decimal.RequireFromString(s)
		var buf bytes.Buffer
		MarshalDecimal(d).MarshalGQL(&buf)
		if want := strconv.Quote(models.DecimalText(d)); buf.String() != want {
			t.Errorf("MarshalDecimal(%s) = %s, want %s", s, buf.String(), want)
		}
	}
	for _, s := range []string{"2026-11-21", "0001-01-01", "9999-12-31"} {
		d, err := models.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		MarshalDate(d).MarshalGQL(&buf)
		if want := strconv.Quote(d.String()); buf.String() != want {
			t.Errorf("MarshalDate(%s) = %s, want %s", s, buf.String(), want)
		}
	}
}

// Money is answered with the scale it was served with: trailing zeros are
// part of the amount a client shows. Null decimals write the same text.
func TestMarshalDecimalKeepsScale(t *testing.T) {
	for in, want := range map[string]string{
		"2150.00": `"2150.00"`, "-45.20": `"-45.20"`, "0.00": `"0.00"`, "0": `"0"`, "12.5": `"12.5"`,
		"-0.0000000001": `"-0.0000000001"`, "1E+5": `"100000"`, "1.50E+1": `"15.0"`, "2150": `"2150"`,
		"123456789012345678.0123456780": `"123456789012345678.0123456780"`,
	} {
		d, err := UnmarshalDecimal(in)
		if err != nil {
			t.Fatalf("UnmarshalDecimal(%q): %v", in, err)
		}
		var buf bytes.Buffer
		MarshalDecimal(d).MarshalGQL(&buf)
		if buf.String() != want {
			t.Errorf("MarshalDecimal(%s) = %s, want %s", in, buf.String(), want)
		}
		buf.Reset()
		MarshalNullDecimal(decimal.NullDecimal{Decimal: d, Valid: true}).MarshalGQL(&buf)
		if buf.String() != want {
			t.Errorf("MarshalNullDecimal(%s) = %s, want %s", in, buf.String(), want)
		}
	}
}
