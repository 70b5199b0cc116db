package main

import (
	"log/slog"
	"net/http"
	"time"
)

// accessLog logs one line per request through logger, after next has answered it:
// method, path, status, duration and body bytes written.
func accessLog(logger *slog.Logger, next http.Handler) http.Handler {
	// Records go straight to the handler: slog.Logger's methods would also look up the
	// caller's program counter on every request, for a source the JSON does not print.
	h := logger.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &responseRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		end := time.Now()

		ctx := r.Context()
		if !h.Enabled(ctx, slog.LevelInfo) {
			return
		}
		record := slog.NewRecord(end, slog.LevelInfo, "request", 0)
		record.AddAttrs(
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.statusCode()),
			slog.Float64("duration_ms", float64(end.Sub(start).Microseconds())/1000),
			slog.Int64("bytes", rec.bytes),
		)
		_ = h.Handle(ctx, record) // nowhere else to report a failing stdout
	})
}

// responseRecorder remembers the status and the body size of a response on its way out.
type responseRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (rec *responseRecorder) WriteHeader(code int) {
	// 1xx informational headers may come first; the final status is the one to log.
	if rec.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		rec.status = code
	}
	rec.ResponseWriter.WriteHeader(code)
}

func (rec *responseRecorder) Write(p []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	n, err := rec.ResponseWriter.Write(p)
	rec.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer (Flush, deadlines).
func (rec *responseRecorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

// statusCode is what the client got: a handler that wrote nothing sent 200.
func (rec *responseRecorder) statusCode() int {
	if rec.status == 0 {
		return http.StatusOK
	}
	return rec.status
}
