package main

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// Log output batching, as nginx's "access_log ... buffer= flush=" does: one write(2) per
// batch of lines instead of one per request takes about 15% off the CPU time of a
// request under load (bench/RESULTS.md). A line waits at most logFlushInterval.
const (
	logBufferSize    = 64 << 10
	logFlushInterval = 100 * time.Millisecond
)

// logWriter buffers what is written to it and passes it on to w in batches: when the
// buffer is full, every interval, and on Close. Lines written just before a crash or a
// SIGKILL can be lost; run closes it on every normal exit.
type logWriter struct {
	mu  sync.Mutex
	buf *bufio.Writer

	stop chan struct{}
	done chan struct{}
}

func newLogWriter(w io.Writer, size int, interval time.Duration) *logWriter {
	l := &logWriter{
		buf:  bufio.NewWriterSize(w, size),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	go l.flushEvery(interval)
	return l
}

// Write buffers p. slog handlers call it once per complete line, and a line is never
// split between two batches: if it does not fit, the batch before it goes out first.
func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(p) > l.buf.Available() && l.buf.Buffered() > 0 {
		if err := l.buf.Flush(); err != nil {
			return 0, err
		}
	}
	return l.buf.Write(p)
}

// Close stops the periodic flush and writes out what is buffered.
func (l *logWriter) Close() error {
	close(l.stop)
	<-l.done
	return l.flush()
}

func (l *logWriter) flushEvery(interval time.Duration) {
	defer close(l.done)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-tick.C:
			_ = l.flush() // a failing stdout cannot be reported anywhere else
		}
	}
}

func (l *logWriter) flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buf.Buffered() == 0 {
		return nil
	}
	return l.buf.Flush()
}
