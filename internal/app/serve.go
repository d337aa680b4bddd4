package app

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// NewHTTPServer wraps h with the timeouts every server needs: without
// them a slow client can hold a connection forever (gosec G112).
func NewHTTPServer(h http.Handler, requestTimeout time.Duration) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// Writes may wait on a provider for up to the operation deadline.
		WriteTimeout:   requestTimeout + 20*time.Second,
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: 64 << 10,
	}
}

// Serve runs srv on ln until ctx is done, then shuts down gracefully:
// the listener closes at once and in-flight requests get up to grace to
// finish.
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if serveErr := <-errc; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return err
}
