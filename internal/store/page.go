package store

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/models"
)

// Page sizes of Relay connections.
const (
	DefaultPageSize = 50
	MaxPageSize     = 100
)

// Cursor is a keyset position: the row's sort value and id.
type Cursor struct {
	Sort string `json:"s,omitempty"`
	ID   string `json:"i"`
}

// Encode returns the opaque cursor string clients pass back.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor parses a cursor from Encode; anything else is bad input.
func DecodeCursor(s string) (Cursor, error) {
	var c Cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || c.ID == "" {
		return Cursor{}, apperr.Invalid("invalid cursor")
	}
	return c, nil
}

// fits checks a decoded cursor's values against the columns they are
// compared with: a forged cursor carrying a value its column cannot hold
// (a non-date for a date, a NUL byte for PostgreSQL text) is bad input,
// not a database error.
func (c Cursor) fits(sortCol string) error {
	for _, v := range []string{c.Sort, c.ID} {
		if len(v) > 256 || strings.IndexByte(v, 0) >= 0 || !utf8.ValidString(v) {
			return apperr.Invalid("invalid cursor")
		}
	}
	if strings.HasSuffix(sortCol, "_date") {
		if _, err := models.ParseDate(c.Sort); err != nil {
			return apperr.Invalid("invalid cursor")
		}
	}
	return nil
}

// Page is a validated Relay pagination request: first/after pages forward,
// last/before backward.
type Page struct {
	Size     int
	Backward bool
	After    *Cursor
	Before   *Cursor
}

// NewPage validates Relay arguments: first and last are 1..100, not both;
// neither means the first DefaultPageSize items.
func NewPage(first, last *int32, after, before *string) (Page, error) {
	if first != nil && last != nil {
		return Page{}, apperr.Invalid("pass either first or last, not both")
	}
	p := Page{Size: DefaultPageSize}
	for _, n := range []*int32{first, last} {
		if n != nil && (*n < 1 || *n > MaxPageSize) {
			return Page{}, apperr.Invalid("first and last must be between 1 and %d", MaxPageSize)
		}
	}
	switch {
	case first != nil:
		p.Size = int(*first)
	case last != nil:
		p.Size, p.Backward = int(*last), true
	}
	var err error
	if p.After, err = decodeOptional(after); err != nil {
		return Page{}, err
	}
	if p.Before, err = decodeOptional(before); err != nil {
		return Page{}, err
	}
	return p, nil
}

func decodeOptional(s *string) (*Cursor, error) {
	if s == nil || *s == "" {
		return nil, nil
	}
	c, err := DecodeCursor(*s)
	return &c, err
}

// Key identifies a page request for batching: every parent asking for the
// same page shape is served by one query.
func (p Page) Key() string {
	b, _ := json.Marshal(p)
	return string(b)
}

// Conn is one parent's page of rows.
type Conn[T any] struct {
	Rows            []T
	HasNextPage     bool
	HasPreviousPage bool
	// TotalCount is the number of rows, counted up to CountCap; when
	// TotalCountIsExact is false there are more than CountCap rows and
	// TotalCount is CountCap.
	TotalCount        int
	TotalCountIsExact bool

	// cursorOf encodes lazily: most queries read no cursor, or only the
	// page's first and last, so encoding one per row would be wasted.
	cursorOf func(*T) Cursor
}

// Cursor returns the opaque cursor of row i.
func (c *Conn[T]) Cursor(i int) string {
	return c.cursorOf(&c.Rows[i]).Encode()
}

// StartCursor returns the first row's cursor, or nil on an empty page.
func (c *Conn[T]) StartCursor() *string {
	if len(c.Rows) == 0 {
		return nil
	}
	s := c.Cursor(0)
	return &s
}

// EndCursor returns the last row's cursor, or nil on an empty page.
func (c *Conn[T]) EndCursor() *string {
	if len(c.Rows) == 0 {
		return nil
	}
	s := c.Cursor(len(c.Rows) - 1)
	return &s
}
