package main

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// accessLine is one access log line as JSON.
type accessLine struct {
	Level      string   `json:"level"`
	Msg        string   `json:"msg"`
	Method     string   `json:"method"`
	Path       string   `json:"path"`
	Status     int      `json:"status"`
	Bytes      int64    `json:"bytes"`
	DurationMS *float64 `json:"duration_ms"`
}

func TestAccessLogOneLinePerRequest(t *testing.T) {
	tests := map[string]struct {
		method, path string
		wantStatus   int
		wantBytes    int64
	}{
		"GET /":             {"GET", "/", 200, int64(len(helloBody))},
		"HEAD / sends none": {"HEAD", "/", 200, 0},
		"GET /healthz":      {"GET", "/healthz", 200, int64(len(healthyBody))},
		"POST / is 405":     {"POST", "/", 405, int64(len("Method Not Allowed\n"))},
		"GET unknown 404":   {"GET", "/nope", 404, int64(len("404 page not found\n"))},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			h := accessLog(slog.New(slog.NewJSONHandler(&out, nil)), newTestApp(t).routes())
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(tc.method, tc.path, nil))

			lines := decodeLines(t, out.Bytes())
			if len(lines) != 1 {
				t.Fatalf("log lines: got %d, want 1: %s", len(lines), out.String())
			}
			got := lines[0]
			if got.Msg != "request" || got.Level != "INFO" {
				t.Errorf("level, msg: got %q, %q, want %q, %q", got.Level, got.Msg, "INFO", "request")
			}
			if got.Method != tc.method || got.Path != tc.path {
				t.Errorf("method, path: got %q %q, want %q %q", got.Method, got.Path, tc.method, tc.path)
			}
			if got.Status != tc.wantStatus {
				t.Errorf("status: got %d, want %d", got.Status, tc.wantStatus)
			}
			if got.Bytes != tc.wantBytes {
				t.Errorf("bytes: got %d, want %d", got.Bytes, tc.wantBytes)
			}
			if got.DurationMS == nil || *got.DurationMS < 0 {
				t.Errorf("duration_ms: got %v, want a number >= 0", got.DurationMS)
			}
		})
	}
}

func TestResponseRecorder(t *testing.T) {
	tests := map[string]struct {
		handler    http.HandlerFunc
		wantStatus int
		wantBytes  int64
	}{
		"nothing written is a 200": {
			handler:    func(http.ResponseWriter, *http.Request) {},
			wantStatus: 200,
		},
		"Write without WriteHeader is a 200": {
			handler:    func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("abc")) },
			wantStatus: 200, wantBytes: 3,
		},
		"the first final status counts": {
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusEarlyHints)
				w.WriteHeader(http.StatusTeapot)
				w.WriteHeader(http.StatusOK) // superfluous, ignored
				w.Write([]byte("ab"))
				w.Write([]byte("cd"))
			},
			wantStatus: http.StatusTeapot, wantBytes: 4,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			rec := &responseRecorder{ResponseWriter: &fakeWriter{header: http.Header{}}}
			tc.handler(rec, httptest.NewRequest("GET", "/", nil))
			if got := rec.statusCode(); got != tc.wantStatus {
				t.Errorf("status: got %d, want %d", got, tc.wantStatus)
			}
			if rec.bytes != tc.wantBytes {
				t.Errorf("bytes: got %d, want %d", rec.bytes, tc.wantBytes)
			}
		})
	}
}

func decodeLines(t *testing.T, b []byte) []accessLine {
	t.Helper()
	var lines []accessLine
	for _, raw := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		if len(raw) == 0 {
			continue
		}
		var l accessLine
		if err := json.Unmarshal(raw, &l); err != nil {
			t.Fatalf("log line %q is not JSON: %v", raw, err)
		}
		lines = append(lines, l)
	}
	return lines
}

// fakeWriter accepts whatever a handler sends. Unlike httptest.ResponseRecorder it lets
// a body follow a 1xx status, as a real connection does.
type fakeWriter struct{ header http.Header }

func (f *fakeWriter) Header() http.Header         { return f.header }
func (f *fakeWriter) WriteHeader(int)             {}
func (f *fakeWriter) Write(p []byte) (int, error) { return len(p), nil }
