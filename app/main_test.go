package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// runMainEnv makes the test binary run main() instead of the tests, so a test can check
// the real process's exit code.
const runMainEnv = "APP_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// logSink is the stdout given to run: it keeps every line, and hands over the address
// from the "server listening" line. run writes whole lines, several at a time.
type logSink struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	addr chan string
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf.Write(p)
	for _, raw := range bytes.Split(p, []byte("\n")) {
		var line struct {
			Msg  string `json:"msg"`
			Addr string `json:"addr"`
		}
		if json.Unmarshal(raw, &line) == nil && line.Msg == "server listening" {
			s.addr <- line.Addr
		}
	}
	return len(p), nil
}

func (s *logSink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// runningServer is run() started by a test on 127.0.0.1 and a free port.
type runningServer struct {
	addr   string
	logs   *logSink
	cancel context.CancelFunc
	done   chan struct{} // closed when run has returned err
	err    error
}

func startRun(t *testing.T, args ...string) *runningServer {
	t.Helper()
	env := map[string]string{"LISTEN_HOST": "127.0.0.1", "PORT": "0"}
	ctx, cancel := context.WithCancel(context.Background())
	s := &runningServer{
		logs:   &logSink{addr: make(chan string, 1)},
		cancel: cancel,
		done:   make(chan struct{}),
	}
	go func() {
		s.err = run(ctx, args, func(k string) string { return env[k] }, s.logs)
		close(s.done)
	}()
	t.Cleanup(func() {
		cancel()
		s.wait(t)
	})

	select {
	case s.addr = <-s.logs.addr:
	case <-s.done:
		t.Fatalf("run returned before listening: %v", s.err)
	case <-time.After(5 * time.Second):
		t.Fatalf("run did not log %q within 5s; logs: %s", "server listening", s.logs)
	}
	return s
}

// wait returns run's error once it has returned.
func (s *runningServer) wait(t *testing.T) error {
	t.Helper()
	select {
	case <-s.done:
		return s.err
	case <-time.After(10 * time.Second):
		t.Fatal("run still running 10s after it was told to stop")
		return nil
	}
}

func TestRunServesAndStopsOnSIGTERM(t *testing.T) {
	s := startRun(t, "-drain-delay=300ms")
	url := "http://" + s.addr

	if got := get(url + "/"); got.status != http.StatusOK || got.body != helloBody {
		t.Fatalf("GET /: got %d %q (err %v), want 200 %q", got.status, got.body, got.err, helloBody)
	}
	if got := get(url + "/healthz"); got.status != http.StatusOK {
		t.Fatalf("GET /healthz: got %d (err %v), want 200", got.status, got.err)
	}

	// The signal ECS sends; run caught it with signal.NotifyContext before listening.
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatalf("kill: %v", err)
	}
	waitFor(t, "GET /healthz to answer 503 after SIGTERM", func() bool {
		return get(url+"/healthz").status == http.StatusServiceUnavailable
	})
	if err := s.wait(t); err != nil {
		t.Errorf("run: got %v, want nil after a graceful shutdown", err)
	}

	logs := s.logs.String()
	for _, want := range []string{
		`"msg":"shutdown started","drain_delay":"300ms","shutdown_timeout":"10s"`,
		`"msg":"request","method":"GET","path":"/healthz","status":503`,
		`"msg":"shutdown complete"`,
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs: want a line with %s, got:\n%s", want, logs)
		}
	}
}

func TestRunErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	defer busy.Close()
	_, busyPort, _ := net.SplitHostPort(busy.Addr().String())

	tests := map[string]struct {
		env  map[string]string
		want string
	}{
		"error if PORT is invalid": {
			env:  map[string]string{"PORT": "eighty"},
			want: `PORT: invalid value "eighty": must be an integer between 0 and 65535`,
		},
		"error if the port is taken": {
			env:  map[string]string{"LISTEN_HOST": "127.0.0.1", "PORT": busyPort},
			want: "listen: listen tcp 127.0.0.1:" + busyPort + ": bind: address already in use",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), nil, func(k string) string { return tc.env[k] }, &out)
			if err == nil || err.Error() != tc.want {
				t.Errorf("run: got error %v, want %q", err, tc.want)
			}
		})
	}
}

// runHealthcheck runs this test binary as "server -healthcheck" with PORT=port and
// returns its exit code.
func runHealthcheck(t *testing.T, port string) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-healthcheck")
	cmd.Env = append(os.Environ(), runMainEnv+"=1", "PORT="+port, "LISTEN_HOST=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		t.Logf("healthcheck stderr: %s", stderr.String())
		return exit.ExitCode()
	default:
		t.Fatalf("run %s -healthcheck: %v", os.Args[0], err)
		return -1
	}
}

func TestHealthcheckExitCode(t *testing.T) {
	t.Run("0 against a healthy server", func(t *testing.T) {
		s := startRun(t, "-drain-delay=0s")
		_, port, _ := net.SplitHostPort(s.addr)
		if got := runHealthcheck(t, port); got != 0 {
			t.Errorf("exit code: got %d, want 0", got)
		}
	})
	t.Run("1 against nothing listening", func(t *testing.T) {
		if got := runHealthcheck(t, strconv.Itoa(freePort(t))); got != 1 {
			t.Errorf("exit code: got %d, want 1", got)
		}
	})
}

func TestProbeHealth(t *testing.T) {
	tests := map[string]struct {
		status  int
		wantErr string
	}{
		"healthy":  {http.StatusOK, ""},
		"draining": {http.StatusServiceUnavailable, "got status 503 Service Unavailable, want 200"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/healthz" {
					http.NotFound(w, r)
					return
				}
				w.WriteHeader(tc.status)
			})}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatalf("listen: %v", err)
			}
			go srv.Serve(ln)
			defer srv.Close()

			err = probeHealth(context.Background(), "", ln.Addr().(*net.TCPAddr).Port, time.Second)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("probeHealth: got %v, want nil", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("probeHealth: got %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

// freePort returns a port on 127.0.0.1 that nothing listens on (any more).
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}
