// Command server is the container that runs on AWS Fargate behind NLB -> internal ALB.
//
// It answers "Hello from AWS Fargate" on /, says which task answered on /whoami (or on /
// with Accept: application/json) when TASK_IDENTITY is true, reports its health on
// /healthz, writes one JSON access log line per request to stdout, and drains gracefully
// on SIGTERM. Run with -healthcheck it probes a running server instead, for the ECS
// container health check in an image that has no shell.
//
// Environment: PORT (default 8080), LISTEN_HOST (default all interfaces), TASK_IDENTITY
// (true or false, default false), MTLS_MODE (verify, passthrough or empty: the ALB
// listener's mutual TLS mode; with TASK_IDENTITY, /whoami then also describes the
// caller's certificate from the ALB's X-Amzn-Mtls-Clientcert* headers, which it never
// reads when MTLS_MODE is empty), MTLS_PORT (the mutual TLS listener's port, default
// 443: the headers are read only on requests the ALB says came in over HTTPS on that
// port) and ECS_CONTAINER_METADATA_URI_V4 (set by ECS).
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

// run is the whole program, with its dependencies passed in so tests can call it.
// It returns when the server has stopped: nil after a graceful shutdown.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := parseConfig(args, getenv, stdout)
	if err != nil {
		return err
	}
	if cfg.healthcheck {
		return probeHealth(ctx, cfg.host, cfg.port, healthcheckTimeout)
	}

	// SIGTERM is what ECS sends when it stops the task; SIGINT is Ctrl-C locally. Once the
	// first one has started the shutdown, stop catching them, so a second Ctrl-C kills.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop)

	logOut := newLogWriter(stdout, logBufferSize, logFlushInterval)
	defer logOut.Close()
	logger := slog.New(slog.NewJSONHandler(logOut, nil))

	info := loadTaskInfo(ctx, cfg.metadataURI, metadataTimeout, logger)
	a, err := newApp(info, cfg.taskIdentity, cfg.mtls, logger)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", net.JoinHostPort(cfg.host, strconv.Itoa(cfg.port)))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := newHTTPServer(accessLog(logger, a.routes()), cfg.readHeaderTimeout, logger)
	logger.Info("server listening",
		slog.String("addr", ln.Addr().String()),
		slog.String("task_arn", info.TaskARN),
		slog.String("availability_zone", info.AvailabilityZone),
		slog.String("private_ip", info.PrivateIP),
	)
	return serve(ctx, srv, ln, a.startDraining, cfg.drain, logger)
}
