package gqlhttp

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// decodedGET returns the parameters GET decodes from rawQuery, or nil
// with the answer's status when it refuses them.
func decodedGET(rawQuery string) (*graphql.RawParams, int) {
	r := httptest.NewRequest(http.MethodGet, "/graphql", nil)
	r.URL.RawQuery = rawQuery
	rec := httptest.NewRecorder()
	exec := &recordingExecutor{}
	GET{}.Do(rec, r, exec)
	return exec.params, rec.Code
}

// decodedPOST returns the parameters POST decodes from body, or nil with
// the answer's status when it refuses them.
func decodedPOST(body string) (*graphql.RawParams, int) {
	r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	r.Header.Set("Content-Type", MediaTypeJSON)
	rec := httptest.NewRecorder()
	exec := &recordingExecutor{}
	POST{}.Do(rec, r, exec)
	return exec.params, rec.Code
}

// TestGETAcceptsWhatPOSTAccepts is the regression test of GET refusing
// text whose strconv.Quote escapes are not JSON (control characters, DEL,
// non-printable runes, invalid UTF-8): the same query and operationName
// must decode alike from a URL and from a JSON body.
func TestGETAcceptsWhatPOSTAccepts(t *testing.T) {
	for _, text := range []string{
		"{ a }#\x7f", "\x07", "\x00", "\v", "q\xff", "q\U000e0001", "é\u2028\"\\</script>",
	} {
		get, status := decodedGET(url.Values{"query": {text}, "operationName": {text}}.Encode())
		if get == nil {
			t.Errorf("GET refused %q with %d", text, status)
			continue
		}
		body, _ := json.Marshal(map[string]string{"query": text, "operationName": text})
		post, status := decodedPOST(string(body))
		if post == nil {
			t.Fatalf("POST refused %q with %d", text, status)
		}
		if get.Query != post.Query || get.OperationName != post.OperationName {
			t.Errorf("%q: GET decoded %q/%q, POST %q/%q", text, get.Query, get.OperationName, post.Query, post.OperationName)
		}
	}
}

// TestGETInvalidUTF8 checks invalid UTF-8 in a URL decodes as the same raw
// bytes do inside a POST body's JSON string.
func TestGETInvalidUTF8(t *testing.T) {
	for _, text := range []string{"q\xff", "q\xe2\x80", "\xc0\xafq", "q\xed\xa0\x80"} {
		get, _ := decodedGET("query=" + url.QueryEscape(text))
		post, _ := decodedPOST(`{"query": "` + text + `"}`)
		if get == nil || post == nil || get.Query != post.Query {
			t.Errorf("%q: GET decoded %+v, POST %+v", text, get, post)
		}
	}
}

// TestGETRawQuery pins the fuzz-found URLs.
func TestGETRawQuery(t *testing.T) {
	for rawQuery, want := range map[string][2]string{
		"query=%7B+a+%7D%23%7F":        {"{ a }#\x7f", ""},
		"query=q&operationName=%07":    {"q", "\a"},
		"query=q%FF":                   {"q\uFFFD", ""},
		"query=q&operationName=%E2%80": {"q", "\uFFFD\uFFFD"}, // one per byte, as in a JSON body
	} {
		p, status := decodedGET(rawQuery)
		if p == nil {
			t.Errorf("GET ?%s refused with %d", rawQuery, status)
			continue
		}
		if p.Query != want[0] || p.OperationName != want[1] {
			t.Errorf("GET ?%s decoded %q/%q, want %q/%q", rawQuery, p.Query, p.OperationName, want[0], want[1])
		}
	}
}
