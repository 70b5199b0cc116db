package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// The tests run the whole command against local listeners that stand in for the
// Elastic IPs: the fake network maps each public address:port to one of them.

func TestHealthyTaskOverHTTP(t *testing.T) {
	task := httpServer(t, albStandIn(albOptions{AZ: "us-east-1a"}))
	net := newFakeNet().route(ip1+":80", task).route(ip2+":80", task)
	outputs := `{"staticIps": ["203.0.113.10", "203.0.113.11"], "staticIpv6s": [],
		"entrances": [{"protocol": "http", "port": 80}], "probePath": "/healthz", "taskIdentity": true,
		"url": "http://nlb.example/", "clusterName": "ignored"}`

	got := runSmoke(t, outputs, net, nil, "-format", "markdown")
	if got.Code != exitPass || got.Stderr != "" {
		t.Fatalf("exit %d, stderr %q; want 0 and nothing\n%s", got.Code, got.Stderr, got.Stdout)
	}
	rows := markdownRows(t, got.Stdout)
	if len(rows) != 2 {
		t.Fatalf("%d rows, want one per address × port: 2\n%s", len(rows), got.Stdout)
	}
	for _, ip := range []string{ip1, ip2} {
		r := wantRow(t, rows, ip, "80", "http", "pass", "task 200 at /healthz")
		if r.AZ != "us-east-1a" {
			t.Errorf("%s: AZ %q, want us-east-1a from /whoami", ip, r.AZ)
		}
	}
	if !strings.Contains(got.Stdout, "2 probes: 2 pass, 0 FAIL, 0 skipped.") {
		t.Errorf("no summary line in\n%s", got.Stdout)
	}
}

func TestWithoutTaskIdentityTheAZIsADash(t *testing.T) {
	task := httpServer(t, albStandIn(albOptions{}))
	net := newFakeNet().route(ip1+":8080", task)
	got := runSmoke(t, `{"staticIps": ["203.0.113.10"], "entrances": [{"protocol": "http", "port": 8080}], "probePath": "/healthz"}`,
		net, nil, "-format", "markdown")
	r := wantRow(t, markdownRows(t, got.Stdout), ip1, "8080", "http", "pass")
	if r.AZ != "-" {
		t.Errorf("AZ %q, want - without taskIdentity", r.AZ)
	}
	if net.dialed[ip1+":8080"] != 1 {
		t.Errorf("%d connections, want 1: /whoami is not asked without taskIdentity", net.dialed[ip1+":8080"])
	}
}

func TestHTTPRedirectThenTask(t *testing.T) {
	pki := newTestPKI(t)
	httpsAddr, _ := tlsServer(t, albStandIn(albOptions{AZ: "us-east-1b"}), pki.issue(t, false, domain), nil)
	outputs := `{"staticIps": ["203.0.113.10"], "domain": "api.example.com", "probePath": "/healthz", "taskIdentity": true,
		"entrances": [{"protocol": "http", "port": 80, "redirect": true}, {"protocol": "https", "port": 443}]}`

	t.Run("301 to the https port, then the task", func(t *testing.T) {
		net := newFakeNet().route(ip1+":80", httpServer(t, albStandIn(albOptions{RedirectPort: 443}))).route(ip1+":443", httpsAddr)
		got := runSmoke(t, outputs, net, nil, "-format", "markdown", "-ca-file", pki.CAFile)
		if got.Code != exitPass {
			t.Fatalf("exit %d, want 0\n%s%s", got.Code, got.Stdout, got.Stderr)
		}
		rows := markdownRows(t, got.Stdout)
		r := wantRow(t, rows, ip1, "80", "http", "pass", "/ → 301 https://api.example.com:443/", "task 200 at /healthz")
		if r.AZ != "-" {
			t.Errorf("AZ %q on the redirecting entrance, want -: /whoami is redirected there", r.AZ)
		}
		wantRow(t, rows, ip1, "443", "https", "pass")
	})
	t.Run("301 to another port", func(t *testing.T) {
		net := newFakeNet().route(ip1+":80", httpServer(t, albStandIn(albOptions{RedirectPort: 8443}))).route(ip1+":443", httpsAddr)
		got := runSmoke(t, outputs, net, nil, "-format", "markdown", "-ca-file", pki.CAFile)
		wantRow(t, markdownRows(t, got.Stdout), ip1, "80", "http", "FAIL", `301 to "https://api.example.com:8443/"`, "want the https entrance's port 443")
		if got.Code != exitFail {
			t.Errorf("exit %d, want 1", got.Code)
		}
	})
	t.Run("no redirect", func(t *testing.T) {
		net := newFakeNet().route(ip1+":80", httpServer(t, albStandIn(albOptions{}))).route(ip1+":443", httpsAddr)
		got := runSmoke(t, outputs, net, nil, "-format", "markdown", "-ca-file", pki.CAFile)
		wantRow(t, markdownRows(t, got.Stdout), ip1, "80", "http", "FAIL", "GET / answered 200", "want 301 to https")
	})
}

func TestHTTPSWithSNIAndACertificateForTheDomain(t *testing.T) {
	pki := newTestPKI(t)
	addr, sni := tlsServer(t, albStandIn(albOptions{AZ: "us-east-1c"}), pki.issue(t, false, domain), nil)
	net := newFakeNet().route(ip1+":443", addr).route("["+v6a+"]:443", addr)
	outputs := `{"staticIps": ["203.0.113.10"], "staticIpv6s": ["2001:db8::10"], "domain": "api.example.com",
		"entrances": [{"protocol": "https", "port": 443}], "probePath": "/healthz", "taskIdentity": true}`

	got := runSmoke(t, outputs, net, nil, "-format", "markdown", "-ca-file", pki.CAFile)
	if got.Code != exitPass {
		t.Fatalf("exit %d, want 0\n%s%s", got.Code, got.Stdout, got.Stderr)
	}
	rows := markdownRows(t, got.Stdout)
	for _, ip := range []string{ip1, v6a} {
		r := wantRow(t, rows, ip, "443", "https", "pass", "certificate valid for api.example.com", "task 200 at /healthz")
		if r.AZ != "us-east-1c" {
			t.Errorf("%s: AZ %q, want us-east-1c", ip, r.AZ)
		}
	}
	names := sni.all()
	if len(names) != 4 { // the probe path and /whoami, on both addresses
		t.Errorf("%d handshakes, want 4: %q", len(names), names)
	}
	for _, n := range names {
		if n != domain {
			t.Errorf("SNI %q, want %q", n, domain)
		}
	}
}

func TestHTTPSCertificateNotValidForTheDomainFails(t *testing.T) {
	pki := newTestPKI(t)
	outputs := `{"staticIps": ["203.0.113.10"], "domain": "api.example.com",
		"entrances": [{"protocol": "https", "port": 443}], "probePath": "/healthz"}`

	t.Run("another name", func(t *testing.T) {
		addr, _ := tlsServer(t, albStandIn(albOptions{}), pki.issue(t, false, "other.example.com"), nil)
		got := runSmoke(t, outputs, newFakeNet().route(ip1+":443", addr), nil, "-format", "markdown", "-ca-file", pki.CAFile)
		if got.Code != exitFail {
			t.Errorf("exit %d, want 1", got.Code)
		}
		wantRow(t, markdownRows(t, got.Stdout), ip1, "443", "https", "FAIL", "server certificate", "other.example.com", domain)
		if !strings.Contains(got.Stderr, "FAIL 203.0.113.10:443 https: GET /healthz: server certificate") {
			t.Errorf("stderr does not name the failure:\n%s", got.Stderr)
		}
	})
	t.Run("a CA not trusted", func(t *testing.T) {
		addr, _ := tlsServer(t, albStandIn(albOptions{}), pki.issue(t, false, domain), nil)
		got := runSmoke(t, outputs, newFakeNet().route(ip1+":443", addr), nil, "-format", "markdown") // no -ca-file
		wantRow(t, markdownRows(t, got.Stdout), ip1, "443", "https", "FAIL", "server certificate", "unknown authority")
	})
}

func TestHTTPSWithoutADomainSaysTheHostnameWasNotChecked(t *testing.T) {
	pki := newTestPKI(t)
	addr, sni := tlsServer(t, albStandIn(albOptions{}), pki.issue(t, false, domain), nil)
	outputs := `{"staticIps": ["203.0.113.10"], "entrances": [{"protocol": "https", "port": 443}], "probePath": "/healthz"}`

	got := runSmoke(t, outputs, newFakeNet().route(ip1+":443", addr), nil, "-format", "markdown", "-ca-file", pki.CAFile)
	if got.Code != exitPass {
		t.Fatalf("exit %d, want 0\n%s%s", got.Code, got.Stdout, got.Stderr)
	}
	wantRow(t, markdownRows(t, got.Stdout), ip1, "443", "https", "pass", "certificate chain valid, hostname NOT checked", "-server-name")
	if !strings.Contains(got.Stdout, "Certificate hostname check skipped on 1 https probes") {
		t.Errorf("the summary does not say the hostname was not checked:\n%s", got.Stdout)
	}
	if names := sni.all(); !slices.Equal(names, []string{""}) {
		t.Errorf("SNI %q, want none without a name", names)
	}

	t.Run("-server-name", func(t *testing.T) {
		got := runSmoke(t, outputs, newFakeNet().route(ip1+":443", addr), nil, "-format", "markdown", "-ca-file", pki.CAFile, "-server-name", domain)
		wantRow(t, markdownRows(t, got.Stdout), ip1, "443", "https", "pass", "certificate valid for api.example.com")
		if strings.Contains(got.Stdout, "hostname check skipped") {
			t.Errorf("the hostname was checked, yet the summary says skipped:\n%s", got.Stdout)
		}
	})
}

func TestRefusedConnectionFailsAndIsNamedOnStderr(t *testing.T) {
	task := httpServer(t, albStandIn(albOptions{}))
	net := newFakeNet().route(ip1+":80", task).route(ip2+":80", refusingAddr(t))
	got := runSmoke(t, `{"staticIps": ["203.0.113.10", "203.0.113.11"], "entrances": [{"protocol": "http", "port": 80}], "probePath": "/healthz"}`,
		net, nil, "-format", "markdown")
	if got.Code != exitFail {
		t.Errorf("exit %d, want 1", got.Code)
	}
	rows := markdownRows(t, got.Stdout)
	wantRow(t, rows, ip1, "80", "http", "pass")
	wantRow(t, rows, ip2, "80", "http", "FAIL", "connection refused")
	if want := "FAIL 203.0.113.11:80 http: GET /healthz: connection refused\n"; got.Stderr != want {
		t.Errorf("stderr %q, want %q", got.Stderr, want)
	}
}

func TestTheALBsOwnAnswerIsNotATask(t *testing.T) {
	outputs := `{"staticIps": ["203.0.113.10"], "entrances": [{"protocol": "http", "port": 80}], "probePath": "/healthz"}`
	for name, tc := range map[string]struct {
		handler http.Handler
		detail  []string
	}{
		"fixed OK with Server awselb": {albStandIn(albOptions{NoHealthRule: true}),
			[]string{"ALB default answer, not a task", `Server "awselb/2.0"`}},
		"OK without a Server header": {http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "OK") }),
			[]string{"ALB default answer, not a task"}},
		"200 with Server awselb": {http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Server", "awselb/2.0")
			io.WriteString(w, "something else")
		}), []string{"ALB default answer, not a task"}},
		"503 from the ALB": {http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Server", "awselb/2.0")
			w.WriteHeader(http.StatusServiceUnavailable)
		}), []string{"503 from the ALB", "no healthy task"}},
		"500 from a task": {http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
		}), []string{"500 from a task at /healthz, want 200"}},
	} {
		t.Run(name, func(t *testing.T) {
			got := runSmoke(t, outputs, newFakeNet().route(ip1+":80", httpServer(t, tc.handler)), nil, "-format", "markdown")
			wantRow(t, markdownRows(t, got.Stdout), ip1, "80", "http", "FAIL", tc.detail...)
			if got.Code != exitFail {
				t.Errorf("exit %d, want 1", got.Code)
			}
		})
	}
}

func TestUnroutableIPv6IsSkipped(t *testing.T) {
	task := httpServer(t, albStandIn(albOptions{}))
	net := newFakeNet().route(ip1+":80", task).
		fail("["+v6a+"]:80", syscall.ENETUNREACH).
		fail("["+v6b+"]:80", syscall.EHOSTUNREACH).
		fail("["+v6c+"]:80", syscall.EADDRNOTAVAIL)
	got := runSmoke(t, `{"staticIps": ["203.0.113.10"], "staticIpv6s": ["2001:db8::10", "2001:db8::11", "2001:db8::12"],
		"entrances": [{"protocol": "http", "port": 80}], "probePath": "/healthz"}`, net, nil, "-format", "markdown")
	if got.Code != exitPass || got.Stderr != "" {
		t.Errorf("exit %d, stderr %q; want 0 and nothing: skipped is not failed", got.Code, got.Stderr)
	}
	rows := markdownRows(t, got.Stdout)
	wantRow(t, rows, ip1, "80", "http", "pass")
	wantRow(t, rows, v6a, "80", "http", "skipped", "IPv6 not routable from this runner", "network is unreachable")
	wantRow(t, rows, v6b, "80", "http", "skipped", "no route to host")
	wantRow(t, rows, v6c, "80", "http", "skipped", "cannot assign requested address")
	if !strings.Contains(got.Stdout, "4 probes: 1 pass, 0 FAIL, 3 skipped.") {
		t.Errorf("summary does not count the skipped:\n%s", got.Stdout)
	}
}

func TestRefusedOrUnroutableIPv4IsNotSkipped(t *testing.T) {
	net := newFakeNet().
		fail(ip1+":80", syscall.ENETUNREACH).
		fail("["+v6a+"]:80", syscall.ECONNREFUSED)
	got := runSmoke(t, `{"staticIps": ["203.0.113.10"], "staticIpv6s": ["2001:db8::10"],
		"entrances": [{"protocol": "http", "port": 80}], "probePath": "/healthz"}`, net, nil, "-format", "markdown")
	if got.Code != exitFail {
		t.Errorf("exit %d, want 1", got.Code)
	}
	rows := markdownRows(t, got.Stdout)
	wantRow(t, rows, ip1, "80", "http", "FAIL", "IPv4 not routable from this runner, nothing checked")
	wantRow(t, rows, v6a, "80", "http", "FAIL", "connection refused")
}

func TestMTLSVerify(t *testing.T) {
	pki := newTestPKI(t)
	requireCert, _ := tlsServer(t, albStandIn(albOptions{AZ: "us-east-1a"}), pki.issue(t, false, domain), pki.pool())
	outputs := `{"staticIps": ["203.0.113.10"], "domain": "api.example.com", "mtlsMode": "verify", "taskIdentity": true,
		"entrances": [{"protocol": "http", "port": 80, "redirect": true}, {"protocol": "https", "port": 443}], "probePath": "/healthz"}`
	redirect := httpServer(t, albStandIn(albOptions{RedirectPort: 443}))

	t.Run("without a client certificate", func(t *testing.T) {
		net := newFakeNet().route(ip1+":80", redirect).route(ip1+":443", requireCert)
		got := runSmoke(t, outputs, net, nil, "-format", "markdown", "-ca-file", pki.CAFile)
		if got.Code != exitPass || got.Stderr != "" {
			t.Errorf("exit %d, stderr %q; want 0 and nothing", got.Code, got.Stderr)
		}
		rows := markdownRows(t, got.Stdout)
		if len(rows) != 3 {
			t.Errorf("%d rows, want 3: http, and https without and with a client certificate\n%s", len(rows), got.Stdout)
		}
		wantRow(t, rows, ip1, "80", "http", "pass")
		wantRow(t, rows, ip1, "443", labelNoCert, "pass", "refused without a client certificate")
		wantRow(t, rows, ip1, "443", labelWithCert, "skipped", "-client-cert and -client-key")
		if net.dialed[ip1+":443"] != 1 {
			t.Errorf("%d connections to :443, want 1: the with-certificate probe is skipped, not run", net.dialed[ip1+":443"])
		}
	})
	t.Run("with a client certificate", func(t *testing.T) {
		certFile, keyFile := pki.clientFiles(t)
		net := newFakeNet().route(ip1+":80", redirect).route(ip1+":443", requireCert)
		got := runSmoke(t, outputs, net, nil, "-format", "markdown", "-ca-file", pki.CAFile, "-client-cert", certFile, "-client-key", keyFile)
		if got.Code != exitPass {
			t.Fatalf("exit %d, want 0\n%s%s", got.Code, got.Stdout, got.Stderr)
		}
		rows := markdownRows(t, got.Stdout)
		wantRow(t, rows, ip1, "443", labelNoCert, "pass", "refused without a client certificate")
		r := wantRow(t, rows, ip1, "443", labelWithCert, "pass", "certificate valid for api.example.com", "task 200 at /healthz")
		if r.AZ != "us-east-1a" {
			t.Errorf("AZ %q, want us-east-1a", r.AZ)
		}
	})
	t.Run("not enforced", func(t *testing.T) {
		open, _ := tlsServer(t, albStandIn(albOptions{}), pki.issue(t, false, domain), nil)
		net := newFakeNet().route(ip1+":80", redirect).route(ip1+":443", open)
		got := runSmoke(t, outputs, net, nil, "-format", "markdown", "-ca-file", pki.CAFile)
		if got.Code != exitFail {
			t.Errorf("exit %d, want 1", got.Code)
		}
		wantRow(t, markdownRows(t, got.Stdout), ip1, "443", labelNoCert, "FAIL", "answered 200", "mutual TLS verify should refuse it")
	})
	t.Run("a 403 from the ALB is a refusal", func(t *testing.T) {
		forbidden, _ := tlsServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Server", "awselb/2.0")
			w.WriteHeader(http.StatusForbidden)
		}), pki.issue(t, false, domain), nil)
		net := newFakeNet().route(ip1+":80", redirect).route(ip1+":443", forbidden)
		got := runSmoke(t, outputs, net, nil, "-format", "markdown", "-ca-file", pki.CAFile)
		wantRow(t, markdownRows(t, got.Stdout), ip1, "443", labelNoCert, "pass", "403 from the ALB")
	})
}

func TestAHangingServerTimesOut(t *testing.T) {
	hang := hangingAddr(t)
	task := httpServer(t, albStandIn(albOptions{}))
	outputs := `{"staticIps": ["203.0.113.10", "203.0.113.11"], "entrances": [{"protocol": "http", "port": 80}], "probePath": "/healthz"}`

	t.Run("-timeout", func(t *testing.T) {
		net := newFakeNet().route(ip1+":80", hang).route(ip2+":80", task)
		got := runSmoke(t, outputs, net, nil, "-format", "markdown", "-timeout", "200ms", "-deadline", "30s")
		if got.Code != exitFail {
			t.Errorf("exit %d, want 1", got.Code)
		}
		rows := markdownRows(t, got.Stdout)
		wantRow(t, rows, ip1, "80", "http", "FAIL", "timed out after 200ms (-timeout)", "reading the response")
		wantRow(t, rows, ip2, "80", "http", "pass")
	})
	t.Run("-deadline", func(t *testing.T) {
		net := newFakeNet().route(ip1+":80", hang).route(ip2+":80", hang)
		got := runSmoke(t, outputs, net, nil, "-format", "markdown", "-timeout", "30s", "-deadline", "200ms")
		rows := markdownRows(t, got.Stdout)
		for _, ip := range []string{ip1, ip2} {
			wantRow(t, rows, ip, "80", "http", "FAIL", "the run's deadline (-deadline 200ms) passed")
		}
	})
	t.Run("TLS handshake", func(t *testing.T) {
		net := newFakeNet().route(ip1+":443", hang)
		got := runSmoke(t, `{"staticIps": ["203.0.113.10"], "entrances": [{"protocol": "https", "port": 443}], "probePath": "/healthz", "domain": "api.example.com"}`,
			net, nil, "-format", "markdown", "-timeout", "200ms")
		wantRow(t, markdownRows(t, got.Stdout), ip1, "443", "https", "FAIL", "timed out after 200ms", "TLS handshake")
	})
}

func TestMarkdownGoesToTheStepSummary(t *testing.T) {
	task := httpServer(t, albStandIn(albOptions{AZ: "us-east-1a"}))
	summary := filepath.Join(t.TempDir(), "summary.md")
	writeFile(t, summary, []byte("## An earlier step\n"))
	outputs := `{"staticIps": ["203.0.113.10"], "entrances": [{"protocol": "http", "port": 80}], "probePath": "/healthz", "taskIdentity": true}`

	got := runSmoke(t, outputs, newFakeNet().route(ip1+":80", task), map[string]string{"GITHUB_STEP_SUMMARY": summary})
	if got.Code != exitPass {
		t.Fatalf("exit %d, want 0\n%s%s", got.Code, got.Stdout, got.Stderr)
	}
	if !strings.HasPrefix(got.Stdout, "ADDRESS") || strings.Contains(got.Stdout, "| Address") {
		t.Errorf("stdout is not the text table -format text asks for:\n%s", got.Stdout)
	}
	data, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	md := string(data)
	if !strings.HasPrefix(md, "## An earlier step\n") {
		t.Errorf("the job summary lost what earlier steps wrote:\n%s", md)
	}
	for _, want := range []string{
		"### Smoke check of the static entrances\n",
		"| Address | Port | Protocol | Result | ms | AZ | Detail |\n",
		"|---|---:|---|---|---:|---|---|\n",
		"1 probes: 1 pass, 0 FAIL, 0 skipped.\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("job summary lacks %q:\n%s", want, md)
		}
	}
	r := wantRow(t, markdownRows(t, md), ip1, "80", "http", "pass", "task 200 at /healthz")
	if r.AZ != "us-east-1a" {
		t.Errorf("AZ %q in the job summary, want us-east-1a", r.AZ)
	}

	t.Run("unwritable", func(t *testing.T) {
		env := map[string]string{"GITHUB_STEP_SUMMARY": filepath.Join(t.TempDir(), "no", "such", "dir")}
		got := runSmoke(t, outputs, newFakeNet().route(ip1+":80", task), env)
		if got.Code != exitPass || !strings.Contains(got.Stderr, "warning: GITHUB_STEP_SUMMARY") {
			t.Errorf("exit %d, stderr %q; want 0 and a warning: the entrances are fine", got.Code, got.Stderr)
		}
	})
}

func TestExitCodes(t *testing.T) {
	task := httpServer(t, albStandIn(albOptions{}))
	good := `{"staticIps": ["203.0.113.10"], "entrances": [{"protocol": "http", "port": 80}], "probePath": "/healthz"}`
	net := func() *fakeNet { return newFakeNet().route(ip1+":80", task) }
	for _, tc := range []struct {
		name    string
		outputs string
		net     *fakeNet
		args    []string
		code    int
		stderr  string
	}{
		{"all pass", good, net(), nil, exitPass, ""},
		{"a probe fails", good, newFakeNet().route(ip1+":80", refusingAddr(t)), nil, exitFail, "FAIL 203.0.113.10:80"},
		{"bad outputs", `{"entrances": [{"protocol": "http", "port": 80}], "probePath": "/healthz"}`, net(), nil, exitUsage, `missing "staticIps"`},
		{"-format", good, net(), []string{"-format", "html"}, exitUsage, `-format "html": want text or markdown`},
		{"unknown flag", good, net(), []string{"-colour"}, exitUsage, "flag provided but not defined: -colour"},
		{"arguments", good, net(), []string{"dev"}, exitUsage, "every input is a flag"},
		{"-stack and -outputs", good, net(), []string{"-stack", "dev"}, exitUsage, "not both"},
		{"-client-cert alone", good, net(), []string{"-client-cert", "c.pem"}, exitUsage, "-client-cert and -client-key go together"},
		{"-timeout 0", good, net(), []string{"-timeout", "0s"}, exitUsage, "must be more than 0"},
		{"-ca-file missing", good, net(), []string{"-ca-file", "/nonexistent/ca.pem"}, exitUsage, "-ca-file"},
		{"-help", good, net(), []string{"-help"}, exitPass, "Usage: go run ./internal/smoke"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := runSmoke(t, tc.outputs, tc.net, nil, tc.args...)
			if got.Code != tc.code {
				t.Errorf("exit %d, want %d\nstderr: %s", got.Code, tc.code, got.Stderr)
			}
			if !strings.Contains(got.Stderr, tc.stderr) {
				t.Errorf("stderr %q does not say %q", got.Stderr, tc.stderr)
			}
		})
	}
	t.Run("neither -stack nor -outputs", func(t *testing.T) {
		var stderr strings.Builder
		code := run(t.Context(), nil, func(string) string { return "" }, io.Discard, &stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), "give -stack NAME or -outputs FILE") {
			t.Errorf("exit %d, stderr %q; want 2 and what to give", code, stderr.String())
		}
	})
	t.Run("-outputs file missing", func(t *testing.T) {
		var stderr strings.Builder
		code := run(t.Context(), []string{"-outputs", filepath.Join(t.TempDir(), "none.json")}, func(string) string { return "" }, io.Discard, &stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), "-outputs: open") {
			t.Errorf("exit %d, stderr %q; want 2 and the file's error", code, stderr.String())
		}
	})
}

func TestOutputsFromTheStackOrStdin(t *testing.T) {
	task := httpServer(t, albStandIn(albOptions{}))
	outputs := `{"staticIps": ["203.0.113.10"], "entrances": [{"protocol": "http", "port": 80}], "probePath": "/healthz"}`
	net := newFakeNet().route(ip1+":80", task)
	var asked []string
	sys := system{
		Stdin: strings.NewReader(outputs),
		Dial:  net.dial,
		StackOutput: func(_ context.Context, stack, dir string) ([]byte, error) {
			asked = append(asked, stack, dir)
			if stack == "broken" {
				return nil, fmt.Errorf("pulumi stack output --json --stack broken: exit status 255: error: no stack named 'broken' found")
			}
			return []byte(outputs), nil
		},
	}
	for _, tc := range []struct {
		args   []string
		code   int
		asked  []string
		stderr string
	}{
		{[]string{"-stack", "dev", "-cwd", "/src/project"}, exitPass, []string{"dev", "/src/project"}, ""},
		{[]string{"-stack", "broken"}, exitUsage, []string{"broken", ""}, "no stack named 'broken'"},
		{[]string{"-outputs", "-"}, exitPass, nil, ""},
		{[]string{"-cwd", "/src/project", "-outputs", "-"}, exitUsage, nil, "-cwd goes with -stack"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			asked = nil
			var stdout, stderr strings.Builder
			code := runWith(t.Context(), tc.args, func(string) string { return "" }, &stdout, &stderr, sys)
			if code != tc.code || !slices.Equal(asked, tc.asked) || !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("exit %d, pulumi asked %q, stderr %q; want %d, %q, %q", code, asked, stderr.String(), tc.code, tc.asked, tc.stderr)
			}
		})
	}
}

func TestBadOutputsExitTwoWithTheMessages(t *testing.T) {
	got := runSmoke(t, `{"staticIpv6s": ["2001:db8::10"], "entrances": "80", "probePath": "/healthz"}`, newFakeNet(), nil)
	want := `outputs: missing "staticIps": expected the list of the NLB's Elastic IPs (pulumi stack output staticIps); is this the stack's output?
outputs: "entrances": expected a list of {"protocol", "port", "redirect"} objects, got the string "80"
`
	if got.Code != exitUsage || got.Stderr != want || got.Stdout != "" {
		t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant exit 2, no table, stderr:\n%s", got.Code, got.Stdout, got.Stderr, want)
	}
}
