package main

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

var testInfo = taskInfo{
	TaskARN:          "arn:aws:ecs:us-east-1:111122223333:task/web-cluster/4d6f1a0b9e2c4f5a8b7c6d5e4f3a2b1c",
	Cluster:          "arn:aws:ecs:us-east-1:111122223333:cluster/web-cluster",
	AvailabilityZone: "us-east-1b",
	PrivateIP:        "10.0.192.41",
	Hostname:         "ip-10-0-192-41.ec2.internal",
	Source:           "ecs-task-metadata-v4",
}

const (
	helloBody   = "Hello from AWS Fargate\n"
	healthyBody = "ok\n"
	drainBody   = "shutting down\n"
)

// newTestApp is the app with the task's identity served (TASK_IDENTITY=true).
func newTestApp(t *testing.T) *app {
	t.Helper()
	a, err := newApp(testInfo, true, mtlsListener{}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("newApp: %v", err)
	}
	return a
}

// serveRequest sends one request through the app's router.
func serveRequest(t *testing.T, a *app, method, path string, header http.Header) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	a.routes().ServeHTTP(rec, req)
	return rec
}

func TestRoutes(t *testing.T) {
	whoamiBody := mustJSON(t, testInfo) + "\n"
	tests := map[string]struct {
		method, path string
		accept       string
		draining     bool

		wantStatus      int
		wantBody        string
		wantContentType string
		wantAllow       string
		wantVary        string
	}{
		"GET / says hello": {
			method: "GET", path: "/",
			wantStatus: 200, wantBody: helloBody, wantContentType: contentTypeText, wantVary: "Accept",
		},
		"GET / with Accept JSON says which task answered": {
			method: "GET", path: "/", accept: "application/json",
			wantStatus: 200, wantBody: whoamiBody, wantContentType: contentTypeJSON, wantVary: "Accept",
		},
		"GET / with JSON among other types says which task answered": {
			method: "GET", path: "/", accept: "text/html;q=0.9, Application/JSON; charset=utf-8",
			wantStatus: 200, wantBody: whoamiBody, wantContentType: contentTypeJSON, wantVary: "Accept",
		},
		"GET / with JSON refused by q=0 says hello": {
			method: "GET", path: "/", accept: "application/json;q=0, */*",
			wantStatus: 200, wantBody: helloBody, wantContentType: contentTypeText, wantVary: "Accept",
		},
		"GET / from a browser says hello": {
			method: "GET", path: "/", accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
			wantStatus: 200, wantBody: helloBody, wantContentType: contentTypeText, wantVary: "Accept",
		},
		"GET /whoami says which task answered": {
			method: "GET", path: "/whoami",
			wantStatus: 200, wantBody: whoamiBody, wantContentType: contentTypeJSON,
		},
		"GET /healthz while serving is 200": {
			method: "GET", path: "/healthz",
			wantStatus: 200, wantBody: healthyBody, wantContentType: contentTypeText,
		},
		"GET /healthz once shutdown began is 503": {
			method: "GET", path: "/healthz", draining: true,
			wantStatus: 503, wantBody: drainBody, wantContentType: contentTypeText,
		},
		"GET / once shutdown began still says hello": {
			method: "GET", path: "/", draining: true,
			wantStatus: 200, wantBody: helloBody, wantContentType: contentTypeText, wantVary: "Accept",
		},
		"HEAD / has no body": {
			method: "HEAD", path: "/",
			wantStatus: 200, wantBody: "", wantContentType: contentTypeText, wantVary: "Accept",
		},
		"HEAD /whoami has no body": {
			method: "HEAD", path: "/whoami",
			wantStatus: 200, wantBody: "", wantContentType: contentTypeJSON,
		},
		"HEAD /healthz has no body": {
			method: "HEAD", path: "/healthz",
			wantStatus: 200, wantBody: "", wantContentType: contentTypeText,
		},
		"HEAD /healthz once shutdown began is 503": {
			method: "HEAD", path: "/healthz", draining: true,
			wantStatus: 503, wantBody: "", wantContentType: contentTypeText,
		},
		"POST / is 405": {
			method: "POST", path: "/",
			wantStatus: 405, wantBody: "Method Not Allowed\n", wantContentType: contentTypeText, wantAllow: "GET, HEAD",
		},
		"PUT /whoami is 405": {
			method: "PUT", path: "/whoami",
			wantStatus: 405, wantBody: "Method Not Allowed\n", wantContentType: contentTypeText, wantAllow: "GET, HEAD",
		},
		"DELETE /healthz is 405": {
			method: "DELETE", path: "/healthz",
			wantStatus: 405, wantBody: "Method Not Allowed\n", wantContentType: contentTypeText, wantAllow: "GET, HEAD",
		},
		"GET unknown path is 404": {
			method: "GET", path: "/index.html",
			wantStatus: 404, wantBody: "404 page not found\n", wantContentType: contentTypeText,
		},
		"GET below a route is 404": {
			method: "GET", path: "/whoami/extra",
			wantStatus: 404, wantBody: "404 page not found\n", wantContentType: contentTypeText,
		},
		"POST unknown path is 404": {
			method: "POST", path: "/nope",
			wantStatus: 404, wantBody: "404 page not found\n", wantContentType: contentTypeText,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			a := newTestApp(t)
			if tc.draining {
				a.startDraining()
			}
			header := http.Header{}
			if tc.accept != "" {
				header.Set("Accept", tc.accept)
			}
			rec := serveRequest(t, a, tc.method, tc.path, header)

			if rec.Code != tc.wantStatus {
				t.Errorf("status: got %d, want %d", rec.Code, tc.wantStatus)
			}
			if got := rec.Body.String(); got != tc.wantBody {
				t.Errorf("body: got %q, want %q", got, tc.wantBody)
			}
			assertHeader(t, rec, "Content-Type", tc.wantContentType)
			assertHeader(t, rec, "Allow", tc.wantAllow)
			assertHeader(t, rec, "Vary", tc.wantVary)
		})
	}
}

// TestHeadAnnouncesGetLength checks that HEAD says how long the GET body is.
func TestHeadAnnouncesGetLength(t *testing.T) {
	a := newTestApp(t)
	for _, path := range []string{"/", "/whoami", "/healthz"} {
		get := serveRequest(t, a, "GET", path, nil)
		head := serveRequest(t, a, "HEAD", path, nil)
		want := strconv.Itoa(get.Body.Len())
		if got := head.Header().Get("Content-Length"); got != want {
			t.Errorf("HEAD %s: Content-Length: got %q, want %q (the GET body length)", path, got, want)
		}
		if got := get.Header().Get("Content-Length"); got != want {
			t.Errorf("GET %s: Content-Length: got %q, want %q", path, got, want)
		}
	}
}

func TestWhoamiIsTheTaskInfo(t *testing.T) {
	rec := serveRequest(t, newTestApp(t), "GET", "/whoami", nil)
	var got taskInfo
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("decode /whoami body %q: %v", rec.Body.String(), err)
	}
	if got != testInfo {
		t.Errorf("/whoami: got %+v, want %+v", got, testInfo)
	}
	// The JSON keys are part of the contract, not only the values.
	var fields map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &fields); err != nil {
		t.Fatalf("decode /whoami body %q: %v", rec.Body.String(), err)
	}
	for _, key := range []string{"task_arn", "cluster", "availability_zone", "private_ip", "hostname", "source"} {
		if _, ok := fields[key]; !ok {
			t.Errorf("/whoami: key %q missing from %s", key, rec.Body.String())
		}
	}
}

func TestAcceptsJSON(t *testing.T) {
	tests := map[string]struct {
		accept []string
		want   bool
	}{
		"no Accept header":            {nil, false},
		"empty Accept header":         {[]string{""}, false},
		"curl's default":              {[]string{"*/*"}, false},
		"exactly application/json":    {[]string{"application/json"}, true},
		"in a second header line":     {[]string{"text/plain", "application/json"}, true},
		"with parameters":             {[]string{"application/json; charset=utf-8; q=0.5"}, true},
		"with q=0":                    {[]string{"application/json;q=0"}, false},
		"with q=0.000":                {[]string{"application/json; q=0.000"}, false},
		"a lookalike type":            {[]string{"application/jsonl"}, false},
		"application/json-patch+json": {[]string{"application/json-patch+json"}, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := acceptsJSON(tc.accept); got != tc.want {
				t.Errorf("acceptsJSON(%q): got %v, want %v", tc.accept, got, tc.want)
			}
		})
	}
}

func assertHeader(t *testing.T, rec *httptest.ResponseRecorder, key, want string) {
	t.Helper()
	if got := rec.Header().Get(key); got != want {
		t.Errorf("header %s: got %q, want %q", key, got, want)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %+v: %v", v, err)
	}
	return string(b)
}

// Without TASK_IDENTITY (the default), nothing about the task reaches clients.
func TestIdentityIsOffByDefault(t *testing.T) {
	a, err := newApp(testInfo, false, mtlsListener{}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("newApp: %v", err)
	}
	if rec := serveRequest(t, a, "GET", "/whoami", nil); rec.Code != http.StatusNotFound {
		t.Errorf("GET /whoami: got status %d, want 404", rec.Code)
	}
	rec := serveRequest(t, a, "GET", "/", http.Header{"Accept": {"application/json"}})
	if rec.Code != http.StatusOK || rec.Body.String() != helloBody {
		t.Errorf("GET / with Accept JSON: got %d %q, want 200 %q", rec.Code, rec.Body.String(), helloBody)
	}
	for _, path := range []string{"/", "/whoami", "/healthz"} {
		if body := serveRequest(t, a, "GET", path, http.Header{"Accept": {"application/json"}}).Body.String(); strings.Contains(body, testInfo.TaskARN) || strings.Contains(body, testInfo.PrivateIP) {
			t.Errorf("GET %s tells the task's ARN or address: %q", path, body)
		}
	}
}
