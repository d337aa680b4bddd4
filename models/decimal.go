package models

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"

	"github.com/shopspring/decimal"
	"gorm.io/gorm/schema"
)

// Money keeps the scale it was served with, end to end: a balance the
// provider sends as 2150.00 is stored, read back and answered as "2150.00",
// never "2150". shopspring's Decimal keeps the exponent it was parsed
// with, but its String, Value and MarshalJSON trim trailing zeros, so
// every place that turns a Decimal into text uses DecimalText instead, and
// every money field of the models is written through the "decimal" GORM
// serializer (tag `gorm:"serializer:decimal"`). PostgreSQL columns are
// unconstrained numeric, which keep each value's scale; SQLite columns
// are TEXT, which keep the text as written. Reading back parses that text,
// which keeps the exponent.

// DecimalSerializer is the name of the GORM serializer of money fields.
const DecimalSerializer = "decimal"

func init() {
	schema.RegisterSerializer(DecimalSerializer, decimalSerializer{})
}

// DecimalText renders d with the scale it carries: 2150.00 is "2150.00",
// -45.20 "-45.20" and 0.00 "0.00", where d.String() gives "2150", "-45.2"
// and "0". A value without decimals (exponent zero or positive) is written
// as plain digits, as String does.
func DecimalText(d decimal.Decimal) string {
	if exp := d.Exponent(); exp < 0 {
		return d.StringFixed(-exp)
	}
	return d.String()
}

// Scale is the number of decimals d carries (0 for whole numbers).
func Scale(d decimal.Decimal) int32 {
	return max(0, -d.Exponent())
}

// WithScaleAtLeast returns d with at least places decimals, adding
// trailing zeros; the value never changes and a larger scale is kept.
func WithScaleAtLeast(d decimal.Decimal, places int32) decimal.Decimal {
	if Scale(d) >= places {
		return d
	}
	return d.Round(places) // more decimals than d has: exact, zeros added
}

var (
	decimalType     = reflect.TypeOf(decimal.Decimal{})
	nullDecimalType = reflect.TypeOf(decimal.NullDecimal{})
)

// IsDecimalType reports whether t is a money field type of the models.
func IsDecimalType(t reflect.Type) bool { return t == decimalType || t == nullDecimalType }

// decimalSerializer writes decimal.Decimal and decimal.NullDecimal fields
// as DecimalText, keeping their scale, and reads them with their own
// Scan, which parses the stored text with its exponent.
type decimalSerializer struct{}

// Scan implements schema.SerializerInterface. A NULL read into a NOT NULL
// Decimal field gives zero, as no column of one is ever NULL.
func (decimalSerializer) Scan(ctx context.Context, field *schema.Field, dst reflect.Value, dbValue any) error {
	v := reflect.New(field.FieldType)
	if dbValue != nil {
		s, ok := v.Interface().(sql.Scanner)
		if !ok {
			return fmt.Errorf("models: serializer %s on %s, a %s", DecimalSerializer, field.Name, field.FieldType)
		}
		if err := s.Scan(dbValue); err != nil {
			return err
		}
	}
	field.ReflectValueOf(ctx, dst).Set(v.Elem())
	return nil
}

// Value implements schema.SerializerValuerInterface.
func (decimalSerializer) Value(_ context.Context, field *schema.Field, _ reflect.Value, fieldValue any) (any, error) {
	switch d := fieldValue.(type) {
	case decimal.Decimal:
		return DecimalText(d), nil
	case decimal.NullDecimal:
		if !d.Valid {
			return nil, nil
		}
		return DecimalText(d.Decimal), nil
	}
	return nil, fmt.Errorf("models: serializer %s on %s, a %T", DecimalSerializer, field.Name, fieldValue)
}
