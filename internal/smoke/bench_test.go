package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
)

// BenchmarkSmoke8x2 is a whole run, from the outputs file to the table, of 8 addresses
// (4 IPv4, 4 IPv6) × 2 entrances (http 80, https 443 with a certificate for the domain)
// with taskIdentity: 16 probes, 32 requests, 16 TLS handshakes, run concurrently
// against local listeners.
func BenchmarkSmoke8x2(b *testing.B) { benchmarkSmoke(b, 16) }

// BenchmarkSmoke8x2Sequential is the same run one probe at a time, to compare with.
func BenchmarkSmoke8x2Sequential(b *testing.B) { benchmarkSmoke(b, 1) }

func benchmarkSmoke(b *testing.B, parallel int) {
	pki := newTestPKI(b)
	httpAddr := httpServer(b, albStandIn(albOptions{AZ: "us-east-1a"}))
	httpsAddr, _ := tlsServer(b, albStandIn(albOptions{AZ: "us-east-1a"}), pki.issue(b, false, domain), nil)
	net := newFakeNet()
	var v4, v6 []string
	for i := range 4 {
		a, c := fmt.Sprintf("203.0.113.%d", 10+i), fmt.Sprintf("2001:db8::%d", 10+i)
		v4, v6 = append(v4, `"`+a+`"`), append(v6, `"`+c+`"`)
		net.route(a+":80", httpAddr).route(a+":443", httpsAddr)
		net.route("["+c+"]:80", httpAddr).route("["+c+"]:443", httpsAddr)
	}
	outputs := outputsFile(b, fmt.Sprintf(`{"staticIps": [%s], "staticIpv6s": [%s], "domain": %q, "probePath": "/healthz", "taskIdentity": true,
		"entrances": [{"protocol": "http", "port": 80}, {"protocol": "https", "port": 443}]}`, strings.Join(v4, ", "), strings.Join(v6, ", "), domain))
	args := []string{"-outputs", outputs, "-ca-file", pki.CAFile, "-parallel", fmt.Sprint(parallel)}
	sys := system{Dial: net.dial}
	getenv := func(string) string { return "" }

	for b.Loop() {
		if code := runWith(context.Background(), args, getenv, io.Discard, io.Discard, sys); code != exitPass {
			b.Fatalf("exit %d, want 0", code)
		}
	}
	b.ReportMetric(16, "probes/op")
}
