package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/example/nlb-alb-fargate/internal/smoke/outputs"
)

// The addresses the tests stand in for: documentation ranges, never dialled for real.
const (
	ip1 = "203.0.113.10"
	ip2 = "203.0.113.11"
	v6a = "2001:db8::10"
	v6b = "2001:db8::11"
	v6c = "2001:db8::12"

	domain = "api.example.com"
)

func TestPlanOfTheContract(t *testing.T) {
	o := outputs.Outputs{
		StaticIPs:    []netip.Addr{netip.MustParseAddr(ip1)},
		StaticIPv6s:  []netip.Addr{netip.MustParseAddr(v6a)},
		Entrances:    []outputs.Entrance{{Protocol: "http", Port: 80, Redirect: true}, {Protocol: "https", Port: 8443}},
		Domain:       domain,
		ProbePath:    "/healthz",
		MTLSMode:     "verify",
		TaskIdentity: true,
	}
	var got []string
	for _, p := range plan(o, planOptions{}) {
		got = append(got, fmt.Sprintf("%s %s host=%s redirect=%d name=%s cert=%t whoami=%t expect=%d skip=%t",
			p.Target(), p.Label, p.Host, p.RedirectPort, p.ServerName, p.ClientCert, p.Whoami, p.Expect, p.Skip != ""))
	}
	want := []string{
		"203.0.113.10:80 http host=api.example.com redirect=8443 name= cert=false whoami=false expect=0 skip=false",
		"203.0.113.10:8443 https, no client cert host=api.example.com:8443 redirect=0 name=api.example.com cert=false whoami=false expect=1 skip=false",
		"203.0.113.10:8443 https, client cert host=api.example.com:8443 redirect=0 name=api.example.com cert=true whoami=true expect=0 skip=true",
		"[2001:db8::10]:80 http host=api.example.com redirect=8443 name= cert=false whoami=false expect=0 skip=false",
		"[2001:db8::10]:8443 https, no client cert host=api.example.com:8443 redirect=0 name=api.example.com cert=false whoami=false expect=1 skip=false",
		"[2001:db8::10]:8443 https, client cert host=api.example.com:8443 redirect=0 name=api.example.com cert=true whoami=true expect=0 skip=true",
	}
	if !slices.Equal(got, want) {
		t.Errorf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	withCert := plan(o, planOptions{HaveClientCert: true, ServerName: "alt.example.com"})
	if withCert[2].Skip != "" || withCert[2].ServerName != "alt.example.com" {
		t.Errorf("with -client-cert and -server-name: %+v", withCert[2])
	}
}

func TestPlanWithoutADomainSendsTheAddressAsHost(t *testing.T) {
	o := outputs.Outputs{
		StaticIPs:   []netip.Addr{netip.MustParseAddr(ip1)},
		StaticIPv6s: []netip.Addr{netip.MustParseAddr(v6a)},
		Entrances:   []outputs.Entrance{{Protocol: "http", Port: 80}, {Protocol: "https", Port: 443}, {Protocol: "http", Port: 8080}},
		ProbePath:   "/healthz",
		MTLSMode:    "passthrough",
	}
	var got []string
	for _, p := range plan(o, planOptions{HaveClientCert: true}) {
		got = append(got, fmt.Sprintf("%s %s cert=%t", p.Host, p.ServerName, p.ClientCert))
	}
	want := []string{
		"203.0.113.10  cert=false", "203.0.113.10  cert=true", "203.0.113.10:8080  cert=false",
		"[2001:db8::10]  cert=false", "[2001:db8::10]  cert=true", "[2001:db8::10]:8080  cert=false",
	}
	if !slices.Equal(got, want) {
		t.Errorf("hosts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestUnroutableIsOnlyNoRoute(t *testing.T) {
	dialErr := func(errno syscall.Errno) error {
		return &stageError{stageConnect, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", errno)}}
	}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"ENETUNREACH", dialErr(syscall.ENETUNREACH), true},
		{"EHOSTUNREACH", dialErr(syscall.EHOSTUNREACH), true},
		{"EADDRNOTAVAIL", dialErr(syscall.EADDRNOTAVAIL), true},
		{"worded by another system", &stageError{stageConnect, errors.New("connectex: A socket operation was attempted to an unreachable network.")}, true},
		{"ECONNREFUSED", dialErr(syscall.ECONNREFUSED), false},
		{"ETIMEDOUT", dialErr(syscall.ETIMEDOUT), false},
		{"the probe's timeout", &stageError{stageConnect, context.DeadlineExceeded}, false},
		{"an i/o timeout", &stageError{stageConnect, &net.OpError{Op: "dial", Net: "tcp", Err: os.ErrDeadlineExceeded}}, false},
		{"after connecting", &stageError{stageReceive, dialErr(syscall.ENETUNREACH)}, false},
	} {
		if got := unroutable(tc.err); got != tc.want {
			t.Errorf("%s: unroutable(%v) = %t, want %t", tc.name, tc.err, got, tc.want)
		}
	}
}

func TestRunAllKeepsTheOrderAndTheParallelBound(t *testing.T) {
	var mu sync.Mutex
	running, most := 0, 0
	dial := func(ctx context.Context, network, address string) (net.Conn, error) {
		mu.Lock()
		running++
		most = max(most, running)
		mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		mu.Lock()
		running--
		mu.Unlock()
		return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	}
	var probes []probe
	for i := range 20 {
		probes = append(probes, probe{Addr: netip.AddrFrom4([4]byte{203, 0, 113, byte(i)}), Port: 80, Protocol: "http", Label: "http", Path: "/healthz"})
	}
	p := &prober{Dial: dial, Timeout: time.Second, Deadline: time.Minute}
	results := p.runAll(context.Background(), probes, 3)
	for i, r := range results {
		if r.Probe.Addr != probes[i].Addr || r.Status != statusFail {
			t.Errorf("result %d: %s %s, want %s FAIL", i, r.Probe.Addr, r.Status, probes[i].Addr)
		}
	}
	if most > 3 {
		t.Errorf("%d probes ran at once, want at most 3", most)
	}
}
