package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
)

var errConnRefused = syscall.ECONNREFUSED

// unroutable reports whether a connection failed because this machine has no route to
// the address's family or network: ENETUNREACH, EHOSTUNREACH or EADDRNOTAVAIL when
// connecting (the usual answers on a runner without IPv6). A refused connection or a
// timeout is not: the packets went somewhere.
func unroutable(err error) bool {
	var se *stageError
	if !errors.As(err, &se) || se.Stage != stageConnect || isTimeout(err) || errors.Is(err, errConnRefused) {
		return false
	}
	for _, errno := range []error{syscall.ENETUNREACH, syscall.EHOSTUNREACH, syscall.EADDRNOTAVAIL} {
		if errors.Is(err, errno) {
			return true
		}
	}
	// The same errors as other systems word them.
	msg := strings.ToLower(err.Error())
	for _, s := range []string{"network is unreachable", "no route to host", "unreachable network", "unreachable host", "cannot assign requested address"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// isTimeout reports whether err is a deadline passing, a probe's or the run's.
func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// certificateError reports whether the TLS handshake failed on our side because the
// server's certificate did not verify.
func certificateError(err error) bool {
	var (
		verify    *tls.CertificateVerificationError
		hostname  x509.HostnameError
		authority x509.UnknownAuthorityError
		invalid   x509.CertificateInvalidError
	)
	return errors.As(err, &verify) || errors.As(err, &hostname) || errors.As(err, &authority) || errors.As(err, &invalid)
}

// certificateReason is the verifier's own words, which name the host and the names the
// certificate is valid for.
func certificateReason(err error, pr probe) string {
	var verify *tls.CertificateVerificationError
	if errors.As(err, &verify) && verify.Err != nil {
		err = verify.Err
	}
	var se *stageError
	if errors.As(err, &se) {
		err = se.Err
	}
	reason := err.Error()
	if pr.ServerName == "" {
		reason += " (chain checked only: no domain)"
	}
	return reason
}

// tlsAlert reports whether the server sent a TLS alert, as a server that requires a
// client certificate does after a TLS 1.3 handshake without one.
func tlsAlert(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "remote error"
}

// closed reports whether the server closed or reset the connection.
func closed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
