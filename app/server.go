package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Server limits. Every request here is a tiny GET answered from memory, so these are
// generous for real clients and short for stuck or hostile ones.
const (
	// readTimeout covers the whole request, headers and body; we take no bodies.
	readTimeout = 10 * time.Second
	// writeTimeout bounds the time from the end of the request headers to the end of the
	// response, so also how long any in-flight request can hold up a shutdown.
	writeTimeout = 10 * time.Second
	// idleTimeout must be longer than the ALB's idle timeout (60 s by default): the ALB
	// reuses its connections to targets, and if we closed one first, a request the ALB
	// sends on it at that moment would fail with a 502.
	idleTimeout = 75 * time.Second
	// maxHeaderBytes is the ALB's own limit for a whole request header (64 KiB), so we
	// never reject what the ALB let through; Go's default is 1 MiB.
	maxHeaderBytes = 64 << 10
)

// newHTTPServer returns the server for h, with every limit set and its own errors
// (recovered handler panics, accept retries) logged through logger.
func newHTTPServer(h http.Handler, readHeaderTimeout time.Duration, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// serve serves on ln until ctx is done, then drains: it calls startDraining (so /healthz
// answers 503), keeps serving for t.delay without keep-alives, stops accepting, and waits
// up to t.timeout for in-flight requests before closing what is left. It returns nil
// after a clean drain.
func serve(ctx context.Context, srv *http.Server, ln net.Listener, startDraining func(), t drainTimings, logger *slog.Logger) error {
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	logger.Info("shutdown started",
		slog.String("drain_delay", t.delay.String()),
		slog.String("shutdown_timeout", t.timeout.String()),
	)
	startDraining()
	// Every response from now on says "Connection: close", and idle connections close,
	// so clients and the ALB open new connections, to other tasks.
	srv.SetKeepAlivesEnabled(false)

	delay := time.NewTimer(t.delay)
	defer delay.Stop()
	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-delay.C:
	}

	// A fresh context: ctx is already done.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), t.timeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		logger.Warn("shutdown timed out, closing connections", slog.Any("err", err))
		return fmt.Errorf("shutdown: %w", errors.Join(err, srv.Close()))
	}
	// Serve has returned by now; http.ErrServerClosed is how it reports a normal stop.
	if err := <-serveErr; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	logger.Info("shutdown complete")
	return nil
}
