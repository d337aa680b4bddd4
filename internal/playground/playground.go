// Package playground serves the GraphiQL playground from the binary, with
// no CDN: the GraphiQL, React and ReactDOM bundles are vendored from their
// npm tarballs into assets/ and embedded, and gqlgen's GraphiQL page is
// pointed at them.
//
// Mount the two handlers side by side, e.g.
//
//	mux.Handle("GET /{$}", playground.Handler("/graphql", playground.Options{}))
//	mux.Handle(playground.AssetPrefix, playground.Assets())
package playground

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	gqlplayground "github.com/99designs/gqlgen/graphql/playground"
)

// AssetPrefix is the URL path under which Assets serves the embedded files
// and from which the page returned by Handler loads them.
const AssetPrefix = "/static/graphiql/"

// DefaultTitle is the page title used when Options.Title is empty.
const DefaultTitle = "fingraph"

// storagePrefix namespaces GraphiQL's localStorage keys (tabs, headers,
// history), so that other GraphiQL pages on the same origin (a different
// service on localhost:8080, say) do not share or overwrite fingraph's.
const storagePrefix = "fingraph:"

//go:embed assets/graphiql.min.js assets/graphiql.min.css assets/react.production.min.js assets/react-dom.production.min.js
var assetFS embed.FS

// asset is one embedded file, addressed by a content-hashed URL.
type asset struct {
	name        string // file name in assets/
	contentType string
	data        []byte
	sri         string // "sha256-<base64>", for the integrity attribute
	etag        string
	urlPath     string // AssetPrefix + <hash>/<name>
}

// The four vendored files. Their URLs carry a prefix of their SHA-256, so
// they can be cached as immutable: refreshed files get new URLs.
var (
	graphiqlJS  = mustAsset("graphiql.min.js", "text/javascript; charset=utf-8")
	graphiqlCSS = mustAsset("graphiql.min.css", "text/css; charset=utf-8")
	reactJS     = mustAsset("react.production.min.js", "text/javascript; charset=utf-8")
	reactDOMJS  = mustAsset("react-dom.production.min.js", "text/javascript; charset=utf-8")

	assetsByPath = func() map[string]*asset {
		m := make(map[string]*asset)
		for _, a := range []*asset{graphiqlJS, graphiqlCSS, reactJS, reactDOMJS} {
			m[a.urlPath] = a
		}
		return m
	}()
)

func mustAsset(name, contentType string) *asset {
	data, err := assetFS.ReadFile("assets/" + name)
	if err != nil {
		panic("playground: embedded asset missing: " + err.Error())
	}
	sum := sha256.Sum256(data)
	short := hex.EncodeToString(sum[:6])
	return &asset{
		name:        name,
		contentType: contentType,
		data:        data,
		sri:         "sha256-" + base64.StdEncoding.EncodeToString(sum[:]),
		etag:        `"` + hex.EncodeToString(sum[:16]) + `"`,
		urlPath:     AssetPrefix + short + "/" + name,
	}
}

// Options configures the GraphiQL page.
type Options struct {
	// Title is the page title; DefaultTitle ("fingraph") when empty.
	Title string
	// DemoToken, when non-empty, pre-fills the headers editor with
	// `Authorization: Bearer <DemoToken>` and also sends it as a default
	// header of every request, schema introspection included (a value
	// typed in the editor takes precedence). The token is written into
	// the page (and GraphiQL keeps it in localStorage), so set it only in
	// development mode.
	DemoToken string
}

// Handler returns the GraphiQL page for the GraphQL endpoint endpoint
// (a path such as "/graphql", or an absolute URL). The page loads GraphiQL
// 4.1.2 and React 18.2.0 only from AssetPrefix, with integrity attributes
// computed from the embedded files; the explorer plugin stays off because
// its stylesheet exists only on the CDN. It answers GET and HEAD for any
// path, so mount it on an exact pattern such as "GET /{$}".
func Handler(endpoint string, opts Options) http.Handler {
	title := opts.Title
	if title == "" {
		title = DefaultTitle
	}
	gopts := []gqlplayground.GraphiqlConfigOption{
		gqlplayground.WithGraphiqlVersion(graphiqlJS.urlPath, graphiqlCSS.urlPath, graphiqlJS.sri, graphiqlCSS.sri),
		gqlplayground.WithGraphiqlReactVersion(reactJS.urlPath, reactDOMJS.urlPath, reactJS.sri, reactDOMJS.sri),
		gqlplayground.WithGraphiqlEnablePluginExplorer(false),
		// Keep editor state out of the URL: it would carry the headers
		// (and so the token) into history and logs.
		gqlplayground.WithGraphiqlPersistStateInURL(false),
		gqlplayground.WithStoragePrefix(storagePrefix),
	}
	if opts.DemoToken != "" {
		auth := map[string]string{"Authorization": "Bearer " + opts.DemoToken}
		gopts = append(gopts,
			// The headers editor (UI headers) is what the user sees and
			// edits; its contents are merged over the fetcher headers
			// into every request once the editor is mounted.
			gqlplayground.WithGraphiqlUiHeaders(auth),
			// GraphiQL 4.1.2 runs its first schema introspection before the
			// headers editor exists, so only fetcher headers reach it;
			// without them the docs and autocompletion would fail with 401.
			// Consequence: deleting the header in the editor still sends
			// the demo token (another value in the editor overrides it).
			gqlplayground.WithGraphiqlFetcherHeaders(auth),
		)
	}
	page, err := render(gqlplayground.Handler(title, endpoint, gopts...))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		// The page may hold a token and must pick up new asset URLs.
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if err != nil {
			http.Error(w, "the playground page could not be built", http.StatusInternalServerError)
			return
		}
		h.Set("Content-Type", "text/html; charset=UTF-8")
		_, _ = w.Write(page)
	})
}

// render runs gqlgen's page handler once, adds the default tabs and
// guards the fetcher against stale operation names: the
// page depends only on the options, so it is built at start.
func render(h http.Handler) ([]byte, error) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusOK {
		return nil, fmt.Errorf("playground: gqlgen's page answered %d", rec.Code)
	}
	page, err := injectTabs(rec.Body.Bytes(), DefaultTabs)
	if err != nil {
		return nil, err
	}
	return injectFetcherGuard(page)
}

// Assets serves the embedded GraphiQL, React and ReactDOM files. It expects
// the full request path (mount it at AssetPrefix without stripping it) and
// answers 404 for anything but the URLs the page from Handler uses. Files
// are served with their content type and as immutable for a year.
func Assets() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if !strings.HasPrefix(r.URL.Path, AssetPrefix) {
			http.NotFound(w, r)
			return
		}
		a, ok := assetsByPath[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", a.contentType)
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		h.Set("ETag", a.etag)
		h.Set("X-Content-Type-Options", "nosniff")
		// The page loads the files with crossorigin="anonymous"; allow it
		// even when the page and the assets are on different origins.
		h.Set("Access-Control-Allow-Origin", "*")
		// Zero modtime: no Last-Modified; the ETag handles revalidation.
		http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(a.data))
	})
}
