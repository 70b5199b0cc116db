package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DialFunc opens a TCP connection; tests map the public addresses to local listeners.
type DialFunc func(ctx context.Context, network, address string) (net.Conn, error)

// status is a row's result.
type status string

const (
	statusPass    status = "pass"
	statusFail    status = "FAIL"
	statusSkipped status = "skipped"
)

// result is what one probe found.
type result struct {
	Probe   probe
	Status  status
	Elapsed time.Duration // 0 when the probe was not run
	AZ      string        // from /whoami; "" when not asked
	Detail  string
	// HostnameSkipped: the TLS certificate's chain was checked but not its name.
	HostnameSkipped bool
	// failedAt is the request and step that failed, "GET /healthz: TLS handshake", for
	// a failure that a timeout may explain better than its error.
	failedAt string
}

// prober runs probes.
type prober struct {
	Dial       DialFunc
	Roots      *x509.CertPool   // the system's roots and -ca-file's
	ClientCert *tls.Certificate // -client-cert, or nil
	Timeout    time.Duration    // each probe's dials, handshakes and requests together
	// Deadline is the run's -deadline, only to say which limit a failure hit.
	Deadline time.Duration
}

// maxBody is as much of an answer as the checks read.
const maxBody = 64 << 10

// runAll runs the probes, at most parallel at a time, and returns their results in the
// probes' order. It returns when every probe has finished, which ctx's deadline bounds.
func (p *prober) runAll(ctx context.Context, probes []probe, parallel int) []result {
	results := make([]result, len(probes))
	slots := make(chan struct{}, max(parallel, 1))
	var wg sync.WaitGroup
	for i, pr := range probes {
		wg.Go(func() {
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
				results[i] = p.run(ctx, pr)
			case <-ctx.Done():
				results[i] = result{Probe: pr, Status: statusFail,
					Detail: fmt.Sprintf("not run: the run's deadline (-deadline %s) passed first", p.Deadline)}
			}
		})
	}
	wg.Wait()
	return results
}

// run performs one probe within p.Timeout.
func (p *prober) run(parent context.Context, pr probe) result {
	if pr.Skip != "" {
		return result{Probe: pr, Status: statusSkipped, Detail: pr.Skip}
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(parent, p.Timeout)
	defer cancel()
	r := p.check(ctx, pr)
	r.Probe, r.Elapsed = pr, time.Since(start)
	if r.Status == statusFail && passed(ctx) {
		// Say which limit cut the probe short, whatever error it surfaced as: the
		// connection's deadline is the context's, and may fire before the context's
		// own timer.
		limit := fmt.Sprintf("timed out after %s (-timeout)", p.Timeout)
		if passed(parent) {
			limit = fmt.Sprintf("the run's deadline (-deadline %s) passed", p.Deadline)
		}
		switch {
		case r.failedAt != "":
			r.Detail = r.failedAt + ": " + limit
		case !strings.Contains(r.Detail, limit):
			r.Detail = limit + ": " + r.Detail
		}
	}
	return r
}

// passed reports whether ctx is done or its deadline has come.
func passed(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	d, ok := ctx.Deadline()
	return ok && !time.Now().Before(d)
}

// check makes the probe's requests in turn and stops at the first that fails.
func (p *prober) check(ctx context.Context, pr probe) result {
	var notes []string
	var r result
	if pr.RedirectPort != 0 {
		a, err := p.exchange(ctx, pr, "/", "")
		if err != nil {
			return p.failed(pr, "GET /", err)
		}
		loc, problem := checkRedirect(a, pr)
		if problem != "" {
			return result{Status: statusFail, Detail: problem}
		}
		notes = append(notes, "/ → 301 "+loc)
	}
	a, err := p.exchange(ctx, pr, pr.Path, "")
	if pr.Expect == expectRefusal {
		return p.refusal(pr, a, err)
	}
	if err != nil {
		return p.failed(pr, "GET "+pr.Path, err)
	}
	if pr.Protocol == "https" {
		note, skipped := tlsNote(a.TLS, pr)
		notes = append(notes, note)
		r.HostnameSkipped = skipped
	}
	note, ok := taskAnswer(a, pr.Path)
	if !ok {
		r.Status, r.Detail = statusFail, note
		return r
	}
	notes = append(notes, note)
	if pr.Whoami {
		a, err := p.exchange(ctx, pr, "/whoami", "application/json")
		if err != nil {
			return p.failed(pr, "GET /whoami", err)
		}
		az, problem := whoamiAZ(a)
		if problem != "" {
			r.Status, r.Detail = statusFail, problem
			return r
		}
		r.AZ = az
	}
	r.Status, r.Detail = statusPass, strings.Join(notes, "; ")
	return r
}

// answer is an HTTP response as the checks read it.
type answer struct {
	Status int
	Header http.Header
	Body   []byte // at most maxBody
	TLS    *tls.ConnectionState
}

// stageError says at which step of an exchange an error came.
type stageError struct {
	Stage string // stageConnect, stageTLS, stageSend, stageReceive
	Err   error
}

const (
	stageConnect = "connecting"
	stageTLS     = "TLS handshake"
	stageSend    = "sending the request"
	stageReceive = "reading the response"
)

func (e *stageError) Error() string { return e.Stage + ": " + e.Err.Error() }
func (e *stageError) Unwrap() error { return e.Err }

// exchange makes one GET on a connection of its own: dial, TLS for https, request,
// response. The connection never outlives ctx.
func (p *prober) exchange(ctx context.Context, pr probe, path, accept string) (answer, error) {
	conn, err := p.Dial(ctx, "tcp", pr.Target())
	if err != nil {
		return answer{}, &stageError{stageConnect, err}
	}
	defer conn.Close()
	if d, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(d)
	}
	// Cancellation (an interrupt, the run's deadline) unblocks any read or write.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	var a answer
	if pr.Protocol == "https" {
		tc := tls.Client(conn, p.tlsConfig(pr))
		if err := tc.HandshakeContext(ctx); err != nil {
			return answer{}, &stageError{stageTLS, err}
		}
		state := tc.ConnectionState()
		a.TLS, conn = &state, tc
	}
	scheme := pr.Protocol
	req := &http.Request{
		Method:     http.MethodGet,
		URL:        &url.URL{Scheme: scheme, Host: pr.Host, Path: path},
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Host:       pr.Host,
		Header:     http.Header{"User-Agent": {"nlb-alb-fargate-smoke"}},
		Close:      true,
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	w := bufio.NewWriter(conn)
	if err := req.Write(w); err != nil {
		return answer{}, &stageError{stageSend, err}
	}
	if err := w.Flush(); err != nil {
		return answer{}, &stageError{stageSend, err}
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		return answer{}, &stageError{stageReceive, err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return answer{}, &stageError{stageReceive, err}
	}
	a.Status, a.Header, a.Body = resp.StatusCode, resp.Header, body
	return a, nil
}

// tlsConfig verifies the server's certificate against p.Roots, for pr.ServerName when
// there is one and otherwise its chain only, and presents the client certificate when
// the probe asks for it.
func (p *prober) tlsConfig(pr probe) *tls.Config {
	c := &tls.Config{RootCAs: p.Roots, ServerName: pr.ServerName, MinVersion: tls.VersionTLS12}
	if pr.ServerName == "" {
		// No name to check: verify the chain ourselves, and say so in the table.
		c.InsecureSkipVerify = true
		c.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("the server sent no certificate")
			}
			inter := x509.NewCertPool()
			for _, cert := range cs.PeerCertificates[1:] {
				inter.AddCert(cert)
			}
			_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: p.Roots, Intermediates: inter})
			return err
		}
	}
	if pr.ClientCert && p.ClientCert != nil {
		// Always present it: Go would hold back a certificate whose issuer is not among
		// the CAs the server lists, and the ALB's list is not ours to predict.
		cert := p.ClientCert
		c.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return cert, nil }
	}
	return c
}

// failed turns an exchange's error into a failed or skipped result.
func (p *prober) failed(pr probe, what string, err error) result {
	if unroutable(err) {
		if pr.Addr.Is6() {
			return result{Status: statusSkipped, Detail: "IPv6 not routable from this runner: " + err.Error()}
		}
		// The Elastic IPs are the entrances partners use: a runner that cannot reach
		// them has checked nothing, which must not pass as "nothing failed".
		return result{Status: statusFail, Detail: "IPv4 not routable from this runner, nothing checked: " + err.Error()}
	}
	var se *stageError
	stage, at := "", what
	if errors.As(err, &se) {
		stage, at = se.Stage, what+": "+se.Stage
	}
	switch {
	case errors.Is(err, errConnRefused):
		return result{Status: statusFail, Detail: what + ": connection refused"}
	case stage == stageTLS && certificateError(err):
		return result{Status: statusFail, Detail: what + ": server certificate: " + certificateReason(err, pr)}
	}
	return result{Status: statusFail, Detail: what + ": " + err.Error(), failedAt: at}
}

// refusal judges the no-client-certificate probe of mutual TLS verify: the ALB must
// refuse the handshake, close the connection, or answer 4xx itself.
func (p *prober) refusal(pr probe, a answer, err error) result {
	if err == nil {
		server := a.Header.Get("Server")
		if a.Status >= 400 && a.Status < 500 && fromALB(server) {
			return result{Status: statusPass, Detail: fmt.Sprintf("refused without a client certificate: %d from the ALB", a.Status)}
		}
		return result{Status: statusFail, Detail: fmt.Sprintf("answered %d (Server %q) without a client certificate: mutual TLS verify should refuse it", a.Status, server)}
	}
	var se *stageError
	if !errors.As(err, &se) || se.Stage == stageConnect || isTimeout(err) {
		return p.failed(pr, "GET "+pr.Path, err)
	}
	if se.Stage == stageTLS && certificateError(err) {
		return p.failed(pr, "GET "+pr.Path, err)
	}
	if se.Stage == stageTLS || tlsAlert(err) || closed(err) {
		return result{Status: statusPass, Detail: "refused without a client certificate (" + err.Error() + ")"}
	}
	return p.failed(pr, "GET "+pr.Path, err)
}

// taskAnswer tells a task's 200 at the probe path from anything else, above all from
// the ALB's own fixed 200 "OK", which carries Server: awselb/2.0 as everything the ALB
// itself answers does.
func taskAnswer(a answer, path string) (note string, ok bool) {
	server := a.Header.Get("Server")
	body := string(a.Body)
	switch {
	case a.Status == http.StatusOK && (fromALB(server) || body == "OK"):
		return fmt.Sprintf("ALB default answer, not a task: 200 %q (Server %q) at %s; no ALB rule routes it to a task", shorten(body), server, path), false
	case a.Status == http.StatusOK:
		return fmt.Sprintf("task 200 at %s", path), true
	case fromALB(server):
		return fmt.Sprintf("%d from the ALB (Server %q) at %s, want 200 from a task%s", a.Status, server, path, albHint(a.Status)), false
	}
	return fmt.Sprintf("%d from a task at %s, want 200", a.Status, path), false
}

// fromALB reports whether a Server header is the ALB's own.
func fromALB(server string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(server)), "awselb")
}

func albHint(status int) string {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound:
		return ": a redirect, so no rule routes the probe path to a task"
	case http.StatusBadGateway:
		return ": the task closed the connection or did not answer HTTP"
	case http.StatusServiceUnavailable:
		return ": no healthy task behind the rule"
	case http.StatusGatewayTimeout:
		return ": the task did not answer in time"
	case http.StatusForbidden:
		return ": refused by the ALB (a web ACL?)"
	}
	return ""
}

// checkRedirect checks GET /'s 301 to HTTPS on the https entrance's port, to the same
// host.
func checkRedirect(a answer, pr probe) (location, problem string) {
	loc := a.Header.Get("Location")
	if a.Status != http.StatusMovedPermanently {
		return "", fmt.Sprintf("GET / answered %d (Server %q), want 301 to https (the entrance has redirect: true)", a.Status, a.Header.Get("Server"))
	}
	u, err := url.Parse(loc)
	if err != nil || u.Scheme != "https" {
		return "", fmt.Sprintf("GET / answered 301 to %q, want https://", loc)
	}
	port := u.Port()
	if port == "" {
		port = "443"
	}
	if port != strconv.Itoa(pr.RedirectPort) {
		return "", fmt.Sprintf("GET / answered 301 to %q, want the https entrance's port %d", loc, pr.RedirectPort)
	}
	wantHost := pr.Host
	if h, _, err := net.SplitHostPort(pr.Host); err == nil {
		wantHost = h
	}
	wantHost = strings.Trim(wantHost, "[]")
	if !strings.EqualFold(u.Hostname(), wantHost) {
		return "", fmt.Sprintf("GET / answered 301 to %q, want the host %s kept", loc, wantHost)
	}
	return loc, ""
}

// tlsNote says what was checked of the server's certificate.
func tlsNote(cs *tls.ConnectionState, pr probe) (note string, hostnameSkipped bool) {
	version := ""
	if cs != nil {
		version = tls.VersionName(cs.Version) + ", "
	}
	if pr.ServerName == "" {
		return version + "certificate chain valid, hostname NOT checked (no domain in the outputs; give -server-name)", true
	}
	return version + "certificate valid for " + pr.ServerName, false
}

// whoamiAZ reads the task's Availability Zone from /whoami.
func whoamiAZ(a answer) (az, problem string) {
	if a.Status != http.StatusOK || fromALB(a.Header.Get("Server")) {
		return "", fmt.Sprintf("GET /whoami answered %d (Server %q), want 200 from a task (taskIdentity is on)", a.Status, a.Header.Get("Server"))
	}
	var body struct {
		AZ *string `json:"availability_zone"`
	}
	if err := json.Unmarshal(a.Body, &body); err != nil {
		return "", fmt.Sprintf("GET /whoami: not JSON: %v", err)
	}
	if body.AZ == nil || *body.AZ == "" {
		return "", `GET /whoami: no "availability_zone" in the answer`
	}
	return *body.AZ, ""
}

// shorten cuts a value a server sent to what a message shows.
func shorten(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
