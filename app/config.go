package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Defaults for the values a deployment or a test may change. The other server timeouts
// are fixed constants in server.go.
const (
	defaultPort = 8080

	// defaultReadHeaderTimeout bounds how long a client may take to send its request
	// headers. The ALB sends them at once; a client that trickles them (slowloris) is cut
	// off after this.
	defaultReadHeaderTimeout = 5 * time.Second

	// Shutdown timeline after SIGTERM, which must fit inside ECS's default stopTimeout of
	// 30 s (SIGKILL follows it):
	//
	//   - ECS deregisters a service task from the ALB target group and waits out the
	//     target group's 10 s deregistration delay before it sends SIGTERM, so normally no
	//     new request arrives after the signal. When the signal comes first or at the same
	//     time (a Fargate Spot interruption, a manual stop), the ALB may still route to us
	//     for a moment. So for defaultDrainDelay (5 s) we keep serving, with /healthz
	//     answering 503 and keep-alives off, so the ALB and clients move away.
	//   - Then the listener closes and in-flight requests get defaultShutdownTimeout (10 s)
	//     to finish. That equals writeTimeout, which already bounds every request, and the
	//     ALB's 10 s deregistration delay, after which the ALB drops its connections anyway.
	//   - Worst case 5 s + 10 s = 15 s, then Close: 15 s to spare before SIGKILL at 30 s.
	defaultDrainDelay      = 5 * time.Second
	defaultShutdownTimeout = 10 * time.Second
)

// config is everything run needs from its flags and environment.
type config struct {
	host        string // LISTEN_HOST: address to listen on; empty means all interfaces
	port        int    // PORT: TCP port; 0 picks a free one (tests)
	metadataURI string // ECS_CONTAINER_METADATA_URI_V4, set by ECS on Fargate
	// TASK_IDENTITY: answer /whoami (and / with Accept: application/json) with the task's
	// ARN, cluster, AZ, private IP and hostname. Off unless set: the ARN holds the AWS
	// account id, and the addresses are the VPC's, which a public service need not tell.
	taskIdentity bool
	// MTLS_MODE and MTLS_PORT: how the ALB authenticates clients with mutual TLS, and on
	// which listener port, and so which headers about the client's certificate /whoami
	// may read, and on which requests. Empty MTLS_MODE (mutual TLS off) means never.
	mtls mtlsListener

	healthcheck       bool // -healthcheck: probe a running server and exit
	readHeaderTimeout time.Duration
	drain             drainTimings
}

// mtlsMode is the ALB listener's mutual TLS mode, as the stack passes it in MTLS_MODE.
type mtlsMode string

const (
	// mtlsOff: the ALB asks for no client certificate, so any certificate header in a
	// request came from the client itself and is never read.
	mtlsOff mtlsMode = ""
	// mtlsVerify: the ALB checked the client's certificate against its trust store and
	// describes it in X-Amzn-Mtls-Clientcert-* headers.
	mtlsVerify mtlsMode = "verify"
	// mtlsPassthrough: the ALB forwards the client's certificate chain, unchecked, in the
	// X-Amzn-Mtls-Clientcert header.
	mtlsPassthrough mtlsMode = "passthrough"
)

// defaultMTLSPort is the HTTPS listener's port when MTLS_PORT is not set.
const defaultMTLSPort = 443

// mtlsListener is the ALB listener that does mutual TLS: its mode, and the port a request
// came in on (X-Forwarded-Port) when it came through that listener. Only such a request
// carries certificate headers the ALB wrote; any other (plain HTTP, another port) may
// carry headers of the same names that the client wrote itself.
type mtlsListener struct {
	mode mtlsMode
	port int
}

// drainTimings is the shutdown timeline described at defaultDrainDelay.
type drainTimings struct {
	delay   time.Duration // keep serving, unhealthy, before closing the listener
	timeout time.Duration // then wait this long for in-flight requests
}

// parseConfig reads flags from args and settings from getenv, and reports every invalid
// value at once. Flag usage and errors are printed to out.
func parseConfig(args []string, getenv func(string) string, out io.Writer) (config, error) {
	cfg := config{
		host:        getenv("LISTEN_HOST"),
		port:        defaultPort,
		metadataURI: getenv("ECS_CONTAINER_METADATA_URI_V4"),
	}

	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.BoolVar(&cfg.healthcheck, "healthcheck", false,
		"probe http://127.0.0.1:$PORT/healthz, exit 0 if it answers 200, else 1")
	fs.DurationVar(&cfg.readHeaderTimeout, "read-header-timeout", defaultReadHeaderTimeout,
		"time a client has to send its request headers")
	fs.DurationVar(&cfg.drain.delay, "drain-delay", defaultDrainDelay,
		"after SIGTERM, keep serving with /healthz 503 for this long")
	fs.DurationVar(&cfg.drain.timeout, "shutdown-timeout", defaultShutdownTimeout,
		"then wait this long for in-flight requests before closing them")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}

	var errs []error
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("arguments: unexpected %q: the server takes flags only", fs.Args()))
	}
	if v := getenv("PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 0 || p > 65535 {
			errs = append(errs, fmt.Errorf("PORT: invalid value %q: must be an integer between 0 and 65535", v))
		}
		cfg.port = p
	}
	if v := getenv("TASK_IDENTITY"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("TASK_IDENTITY: invalid value %q: must be true or false", v))
		}
		cfg.taskIdentity = b
	}
	switch v := mtlsMode(getenv("MTLS_MODE")); v {
	case mtlsOff, mtlsVerify, mtlsPassthrough:
		cfg.mtls.mode = v
	default:
		errs = append(errs, fmt.Errorf("MTLS_MODE: invalid value %q: must be verify, passthrough or empty", v))
	}
	cfg.mtls.port = defaultMTLSPort
	if v := getenv("MTLS_PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			errs = append(errs, fmt.Errorf("MTLS_PORT: invalid value %q: must be the HTTPS listener's port, an integer between 1 and 65535", v))
		}
		cfg.mtls.port = p
	}
	if cfg.readHeaderTimeout <= 0 {
		errs = append(errs, fmt.Errorf("-read-header-timeout: invalid value %s: must be greater than 0", cfg.readHeaderTimeout))
	}
	if cfg.drain.delay < 0 {
		errs = append(errs, fmt.Errorf("-drain-delay: invalid value %s: must be 0 or more", cfg.drain.delay))
	}
	if cfg.drain.timeout <= 0 {
		errs = append(errs, fmt.Errorf("-shutdown-timeout: invalid value %s: must be greater than 0", cfg.drain.timeout))
	}
	if len(errs) > 0 {
		return config{}, errors.Join(errs...)
	}
	return cfg, nil
}
