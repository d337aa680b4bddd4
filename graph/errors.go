package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"runtime/debug"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/database"
)

// ErrorPresenter maps domain errors to a public message and
// extensions.code, the one translation point of the error vocabulary.
// Unexpected errors are logged with their path and shown as INTERNAL with
// a generic message: SQL, upstream bodies and stack traces never reach
// clients. Without suggestions, validation errors lose their "Did you
// mean" hints, whichever rule wrote them.
func ErrorPresenter(logger *slog.Logger, suggestions bool) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		if isProtocolError(err) {
			if !suggestions {
				gqlErr.Message = withoutSuggestions(gqlErr.Message)
			}
			return gqlErr
		}
		code, msg, known := apperr.Classify(err)
		if !known && !errors.Is(err, context.Canceled) {
			logUnexpected(ctx, logger, gqlErr.Path.String(), err)
		}
		if errors.Is(err, context.DeadlineExceeded) {
			code, msg = "TIMEOUT", "the operation took too long"
		}
		gqlErr.Message = msg
		if gqlErr.Extensions == nil {
			gqlErr.Extensions = map[string]any{}
		}
		for k, v := range extensionsOf(err) {
			gqlErr.Extensions[k] = v
		}
		gqlErr.Extensions["code"] = code
		return gqlErr
	}
}

// suggestion matches the hints gqlparser appends to validation messages:
// field names (which gqlgen can turn off), but also argument names, enum
// values, input fields and type names (which it cannot). Each would let a
// client rebuild the schema with introspection off.
var suggestion = regexp.MustCompile(` ?Did you mean [^?]*\?`)

func withoutSuggestions(msg string) string { return suggestion.ReplaceAllString(msg, "") }

// isProtocolError reports errors gqlgen or our extensions built directly
// (parse, validation, limits, persisted queries): they describe the
// client's request and are safe to show. Resolver errors always arrive
// wrapped, with the original error in Err.
func isProtocolError(err error) bool {
	var direct *gqlerror.Error
	return errors.As(err, &direct) && direct.Err == nil
}

// Extensioner lets a domain error add safe extensions (stale, fetchedAt...).
type Extensioner interface {
	Extensions() map[string]any
}

func extensionsOf(err error) map[string]any {
	var e Extensioner
	if errors.As(err, &e) {
		return e.Extensions()
	}
	return nil
}

// loggedKey marks an operation whose first unexpected error was logged.
const loggedKey = "fingraph.errorLogged"

// logUnexpected logs an error the vocabulary does not know. The first of
// an operation is logged at ERROR; the rest at DEBUG, since one failing
// dependency fails every field of a nested answer (a database outage made
// seventeen ERROR lines of one request). The message is truncated: errors
// from below may quote values.
func logUnexpected(ctx context.Context, logger *slog.Logger, path string, err error) {
	level := slog.LevelError
	if graphql.HasOperationContext(ctx) {
		// The flag is set before execution (limitsExtension), so the
		// concurrent field goroutines only read the stats map.
		if first, ok := graphql.GetOperationContext(ctx).Stats.GetExtension(loggedKey).(*atomic.Bool); ok && !first.CompareAndSwap(false, true) {
			level = slog.LevelDebug
		}
	}
	logger.Log(ctx, level, "resolver error", "path", path, "error", database.SafeDBError(err))
}

// RecoverFunc logs a resolver panic with its stack and returns a generic
// error; the stack goes to the log only.
func RecoverFunc(logger *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		logger.ErrorContext(ctx, "resolver panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return errors.New("internal panic")
	}
}
