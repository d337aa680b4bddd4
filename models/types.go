package models

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Date is a calendar date without time or zone ("2024-03-14"). It is
// stored as DATE on PostgreSQL and as ISO text on SQLite, where text
// order is date order, so range filters work the same on both.
type Date struct{ time.Time }

// DateOf truncates t to its UTC calendar day.
func DateOf(t time.Time) Date {
	y, m, d := t.UTC().Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// ParseDate parses "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, errors.New("models: invalid date") // never quotes client input
	}
	return Date{t}, nil
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string { return d.Format(time.DateOnly) }

// Value implements driver.Valuer.
func (d Date) Value() (driver.Value, error) { return d.String(), nil }

// Scan implements sql.Scanner for DATE, timestamp and text columns.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*d = DateOf(v)
		return nil
	case string:
		return d.parse(v)
	case []byte:
		return d.parse(string(v))
	}
	return fmt.Errorf("models: cannot scan %T into Date", src)
}

func (d *Date) parse(s string) error {
	if len(s) > 10 {
		s = s[:10]
	}
	p, err := ParseDate(s)
	*d = p
	return err
}

// JSON is a raw JSON document stored as jsonb (PostgreSQL) or text
// (SQLite), for provider fields whose shape the provider owns.
type JSON json.RawMessage

// Value implements driver.Valuer; an empty document is stored as NULL.
func (j JSON) Value() (driver.Value, error) {
	if len(j) == 0 {
		return nil, nil
	}
	return string(j), nil
}

// Scan implements sql.Scanner.
func (j *JSON) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*j = nil
	case string:
		*j = JSON(v)
	case []byte:
		*j = JSON(bytes.Clone(v))
	default:
		return fmt.Errorf("models: cannot scan %T into JSON", src)
	}
	return nil
}

// MarshalJSON emits the document as is (null when empty).
func (j JSON) MarshalJSON() ([]byte, error) {
	if len(j) == 0 {
		return []byte("null"), nil
	}
	return j, nil
}

// StringList is a list of strings stored as a JSON array.
type StringList []string

// Value implements driver.Valuer.
func (l StringList) Value() (driver.Value, error) {
	if l == nil {
		return "[]", nil
	}
	b, err := json.Marshal([]string(l))
	return string(b), err
}

// Scan implements sql.Scanner.
func (l *StringList) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		*l = nil
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("models: cannot scan %T into StringList", src)
	}
	return json.Unmarshal(b, (*[]string)(l))
}
