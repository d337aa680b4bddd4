package store

import (
	"encoding/base64"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/models"
)

// sortCols are the kinds of keyset column fits distinguishes.
var sortCols = []string{"provider_id", "operation_date", "provider_product_id", ""}

// checkFits asserts fits accepts exactly the values its columns can hold.
func checkFits(t *testing.T, c Cursor) {
	t.Helper()
	for _, col := range sortCols {
		err := c.fits(col)
		if err != nil {
			if apperr.Code(err) != apperr.CodeBadUserInput {
				t.Fatalf("fits(%q) error %v is not bad input", col, err)
			}
			continue
		}
		for _, v := range []string{c.Sort, c.ID} {
			if len(v) > 256 || strings.IndexByte(v, 0) >= 0 || !utf8.ValidString(v) {
				t.Fatalf("fits(%q) accepted %q", col, v)
			}
		}
		if strings.HasSuffix(col, "_date") {
			if _, err := models.ParseDate(c.Sort); err != nil {
				t.Fatalf("fits(%q) accepted the non-date %q", col, c.Sort)
			}
		}
	}
}

func FuzzDecodeCursor(f *testing.F) {
	for _, c := range []Cursor{
		{Sort: "2024-06-30", ID: "6f1c2a9e-0c4b-4d7e-9a53-1b2c3d4e5f60"},
		{ID: "acct-1"},
		{Sort: "ES9121000418450200051332", ID: "x"},
		{Sort: "2024-02-30", ID: "y"},
		{Sort: "a\x00b", ID: "z"},
		{Sort: strings.Repeat("s", 257), ID: "w"},
	} {
		f.Add(c.Encode())
	}
	for _, s := range []string{
		"", "e30", "eyJpIjoiIn0", "eyJpIjpudWxsfQ", "eyJpIjoxfQ", "eyJzIjoiYSIsImkiOiJiIiwiaSI6ImMifQ",
		"eyJJIjoiYiJ9", "W10", "bnVsbA", "eyJpIjoiXHVkODAwIn0", "eyJpIjoiYSJ9====", "eyJpIjoiYSJ9\n",
		"!!!", "eyJpIjoiYSJ9+/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := DecodeCursor(s)
		if err != nil {
			if apperr.Code(err) != apperr.CodeBadUserInput || c != (Cursor{}) {
				t.Fatalf("DecodeCursor(%q) = %+v, %v: want a bad-input error", s, c, err)
			}
			if len(s) >= 4 && strings.Contains(err.Error(), s) && !strings.Contains("invalid cursor", s) {
				t.Fatalf("error quotes the cursor: %v", err)
			}
		} else {
			if c.ID == "" {
				t.Fatalf("DecodeCursor(%q) accepted an empty id", s)
			}
			// Decoded text is valid UTF-8, so it round-trips exactly.
			again, err := DecodeCursor(c.Encode())
			if err != nil || again != c {
				t.Fatalf("re-encoding %+v gave %+v, %v", c, again, err)
			}
			checkFits(t, c)
		}
		// NewPage decodes its cursors the same way.
		if s != "" {
			one := int32(1)
			p, perr := NewPage(&one, nil, &s, nil)
			if (perr == nil) != (err == nil) || (perr == nil && *p.After != c) {
				t.Fatalf("NewPage(after=%q) = %+v, %v; DecodeCursor gave %+v, %v", s, p, perr, c, err)
			}
		}
	})
}

func FuzzCursorRoundTrip(f *testing.F) {
	f.Add("2024-06-30", "6f1c2a9e-0c4b-4d7e-9a53-1b2c3d4e5f60")
	f.Add("", "id")
	f.Add("a\"b\\c</script>", "\u2028")
	f.Add("\xff\xfe", "\x00")
	f.Add("x", "")
	f.Fuzz(func(t *testing.T, sort, id string) {
		c := Cursor{Sort: sort, ID: id}
		enc := c.Encode()
		if _, err := base64.RawURLEncoding.Strict().DecodeString(enc); err != nil {
			t.Fatalf("Encode gave non-canonical base64 %q", enc)
		}
		got, err := DecodeCursor(enc)
		if id == "" {
			if err == nil {
				t.Fatalf("a cursor without id decoded: %+v", got)
			}
			return
		}
		if err != nil {
			t.Fatalf("DecodeCursor(Encode(%+v)): %v", c, err)
		}
		if utf8.ValidString(sort) && utf8.ValidString(id) && got != c {
			t.Fatalf("round trip of %+v gave %+v", c, got)
		}
		if !utf8.ValidString(got.Sort) || !utf8.ValidString(got.ID) {
			t.Fatalf("decoded invalid UTF-8: %+v", got)
		}
		checkFits(t, got)
	})
}
