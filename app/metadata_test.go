package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

// fargateTaskMetadata is shaped like what ${ECS_CONTAINER_METADATA_URI_V4}/task returns
// for a Fargate task (platform 1.4, awsvpc), with two containers and every field we ignore.
const fargateTaskMetadata = `{
  "Cluster": "arn:aws:ecs:us-east-1:111122223333:cluster/web-cluster",
  "TaskARN": "arn:aws:ecs:us-east-1:111122223333:task/web-cluster/4d6f1a0b9e2c4f5a8b7c6d5e4f3a2b1c",
  "Family": "web",
  "Revision": "7",
  "DesiredStatus": "RUNNING",
  "KnownStatus": "RUNNING",
  "Limits": {"CPU": 0.25, "Memory": 512},
  "PullStartedAt": "2026-11-21T10:02:11.412935287Z",
  "PullStoppedAt": "2026-11-21T10:02:15.889105322Z",
  "AvailabilityZone": "us-east-1b",
  "LaunchType": "FARGATE",
  "Containers": [
    {
      "DockerId": "4d6f1a0b9e2c4f5a8b7c6d5e4f3a2b1c-2531612879",
      "Name": "aws-guardduty-agent-abc123",
      "Networks": [{"NetworkMode": "awsvpc", "IPv4Addresses": []}]
    },
    {
      "DockerId": "4d6f1a0b9e2c4f5a8b7c6d5e4f3a2b1c-1867210395",
      "Name": "web",
      "DockerName": "web",
      "Image": "111122223333.dkr.ecr.us-east-1.amazonaws.com/web:3f2a9c1",
      "ImageID": "sha256:6a1f1e1b3c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f",
      "Labels": {
        "com.amazonaws.ecs.cluster": "arn:aws:ecs:us-east-1:111122223333:cluster/web-cluster",
        "com.amazonaws.ecs.container-name": "web",
        "com.amazonaws.ecs.task-arn": "arn:aws:ecs:us-east-1:111122223333:task/web-cluster/4d6f1a0b9e2c4f5a8b7c6d5e4f3a2b1c",
        "com.amazonaws.ecs.task-definition-family": "web",
        "com.amazonaws.ecs.task-definition-version": "7"
      },
      "DesiredStatus": "RUNNING",
      "KnownStatus": "RUNNING",
      "Limits": {"CPU": 2, "Memory": 256},
      "CreatedAt": "2026-11-21T10:02:16.102118443Z",
      "StartedAt": "2026-11-21T10:02:16.730209411Z",
      "Type": "NORMAL",
      "LogDriver": "awslogs",
      "LogOptions": {
        "awslogs-group": "/ecs/web",
        "awslogs-region": "us-east-1",
        "awslogs-stream": "web/web/4d6f1a0b9e2c4f5a8b7c6d5e4f3a2b1c",
        "mode": "non-blocking",
        "max-buffer-size": "25m"
      },
      "ContainerARN": "arn:aws:ecs:us-east-1:111122223333:container/web-cluster/4d6f1a0b9e2c4f5a8b7c6d5e4f3a2b1c/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e",
      "Networks": [
        {
          "NetworkMode": "awsvpc",
          "IPv4Addresses": ["10.0.192.41"],
          "IPv6Addresses": ["2600:1f18:1234:5602:8a3c:1d2e:3f4a:5b6c"],
          "AttachmentIndex": 0,
          "MACAddress": "0e:4f:8a:21:b3:77",
          "IPv4SubnetCIDRBlock": "10.0.192.0/18",
          "IPv6SubnetCIDRBlock": "2600:1f18:1234:5602::/64",
          "DomainNameServers": ["10.0.0.2"],
          "DomainNameSearchList": ["ec2.internal"],
          "PrivateDNSName": "ip-10-0-192-41.ec2.internal",
          "SubnetGatewayIpv4Address": "10.0.192.1/18"
        }
      ],
      "Snapshotter": "overlayfs"
    }
  ],
  "ClockDrift": {
    "ClockErrorBound": 0.448,
    "ReferenceTimestamp": "2026-11-21T10:05:12Z",
    "ClockSynchronizationStatus": "SYNCHRONIZED"
  },
  "EphemeralStorageMetrics": {"Utilized": 261, "Reserved": 20496}
}`

// metadataEndpoint stands in for the ECS task metadata endpoint: GET /task answers with
// status and body, anything else is a 404.
func metadataEndpoint(t *testing.T, status int, body string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/task" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestLoadTaskInfoFromMetadataEndpoint(t *testing.T) {
	srv := metadataEndpoint(t, http.StatusOK, fargateTaskMetadata)
	var logs bytes.Buffer

	got := loadTaskInfo(context.Background(), srv.URL, time.Second, slog.New(slog.NewJSONHandler(&logs, nil)))

	want := taskInfo{
		TaskARN:          "arn:aws:ecs:us-east-1:111122223333:task/web-cluster/4d6f1a0b9e2c4f5a8b7c6d5e4f3a2b1c",
		Cluster:          "arn:aws:ecs:us-east-1:111122223333:cluster/web-cluster",
		AvailabilityZone: "us-east-1b",
		PrivateIP:        "10.0.192.41",
		Hostname:         hostname(t),
		Source:           "ecs-task-metadata-v4",
	}
	if got != want {
		t.Errorf("task info: got %+v, want %+v", got, want)
	}
	if logs.Len() != 0 {
		t.Errorf("logs: got %q, want nothing when the endpoint answers", logs.String())
	}
}

func TestLoadTaskInfoFallsBackToLocalValues(t *testing.T) {
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // answers only when the client gives up
	}))
	t.Cleanup(hanging.Close)

	tests := map[string]struct {
		uri     string
		wantLog string
	}{
		"endpoint not set (not on ECS)": {
			uri:     "",
			wantLog: `"msg":"task metadata endpoint not set, using local values"`,
		},
		"endpoint answers 500": {
			uri:     metadataEndpoint(t, http.StatusInternalServerError, `{"error":"boom"}`).URL,
			wantLog: `got status 500 Internal Server Error, want 200`,
		},
		"endpoint answers something not JSON": {
			uri:     metadataEndpoint(t, http.StatusOK, `<html>`).URL,
			wantLog: `decode: invalid character`,
		},
		"endpoint is not listening": {
			uri:     "http://127.0.0.1:1",
			wantLog: `"msg":"task metadata unavailable, using local values"`,
		},
		"endpoint hangs past the timeout": {
			uri:     hanging.URL,
			wantLog: `context deadline exceeded`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var logs bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&logs, nil))

			done := make(chan taskInfo, 1)
			go func() { done <- loadTaskInfo(context.Background(), tc.uri, 100*time.Millisecond, logger) }()
			var got taskInfo
			select {
			case got = <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("loadTaskInfo: still waiting after 5s, want it to give up after its 100ms timeout")
			}

			if got.TaskARN != "local" || got.Cluster != "local" || got.AvailabilityZone != "local" || got.Source != "local" {
				t.Errorf("task info: got %+v, want task_arn, cluster, availability_zone and source %q", got, "local")
			}
			if want := hostname(t); got.Hostname != want {
				t.Errorf("hostname: got %q, want %q", got.Hostname, want)
			}
			if got.PrivateIP == "" {
				t.Errorf("private IP: got empty, want an interface address or %q", "unknown")
			}
			if !strings.Contains(logs.String(), tc.wantLog) {
				t.Errorf("logs: got %q, want it to contain %q", logs.String(), tc.wantLog)
			}
		})
	}
}

func TestLoadTaskInfoKeepsWhatTheEndpointKnows(t *testing.T) {
	// An older platform version: no AvailabilityZone, and no address yet.
	srv := metadataEndpoint(t, http.StatusOK, `{
		"Cluster": "web-cluster",
		"TaskARN": "arn:aws:ecs:us-east-1:111122223333:task/web-cluster/0123456789abcdef0123456789abcdef",
		"Containers": [{"Name": "web", "Networks": [{"NetworkMode": "awsvpc"}]}]
	}`)

	got := loadTaskInfo(context.Background(), srv.URL, time.Second, slog.New(slog.DiscardHandler))

	local := localTaskInfo()
	want := taskInfo{
		TaskARN:          "arn:aws:ecs:us-east-1:111122223333:task/web-cluster/0123456789abcdef0123456789abcdef",
		Cluster:          "web-cluster",
		AvailabilityZone: "local",
		PrivateIP:        local.PrivateIP,
		Hostname:         local.Hostname,
		Source:           "ecs-task-metadata-v4",
	}
	if got != want {
		t.Errorf("task info: got %+v, want %+v", got, want)
	}
}

func hostname(t *testing.T) string {
	t.Helper()
	h, err := os.Hostname()
	if err != nil {
		t.Fatalf("os.Hostname: %v", err)
	}
	return h
}
