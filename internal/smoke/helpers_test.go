package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// testPKI is a CA made for the test, and certificates it issues.
type testPKI struct {
	ca     *x509.Certificate
	caKey  *ecdsa.PrivateKey
	CAFile string // the CA's PEM, for -ca-file
}

func newTestPKI(t testing.TB) *testPKI {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "smoke test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "ca.pem")
	writeFile(t, file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	return &testPKI{ca: ca, caKey: key, CAFile: file}
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

var serial = struct {
	sync.Mutex
	n int64
}{n: 100}

// issue makes a certificate for the names (server) or for a client.
func (p *testPKI) issue(t testing.TB, client bool, names ...string) tls.Certificate {
	t.Helper()
	key := newKey(t)
	serial.Lock()
	serial.n++
	n := serial.n
	serial.Unlock()
	usage := x509.ExtKeyUsageServerAuth
	if client {
		usage = x509.ExtKeyUsageClientAuth
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(n),
		Subject:      pkix.Name{CommonName: "smoke test " + strings.Join(names, ",")},
		DNSNames:     names,
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, &key.PublicKey, p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// clientFiles writes a client certificate and its key, for -client-cert and -client-key.
func (p *testPKI) clientFiles(t testing.TB) (certFile, keyFile string) {
	t.Helper()
	cert := p.issue(t, true, "partner.example.net")
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key")
	writeFile(t, certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}))
	writeFile(t, keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
	return certFile, keyFile
}

func (p *testPKI) pool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(p.ca)
	return pool
}

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// fakeNet stands in for the internet: each public address:port the command dials is
// mapped to a local listener, or fails with an errno.
type fakeNet struct {
	mu     sync.Mutex
	routes map[string]string        // public address:port → 127.0.0.1:port
	errnos map[string]syscall.Errno // public address:port → the dial's error
	dialed map[string]int
}

func newFakeNet() *fakeNet {
	return &fakeNet{routes: map[string]string{}, errnos: map[string]syscall.Errno{}, dialed: map[string]int{}}
}

// route maps the public address:port to a local listener's address.
func (f *fakeNet) route(public, local string) *fakeNet {
	f.routes[public] = local
	return f
}

// fail makes dials of the public address:port fail with errno.
func (f *fakeNet) fail(public string, errno syscall.Errno) *fakeNet {
	f.errnos[public] = errno
	return f
}

func (f *fakeNet) dial(ctx context.Context, network, address string) (net.Conn, error) {
	f.mu.Lock()
	f.dialed[address]++
	local, ok := f.routes[address]
	errno, fails := f.errnos[address]
	f.mu.Unlock()
	if fails {
		return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", errno)}
	}
	if !ok {
		return nil, fmt.Errorf("test: no listener stands in for %s", address)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, local)
}

// albOptions say how the stand-in ALB behaves.
type albOptions struct {
	// RedirectPort, when not 0, makes the default action a 301 to https on this port,
	// as redirectHttp does; otherwise it is the fixed 200 "OK".
	RedirectPort int
	// NoHealthRule leaves the probe path to the default action: no task answers it.
	NoHealthRule bool
	AZ           string // the task's, for /whoami; "" without taskIdentity
}

// albStandIn answers as the ALB and its tasks do: the probe path and, with an AZ,
// /whoami from a task (no Server header, "ok\n" as the bundled app), everything else
// from the ALB with Server: awselb/2.0.
func albStandIn(opt albOptions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/healthz" && !opt.NoHealthRule:
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, "ok\n")
		case r.URL.Path == "/whoami" && opt.AZ != "" && opt.RedirectPort == 0:
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]string{"availability_zone": opt.AZ, "source": "ecs-task-metadata-v4"})
		case opt.RedirectPort != 0:
			w.Header().Set("Server", "awselb/2.0")
			host, _, err := net.SplitHostPort(r.Host)
			if err != nil {
				host = r.Host
			}
			w.Header().Set("Location", fmt.Sprintf("https://%s/", net.JoinHostPort(strings.Trim(host, "[]"), fmt.Sprint(opt.RedirectPort))))
			w.WriteHeader(http.StatusMovedPermanently)
		default:
			w.Header().Set("Server", "awselb/2.0")
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "OK")
		}
	})
}

var quietLog = log.New(io.Discard, "", 0)

// httpServer starts a plain HTTP stand-in and returns its local address.
func httpServer(t testing.TB, h http.Handler) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = quietLog
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

// tlsServer starts an HTTPS stand-in with cert and returns its local address and the
// SNI names it was asked for. With clientCAs it requires a client certificate they
// issued, as mtls verify does.
func tlsServer(t testing.TB, h http.Handler, cert tls.Certificate, clientCAs *x509.CertPool) (string, *sniLog) {
	t.Helper()
	sni := &sniLog{}
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = quietLog
	srv.TLS = &tls.Config{
		Certificates: []tls.Certificate{cert},
		GetConfigForClient: func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
			sni.add(hello.ServerName)
			return nil, nil
		},
	}
	if clientCAs != nil {
		srv.TLS.ClientAuth, srv.TLS.ClientCAs = tls.RequireAndVerifyClientCert, clientCAs
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String(), sni
}

// sniLog records the server names clients sent.
type sniLog struct {
	mu    sync.Mutex
	names []string
}

func (s *sniLog) add(name string) { s.mu.Lock(); s.names = append(s.names, name); s.mu.Unlock() }
func (s *sniLog) all() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.names...)
}

// refusingAddr is a local address where nothing listens: connections are refused.
func refusingAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// hangingAddr accepts connections and never answers, until the test ends.
func hangingAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return l.Addr().String()
}

// outputsFile writes the outputs JSON and returns its path.
func outputsFile(t testing.TB, outputs string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "outputs.json")
	writeFile(t, path, []byte(outputs))
	return path
}

// smokeRun is one run of the command.
type smokeRun struct {
	Code           int
	Stdout, Stderr string
}

// runSmoke runs the command on the outputs against the fake network, with args after
// -outputs, and env as its environment.
func runSmoke(t testing.TB, outputs string, net *fakeNet, env map[string]string, args ...string) smokeRun {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args = append([]string{"-outputs", outputsFile(t, outputs)}, args...)
	code := runWith(context.Background(), args, func(k string) string { return env[k] }, &stdout, &stderr, system{
		Stdin: strings.NewReader(""),
		Dial:  net.dial,
		StackOutput: func(context.Context, string, string) ([]byte, error) {
			t.Error("the outputs come from a file: pulumi must not run")
			return nil, nil
		},
	})
	return smokeRun{Code: code, Stdout: stdout.String(), Stderr: stderr.String()}
}

// markdownRows reads the table rows of -format markdown.
func markdownRows(t testing.TB, md string) []row {
	t.Helper()
	var rows []row
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| Address") {
			continue
		}
		c := strings.Split(strings.TrimSuffix(strings.TrimPrefix(line, "| "), " |"), " | ")
		if len(c) != 7 {
			t.Fatalf("row %q has %d cells, want 7", line, len(c))
		}
		rows = append(rows, row{c[0], c[1], c[2], strings.Trim(c[3], "*"), c[4], c[5], c[6]})
	}
	return rows
}

// findRow returns the row of the address, port and protocol label.
func findRow(t testing.TB, rows []row, addr, port, protocol string) row {
	t.Helper()
	for _, r := range rows {
		if r.Address == addr && r.Port == port && r.Protocol == protocol {
			return r
		}
	}
	t.Fatalf("no row for %s %s %s in %v", addr, port, protocol, rows)
	return row{}
}

// wantRow checks a row's result and that its detail holds each of details.
func wantRow(t testing.TB, rows []row, addr, port, protocol, result string, details ...string) row {
	t.Helper()
	r := findRow(t, rows, addr, port, protocol)
	if r.Result != result {
		t.Errorf("%s:%s %s: result %q, want %q (detail: %s)", addr, port, protocol, r.Result, result, r.Detail)
	}
	for _, d := range details {
		if !strings.Contains(r.Detail, d) {
			t.Errorf("%s:%s %s: detail %q does not say %q", addr, port, protocol, r.Detail, d)
		}
	}
	return r
}
