package main

import (
	"net"
	"net/netip"
	"strconv"

	"github.com/example/nlb-alb-fargate/internal/smoke/outputs"
)

// expectation is what a probe's request at the probe path must meet.
type expectation int

const (
	// expectTask: 200 from a task, not the ALB's own answer.
	expectTask expectation = iota
	// expectRefusal: with mutual TLS verify and no client certificate, the ALB refuses
	// the handshake or answers 4xx itself.
	expectRefusal
)

// probe is one row of the table: one address on one entrance, and what to check there.
type probe struct {
	Addr     netip.Addr
	Port     int
	Protocol string // "http" or "https"
	Label    string // the table's protocol column: Protocol, and the mTLS variant
	// Host is the Host header: the domain (or -server-name) when known, else the address.
	Host string
	// RedirectPort, when not 0, is the https port GET / must answer a 301 to, before
	// the probe path is asked for.
	RedirectPort int
	Path         string // the probe path
	Expect       expectation
	// Over TLS: ServerName is the SNI and the name the certificate must be valid for;
	// "" checks the chain only and says the hostname was not checked.
	ServerName string
	ClientCert bool // present -client-cert
	Whoami     bool // also GET /whoami for the task's AZ
	// Skip, when set, is why the probe is not run: it is reported as skipped.
	Skip string
}

// Target is the address:port dialled, as the dialer and the failure lines spell it.
func (p probe) Target() string { return netip.AddrPortFrom(p.Addr, uint16(p.Port)).String() }

// planOptions are the flags that change the plan.
type planOptions struct {
	ServerName     string // -server-name: the TLS name when the outputs have no domain
	HaveClientCert bool   // -client-cert and -client-key were given
}

// Labels of the protocol column.
const (
	labelNoCert   = "https, no client cert"
	labelWithCert = "https, client cert"
)

// plan lists the probes: every IPv4, then every IPv6 address, each on every entrance in
// the outputs' order. With mutual TLS verify an https entrance gets two rows, one
// without a client certificate (which must be refused) and one with (which must reach a
// task, or is skipped without -client-cert).
func plan(o outputs.Outputs, opt planOptions) []probe {
	name := o.Domain
	if opt.ServerName != "" {
		name = opt.ServerName
	}
	var probes []probe
	for _, addr := range append(append([]netip.Addr(nil), o.StaticIPs...), o.StaticIPv6s...) {
		for _, e := range o.Entrances {
			base := probe{
				Addr:     addr,
				Port:     e.Port,
				Protocol: e.Protocol,
				Label:    e.Protocol,
				Host:     hostHeader(name, addr, e),
				Path:     o.ProbePath,
				Whoami:   o.TaskIdentity,
			}
			if e.Protocol == "http" {
				if e.Redirect {
					// Only the probe path reaches a task here; /whoami would redirect.
					base.RedirectPort, base.Whoami = o.HTTPSPort(), false
				}
				probes = append(probes, base)
				continue
			}
			base.ServerName = name
			switch o.MTLSMode {
			case "verify":
				refused := base
				refused.Label, refused.Expect, refused.Whoami = labelNoCert, expectRefusal, false
				accepted := base
				accepted.Label, accepted.ClientCert = labelWithCert, true
				if !opt.HaveClientCert {
					accepted.Skip = "no client certificate to present: give -client-cert and -client-key to check that one is accepted"
				}
				probes = append(probes, refused, accepted)
			case "passthrough":
				base.ClientCert = opt.HaveClientCert // the ALB asks but does not insist
				probes = append(probes, base)
			default:
				probes = append(probes, base)
			}
		}
	}
	return probes
}

// hostHeader is the Host a client of the entrance would send: the name, or the address
// when there is none, with the port unless it is the protocol's default.
func hostHeader(name string, addr netip.Addr, e outputs.Entrance) string {
	host := name
	if host == "" {
		host = addr.String()
	}
	if (e.Protocol == "http" && e.Port == 80) || (e.Protocol == "https" && e.Port == 443) {
		if addr.Is6() && name == "" {
			return "[" + host + "]"
		}
		return host
	}
	return net.JoinHostPort(host, strconv.Itoa(e.Port))
}
