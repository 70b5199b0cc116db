package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The test's client certificate, as the ALB describes it in verify mode. The issuer's
// attributes are in an unusual order (CN before O in the certificate), which RFC 2253
// reverses.
const (
	testCertSubject  = "CN=client-1,OU=payments,O=Example Corp,C=US"
	testCertIssuer   = "O=Example Corp,CN=Example Client CA"
	testCertSerial   = "A1B2C3D4E5F"
	testCertValidity = "NotBefore=2025-01-02T03:04:05Z;NotAfter=2026-01-02T03:04:05Z"
)

// newTestChain makes a CA and a client certificate it signed, and returns the client's
// certificate alone and the chain (leaf first), both as PEM.
func newTestChain(t *testing.T) (leafPEM, chainPEM string) {
	t.Helper()
	// The ALB leaves + unescaped, where a query decoder would read a space. Base64 of a
	// certificate nearly always has one; make sure this one does.
	for range 20 {
		leafPEM, chainPEM = makeTestChain(t)
		if strings.Contains(leafPEM, "+") {
			return leafPEM, chainPEM
		}
	}
	t.Fatal("no test certificate with a + in its base64 after 20 tries")
	return "", ""
}

func makeTestChain(t *testing.T) (leafPEM, chainPEM string) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("generate CA key: %v", err)
	}
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject: pkix.Name{ExtraNames: []pkix.AttributeTypeAndValue{
			{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: "Example Client CA"},
			{Type: asn1.ObjectIdentifier{2, 5, 4, 10}, Value: "Example Corp"},
		}},
		NotBefore:             time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2034, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatalf("create CA certificate: %v", err)
	}
	ca, err = x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatalf("parse CA certificate: %v", err)
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("generate client key: %v", err)
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(0xa1b2c3d4e5f),
		Subject: pkix.Name{
			Country:            []string{"US"},
			Organization:       []string{"Example Corp"},
			OrganizationalUnit: []string{"payments"},
			CommonName:         "client-1",
		},
		NotBefore:   time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		NotAfter:    time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatalf("create client certificate: %v", err)
	}
	leafPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER}))
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}))
	return leafPEM, leafPEM + caPEM
}

// albEscape URL-encodes PEM as the ALB does in its certificate headers: with +, = and /
// left as they are.
func albEscape(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), "%2F", "/")
}

// verifyHeaders are what the ALB adds in verify mode for the test's certificate.
func verifyHeaders(leafPEM string) http.Header {
	return http.Header{
		headerCertSerial:                {testCertSerial},
		headerCertIssuer:                {testCertIssuer},
		headerCertSubject:               {testCertSubject},
		headerCertValidity:              {testCertValidity},
		"X-Amzn-Mtls-Clientcert-Leaf":   {albEscape(leafPEM)},
		"X-Amzn-Mtls-Clientcert-Unused": {"ignored"},
	}
}

// testMTLSPort is the mutual TLS listener's port in these tests: not the default 443, so
// that a test passes only if the app compares the port it was given.
const testMTLSPort = 8443

// viaMTLSListener adds what the ALB writes on every request its mutual TLS listener
// forwards: HTTPS, on that listener's port.
func viaMTLSListener(h http.Header) http.Header {
	h = h.Clone()
	h["X-Forwarded-Proto"] = []string{"https"}
	h["X-Forwarded-Port"] = []string{strconv.Itoa(testMTLSPort)}
	return h
}

// newMTLSApp is the app with the task's identity and mutual TLS in mode, and the log
// it writes, debug lines included.
func newMTLSApp(t *testing.T, mode mtlsMode) (*app, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := newApp(testInfo, true, mtlsListener{mode: mode, port: testMTLSPort}, logger)
	if err != nil {
		t.Fatalf("newApp: %v", err)
	}
	return a, &logs
}

// whoamiBodyWith is the exact /whoami body with client_certificate set to certJSON.
func whoamiBodyWith(t *testing.T, certJSON string) string {
	t.Helper()
	return strings.TrimSuffix(mustJSON(t, testInfo), "}") + `,"client_certificate":` + certJSON + "}\n"
}

func TestWhoamiClientCertificate(t *testing.T) {
	leafPEM, chainPEM := newTestChain(t)
	const verified = `{"subject":"CN=client-1,OU=payments,O=Example Corp,C=US",` +
		`"issuer":"O=Example Corp,CN=Example Client CA","serial_number":"A1B2C3D4E5F",` +
		`"not_before":"2025-01-02T03:04:05Z","not_after":"2026-01-02T03:04:05Z","verified":true}`
	const parsed = `{"subject":"CN=client-1,OU=payments,O=Example Corp,C=US",` +
		`"issuer":"O=Example Corp,CN=Example Client CA","serial_number":"A1B2C3D4E5F",` +
		`"not_before":"2025-01-02T03:04:05Z","not_after":"2026-01-02T03:04:05Z","verified":false}`
	without := func(h http.Header, key string) http.Header {
		h = h.Clone()
		delete(h, key)
		return h
	}
	with := func(h http.Header, key string, values ...string) http.Header {
		h = h.Clone()
		h[key] = values
		return h
	}
	junkPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not DER")}))

	tests := map[string]struct {
		mode   mtlsMode
		header http.Header

		wantCert   string // the client_certificate value, exactly
		wantLevel  string // of the one log line; "" for none
		wantReason string
	}{
		"verify: the ALB's headers describe a checked certificate": {
			mode: mtlsVerify, header: verifyHeaders(leafPEM),
			wantCert: verified,
		},
		"verify: no certificate headers is null": {
			mode: mtlsVerify, header: http.Header{},
			wantCert: "null", wantLevel: "DEBUG", wantReason: "no client certificate headers",
		},
		"verify: a missing header is null": {
			mode: mtlsVerify, header: without(verifyHeaders(leafPEM), headerCertSubject),
			wantCert: "null", wantLevel: "WARN", wantReason: "client certificate headers incomplete",
		},
		"verify: a repeated header is null": {
			mode: mtlsVerify, header: with(verifyHeaders(leafPEM), headerCertSubject, "CN=forged", testCertSubject),
			wantCert: "null", wantLevel: "WARN", wantReason: "client certificate header repeated",
		},
		"verify: a malformed validity is null": {
			mode: mtlsVerify, header: with(verifyHeaders(leafPEM), headerCertValidity, "2025-01-02T03:04:05Z/2026-01-02T03:04:05Z"),
			wantCert: "null", wantLevel: "WARN", wantReason: "validity header malformed",
		},
		"verify: the passthrough chain is not read": {
			mode: mtlsVerify, header: http.Header{headerCertChain: {albEscape(chainPEM)}},
			wantCert: "null", wantLevel: "DEBUG", wantReason: "no client certificate headers",
		},
		"passthrough: the chain's leaf is parsed, not verified": {
			mode: mtlsPassthrough, header: http.Header{headerCertChain: {albEscape(chainPEM)}},
			wantCert: parsed,
		},
		"passthrough: a leaf alone is parsed": {
			mode: mtlsPassthrough, header: http.Header{headerCertChain: {albEscape(leafPEM)}},
			wantCert: parsed,
		},
		"passthrough: verify-mode headers a client sent are not read": {
			mode: mtlsPassthrough, header: verifyHeaders(leafPEM),
			wantCert: "null", wantLevel: "DEBUG", wantReason: "no client certificate headers",
		},
		"passthrough: no chain is null": {
			mode: mtlsPassthrough, header: http.Header{},
			wantCert: "null", wantLevel: "DEBUG", wantReason: "no client certificate headers",
		},
		"passthrough: a repeated chain is null": {
			mode: mtlsPassthrough, header: http.Header{headerCertChain: {albEscape(chainPEM), albEscape(chainPEM)}},
			wantCert: "null", wantLevel: "WARN", wantReason: "client certificate header repeated",
		},
		"passthrough: a bad escape is null": {
			mode: mtlsPassthrough, header: http.Header{headerCertChain: {"garbage%zz"}},
			wantCert: "null", wantLevel: "WARN", wantReason: "certificate chain not URL-encoded",
		},
		"passthrough: text without PEM is null": {
			mode: mtlsPassthrough, header: http.Header{headerCertChain: {"garbage"}},
			wantCert: "null", wantLevel: "WARN", wantReason: "no PEM CERTIFICATE block",
		},
		"passthrough: a certificate block of garbage is null": {
			mode: mtlsPassthrough, header: http.Header{headerCertChain: {albEscape(junkPEM)}},
			wantCert: "null", wantLevel: "WARN", wantReason: "parse certificate: x509: malformed certificate",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			a, logs := newMTLSApp(t, tc.mode)
			rec := serveRequest(t, a, "GET", "/whoami", viaMTLSListener(tc.header))

			if rec.Code != http.StatusOK {
				t.Errorf("status: got %d, want 200", rec.Code)
			}
			if got, want := rec.Body.String(), whoamiBodyWith(t, tc.wantCert); got != want {
				t.Errorf("body:\ngot  %s\nwant %s", got, want)
			}
			assertHeader(t, rec, "Content-Type", contentTypeJSON)
			assertHeader(t, rec, "Content-Length", strconv.Itoa(rec.Body.Len()))
			assertCertLog(t, logs.String(), tc.mode, tc.wantLevel, tc.wantReason)
			// The log says why, never what the client sent.
			for _, vs := range tc.header {
				for _, v := range vs {
					if len(v) > 8 && strings.Contains(logs.String(), v) {
						t.Errorf("log repeats header value %q: %s", v, logs.String())
					}
				}
			}
		})
	}
}

// assertCertLog checks that logs has exactly the one line explaining why the
// certificate was not described, or none when wantLevel is "".
func assertCertLog(t *testing.T, logs string, mode mtlsMode, wantLevel, wantReason string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(logs, "\n"), "\n")
	if logs == "" {
		lines = nil
	}
	if wantLevel == "" {
		if len(lines) != 0 {
			t.Errorf("log: got %q, want nothing", lines)
		}
		return
	}
	if len(lines) != 1 {
		t.Fatalf("log: got %d lines %q, want 1", len(lines), lines)
	}
	var got struct {
		Level, Msg, Path, Reason string
		MTLSMode                 string `json:"mtls_mode"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &got); err != nil {
		t.Fatalf("decode log line %q: %v", lines[0], err)
	}
	want := struct {
		Level, Msg, Path, Reason string
		MTLSMode                 string `json:"mtls_mode"`
	}{wantLevel, "client certificate not described", "/whoami", wantReason, string(mode)}
	if got != want {
		t.Errorf("log line: got %+v, want %+v", got, want)
	}
}

// Without MTLS_MODE the ALB does no mutual TLS, so certificate headers can only come
// from the client: they must change nothing.
func TestMTLSOffIgnoresForgedHeaders(t *testing.T) {
	leafPEM, chainPEM := newTestChain(t)
	forged := verifyHeaders(leafPEM)
	forged[headerCertChain] = []string{albEscape(chainPEM)}
	whoamiBody := mustJSON(t, testInfo) + "\n"

	tests := map[string]struct {
		method, path, accept string
		wantBody, wantVary   string
	}{
		"GET /whoami":                  {method: "GET", path: "/whoami", wantBody: whoamiBody},
		"GET / with Accept JSON":       {method: "GET", path: "/", accept: "application/json", wantBody: whoamiBody, wantVary: "Accept"},
		"HEAD /whoami":                 {method: "HEAD", path: "/whoami", wantBody: ""},
		"HEAD / with Accept JSON":      {method: "HEAD", path: "/", accept: "application/json", wantBody: "", wantVary: "Accept"},
		"GET / without Accept is text": {method: "GET", path: "/", wantBody: helloBody, wantVary: "Accept"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			a, logs := newMTLSApp(t, mtlsOff)
			header := forged.Clone()
			if tc.accept != "" {
				header.Set("Accept", tc.accept)
			}
			rec := serveRequest(t, a, tc.method, tc.path, header)

			if got := rec.Body.String(); got != tc.wantBody {
				t.Errorf("body: got %q, want %q", got, tc.wantBody)
			}
			if strings.Contains(rec.Body.String(), "client_certificate") {
				t.Errorf("body has a client_certificate key: %s", rec.Body.String())
			}
			assertHeader(t, rec, "Vary", tc.wantVary)
			if logs.Len() != 0 {
				t.Errorf("log: got %s, want nothing", logs.String())
			}
		})
	}
}

// With mutual TLS, / with Accept: application/json serves what /whoami does, still
// varying on Accept, and HEAD announces the GET body's length without sending it.
func TestWhoamiClientCertificateRoutes(t *testing.T) {
	leafPEM, _ := newTestChain(t)
	header := viaMTLSListener(verifyHeaders(leafPEM))
	a, _ := newMTLSApp(t, mtlsVerify)
	whoami := serveRequest(t, a, "GET", "/whoami", header)
	var body map[string]any
	if err := json.Unmarshal(whoami.Body.Bytes(), &body); err != nil {
		t.Fatalf("decode /whoami body %q: %v", whoami.Body.String(), err)
	}
	if cert, ok := body["client_certificate"].(map[string]any); !ok || cert["verified"] != true {
		t.Fatalf("/whoami client_certificate: got %v, want a verified certificate", body["client_certificate"])
	}

	tests := map[string]struct {
		method, path, accept string
		wantBody, wantVary   string
	}{
		"GET / with Accept JSON":  {method: "GET", path: "/", accept: "application/json", wantBody: whoami.Body.String(), wantVary: "Accept"},
		"HEAD /whoami":            {method: "HEAD", path: "/whoami", wantBody: ""},
		"HEAD / with Accept JSON": {method: "HEAD", path: "/", accept: "application/json", wantBody: "", wantVary: "Accept"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := header.Clone()
			if tc.accept != "" {
				h.Set("Accept", tc.accept)
			}
			rec := serveRequest(t, a, tc.method, tc.path, h)
			if got := rec.Body.String(); got != tc.wantBody {
				t.Errorf("body: got %q, want %q", got, tc.wantBody)
			}
			assertHeader(t, rec, "Content-Type", contentTypeJSON)
			assertHeader(t, rec, "Content-Length", strconv.Itoa(whoami.Body.Len()))
			assertHeader(t, rec, "Vary", tc.wantVary)
		})
	}
}

// A client that reaches the app other than through the mutual TLS listener (plain HTTP,
// another port, or headers that do not say) and sends the ALB's certificate headers
// itself, complete and well formed, is answered as a client without a certificate, in
// both modes, and the log says the headers were not the ALB's.
func TestForgedCertificateHeadersOffTheMTLSListener(t *testing.T) {
	leafPEM, chainPEM := newTestChain(t)
	forged := verifyHeaders(leafPEM)
	forged[headerCertChain] = []string{albEscape(chainPEM)}
	port := strconv.Itoa(testMTLSPort)
	ways := map[string]http.Header{
		"plain HTTP on the HTTP listener":      {"X-Forwarded-Proto": {"http"}, "X-Forwarded-Port": {"80"}},
		"plain HTTP claiming the mTLS port":    {"X-Forwarded-Proto": {"http"}, "X-Forwarded-Port": {port}},
		"HTTPS on another port":                {"X-Forwarded-Proto": {"https"}, "X-Forwarded-Port": {"443"}},
		"no forwarding headers":                {},
		"a proto but no port":                  {"X-Forwarded-Proto": {"https"}},
		"the proto twice":                      {"X-Forwarded-Proto": {"http", "https"}, "X-Forwarded-Port": {port}},
		"the port twice":                       {"X-Forwarded-Proto": {"https"}, "X-Forwarded-Port": {"80", port}},
		"HTTPS in another case":                {"X-Forwarded-Proto": {"HTTPS"}, "X-Forwarded-Port": {port}},
		"a list in one proto header":           {"X-Forwarded-Proto": {"http, https"}, "X-Forwarded-Port": {port}},
		"the mTLS port with a leading zero":    {"X-Forwarded-Proto": {"https"}, "X-Forwarded-Port": {"0" + port}},
		"HTTPS on the HTTP listener's port 80": {"X-Forwarded-Proto": {"https"}, "X-Forwarded-Port": {"80"}},
	}
	for _, mode := range []mtlsMode{mtlsVerify, mtlsPassthrough} {
		for way, forwarded := range ways {
			t.Run(string(mode)+": "+way, func(t *testing.T) {
				a, logs := newMTLSApp(t, mode)
				h := forged.Clone()
				for k, v := range forwarded {
					h[k] = v
				}
				rec := serveRequest(t, a, "GET", "/whoami", h)
				if got, want := rec.Body.String(), whoamiBodyWith(t, "null"); got != want {
					t.Errorf("body:\ngot  %s\nwant %s", got, want)
				}
				assertCertLog(t, logs.String(), mode, "WARN", errNotMTLSListener.Error())
			})
		}
		// The same request through the listener is described: the headers above are the
		// only difference.
		t.Run(string(mode)+": through the mTLS listener", func(t *testing.T) {
			a, _ := newMTLSApp(t, mode)
			rec := serveRequest(t, a, "GET", "/whoami", viaMTLSListener(forged))
			if !strings.Contains(rec.Body.String(), `"client_certificate":{`) {
				t.Errorf("body: got %s, want the certificate described", rec.Body.String())
			}
		})
	}
	// Without any certificate header, a request off the listener is simply one without a
	// certificate (the NLB's health probe over HTTP, say): logged at debug level only.
	a, logs := newMTLSApp(t, mtlsVerify)
	serveRequest(t, a, "GET", "/whoami", http.Header{"X-Forwarded-Proto": {"http"}, "X-Forwarded-Port": {"80"}})
	assertCertLog(t, logs.String(), mtlsVerify, "DEBUG", errNoClientCert.Error())
}

// The header names are written in Go's canonical form, so that indexing http.Header
// with them finds what the ALB sent in any case.
func TestCertHeaderNamesAreCanonical(t *testing.T) {
	for _, name := range []string{headerCertSerial, headerCertIssuer, headerCertSubject, headerCertValidity, headerCertChain} {
		if got := http.CanonicalHeaderKey(name); got != name {
			t.Errorf("header %q: canonical form is %q", name, got)
		}
	}
}
