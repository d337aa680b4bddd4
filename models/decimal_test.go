package models_test

import (
	"sync"
	"testing"

	"github.com/shopspring/decimal"
	"gorm.io/gorm/schema"

	"github.com/fingraph/fingraph/models"
)

func TestDecimalTextKeepsScale(t *testing.T) {
	for in, want := range map[string]string{
		"2150.00": "2150.00", "-45.20": "-45.20", "0.00": "0.00", "0": "0", "12.5": "12.5", "100": "100",
		"1E+5": "100000", "1.50E+1": "15.0", "-0.0000000001": "-0.0000000001",
		"123456789012345678.0123456780": "123456789012345678.0123456780",
	} {
		if got := models.DecimalText(decimal.RequireFromString(in)); got != want {
			t.Errorf("DecimalText(%s) = %s, want %s", in, got, want)
		}
	}
	for _, tc := range []struct {
		in     string
		places int32
		want   string
	}{{"0", 2, "0.00"}, {"10.5", 2, "10.50"}, {"10.555", 2, "10.555"}, {"7", 0, "7"}, {"1E+2", 3, "100.000"}, {"-3.1", 3, "-3.100"}} {
		got := models.WithScaleAtLeast(decimal.RequireFromString(tc.in), tc.places)
		if models.DecimalText(got) != tc.want || !got.Equal(decimal.RequireFromString(tc.in)) {
			t.Errorf("WithScaleAtLeast(%s, %d) = %s, want %s", tc.in, tc.places, models.DecimalText(got), tc.want)
		}
	}
}

func TestMinorUnits(t *testing.T) {
	for code, want := range map[string]int32{"EUR": 2, "USD": 2, "CAD": 2, "RON": 2, "JPY": 0, "KRW": 0, "KWD": 3, "CLF": 4, "XOF": 0} {
		if got, ok := models.MinorUnits(code); !ok || got != want {
			t.Errorf("MinorUnits(%s) = %d, %v; want %d", code, got, ok, want)
		}
	}
	for _, code := range []string{"XAU", "XDR", "eur", "EURO", "", "E1R"} {
		if _, ok := models.MinorUnits(code); ok {
			t.Errorf("MinorUnits(%q) is known", code)
		}
	}
}

// Every money field is written through the decimal serializer: without
// it GORM writes decimal.Decimal.Value, which trims trailing zeros.
func TestMoneyFieldsKeepScaleInStorage(t *testing.T) {
	cache := &sync.Map{}
	n := 0
	for _, m := range models.All() {
		sch, err := schema.Parse(m, cache, schema.NamingStrategy{})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range sch.Fields {
			if !models.IsDecimalType(f.FieldType) {
				continue
			}
			n++
			if f.TagSettings["SERIALIZER"] != models.DecimalSerializer || f.Serializer == nil {
				t.Errorf("%s.%s is money without `gorm:\"serializer:%s\"`", sch.Name, f.Name, models.DecimalSerializer)
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d money fields found", n)
	}
}
