package playground

import (
	"crypto/sha256"
	"encoding/base64"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"

	gqlplayground "github.com/99designs/gqlgen/graphql/playground"
)

var (
	tagRe  = regexp.MustCompile(`(?s)<(script|link)\b[^>]*>`)
	attrRe = regexp.MustCompile(`(?s)\b(src|href|integrity)="([^"]*)"`)
)

// resource is one <script src> or <link href> of a page.
type resource struct {
	url, integrity string
}

func resources(t *testing.T, page string) []resource {
	t.Helper()
	var out []resource
	for _, tag := range tagRe.FindAllString(page, -1) {
		var r resource
		for _, m := range attrRe.FindAllStringSubmatch(tag, -1) {
			switch m[1] {
			case "src", "href":
				r.url = html.UnescapeString(m[2])
			case "integrity":
				r.integrity = html.UnescapeString(m[2])
			}
		}
		if r.url != "" {
			out = append(out, r)
		}
	}
	return out
}

func get(t *testing.T, h http.Handler, method, target string, hdr map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func renderPage(t *testing.T, opts Options) string {
	t.Helper()
	res := get(t, Handler("/graphql", opts), http.MethodGet, "/", nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("page status %d", res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("page content type %q", ct)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("page Cache-Control %q, want no-store", cc)
	}
	return body(t, res)
}

func sri(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

func TestPageLoadsOnlyLocalAssetsWithMatchingIntegrity(t *testing.T) {
	page := renderPage(t, Options{})
	for _, bad := range []string{"https://", "http://", "cdn.jsdelivr", "//cdn", "unpkg"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if strings.Contains(page, "GraphiQLPluginExplorer") {
		t.Error("explorer plugin is enabled; its CSS exists only on the CDN")
	}

	res := resources(t, page)
	if len(res) != 4 {
		t.Fatalf("want 4 script/link resources, got %d: %+v", len(res), res)
	}
	seen := map[string]bool{}
	for _, r := range res {
		if !strings.HasPrefix(r.url, AssetPrefix) {
			t.Errorf("resource %q is not under %s", r.url, AssetPrefix)
			continue
		}
		if r.integrity == "" {
			t.Errorf("resource %q has no integrity attribute", r.url)
		}
		ar := get(t, Assets(), http.MethodGet, r.url, nil)
		if ar.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d", r.url, ar.StatusCode)
			continue
		}
		if got := sri([]byte(body(t, ar))); got != r.integrity {
			t.Errorf("%s: integrity %q, served bytes hash to %q", r.url, r.integrity, got)
		}
		seen[path.Base(r.url)] = true
	}
	for _, name := range []string{"graphiql.min.js", "graphiql.min.css", "react.production.min.js", "react-dom.production.min.js"} {
		if !seen[name] {
			t.Errorf("page does not load %s", name)
		}
	}
}

// The vendored files must be byte-identical to what gqlgen pins: its default
// page carries the SRI of the CDN files. A gqlgen upgrade that changes them
// fails here; refresh assets/ as its README says.
func TestEmbeddedAssetsMatchGqlgenPins(t *testing.T) {
	res := get(t, gqlplayground.Handler("t", "/graphql"), http.MethodGet, "/", nil)
	want := map[string]string{}
	for _, r := range resources(t, body(t, res)) {
		want[path.Base(r.url)] = r.integrity
	}
	for _, a := range []*asset{graphiqlJS, graphiqlCSS, reactJS, reactDOMJS} {
		w, ok := want[a.name]
		if !ok {
			t.Errorf("gqlgen's default page no longer loads %s", a.name)
			continue
		}
		if got := sri(a.data); got != w {
			t.Errorf("%s: embedded sha256 %s, gqlgen pins %s", a.name, got, w)
		}
		if a.sri != w {
			t.Errorf("%s: page integrity %s, gqlgen pins %s", a.name, a.sri, w)
		}
	}
}

func TestAssetsServing(t *testing.T) {
	cases := map[*asset]string{
		graphiqlJS:  "text/javascript; charset=utf-8",
		graphiqlCSS: "text/css; charset=utf-8",
		reactJS:     "text/javascript; charset=utf-8",
		reactDOMJS:  "text/javascript; charset=utf-8",
	}
	for a, ct := range cases {
		res := get(t, Assets(), http.MethodGet, a.urlPath, nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", a.urlPath, res.StatusCode)
		}
		if got := res.Header.Get("Content-Type"); got != ct {
			t.Errorf("%s: Content-Type %q, want %q", a.name, got, ct)
		}
		if got := res.Header.Get("Cache-Control"); !strings.Contains(got, "immutable") || !strings.Contains(got, "max-age=31536000") {
			t.Errorf("%s: Cache-Control %q", a.name, got)
		}
		if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", a.name, got)
		}
		if b := body(t, res); b != string(a.data) {
			t.Errorf("%s: body differs from embedded file (%d vs %d bytes)", a.name, len(b), len(a.data))
		}

		res = get(t, Assets(), http.MethodGet, a.urlPath, map[string]string{"If-None-Match": res.Header.Get("ETag")})
		if res.StatusCode != http.StatusNotModified {
			t.Errorf("%s: conditional GET status %d, want 304", a.name, res.StatusCode)
		}
		res = get(t, Assets(), http.MethodHead, a.urlPath, nil)
		if res.StatusCode != http.StatusOK || body(t, res) != "" {
			t.Errorf("%s: HEAD status %d", a.name, res.StatusCode)
		}
	}

	for _, p := range []string{
		AssetPrefix,
		AssetPrefix + "graphiql.min.js",
		AssetPrefix + "000000000000/graphiql.min.js",
		"/graphiql.min.js",
		graphiqlJS.urlPath + "/",
		graphiqlJS.urlPath + ".map",
	} {
		if res := get(t, Assets(), http.MethodGet, p, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, res.StatusCode)
		}
	}
	if res := get(t, Assets(), http.MethodPost, graphiqlJS.urlPath, nil); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST asset: status %d, want 405", res.StatusCode)
	}
}

func TestDemoTokenOnlyWhenSet(t *testing.T) {
	const tok = "demo-tok-7Hq"
	with := renderPage(t, Options{DemoToken: tok})
	if !strings.Contains(with, "Bearer "+tok) {
		t.Error("page with DemoToken does not pre-fill the Authorization header")
	}
	for _, v := range []string{"uiHeaders", "fetcherHeaders"} {
		want := `const ` + v + ` = {"Authorization":"Bearer ` + tok + `"};`
		if !strings.Contains(with, want) {
			t.Errorf("page with DemoToken lacks %s", want)
		}
	}

	without := renderPage(t, Options{})
	for _, s := range []string{tok, "Bearer", "Authorization"} {
		if strings.Contains(without, s) {
			t.Errorf("page without DemoToken contains %q", s)
		}
	}
	for _, want := range []string{"const uiHeaders = undefined;", "const fetcherHeaders = undefined;"} {
		if !strings.Contains(without, want) {
			t.Errorf("page without DemoToken lacks %s", want)
		}
	}
}

func TestTitleStorageAndMethods(t *testing.T) {
	page := renderPage(t, Options{})
	if !strings.Contains(page, "<title>fingraph</title>") {
		t.Error("default title is not fingraph")
	}
	if !strings.Contains(page, "new PrefixedStorage('fingraph:')") {
		t.Error("storage prefix not set")
	}
	if strings.Contains(page, "URLSearchParams") {
		t.Error("state is persisted in the URL")
	}
	if !strings.Contains(page, "location.host + \"/graphql\"") {
		t.Error("endpoint is not the relative /graphql")
	}

	custom := renderPage(t, Options{Title: "a<b"})
	if !strings.Contains(custom, "<title>a&lt;b</title>") {
		t.Error("custom title not set or not escaped")
	}

	res := get(t, Handler("/graphql", Options{}), http.MethodPost, "/", nil)
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST page: status %d, want 405", res.StatusCode)
	}
	res = get(t, Handler("/graphql", Options{}), http.MethodHead, "/", nil)
	if res.StatusCode != http.StatusOK {
		t.Errorf("HEAD page: status %d", res.StatusCode)
	}
}
