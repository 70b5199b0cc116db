package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/example/nlb-alb-fargate/internal/smoke/outputs"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitPass  = 0 // nothing failed (some probes may be skipped)
	exitFail  = 1 // a probe failed
	exitUsage = 2 // bad flags, or outputs that cannot be read or are not the contract
)

// run is the command: the real network, the real pulumi, and os.Stdin for -outputs -.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	return runWith(ctx, args, getenv, stdout, stderr, system{
		Stdin:       os.Stdin,
		Dial:        (&net.Dialer{}).DialContext,
		StackOutput: pulumiStackOutput,
	})
}

// system is what run reaches outside the process through; tests replace it.
type system struct {
	Stdin io.Reader
	Dial  DialFunc
	// StackOutput returns what `pulumi stack output --json --stack stack` prints in dir.
	StackOutput func(ctx context.Context, stack, dir string) ([]byte, error)
}

// options are the command's flags.
type options struct {
	Stack, Cwd, Outputs   string
	Timeout, Deadline     time.Duration
	Format                string
	CAFile, ServerName    string
	ClientCert, ClientKey string
	Parallel              int
}

func runWith(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, sys system) int {
	opt, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitPass
	}
	if err != nil {
		fmt.Fprintln(stderr, "smoke:", err)
		return exitUsage
	}
	ctx, cancel := context.WithTimeout(ctx, opt.Deadline)
	defer cancel()

	roots, clientCert, err := loadTLS(opt)
	if err != nil {
		fmt.Fprintln(stderr, "smoke:", err)
		return exitUsage
	}
	data, err := readOutputs(ctx, opt, sys)
	if err != nil {
		fmt.Fprintln(stderr, "smoke:", err)
		return exitUsage
	}
	outputs, err := outputs.Parse(data)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}

	probes := plan(outputs, planOptions{ServerName: opt.ServerName, HaveClientCert: clientCert != nil})
	p := &prober{Dial: sys.Dial, Roots: roots, ClientCert: clientCert, Timeout: opt.Timeout, Deadline: opt.Deadline}
	results := p.runAll(ctx, probes, opt.Parallel)

	render := renderText
	if opt.Format == "markdown" {
		render = renderMarkdown
	}
	if err := render(stdout, results); err != nil {
		fmt.Fprintln(stderr, "smoke: writing the table:", err)
	}
	if path := getenv("GITHUB_STEP_SUMMARY"); path != "" {
		if err := appendSummary(path, results); err != nil {
			// The table is on stdout already; a missing job summary fails no entrance.
			fmt.Fprintln(stderr, "smoke: warning: GITHUB_STEP_SUMMARY:", err)
		}
	}
	reportFailures(stderr, results)
	if summarize(results).Fail > 0 {
		return exitFail
	}
	return exitPass
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var opt options
	fs := flag.NewFlagSet("smoke", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: go run ./internal/smoke (-stack NAME [-cwd DIR] | -outputs FILE) [flags]

Probes every static IPv4 and IPv6 address of the stack's NLB on every listener port.
Exit status: 0 nothing failed, 1 a probe failed, 2 bad usage or outputs.

Flags:
`)
		fs.PrintDefaults()
	}
	fs.StringVar(&opt.Stack, "stack", "", "read the outputs of the stack `name` (runs pulumi stack output --json --stack name)")
	fs.StringVar(&opt.Cwd, "cwd", "", "`directory` of the Pulumi project, with -stack (default: the current one)")
	fs.StringVar(&opt.Outputs, "outputs", "", "read the outputs from `file`, as pulumi stack output --json prints them; - for stdin")
	fs.DurationVar(&opt.Timeout, "timeout", 10*time.Second, "time for each probe: its dials, TLS handshakes and requests together")
	fs.DurationVar(&opt.Deadline, "deadline", 60*time.Second, "time for the whole run, reading the outputs included")
	fs.StringVar(&opt.Format, "format", "text", "table format on stdout: text or markdown")
	fs.StringVar(&opt.CAFile, "ca-file", "", "PEM `file` of CA certificates to trust besides the system's")
	fs.StringVar(&opt.ServerName, "server-name", "", "TLS `name` for SNI and the certificate check (default: the outputs' domain)")
	fs.StringVar(&opt.ClientCert, "client-cert", "", "PEM `file` of the client certificate for mutual TLS")
	fs.StringVar(&opt.ClientKey, "client-key", "", "PEM `file` of the client certificate's key")
	fs.IntVar(&opt.Parallel, "parallel", 16, "probes run at a time")
	if err := fs.Parse(args); err != nil {
		return opt, err
	}
	var problems []error
	if fs.NArg() > 0 {
		problems = append(problems, fmt.Errorf("unexpected arguments %q: every input is a flag", fs.Args()))
	}
	switch {
	case opt.Stack == "" && opt.Outputs == "":
		problems = append(problems, errors.New("give -stack NAME or -outputs FILE"))
	case opt.Stack != "" && opt.Outputs != "":
		problems = append(problems, errors.New("give -stack or -outputs, not both"))
	}
	if opt.Cwd != "" && opt.Stack == "" {
		problems = append(problems, errors.New("-cwd goes with -stack"))
	}
	if opt.Timeout <= 0 || opt.Deadline <= 0 {
		problems = append(problems, errors.New("-timeout and -deadline must be more than 0"))
	}
	if opt.Format != "text" && opt.Format != "markdown" {
		problems = append(problems, fmt.Errorf("-format %q: want text or markdown", opt.Format))
	}
	if (opt.ClientCert == "") != (opt.ClientKey == "") {
		problems = append(problems, errors.New("-client-cert and -client-key go together"))
	}
	if opt.Parallel < 1 {
		problems = append(problems, errors.New("-parallel must be at least 1"))
	}
	return opt, errors.Join(problems...)
}

// loadTLS reads the roots to trust (the system's and -ca-file's) and the client
// certificate, nil without -client-cert.
func loadTLS(opt options) (*x509.CertPool, *tls.Certificate, error) {
	roots, err := x509.SystemCertPool()
	if err != nil {
		roots = x509.NewCertPool()
	}
	if opt.CAFile != "" {
		pem, err := os.ReadFile(opt.CAFile)
		if err != nil {
			return nil, nil, fmt.Errorf("-ca-file: %w", err)
		}
		if !roots.AppendCertsFromPEM(pem) {
			return nil, nil, fmt.Errorf("-ca-file %s: no PEM certificate in it", opt.CAFile)
		}
	}
	if opt.ClientCert == "" {
		return roots, nil, nil
	}
	cert, err := tls.LoadX509KeyPair(opt.ClientCert, opt.ClientKey)
	if err != nil {
		return nil, nil, fmt.Errorf("-client-cert/-client-key: %w", err)
	}
	return roots, &cert, nil
}

// readOutputs returns the outputs' JSON from the stack, the file or stdin.
func readOutputs(ctx context.Context, opt options, sys system) ([]byte, error) {
	switch {
	case opt.Stack != "":
		return sys.StackOutput(ctx, opt.Stack, opt.Cwd)
	case opt.Outputs == "-":
		data, err := io.ReadAll(sys.Stdin)
		if err != nil {
			return nil, fmt.Errorf("-outputs -: reading stdin: %w", err)
		}
		return data, nil
	}
	data, err := os.ReadFile(opt.Outputs)
	if err != nil {
		return nil, fmt.Errorf("-outputs: %w", err)
	}
	return data, nil
}

// pulumiStackOutput runs `pulumi stack output --json --stack stack` in dir.
func pulumiStackOutput(ctx context.Context, stack, dir string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "pulumi", "stack", "output", "--json", "--stack", stack)
	cmd.Dir = dir
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	cmd.WaitDelay = 2 * time.Second // do not wait on a child that keeps the pipes open
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(errOut.String())
		if msg != "" {
			msg = ": " + msg
		}
		return nil, fmt.Errorf("pulumi stack output --json --stack %s: %w%s", stack, err, msg)
	}
	return out, nil
}

// appendSummary adds the markdown table to the job summary file, which every step of
// the job appends to.
func appendSummary(path string, results []result) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if err := renderMarkdown(f, results); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
