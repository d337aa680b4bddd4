package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
)

// intake answers every delivery with err (or dup).
type intake struct {
	err  error
	dup  bool
	seen []string
}

func (i *intake) ReceiveWebhook(ctx context.Context, p models.Provider, _ map[string][]string, body []byte) (bool, error) {
	if _, ok := ctx.Deadline(); !ok {
		return false, errors.New("no deadline on the store call")
	}
	i.seen = append(i.seen, string(p)+":"+string(body))
	return i.dup, i.err
}

// TestWebhookStatuses: the provider sees 200 only for a stored delivery;
// a store failure (the database down) is a 503 with Retry-After, so the
// provider redelivers, and internals stay out of the answer.
func TestWebhookStatuses(t *testing.T) {
	for _, c := range []struct {
		name   string
		in     intake
		status int
		result string
	}{
		{"stored", intake{}, http.StatusOK, WebhookAccepted},
		{"duplicate", intake{dup: true}, http.StatusOK, WebhookDuplicate},
		{"bad signature", intake{err: fmt.Errorf("%w (hmac)", provider.ErrWebhookRejected)}, http.StatusUnauthorized, WebhookRejected},
		{"no webhooks", intake{err: apperr.ErrUnsupported}, http.StatusNotFound, WebhookUnknown},
		{"database down", intake{err: errors.New("dial tcp 10.0.0.5:5432: connection refused")}, http.StatusServiceUnavailable,
			WebhookUnavailable},
	} {
		t.Run(c.name, func(t *testing.T) {
			obs := &observed{}
			h := webhooks(&c.in, 64, slog.New(slog.NewTextHandler(io.Discard, nil)), obs)
			req := httptest.NewRequest(http.MethodPost, "/webhooks/flinks", strings.NewReader(`{"a":1}`))
			req.SetPathValue("provider", "flinks")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.status || len(c.in.seen) != 1 || c.in.seen[0] != `flinks:{"a":1}` {
				t.Fatalf("%d %q; seen %v", rec.Code, rec.Body, c.in.seen)
			}
			if strings.Contains(rec.Body.String(), "10.0.0.5") {
				t.Fatalf("internals in the answer: %q", rec.Body)
			}
			if c.status == http.StatusServiceUnavailable && rec.Header().Get("Retry-After") == "" {
				t.Fatal("a 503 without Retry-After")
			}
			if len(obs.webhooks) != 1 || obs.webhooks[0] != "flinks/"+c.result {
				t.Fatalf("observed %v, want flinks/%s", obs.webhooks, c.result)
			}
		})
	}
}

// TestWebhookTooLarge: a body over the limit is refused before the store.
func TestWebhookTooLarge(t *testing.T) {
	in := &intake{}
	obs := &observed{}
	h := webhooks(in, 8, slog.New(slog.NewTextHandler(io.Discard, nil)), obs)
	req := httptest.NewRequest(http.MethodPost, "/webhooks/flinks", strings.NewReader(`{"aaaaaaaaaa":1}`))
	req.SetPathValue("provider", "flinks")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge || len(in.seen) != 0 {
		t.Fatalf("%d; seen %v", rec.Code, in.seen)
	}
	if len(obs.webhooks) != 1 || obs.webhooks[0] != "flinks/"+WebhookTooLarge {
		t.Fatalf("observed %v", obs.webhooks)
	}
}

// observed is an Observer remembering what it saw.
type observed struct {
	requests []string
	webhooks []string
}

func (o *observed) ObserveRequest(route, method string, status int, _ time.Duration, stream bool) {
	o.requests = append(o.requests, fmt.Sprintf("%s %s %d %v", method, route, status, stream))
}

func (o *observed) ObserveWebhook(provider, result string) {
	o.webhooks = append(o.webhooks, provider+"/"+result)
}

// TestObserverSeesRoutes: requests are reported under their pattern, never
// their raw path; an unmatched path has no route.
func TestObserverSeesRoutes(t *testing.T) {
	obs := &observed{}
	h := New(Deps{Observer: obs, Webhooks: &intake{}, MaxWebhookBytes: 64})
	for _, r := range []*http.Request{
		httptest.NewRequest(http.MethodGet, "/healthz", nil),
		httptest.NewRequest(http.MethodPost, "/webhooks/acme-1234", strings.NewReader(`{}`)),
		httptest.NewRequest(http.MethodGet, "/no/such/path/4111111111111111", nil),
	} {
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	want := []string{"GET /healthz 200 false", "POST /webhooks/{provider} 200 false", "GET  404 false"}
	if fmt.Sprint(obs.requests) != fmt.Sprint(want) {
		t.Fatalf("observed %q, want %q", obs.requests, want)
	}
}
