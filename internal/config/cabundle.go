package config

// The mtls CA bundle: the one setting whose value is a file. Parse reads it (through
// Env.ReadFile) and checks it here, with the other problems, before anything is created:
// a bundle the ALB would refuse, or one that admits nobody, stops the preview.

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"time"
)

// checkCABundle reads mtls.caBundle and checks that it holds only CA certificates, valid
// now, within the trust store's quotas. It keeps the content in c for the stack to upload.
// In passthrough mode the ALB checks no certificate, so a bundle would build a trust store
// and a bucket that nothing uses: it is ignored with a warning rather than refused, so
// that a stack that set one before upgrades without an edit.
func checkCABundle(c *Stack, p *Problems, env Env) {
	m := c.Ingress.MTLS
	const path = "mtls.caBundle"
	if m == nil || m.CABundle == "" || !p.OK(path, "mtls.mode") {
		return
	}
	if !m.TrustStore() {
		c.Warnings = append(c.Warnings, fmt.Sprintf("%s: ignored with mode %q: the ALB checks no client certificate in that mode, so no trust store is made; remove caBundle, or set mode verify to check certificates against it", path, m.Mode))
		return
	}
	data, err := env.ReadFile(m.CABundle)
	if err != nil {
		p.Add(path, "cannot read %q: %v; give a PEM file of CA certificates, relative to the project directory", m.CABundle, unwrapPathError(err))
		return
	}
	problems := caBundleProblems(data, env.Now)
	for _, problem := range problems {
		p.Add(path, "invalid file %q: %s", m.CABundle, problem)
	}
	if len(problems) == 0 {
		m.Bundle = data
	}
}

// caBundleProblems says what is wrong with a PEM bundle of CA certificates at now.
func caBundleProblems(data []byte, now time.Time) []string {
	var problems []string
	n := 0
	for rest := bytes.TrimSpace(data); len(rest) > 0; rest = bytes.TrimSpace(rest) {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			if n > 0 {
				problems = append(problems, "not PEM: after the certificates there is text that is not a PEM block (ELB reads a bundle of -----BEGIN CERTIFICATE----- blocks only)")
			}
			break
		}
		n++
		if block.Type != "CERTIFICATE" {
			problems = append(problems, fmt.Sprintf("block %d is a %q, not a CERTIFICATE; the bundle holds CA certificates only, never a private key", n, block.Type))
			continue
		}
		problems = append(problems, caCertificateProblems(n, block, now)...)
	}
	switch {
	case n == 0:
		problems = append(problems, "not PEM: it holds no -----BEGIN CERTIFICATE----- block")
	case n > maxTrustStoreCAs:
		problems = append(problems, fmt.Sprintf("%d certificates: an ALB trust store holds at most %d CA certificates", n, maxTrustStoreCAs))
	}
	return problems
}

// caCertificateProblems checks certificate n of the bundle.
func caCertificateProblems(n int, block *pem.Block, now time.Time) []string {
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return []string{fmt.Sprintf("certificate %d does not parse: %v", n, err)}
	}
	name := fmt.Sprintf("certificate %d (%s)", n, cert.Subject)
	var problems []string
	if !cert.BasicConstraintsValid || !cert.IsCA {
		problems = append(problems, name+" is not a CA certificate (basicConstraints CA:TRUE); the bundle holds the CAs that issue client certificates, not the client certificates themselves")
	}
	if now.After(cert.NotAfter) {
		problems = append(problems, fmt.Sprintf("%s expired on %s; certificates it issued no longer verify", name, cert.NotAfter.UTC().Format(time.DateOnly)))
	}
	if now.Before(cert.NotBefore) {
		problems = append(problems, fmt.Sprintf("%s is not valid before %s", name, cert.NotBefore.UTC().Format(time.DateOnly)))
	}
	if len(block.Bytes) > maxCACertificateKB*1024 {
		problems = append(problems, fmt.Sprintf("%s is %d bytes; an ALB trust store takes CA certificates of at most %d KB", name, len(block.Bytes), maxCACertificateKB))
	}
	return problems
}

// unwrapPathError drops the path an *fs.PathError repeats: the message names it already.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
