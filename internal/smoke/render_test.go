package main

import (
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestRenderText(t *testing.T) {
	results := []result{
		{Probe: probe{Addr: netip.MustParseAddr(ip1), Port: 80, Label: "http"}, Status: statusPass, Elapsed: 12 * time.Millisecond, AZ: "us-east-1a", Detail: "task 200 at /healthz"},
		{Probe: probe{Addr: netip.MustParseAddr(v6a), Port: 443, Label: labelWithCert}, Status: statusSkipped, Detail: "no client\ncertificate"},
	}
	var b strings.Builder
	if err := renderText(&b, results); err != nil {
		t.Fatal(err)
	}
	want := `ADDRESS       PORT  PROTOCOL            RESULT   MS  AZ          DETAIL
203.0.113.10  80    http                pass     12  us-east-1a  task 200 at /healthz
2001:db8::10  443   https, client cert  skipped  -   -           no client certificate
2 probes: 1 pass, 0 FAIL, 1 skipped.
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestRenderMarkdown(t *testing.T) {
	results := []result{
		{Probe: probe{Addr: netip.MustParseAddr(ip1), Port: 443, Label: "https"}, Status: statusFail, Elapsed: 3 * time.Millisecond,
			Detail: `ALB default answer, not a task: 200 "a|b"`},
		{Probe: probe{Addr: netip.MustParseAddr(ip2), Port: 443, Label: "https"}, Status: statusPass, Elapsed: 4 * time.Millisecond,
			Detail: "certificate chain valid, hostname NOT checked", HostnameSkipped: true},
	}
	var b strings.Builder
	if err := renderMarkdown(&b, results); err != nil {
		t.Fatal(err)
	}
	want := `### Smoke check of the static entrances

| Address | Port | Protocol | Result | ms | AZ | Detail |
|---|---:|---|---|---:|---|---|
| 203.0.113.10 | 443 | https | **FAIL** | 3 | - | ALB default answer, not a task: 200 "a\|b" |
| 203.0.113.11 | 443 | https | pass | 4 | - | certificate chain valid, hostname NOT checked |

2 probes: 1 pass, 1 FAIL, 0 skipped.
Certificate hostname check skipped on 1 https probes: the outputs have no domain and no -server-name was given.
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}
