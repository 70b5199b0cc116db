package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
)

const (
	contentTypeText = "text/plain; charset=utf-8"
	contentTypeJSON = "application/json"
)

// app holds the handlers' state: responses built once at start-up, and whether the
// shutdown has begun.
type app struct {
	hello    response // GET /
	whoami   response // GET /whoami, or / with Accept: application/json; only with identity
	identity bool     // whether the task's identity is served at all
	healthy  response // GET /healthz while serving
	draining response // GET /healthz once the shutdown has begun

	// With mutual TLS on the ALB, /whoami also describes the caller's certificate, so
	// its body is built per request from info; logger says why a certificate was not.
	mtls   mtlsListener
	info   taskInfo
	logger *slog.Logger

	shuttingDown atomic.Bool
}

// response is a complete answer, prepared once so that serving it encodes nothing.
type response struct {
	status        int
	contentType   []string
	contentLength []string
	body          []byte
}

func newResponse(status int, contentType string, body []byte) response {
	return response{
		status:        status,
		contentType:   []string{contentType},
		contentLength: []string{strconv.Itoa(len(body))},
		body:          body,
	}
}

// newApp prepares every response; info is the task this process runs in, which clients
// see only with identity, and mtls the ALB's listener that does mutual TLS.
func newApp(info taskInfo, identity bool, mtls mtlsListener, logger *slog.Logger) (*app, error) {
	whoami, err := json.Marshal(info)
	if err != nil {
		return nil, fmt.Errorf("encode task info: %w", err)
	}
	return &app{
		identity: identity,
		mtls:     mtls,
		info:     info,
		logger:   logger,
		hello:    newResponse(http.StatusOK, contentTypeText, []byte("Hello from AWS Fargate\n")),
		whoami:   newResponse(http.StatusOK, contentTypeJSON, append(whoami, '\n')),
		healthy:  newResponse(http.StatusOK, contentTypeText, []byte("ok\n")),
		draining: newResponse(http.StatusServiceUnavailable, contentTypeText, []byte("shutting down\n")),
	}, nil
}

// routes returns the router. Patterns with a method give HEAD for GET, 405 with an Allow
// header for other methods, and 404 for other paths.
func (a *app) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.handleRoot)
	if a.identity {
		mux.HandleFunc("GET /whoami", a.handleWhoami)
	}
	mux.HandleFunc("GET /healthz", a.handleHealthz)
	return mux
}

// startDraining makes /healthz answer 503 from now on, so the ALB stops routing here.
func (a *app) startDraining() { a.shuttingDown.Store(true) }

func (a *app) handleRoot(w http.ResponseWriter, r *http.Request) {
	// The answer depends on Accept, so tell caches.
	w.Header()["Vary"] = varyAccept
	if a.identity && acceptsJSON(r.Header["Accept"]) {
		a.handleWhoami(w, r)
		return
	}
	a.hello.write(w, r)
}

func (a *app) handleWhoami(w http.ResponseWriter, r *http.Request) {
	// Without mutual TLS on the ALB, any X-Amzn-Mtls-* header came from the client
	// itself: never read them, and serve the body prepared at start-up.
	if a.mtls.mode == mtlsOff {
		a.whoami.write(w, r)
		return
	}
	cert, err := a.clientCertificate(r.Header)
	if err != nil {
		// The request is fine without a certificate: answer null, and say why once.
		level := slog.LevelWarn
		if errors.Is(err, errNoClientCert) {
			level = slog.LevelDebug // normal in passthrough: clients may send none
		}
		a.logger.LogAttrs(r.Context(), level, "client certificate not described",
			slog.String("mtls_mode", string(a.mtls.mode)),
			slog.String("path", r.URL.Path),
			slog.String("reason", err.Error()),
		)
	}
	body, err := json.Marshal(whoamiWithCert{taskInfo: a.info, ClientCertificate: cert})
	if err != nil { // strings and a bool: not reached
		http.Error(w, "encode response", http.StatusInternalServerError)
		return
	}
	resp := newResponse(http.StatusOK, contentTypeJSON, append(body, '\n'))
	resp.write(w, r)
}

func (a *app) handleHealthz(w http.ResponseWriter, r *http.Request) {
	if a.shuttingDown.Load() {
		a.draining.write(w, r)
		return
	}
	a.healthy.write(w, r)
}

var varyAccept = []string{"Accept"}

// write sends resp, without its body to a HEAD request. The header slices are shared
// between requests and never modified.
func (resp *response) write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["Content-Type"] = resp.contentType
	h["Content-Length"] = resp.contentLength
	w.WriteHeader(resp.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(resp.body) // the client has gone; nothing to do
	}
}

// acceptsJSON reports whether an Accept header lists application/json with a quality
// above zero. Nothing else is negotiated: plain text is the default.
func acceptsJSON(accept []string) bool {
	for _, line := range accept {
		for _, item := range strings.Split(line, ",") {
			mediaType, params, _ := strings.Cut(item, ";")
			mediaType = strings.TrimSpace(mediaType)
			if strings.EqualFold(mediaType, contentTypeJSON) && !zeroQuality(params) {
				return true
			}
		}
	}
	return false
}

// zeroQuality reports whether media-type parameters say q=0, "not acceptable".
func zeroQuality(params string) bool {
	for _, p := range strings.Split(params, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(strings.TrimSpace(k), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return err == nil && q == 0
		}
	}
	return false
}
