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
	}{
		{"stored", intake{}, http.StatusOK},
		{"duplicate", intake{dup: true}, http.StatusOK},
		{"bad signature", intake{err: fmt.Errorf("%w (hmac)", provider.ErrWebhookRejected)}, http.StatusUnauthorized},
		{"no webhooks", intake{err: apperr.ErrUnsupported}, http.StatusNotFound},
		{"database down", intake{err: errors.New("dial tcp 10.0.0.5:5432: connection refused")}, http.StatusServiceUnavailable},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := webhooks(&c.in, 64, slog.New(slog.NewTextHandler(io.Discard, nil)))
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
		})
	}
}

// TestWebhookTooLarge: a body over the limit is refused before the store.
func TestWebhookTooLarge(t *testing.T) {
	in := &intake{}
	h := webhooks(in, 8, slog.New(slog.NewTextHandler(io.Discard, nil)))
	req := httptest.NewRequest(http.MethodPost, "/webhooks/flinks", strings.NewReader(`{"aaaaaaaaaa":1}`))
	req.SetPathValue("provider", "flinks")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge || len(in.seen) != 0 {
		t.Fatalf("%d; seen %v", rec.Code, in.seen)
	}
}
