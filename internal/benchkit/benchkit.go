// Package benchkit holds the setup and bodies of fingraph's performance
// benchmarks, so the `go test -bench` benchmarks in internal/app and the
// `bench` tool (internal/tools/bench) measure exactly the same thing.
//
// Everything runs in-process: the real app (app.New) on a SQLite file in a
// scratch directory, or on a fresh PostgreSQL database (FreshPostgres),
// with the built-in Flanks simulator, and requests go
// through the real HTTP handler into an httptest.ResponseRecorder so that
// loopback networking does not add noise to server timings.
package benchkit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/fingraph/fingraph/internal/app"
	"github.com/fingraph/fingraph/internal/config"
	"github.com/fingraph/fingraph/providers/flanks/flanksadapter"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// Env is a running in-process fingraph for benchmarks.
type Env struct {
	// App is the assembled server; App.Handler serves every request.
	App *app.App
	// Token is the demo user's bearer token.
	Token string
}

// Options configures Open.
type Options struct {
	// Dir is the data directory (SQLite file, dev key). Required: callers
	// own its lifetime (b.TempDir() or os.MkdirTemp).
	Dir string
	// DatabaseURL, when set, is the PostgreSQL database to run on instead
	// of a SQLite file in Dir. It must be a database of the benchmark's
	// own (FreshPostgres): the app migrates it and writes to it.
	DatabaseURL string
	// Env overrides configuration variables, e.g. FINGRAPH_SANDBOX_HISTORY_DAYS.
	Env map[string]string
	// Logger receives the app's logs; nil means errors only, on stderr, so
	// an unexpected failure is explained without flooding benchmark output.
	Logger *slog.Logger
}

// Open builds the app from a development configuration with the sandbox
// on and the per-user rate limit off: a benchmark sends thousands of
// queries from one user, and throttling them would measure the limiter.
func Open(ctx context.Context, o Options) (*Env, error) {
	if o.Dir == "" {
		return nil, errors.New("benchkit: Options.Dir is required")
	}
	vars := map[string]string{
		"FINGRAPH_ENV":             "development",
		"FINGRAPH_DATA_DIR":        o.Dir,
		"FINGRAPH_SANDBOX":         "true",
		"FINGRAPH_RATE_PER_SECOND": "0",
		// Seeding fetches tens of thousands of rows in one request; the
		// default 10 s deadline is for interactive traffic, not set-up.
		"FINGRAPH_REQUEST_TIMEOUT": "5m",
		// The figures in BENCHMARKS.md are over Flanks data alone, with
		// no other users fetching in the background.
		"FINGRAPH_SANDBOX_DEMO":  "flanks",
		"FINGRAPH_SANDBOX_USERS": "0",
	}
	if o.DatabaseURL != "" {
		vars["DATABASE_URL"] = o.DatabaseURL
	}
	for k, v := range o.Env {
		vars[k] = v
	}
	cfg, err := config.Load(func(k string) string { return vars[k] }, app.Sections())
	if err != nil {
		return nil, fmt.Errorf("benchkit: config: %w", err)
	}
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	}
	a, err := app.New(ctx, cfg, logger)
	if err != nil {
		return nil, fmt.Errorf("benchkit: start app: %w", err)
	}
	if a.Sandbox == nil || a.DemoToken == "" {
		a.Close()
		return nil, errors.New("benchkit: the app started without its sandbox or demo token")
	}
	return &Env{App: a, Token: a.DemoToken}, nil
}

// Close stops the app and its simulator.
func (e *Env) Close() error { return e.App.Close() }

// Sim is the Flanks simulator the app talks to.
func (e *Env) Sim() *flankssim.Server { return flanksadapter.SimServer(e.App.Sandbox) }

// RequestBody is the JSON body of a GraphQL POST.
func RequestBody(query string, vars map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		panic(err) // only for unencodable variables: a bug in the caller
	}
	return b
}

// NewRequest builds an authenticated GraphQL POST of body.
func (e *Env) NewRequest(ctx context.Context, body []byte) *http.Request {
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.Token)
	req.Header.Set("Content-Type", "application/json")
	return req
}

// Serve runs one request through the handler and returns the recorder.
func (e *Env) Serve(req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	e.App.Handler.ServeHTTP(rec, req)
	return rec
}

// Response is a decoded GraphQL response. Data keeps the exact bytes the
// server wrote, so it can be compared byte for byte.
type Response struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message string `json:"message"`
		Path    []any  `json:"path"`
	} `json:"errors"`
}

// Query posts query through the handler and fails on a non-200 status or
// any error entry.
func (e *Env) Query(ctx context.Context, query string, vars map[string]any) (*Response, error) {
	rec := e.Serve(e.NewRequest(ctx, RequestBody(query, vars)))
	return decode(rec.Code, rec.Body)
}

func decode(status int, body io.Reader) (*Response, error) {
	raw, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("benchkit: status %d: %s", status, truncate(raw))
	}
	var r Response
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("benchkit: decode %s: %w", truncate(raw), err)
	}
	if len(r.Errors) > 0 {
		return &r, fmt.Errorf("benchkit: GraphQL errors: %s", truncate(raw))
	}
	return &r, nil
}

func truncate(b []byte) string {
	const max = 600
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}

// Link plays a user finishing Flanks Link at bank in the simulator and
// exchanges the code through the API (exchangeLinkCode), as a frontend
// would, returning the new credentials' global ID.
func (e *Env) Link(ctx context.Context, bank string) (string, error) {
	res, err := e.Sim().CompleteLink(flankssim.LinkCompletion{Bank: bank})
	if err != nil {
		return "", fmt.Errorf("benchkit: complete link at %s: %w", bank, err)
	}
	r, err := e.Query(ctx, `mutation($c: String!) { exchangeLinkCode(code: $c) { status credentials { id } } }`,
		map[string]any{"c": res.Code})
	if err != nil {
		return "", err
	}
	var out struct {
		ExchangeLinkCode struct {
			Status      string
			Credentials *struct{ ID string }
		}
	}
	if err := json.Unmarshal(r.Data, &out); err != nil {
		return "", err
	}
	if out.ExchangeLinkCode.Status != "COMPLETED" || out.ExchangeLinkCode.Credentials == nil {
		return "", fmt.Errorf("benchkit: link at %s: %s", bank, strings.TrimSpace(string(r.Data)))
	}
	return out.ExchangeLinkCode.Credentials.ID, nil
}
