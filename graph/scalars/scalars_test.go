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
// String gave before, for every shape of value.
func TestMarshalDecimalAndDateQuoteLikeStrconv(t *testing.T) {
	for _, s := range []string{"0", "-0.5", "12.34", "1000", "-1234567890123456789012.000100", "1E+5", "0.00001"} {
		d := decimal.RequireFromString(s)
		var buf bytes.Buffer
		MarshalDecimal(d).MarshalGQL(&buf)
		if want := strconv.Quote(d.String()); buf.String() != want {
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
