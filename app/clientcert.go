package main

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Headers the ALB adds about the client's certificate when its listener does mutual TLS
// (Elastic Load Balancing, "Mutual authentication with TLS in Application Load
// Balancer", HTTP headers). They are in Go's canonical form, so they index http.Header.
const (
	// Verify mode: the certificate the ALB checked, described.
	headerCertSerial   = "X-Amzn-Mtls-Clientcert-Serial-Number" // hexadecimal
	headerCertIssuer   = "X-Amzn-Mtls-Clientcert-Issuer"        // RFC 2253 distinguished name
	headerCertSubject  = "X-Amzn-Mtls-Clientcert-Subject"       // RFC 2253 distinguished name
	headerCertValidity = "X-Amzn-Mtls-Clientcert-Validity"      // NotBefore=<ISO 8601>;NotAfter=<ISO 8601>
	// Passthrough mode: the chain the client sent, leaf first, as URL-encoded PEM.
	headerCertChain = "X-Amzn-Mtls-Clientcert"
)

// clientCertificate describes the certificate the caller showed the ALB: the
// client_certificate object of /whoami.
type clientCertificate struct {
	Subject      string `json:"subject"`       // RFC 2253, most specific attribute first
	Issuer       string `json:"issuer"`        // RFC 2253, most specific attribute first
	SerialNumber string `json:"serial_number"` // hexadecimal
	NotBefore    string `json:"not_before"`    // ISO 8601, e.g. 2025-01-02T03:04:05Z
	NotAfter     string `json:"not_after"`
	// Verified is true in verify mode: the ALB checked the certificate against its trust
	// store before the request got here. In passthrough mode it is false: the ALB
	// forwarded whatever chain the client sent and this app only parsed it, so nothing
	// here says who issued it or that the client holds its key.
	Verified bool `json:"verified"`
}

// whoamiWithCert is the body of /whoami with mutual TLS: the task's fields, then the
// caller's certificate, null when the request brought none that could be read.
type whoamiWithCert struct {
	taskInfo
	ClientCertificate *clientCertificate `json:"client_certificate"`
}

// Why a request's certificate is not described. The messages are constant: they go into
// the log, and must not repeat what a client sent.
var (
	errNoClientCert      = errors.New("no client certificate headers")
	errCertHeaderTwice   = errors.New("client certificate header repeated")
	errCertIncomplete    = errors.New("client certificate headers incomplete")
	errCertValidity      = errors.New("validity header malformed")
	errCertChainEncoding = errors.New("certificate chain not URL-encoded")
	errCertNoPEM         = errors.New("no PEM CERTIFICATE block")
	// errNotMTLSListener: certificate headers on a request that did not come through
	// the listener doing mutual TLS, so the client wrote them itself.
	errNotMTLSListener = errors.New("client certificate headers on a request not received by the mutual TLS listener")
)

// clientCertificate describes the caller's certificate, but only for a request the ALB
// received on its mutual TLS listener: over HTTPS (X-Forwarded-Proto) on that listener's
// port (X-Forwarded-Port), which the ALB sets on every request it forwards, replacing
// what a client sent. Any other request is answered as one without a certificate: on the
// HTTP listener, or a listener without mutual TLS, nothing says the ALB removes
// X-Amzn-Mtls-* headers a client wrote, so they are not read.
func (a *app) clientCertificate(h http.Header) (*clientCertificate, error) {
	if !a.mtls.received(h) {
		if hasCertHeaders(h) {
			return nil, errNotMTLSListener
		}
		return nil, errNoClientCert
	}
	return clientCertFromHeaders(h, a.mtls.mode)
}

// received reports whether the ALB says the request came in over HTTPS on the mutual
// TLS listener's port. Each header must be there exactly once: the ALB writes one value.
func (l mtlsListener) received(h http.Header) bool {
	proto, err1 := oneValue(h, "X-Forwarded-Proto")
	port, err2 := oneValue(h, "X-Forwarded-Port")
	return err1 == nil && err2 == nil && proto == "https" && port == strconv.Itoa(l.port)
}

// hasCertHeaders reports whether the request carries any X-Amzn-Mtls-* header.
func hasCertHeaders(h http.Header) bool {
	for name := range h {
		if strings.HasPrefix(name, "X-Amzn-Mtls-") {
			return true
		}
	}
	return false
}

// clientCertFromHeaders describes the caller's certificate from the headers the ALB adds
// in mode, which is mtlsVerify or mtlsPassthrough; the caller never asks with mtlsOff. It
// returns errNoClientCert when the request has none of them.
func clientCertFromHeaders(h http.Header, mode mtlsMode) (*clientCertificate, error) {
	if mode == mtlsPassthrough {
		return certFromChain(h)
	}
	return certFromVerifyHeaders(h)
}

// certFromVerifyHeaders takes the ALB's description as it gives it.
func certFromVerifyHeaders(h http.Header) (*clientCertificate, error) {
	names := [...]string{headerCertSerial, headerCertIssuer, headerCertSubject, headerCertValidity}
	var values [len(names)]string
	present := 0
	for i, name := range names {
		v, err := oneValue(h, name)
		if err != nil {
			return nil, err
		}
		if v != "" {
			present++
		}
		values[i] = v
	}
	switch present {
	case 0:
		return nil, errNoClientCert
	case len(names):
	default:
		return nil, errCertIncomplete
	}
	notBefore, notAfter, ok := parseValidity(values[3])
	if !ok {
		return nil, errCertValidity
	}
	return &clientCertificate{
		Subject:      values[2],
		Issuer:       values[1],
		SerialNumber: values[0],
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		Verified:     true,
	}, nil
}

// parseValidity splits "NotBefore=<time>;NotAfter=<time>".
func parseValidity(v string) (notBefore, notAfter string, ok bool) {
	before, after, ok := strings.Cut(v, ";")
	if !ok {
		return "", "", false
	}
	notBefore, ok1 := strings.CutPrefix(before, "NotBefore=")
	notAfter, ok2 := strings.CutPrefix(after, "NotAfter=")
	if !ok1 || !ok2 || notBefore == "" || notAfter == "" {
		return "", "", false
	}
	return notBefore, notAfter, true
}

// certFromChain parses the leaf, the first certificate of the chain the client sent,
// and describes it the way the ALB does in verify mode. It checks nothing: not the
// signature, not the dates, not the issuer.
func certFromChain(h http.Header) (*clientCertificate, error) {
	v, err := oneValue(h, headerCertChain)
	if err != nil {
		return nil, err
	}
	if v == "" {
		return nil, errNoClientCert
	}
	// The ALB leaves +, = and / unescaped: here + is a base64 digit, not a space, so
	// PathUnescape and not QueryUnescape.
	chain, err := url.PathUnescape(v)
	if err != nil {
		return nil, errCertChainEncoding
	}
	rest := []byte(chain)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errCertNoPEM
		}
		if block.Type == "CERTIFICATE" {
			return describeCert(block.Bytes)
		}
	}
}

// describeCert parses one DER certificate.
func describeCert(der []byte) (*clientCertificate, error) {
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse certificate: %w", err)
	}
	return &clientCertificate{
		Subject:      distinguishedName(cert.RawSubject, cert.Subject),
		Issuer:       distinguishedName(cert.RawIssuer, cert.Issuer),
		SerialNumber: strings.ToUpper(cert.SerialNumber.Text(16)),
		NotBefore:    cert.NotBefore.UTC().Format(time.RFC3339),
		NotAfter:     cert.NotAfter.UTC().Format(time.RFC3339),
		Verified:     false,
	}, nil
}

// distinguishedName is the RFC 2253 form of a name, as the ALB writes it: the
// certificate's own attributes in reverse order, most specific first. It reads the raw
// name because pkix.Name.String would sort the attributes by type instead.
func distinguishedName(raw []byte, parsed pkix.Name) string {
	var rdns pkix.RDNSequence
	if rest, err := asn1.Unmarshal(raw, &rdns); err != nil || len(rest) > 0 {
		return parsed.String() // x509.ParseCertificate has read it already; not reached
	}
	return rdns.String()
}

// oneValue is the value of header name, "" when it is absent. The ALB sends each of its
// headers once; two values mean someone else added one, and neither can be trusted.
func oneValue(h http.Header, name string) (string, error) {
	switch vs := h[name]; len(vs) {
	case 0:
		return "", nil
	case 1:
		return vs[0], nil
	default:
		return "", errCertHeaderTwice
	}
}
