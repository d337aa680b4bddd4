package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/internal/gqlhttp"
	"github.com/fingraph/fingraph/internal/logging"
)

var safeRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID reuses a well-formed incoming X-Request-ID (so a gateway's ID
// links its logs to ours) or makes a new one, and echoes it back.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !safeRequestID.MatchString(id) {
			var b [12]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(logging.WithRequestID(r.Context(), id)))
	})
}

// StatusRecorder remembers the status and size of a response, for the
// access log and the tracing middleware.
type StatusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *StatusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *StatusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

// NewStatusRecorder wraps w.
func NewStatusRecorder(w http.ResponseWriter) *StatusRecorder {
	return &StatusRecorder{ResponseWriter: w}
}

// Status is the status written so far, 0 when none was.
func (s *StatusRecorder) Status() int { return s.status }

// Unwrap lets http.ResponseController reach the real writer.
func (s *StatusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Flush passes flushes through: Server-Sent Events look for an
// http.Flusher by type assertion, not through Unwrap.
func (s *StatusRecorder) Flush() { _ = http.NewResponseController(s.ResponseWriter).Flush() }

// accessLog logs one line per request: method, path without the query
// string (GET queries and variables may carry personal data), status, size
// and duration. Never bodies, headers or tokens. It also reports the
// request to obs under its route: next must be the mux, which records the
// matched pattern in the very request it is given.
func accessLog(logger *slog.Logger, obs Observer, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &StatusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		d := time.Since(start)
		logger.InfoContext(r.Context(), "http request",
			"method", r.Method, "path", r.URL.Path, "status", rec.status,
			"bytes", rec.bytes, "duration_ms", d.Milliseconds())
		obs.ObserveRequest(Route(r), r.Method, rec.status, d, isWebSocket(r) || isEventStream(r))
	})
}

// Route is the pattern that matched r without its method ("/graphql",
// "/webhooks/{provider}"), "" when none did: a bounded name for metrics
// and spans, where the raw path could hold anything a client sent. It is
// known once the mux has seen r.
func Route(r *http.Request) string {
	p := r.Pattern
	if i := strings.IndexByte(p, ' '); i >= 0 {
		p = p[i+1:]
	}
	return p
}

// recoverer turns a panic outside gqlgen into a bare 500 and a log line.
func recoverer(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				logger.ErrorContext(r.Context(), "http panic", "path", r.URL.Path)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func allowMethods(next http.Handler, methods ...string) http.Handler {
	allow := strings.Join(methods, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, m := range methods {
			if r.Method == m {
				next.ServeHTTP(w, r)
				return
			}
		}
		w.Header().Set("Allow", allow)
		gqlhttp.WriteErrors(w, r, http.StatusMethodNotAllowed,
			gqlhttp.Error(gqlhttp.CodeBadRequest, "method not allowed; use "+allow))
	})
}

// authenticate requires a valid bearer token and puts the principal in the
// context. Failures answer 401 with a GraphQL-shaped body and an RFC 6750
// challenge; the reason is logged, never returned.
func authenticate(v auth.Verifier, logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, err := auth.BearerToken(r)
		var p *auth.Principal
		if err == nil {
			p, err = v.Verify(r.Context(), token)
		}
		if err != nil {
			challenge := `Bearer realm="fingraph"`
			if !errors.Is(err, auth.ErrMissingToken) {
				challenge += `, error="invalid_token"`
				logger.InfoContext(r.Context(), "rejected token", "reason", err.Error())
			}
			w.Header().Set("WWW-Authenticate", challenge)
			gqlhttp.WriteErrors(w, r, http.StatusUnauthorized,
				gqlhttp.Error(apperr.CodeUnauthenticated, "a valid bearer token is required"))
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.NewContext(r.Context(), p)))
	})
}

// limitBody answers 413 before gqlgen runs when the body is over max bytes.
// gqlgen alone would read any size, and http.MaxBytesReader alone makes it
// answer 200 with an error, so the body is read here in full first.
func limitBody(max, uploadMax int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isMultipart(r) {
			// Uploads are streamed (spooled to disk past a small memory
			// budget), never read whole: only their total is capped here.
			if r.ContentLength > uploadMax {
				tooLarge(w, r)
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, uploadMax)
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > max {
			tooLarge(w, r)
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
			var mbe *http.MaxBytesError
			switch {
			case errors.As(err, &mbe):
				tooLarge(w, r)
				return
			case err != nil:
				gqlhttp.WriteErrors(w, r, http.StatusBadRequest,
					gqlhttp.Error(gqlhttp.CodeBadRequest, "could not read the request body"))
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		next.ServeHTTP(w, r)
	})
}

// isMultipart reports a multipart/form-data request (the GraphQL
// multipart request spec: file uploads).
func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data" && r.Method == http.MethodPost
}

func tooLarge(w http.ResponseWriter, r *http.Request) {
	gqlhttp.WriteErrors(w, r, http.StatusRequestEntityTooLarge,
		gqlhttp.Error("PAYLOAD_TOO_LARGE", "the request body exceeds the limit"))
}

// withTimeout bounds each GraphQL operation, including provider calls.
// An upload's deadline (uploadD) is longer than a query's (d): its
// files must arrive first.
func withTimeout(d, uploadD time.Duration, next http.Handler) http.Handler {
	if d <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := d
		if isMultipart(r) && uploadD > d {
			limit = uploadD
		}
		ctx, cancel := context.WithTimeout(r.Context(), limit)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
