package config

// mtls's CA bundle: the file is read and checked by Parse, with every other problem,
// before anything is created. The certificates are made here, so none of them expires
// while the test is kept.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// testNow is when the tests' certificates are checked.
var testNow = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)

// testCert is a PEM certificate named cn, a CA or not, valid from notBefore to notAfter.
func testCert(t *testing.T, cn string, ca bool, notBefore, notAfter time.Time) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn, Organization: []string{"Partner"}},
		NotBefore: notBefore, NotAfter: notAfter,
		BasicConstraintsValid: true, IsCA: ca,
	}
	if ca {
		tmpl.KeyUsage = x509.KeyUsageCertSign
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// parseWithFiles is Parse with the given files in the project directory, at testNow.
func parseWithFiles(raw map[string]string, files map[string]string) (*Stack, error) {
	fsys := fstest.MapFS{}
	for name, content := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(content)}
	}
	return Parse(raw, Env{ReadFile: fsys.ReadFile, Now: testNow})
}

func TestMTLSBundleIsReadAndKept(t *testing.T) {
	year := 365 * 24 * time.Hour
	bundle := testCert(t, "Partner Root CA", true, testNow.Add(-year), testNow.Add(10*year)) +
		testCert(t, "Partner Issuing CA", true, testNow.Add(-year), testNow.Add(5*year))
	c, err := parseWithFiles(map[string]string{"certificateArn": testCertArn, "mtls": `{"caBundle":"partners/ca.pem"}`},
		map[string]string{"partners/ca.pem": bundle})
	if err != nil {
		t.Fatal(err)
	}
	m := c.Ingress.MTLS
	if m.Mode != "verify" || m.IgnoreClientCertificateExpiry || string(m.Bundle) != bundle {
		t.Errorf("mtls: got mode %q, ignore expiry %v, %d bytes of bundle; want verify (the default), false, the file's %d bytes", m.Mode, m.IgnoreClientCertificateExpiry, len(m.Bundle), len(bundle))
	}
	c, err = parseWithFiles(map[string]string{"certificateArn": testCertArn, "mtls": `{"mode":"passthrough"}`}, nil)
	if err != nil {
		t.Fatalf("passthrough needs no bundle: %v", err)
	}
	if c.Ingress.MTLS.Verify() || c.Ingress.MTLS.Bundle != nil {
		t.Errorf("passthrough: got verify %v, bundle %q", c.Ingress.MTLS.Verify(), c.Ingress.MTLS.Bundle)
	}
	if len(c.Warnings) != 0 {
		t.Errorf("passthrough without a bundle: warnings %q, want none", c.Warnings)
	}
}

// passthrough with a caBundle: the bundle is not read (a missing file is no error), no
// trust store is asked for, and the preview says so, so that a stack that set one before
// upgrades without an edit and stops building a trust store nothing uses.
func TestPassthroughIgnoresABundle(t *testing.T) {
	c, err := parseWithFiles(map[string]string{"certificateArn": testCertArn, "mtls": `{"mode":"passthrough","caBundle":"partners/ca.pem"}`}, nil)
	if err != nil {
		t.Fatalf("passthrough with a bundle: %v", err)
	}
	m := c.Ingress.MTLS
	if m.TrustStore() || m.Bundle != nil {
		t.Errorf("passthrough with a bundle: trust store %v, %d bytes of bundle; want neither", m.TrustStore(), len(m.Bundle))
	}
	want := []string{`mtls.caBundle: ignored with mode "passthrough": the ALB checks no client certificate in that mode, so no trust store is made; remove caBundle, or set mode verify to check certificates against it`}
	if !slices.Equal(c.Warnings, want) {
		t.Errorf("warnings:\n got %q\nwant %q", c.Warnings, want)
	}
}

func TestBadMTLSIsRefused(t *testing.T) {
	year := 365 * 24 * time.Hour
	ca := testCert(t, "Partner Root CA", true, testNow.Add(-year), testNow.Add(year))
	https := map[string]string{"certificateArn": testCertArn}
	with := func(mtls string) map[string]string {
		raw := map[string]string{"mtls": mtls}
		for k, v := range https {
			raw[k] = v
		}
		return raw
	}
	with2 := func(raw map[string]string, key, value string) map[string]string {
		raw[key] = value
		return raw
	}
	tooMany := strings.Repeat(ca, maxTrustStoreCAs+1)
	tests := map[string]struct {
		config map[string]string
		files  map[string]string
		want   []string
	}{
		"error if the bundle is missing": {with(`{"caBundle":"ca.pem"}`), nil, []string{
			`mtls.caBundle: cannot read "ca.pem": file does not exist; give a PEM file of CA certificates, relative to the project directory`,
		}},
		"error if the bundle is not PEM": {with(`{"caBundle":"ca.pem"}`), map[string]string{"ca.pem": "MIIB...not pem"}, []string{
			`mtls.caBundle: invalid file "ca.pem": not PEM: it holds no -----BEGIN CERTIFICATE----- block`,
		}},
		"error if text follows the certificates": {with(`{"caBundle":"ca.pem"}`), map[string]string{"ca.pem": ca + "trailing words"}, []string{
			`mtls.caBundle: invalid file "ca.pem": not PEM: after the certificates there is text that is not a PEM block (ELB reads a bundle of -----BEGIN CERTIFICATE----- blocks only)`,
		}},
		"error if the bundle is empty": {with(`{"caBundle":"ca.pem"}`), map[string]string{"ca.pem": "\n"}, []string{
			`mtls.caBundle: invalid file "ca.pem": not PEM: it holds no -----BEGIN CERTIFICATE----- block`,
		}},
		"error if the bundle holds a private key": {with(`{"caBundle":"ca.pem"}`), map[string]string{"ca.pem": ca + "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}, []string{
			`mtls.caBundle: invalid file "ca.pem": block 2 is a "PRIVATE KEY", not a CERTIFICATE; the bundle holds CA certificates only, never a private key`,
		}},
		"error if a certificate is not a CA": {with(`{"caBundle":"ca.pem"}`), map[string]string{"ca.pem": ca + testCert(t, "client.partner.example", false, testNow.Add(-year), testNow.Add(year))}, []string{
			`mtls.caBundle: invalid file "ca.pem": certificate 2 (CN=client.partner.example,O=Partner) is not a CA certificate (basicConstraints CA:TRUE); the bundle holds the CAs that issue client certificates, not the client certificates themselves`,
		}},
		"error if a CA expired": {with(`{"caBundle":"ca.pem"}`), map[string]string{"ca.pem": testCert(t, "Old CA", true, testNow.Add(-2*year), testNow.Add(-24*time.Hour))}, []string{
			`mtls.caBundle: invalid file "ca.pem": certificate 1 (CN=Old CA,O=Partner) expired on 2026-12-02; certificates it issued no longer verify`,
		}},
		"error if a CA is not valid yet": {with(`{"caBundle":"ca.pem"}`), map[string]string{"ca.pem": testCert(t, "Future CA", true, testNow.Add(48*time.Hour), testNow.Add(year))}, []string{
			`mtls.caBundle: invalid file "ca.pem": certificate 1 (CN=Future CA,O=Partner) is not valid before 2026-12-05`,
		}},
		"error if the bundle holds more CAs than a trust store": {with(`{"caBundle":"ca.pem"}`), map[string]string{"ca.pem": tooMany}, []string{
			`mtls.caBundle: invalid file "ca.pem": 26 certificates: an ALB trust store holds at most 25 CA certificates`,
		}},
		"error if mtls has no HTTPS": {map[string]string{"mtls": `{"caBundle":"ca.pem"}`}, map[string]string{"ca.pem": ca}, []string{
			`mtls: needs HTTPS: mutual TLS happens in the ALB's TLS handshake; set certificateArn, or createCertificate with domain and its hosted zone`,
		}},
		"error if the mode is unknown": {with(`{"caBundle":"ca.pem","mode":"required"}`), map[string]string{"ca.pem": ca}, []string{
			`mtls.mode: unsupported value "required": supported values "verify", "passthrough" (Application Load Balancers also have off: leave mtls empty)`,
		}},
		"error if verify has no bundle": {with(`{"mode":"verify"}`), nil, []string{
			`mtls.caBundle: missing value: mode verify checks client certificates against a CA bundle; give the path of a PEM file of your CA certificates, relative to the project directory`,
		}},
		"error if passthrough ignores expiry": {with(`{"mode":"passthrough","ignoreClientCertificateExpiry":true}`), nil, []string{
			`mtls.ignoreClientCertificateExpiry: invalid value true with mode "passthrough": the ALB checks expiry only in mode verify`,
		}},
		"error if an mtls key is misspelled": {with(`{"caBundel":"ca.pem"}`), nil, []string{
			`mtls.caBundel: unknown setting; did you mean "caBundle"?`,
			`mtls.caBundle: missing value: mode verify checks client certificates against a CA bundle; give the path of a PEM file of your CA certificates, relative to the project directory`,
		}},
		"error if plain HTTP would serve without a certificate": {with2(with(`{"caBundle":"ca.pem"}`), "redirectHttp", "false"), map[string]string{"ca.pem": ca}, []string{
			`redirectHttp: invalid value false with mtls: the ALB's HTTP listener, which the NLB forwards listenerPort 80 to, would serve every service to clients without a certificate; set redirectHttp: true (the default), so that plain HTTP answers only a redirect to HTTPS and the NLB's probe path`,
		}},
		"error if passthrough leaves plain HTTP serving too": {with2(with(`{"mode":"passthrough"}`), "redirectHttp", "false"), nil, []string{
			`redirectHttp: invalid value false with mtls: the ALB's HTTP listener, which the NLB forwards listenerPort 80 to, would serve every service to clients without a certificate; set redirectHttp: true (the default), so that plain HTTP answers only a redirect to HTTPS and the NLB's probe path`,
		}},
		"error if the NLB's probe path is a service's root": {with2(with(`{"caBundle":"ca.pem"}`), "image", "public.ecr.aws/nginx/nginx:1.27"), map[string]string{"ca.pem": ca}, []string{
			`mtls: the NLB's probe path "/" is answered over plain HTTP without a client certificate (the NLB's health check cannot present one), and "/" opens more than a health check; set nlbHealthCheckPath to a health path of its own such as "/healthz"`,
		}},
		"error if the NLB's probe path is a wildcard": {with2(with(`{"caBundle":"ca.pem"}`), "nlbHealthCheckPath", "/health*"), map[string]string{"ca.pem": ca}, []string{
			`mtls: the NLB's probe path "/health*" is answered over plain HTTP without a client certificate (the NLB's health check cannot present one), and "/health*" opens more than a health check; set nlbHealthCheckPath to a health path of its own such as "/healthz"`,
		}},
		"error for every problem at once": {map[string]string{"mtls": `{"caBundle":"ca.pem","mode":"verify"}`, "desiredCount": "-1"},
			map[string]string{"ca.pem": testCert(t, "Old CA", false, testNow.Add(-2*year), testNow.Add(-year))}, []string{
				"desiredCount: invalid value -1: must be between 0 and 5000",
				`mtls.caBundle: invalid file "ca.pem": certificate 1 (CN=Old CA,O=Partner) expired on 2025-12-03; certificates it issued no longer verify`,
				`mtls.caBundle: invalid file "ca.pem": certificate 1 (CN=Old CA,O=Partner) is not a CA certificate (basicConstraints CA:TRUE); the bundle holds the CAs that issue client certificates, not the client certificates themselves`,
				`mtls: needs HTTPS: mutual TLS happens in the ALB's TLS handshake; set certificateArn, or createCertificate with domain and its hosted zone`,
			}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := parseWithFiles(tc.config, tc.files)
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("want an *Error, got %T: %v", err, err)
			}
			got := slices.Sorted(slices.Values(e.Problems))
			want := slices.Sorted(slices.Values(tc.want))
			if !slices.Equal(got, want) {
				t.Errorf("problems:\n got %q\nwant %q", got, want)
			}
		})
	}
}
