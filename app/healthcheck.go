package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"
)

// healthcheckTimeout stays below the ECS container health check's default timeout (5 s),
// so the probe reports a hung server itself instead of being killed.
const healthcheckTimeout = 3 * time.Second

// probeHealth is the -healthcheck mode: GET /healthz on the server of this container and
// nil only if it answers 200. host is the server's LISTEN_HOST setting; the probe goes to
// 127.0.0.1 unless the server listens on one specific address.
func probeHealth(ctx context.Context, host string, port int, timeout time.Duration) error {
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	url := "http://" + net.JoinHostPort(host, strconv.Itoa(port)) + "/healthz"

	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp, err := directClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: GET %s: got status %s, want 200", url, resp.Status)
	}
	return nil
}
