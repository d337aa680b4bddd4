package finqware

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fingraph/fingraph/providers/internal/httpx"
)

// pan is a card-number-like value too large for any integer field.
const pan = "4111111111111111111111"

// TestDecodeErrorNeverQuotesValues is the regression test of a number too
// large for its field: encoding/json names it "number <literal>", and the
// malformed-response message quoted that literal.
func TestDecodeErrorNeverQuotesValues(t *testing.T) {
	c := &Client{now: func() time.Time { return fuzzNow }}
	r := call{label: "/steps/{step_id}/upload", path: "/steps/s/upload"}
	res := &httpx.Response{Status: http.StatusOK, Header: http.Header{}, Body: []byte(`{"upload_id": "u", "size": ` + pan + `}`)}
	var out UploadResult
	err := c.finish(r, res, nil, &out)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, ErrMalformedResponse) {
		t.Fatalf("finish = %v, want a malformed response", err)
	}
	if want := `JSON number cannot decode into field "size"`; apiErr.Message != want {
		t.Fatalf("message %q, want %q", apiErr.Message, want)
	}
}

// TestDescribeDecodeError checks every shape of type error keeps only the
// JSON type and field path.
func TestDescribeDecodeError(t *testing.T) {
	var v struct {
		Small int8            `json:"small"`
		Count uint            `json:"count"`
		Keys  map[int]bool    `json:"keys"`
		Quote int             `json:"quoted,string"`
		Name  string          `json:"name"`
		Inner struct{ N int } `json:"inner"`
	}
	for body, want := range map[string]string{
		`{"small": ` + pan + `}`:          `JSON number cannot decode into field "small"`,
		`{"count": -` + pan + `}`:         `JSON number cannot decode into field "count"`,
		`{"keys": {"` + pan + `": true}}`: `JSON number cannot decode into field "keys"`,
		`{"quoted": "` + pan + `"}`:       `JSON number cannot decode into field "quoted"`,
		`{"inner": {"N": 1.` + pan + `}}`: `JSON number cannot decode into field "inner.N"`,
		`{"name": ` + pan + `}`:           `JSON number cannot decode into field "name"`,
		`{"name": ["` + pan + `"]}`:       `JSON array cannot decode into field "name"`,
	} {
		err := json.Unmarshal([]byte(body), &v)
		if err == nil {
			t.Fatalf("%s decoded", body)
		}
		if got := describeDecodeError(err); got != want || strings.Contains(got, pan[:8]) {
			t.Errorf("%s: %q, want %q", body, got, want)
		}
	}
	custom := &json.UnmarshalTypeError{Value: "secret " + pan, Type: reflect.TypeFor[int](), Field: "f"}
	if got := describeDecodeError(custom); got != `JSON value cannot decode into field "f"` {
		t.Errorf("custom type error: %q", got)
	}
}
