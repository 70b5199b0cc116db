package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"
)

// metadataTimeout bounds the one start-up call to the task metadata endpoint, which is
// local to the task and answers in milliseconds when it is there at all.
const metadataTimeout = 2 * time.Second

// localValue stands for what only ECS can tell, when not running on ECS.
const localValue = "local"

// taskInfo says which task answered: the body of /whoami.
type taskInfo struct {
	TaskARN          string `json:"task_arn"`
	Cluster          string `json:"cluster"`
	AvailabilityZone string `json:"availability_zone"`
	PrivateIP        string `json:"private_ip"`
	Hostname         string `json:"hostname"`
	// Source is "ecs-task-metadata-v4" or "local".
	Source string `json:"source"`
}

// taskMetadata is the part we use of the JSON that ECS task metadata endpoint v4
// returns for GET ${ECS_CONTAINER_METADATA_URI_V4}/task.
type taskMetadata struct {
	Cluster          string
	TaskARN          string
	AvailabilityZone string
	Containers       []struct {
		Networks []struct {
			IPv4Addresses []string
		}
	}
}

// loadTaskInfo asks the task metadata endpoint at uri which task this is. When uri is
// empty (not on ECS) or the endpoint fails, it logs why and returns local values: the
// server runs either way.
func loadTaskInfo(ctx context.Context, uri string, timeout time.Duration, logger *slog.Logger) taskInfo {
	local := localTaskInfo()
	if uri == "" {
		logger.Info("task metadata endpoint not set, using local values",
			slog.String("env", "ECS_CONTAINER_METADATA_URI_V4"))
		return local
	}
	md, err := fetchTaskMetadata(ctx, uri, timeout)
	if err != nil {
		logger.Warn("task metadata unavailable, using local values",
			slog.String("uri", uri), slog.Any("err", err))
		return local
	}
	return taskInfo{
		TaskARN:          orDefault(md.TaskARN, local.TaskARN),
		Cluster:          orDefault(md.Cluster, local.Cluster),
		AvailabilityZone: orDefault(md.AvailabilityZone, local.AvailabilityZone),
		PrivateIP:        orDefault(md.privateIP(), local.PrivateIP),
		Hostname:         local.Hostname,
		Source:           "ecs-task-metadata-v4",
	}
}

// fetchTaskMetadata does GET uri/task, within timeout.
func fetchTaskMetadata(ctx context.Context, uri string, timeout time.Duration) (taskMetadata, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, uri+"/task", nil)
	if err != nil {
		return taskMetadata{}, err
	}
	resp, err := directClient.Do(req)
	if err != nil {
		return taskMetadata{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return taskMetadata{}, fmt.Errorf("GET %s: got status %s, want 200", req.URL, resp.Status)
	}
	var md taskMetadata
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&md); err != nil {
		return taskMetadata{}, fmt.Errorf("GET %s: decode: %w", req.URL, err)
	}
	return md, nil
}

// directClient makes the one-off calls to the metadata endpoint and to our own
// /healthz: never through an HTTP_PROXY from the environment (both are only reachable
// directly), and without keeping the connection open afterwards.
var directClient = &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}

// privateIP is the task's first IPv4 address. With awsvpc networking every container in
// the task shares the task's network interface, so any container's address will do.
func (md taskMetadata) privateIP() string {
	for _, c := range md.Containers {
		for _, n := range c.Networks {
			for _, ip := range n.IPv4Addresses {
				if ip != "" {
					return ip
				}
			}
		}
	}
	return ""
}

// localTaskInfo describes this process without ECS: the hostname and the first address
// that is neither loopback nor link-local.
func localTaskInfo() taskInfo {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown"
	}
	return taskInfo{
		TaskARN:          localValue,
		Cluster:          localValue,
		AvailabilityZone: localValue,
		PrivateIP:        firstInterfaceIP(),
		Hostname:         host,
		Source:           localValue,
	}
}

// firstInterfaceIP prefers an IPv4 address; it returns "unknown" if there is none.
func firstInterfaceIP() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return "unknown"
	}
	var v6 string
	for _, a := range addrs {
		ipnet, ok := a.(*net.IPNet)
		if !ok || !ipnet.IP.IsGlobalUnicast() {
			continue
		}
		if ipnet.IP.To4() != nil {
			return ipnet.IP.String()
		}
		if v6 == "" {
			v6 = ipnet.IP.String()
		}
	}
	if v6 != "" {
		return v6
	}
	return "unknown"
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
