package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// slowServer serves the app's routes plus GET /slow, which signals started and answers
// only once release is closed, through serve: the code path run uses.
type slowServer struct {
	url     string
	started chan struct{}
	release chan struct{}
	cancel  context.CancelFunc // begins the shutdown, as SIGTERM does in run
	done    chan error         // serve's result
}

func startSlowServer(t *testing.T, timings drainTimings) *slowServer {
	t.Helper()
	s := &slowServer{
		started: make(chan struct{}),
		release: make(chan struct{}),
		done:    make(chan error, 1),
	}
	a := newTestApp(t)
	mux := http.NewServeMux()
	mux.Handle("/", a.routes())
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		close(s.started)
		<-s.release
		w.Write([]byte("done\n"))
	})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	s.url = "http://" + ln.Addr().String()
	logger := slog.New(slog.DiscardHandler)
	srv := newHTTPServer(accessLog(logger, mux), time.Second, logger)

	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() { s.done <- serve(ctx, srv, ln, a.startDraining, timings, logger) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.release:
		default:
			close(s.release)
		}
	})
	return s
}

type result struct {
	status int
	body   string
	close  bool // the server said "Connection: close"
	err    error
}

// get does GET url on a new connection, closed afterwards.
func get(url string) result {
	return getWith(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}, url)
}

// getWith does GET url with client, within 5s.
func getWith(client *http.Client, url string) result {
	client.Timeout = 5 * time.Second
	resp, err := client.Get(url)
	if err != nil {
		return result{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return result{status: resp.StatusCode, body: string(body), close: resp.Close, err: err}
}

// waitFor polls cond every 10ms until it holds or 5s have passed.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 5s for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestShutdownDrainsInFlightRequests(t *testing.T) {
	s := startSlowServer(t, drainTimings{delay: 500 * time.Millisecond, timeout: 5 * time.Second})
	if got := get(s.url + "/healthz"); got.status != http.StatusOK {
		t.Fatalf("GET /healthz before shutdown: got %d (err %v), want 200", got.status, got.err)
	}

	// A client that would keep the connection open, like the ALB.
	keepAlive := &http.Client{Transport: &http.Transport{}}
	slow := make(chan result, 1)
	go func() { slow <- getWith(keepAlive, s.url+"/slow") }()
	<-s.started

	s.cancel() // what SIGTERM does

	// During the drain delay the server still answers, /healthz says 503, and every
	// response closes its connection.
	var during result
	waitFor(t, "GET /healthz to answer 503 during the drain", func() bool {
		during = getWith(&http.Client{Transport: &http.Transport{}}, s.url+"/healthz")
		return during.status == http.StatusServiceUnavailable
	})
	if !during.close {
		t.Errorf("GET /healthz during the drain: got no \"Connection: close\", want it (keep-alives are off)")
	}
	// Then the listener closes while the slow request is still in flight.
	waitFor(t, "the listener to refuse new connections", func() bool {
		c, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	select {
	case r := <-slow:
		t.Fatalf("slow request finished before it was released: %+v", r)
	case err := <-s.done:
		t.Fatalf("serve returned %v while a request was in flight, want it to wait", err)
	default:
	}

	close(s.release)
	got := <-slow
	if got.err != nil || got.status != http.StatusOK || got.body != "done\n" {
		t.Errorf("in-flight request: got %d %q (err %v), want 200 %q", got.status, got.body, got.err, "done\n")
	}
	if !got.close {
		t.Errorf("in-flight response: got no \"Connection: close\", want it (keep-alives are off while draining)")
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("serve: got %v, want nil after a clean drain", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve still running 5s after the last request finished")
	}
}

func TestShutdownClosesWhatDoesNotFinishInTime(t *testing.T) {
	s := startSlowServer(t, drainTimings{delay: 0, timeout: 100 * time.Millisecond})
	slow := make(chan result, 1)
	go func() { slow <- get(s.url + "/slow") }()
	<-s.started

	s.cancel()

	select {
	case err := <-s.done:
		if err == nil || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("serve: got %v, want the shutdown's context.DeadlineExceeded", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve still running 5s after a 100ms shutdown timeout")
	}
	if got := <-slow; got.err == nil {
		t.Errorf("stuck request: got %d %q, want its connection closed", got.status, got.body)
	}
}

func TestSlowlorisIsCutOffByReadHeaderTimeout(t *testing.T) {
	s := startRun(t, "-read-header-timeout=300ms", "-drain-delay=0s")

	conn, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	// Send the request line, then headers one byte every 50ms: 3s' worth, never ending
	// the header block.
	go func() {
		if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: test\r\n"); err != nil {
			return
		}
		for _, b := range []byte(strings.Repeat("X-Slow: a\r\n", 6)) {
			if _, err := conn.Write([]byte{b}); err != nil {
				return // the server hung up: expected
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()

	// After 300ms the server hangs up, with a 400 or with nothing, depending on where in
	// a header line the deadline falls. Without a read-header timeout it would still be
	// waiting when our 2s read deadline passes.
	start := time.Now()
	conn.SetReadDeadline(start.Add(2 * time.Second))
	got, err := io.ReadAll(conn)
	elapsed := time.Since(start)
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		t.Fatalf("read: got a timeout after 2s (%q so far), want the server to hang up after 300ms", got)
	}
	if len(got) > 0 && !bytes.HasPrefix(got, []byte("HTTP/1.1 400 ")) {
		t.Errorf("server's answer to the unfinished request: got %q, want nothing or a 400", got)
	}
	if elapsed < 200*time.Millisecond {
		t.Errorf("server hung up after %s, want it to wait for the 300ms read-header timeout", elapsed)
	}

	// A client that sends its request at once is served by the same server.
	if got := get("http://" + s.addr + "/"); got.status != http.StatusOK {
		t.Errorf("GET / from a prompt client: got %d (err %v), want 200", got.status, got.err)
	}
}
