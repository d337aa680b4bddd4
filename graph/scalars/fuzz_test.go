package scalars

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/internal/apperr"
)

// render writes a marshaler into a byte slice.
func render(m graphql.Marshaler) []byte {
	var buf bytes.Buffer
	m.MarshalGQL(&buf)
	return buf.Bytes()
}

// fixedTexts are the messages of refusals of inputs the fuzzer does not
// control: an input that is part of them is not "quoted" by a refusal.
var fixedTexts = func() string {
	var b strings.Builder
	for _, v := range []any{1.5, true, nil, map[string]any{}, []any{}, "x", strings.Repeat("1", 65), "1e99", "2024-02-30", "eur"} {
		for _, fn := range []func(any) error{
			func(v any) error { _, err := UnmarshalDecimal(v); return err },
			func(v any) error { _, err := UnmarshalDate(v); return err },
			func(v any) error { _, err := UnmarshalCurrencyCode(v); return err },
		} {
			if err := fn(v); err != nil {
				b.WriteString(err.Error() + "\n")
			}
		}
	}
	return b.String()
}()

// checkRefusal asserts err is a client error whose message never quotes
// the input s.
func checkRefusal(t *testing.T, name, s string, err error) {
	t.Helper()
	code, msg, _ := apperr.Classify(err)
	if code != apperr.CodeBadUserInput {
		t.Fatalf("%s(%q): error %v is %s, want %s", name, s, err, code, apperr.CodeBadUserInput)
	}
	for _, text := range []string{err.Error(), msg} {
		if len(s) >= 4 && strings.Contains(text, s) && !strings.Contains(fixedTexts, s) {
			t.Fatalf("%s(%q): error quotes the input: %s", name, s, text)
		}
	}
}

func FuzzUnmarshalDecimal(f *testing.F) {
	for _, s := range []string{
		"12.34", "-0.01", "0", "1e40", "1e41", "1e-40", "1.5e-40", "1e-41", "+7", "\u22125", ".5", "5.",
		"1_000", "0x10", "NaN", "Inf", "1e999999999", "12.34.56", "1ee2", "", " 1", "1 ",
		strings.Repeat("9", 64), strings.Repeat("9", 65), "1e+40", "-.5e-3", "1e-2147483648",
		"1234567890123456789012345678901234567890.1234567890123456789012",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, v := range []any{s, json.Number(s)} {
			d, err := UnmarshalDecimal(v)
			if err != nil {
				checkRefusal(t, "UnmarshalDecimal", s, err)
				continue
			}
			if len(s) > maxDecimalText || d.Exponent() > maxDecimalExponent || d.Exponent() < -maxDecimalExponent {
				t.Fatalf("UnmarshalDecimal(%q) accepted %s (exponent %d)", s, d, d.Exponent())
			}
			// The output is a JSON string holding the same number.
			out := render(MarshalDecimal(d))
			var text string
			if err := json.Unmarshal(out, &text); err != nil {
				t.Fatalf("MarshalDecimal(%q) wrote invalid JSON %s", s, out)
			}
			back, err := UnmarshalDecimal(text)
			if err != nil && len(text) <= maxDecimalText {
				t.Fatalf("UnmarshalDecimal refuses its own output %s: %v", out, err)
			}
			if back2, err2 := decimal.NewFromString(text); err2 != nil || !back2.Equal(d) || (err == nil && !back.Equal(d)) {
				t.Fatalf("MarshalDecimal(%q) = %s reads back as %s", s, out, back2)
			}
			null := render(MarshalNullDecimal(decimal.NullDecimal{Decimal: d, Valid: true}))
			if !bytes.Equal(null, out) {
				t.Fatalf("MarshalNullDecimal wrote %s, MarshalDecimal %s", null, out)
			}
		}
	})
}

func FuzzUnmarshalDate(f *testing.F) {
	for _, s := range []string{
		"2024-02-29", "2023-02-29", "0000-01-01", "9999-12-31", "2024-1-01", "2024-01-1", "24-01-01",
		"2024/01/01", "2024-13-01", "2024-00-10", "2024-01-32", "+024-01-01", "2024-01-01T00:00:00Z",
		"", "2024-01-0\x00", "２０２４-01-01",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := UnmarshalDate(s)
		if err != nil {
			checkRefusal(t, "UnmarshalDate", s, err)
			return
		}
		// An accepted date is written back exactly as it was sent.
		out := render(MarshalDate(d))
		var text string
		if err := json.Unmarshal(out, &text); err != nil || text != s {
			t.Fatalf("UnmarshalDate(%q) is written back as %s (%v)", s, out, err)
		}
		if _, err := UnmarshalDate(text); err != nil {
			t.Fatalf("UnmarshalDate refuses its own output %s", out)
		}
	})
}

func FuzzUnmarshalCurrencyCode(f *testing.F) {
	for _, s := range []string{"EUR", "eur", "EU", "EURO", "EUR\n", "\nEUR", "ÉUR", "E\x00R", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := UnmarshalCurrencyCode(s)
		if err != nil {
			checkRefusal(t, "UnmarshalCurrencyCode", s, err)
			return
		}
		if c != s || len(c) != 3 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			t.Fatalf("UnmarshalCurrencyCode(%q) accepted %q", s, c)
		}
		out := render(MarshalCurrencyCode(c))
		var text string
		if err := json.Unmarshal(out, &text); err != nil || text != c {
			t.Fatalf("MarshalCurrencyCode(%q) wrote %s", c, out)
		}
	})
}

func FuzzUnmarshalJSON(f *testing.F) {
	for _, s := range []string{
		`{"a": [1, 2.50, "x"], "b": null}`, `"text"`, `12345678901234567890.5`, `[]`, `true`, `null`,
		`{"<tag>": "&amp;\u2028"}`, `{"a":`, `"\ud800"`, "\"\xff\"", ``, `not json`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// A string variable, as given.
		j, err := UnmarshalJSON(s)
		if err != nil {
			t.Fatalf("UnmarshalJSON(%q): %v", s, err)
		}
		out := render(MarshalJSON(j))
		var text string
		if err := json.Unmarshal(out, &text); err != nil {
			t.Fatalf("UnmarshalJSON(%q) then MarshalJSON wrote %s", s, out)
		}
		if utf8.ValidString(s) && text != s {
			t.Fatalf("string %q came back as %q", s, text)
		}
		// Any JSON document, as variables are decoded (numbers as json.Number).
		dec := json.NewDecoder(strings.NewReader(s))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) != nil {
			return
		}
		j, err = UnmarshalJSON(v)
		if err != nil {
			t.Fatalf("UnmarshalJSON(decoded %q): %v", s, err)
		}
		out = render(MarshalJSON(j))
		if !json.Valid(out) {
			t.Fatalf("MarshalJSON wrote invalid JSON %s for %q", out, s)
		}
		var w1, w2 any
		d1 := json.NewDecoder(bytes.NewReader(out))
		d1.UseNumber()
		if err := d1.Decode(&w1); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(v)
		d2 := json.NewDecoder(bytes.NewReader(b))
		d2.UseNumber()
		if err := d2.Decode(&w2); err != nil {
			t.Fatal(err)
		}
		if string(mustMarshal(t, w1)) != string(mustMarshal(t, w2)) {
			t.Fatalf("document %q came back as %s", s, out)
		}
	})
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
