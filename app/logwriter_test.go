package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer that a test can read while a logWriter writes to it.
type lockedBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.writes++
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestLogWriterBatchesUntilTheInterval(t *testing.T) {
	var out lockedBuffer
	l := newLogWriter(&out, 4096, 500*time.Millisecond)
	defer l.Close()

	fmt.Fprintln(l, `{"msg":"one"}`)
	fmt.Fprintln(l, `{"msg":"two"}`)
	if got := out.String(); got != "" {
		t.Errorf("right after writing: got %q passed on, want nothing before the flush", got)
	}
	want := "{\"msg\":\"one\"}\n{\"msg\":\"two\"}\n"
	waitFor(t, "the periodic flush", func() bool { return out.String() == want })
	out.mu.Lock()
	if out.writes != 1 {
		t.Errorf("writes to stdout: got %d, want 1 for both lines", out.writes)
	}
	out.mu.Unlock()
}

func TestLogWriterCloseFlushes(t *testing.T) {
	var out lockedBuffer
	l := newLogWriter(&out, 4096, time.Hour)
	fmt.Fprintln(l, `{"msg":"last words"}`)

	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if got, want := out.String(), "{\"msg\":\"last words\"}\n"; got != want {
		t.Errorf("after Close: got %q, want %q", got, want)
	}
}

func TestLogWriterWritesWhenFull(t *testing.T) {
	var out lockedBuffer
	l := newLogWriter(&out, 64, time.Hour)
	defer l.Close()

	line := strings.Repeat("x", 40) + "\n"
	fmt.Fprint(l, line)
	fmt.Fprint(l, line) // does not fit with the first

	if got := out.String(); got != line {
		t.Errorf("after overflowing a 64-byte buffer: got %q passed on, want the first line %q", got, line)
	}
}

func TestLogWriterKeepsConcurrentLinesWhole(t *testing.T) {
	var out lockedBuffer
	l := newLogWriter(&out, 256, time.Millisecond)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				fmt.Fprintf(l, "{\"g\":%d,\"i\":%d}\n", g, i)
			}
		}()
	}
	wg.Wait()
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		seen[line] = true
	}
	for g := range 8 {
		for i := range 200 {
			if line := fmt.Sprintf("{\"g\":%d,\"i\":%d}", g, i); !seen[line] {
				t.Fatalf("line %s: missing or torn in the output", line)
			}
		}
	}
	if got, want := len(seen), 8*200; got != want {
		t.Errorf("distinct lines: got %d, want %d", got, want)
	}
}
