package config

import (
	"strings"
	"testing"
)

// The limits of every range are allowed.
func TestEdgeValuesAreAccepted(t *testing.T) {
	tests := map[string]map[string]string{
		"min AZs, /23 VPC":       {"azCount": "2", "vpcCidr": "192.168.10.0/23"},
		"max AZs, /16 VPC":       {"azCount": "6", "vpcCidr": "172.16.0.0/16"},
		"max AZs in a /23":       {"azCount": "6", "vpcCidr": "10.1.0.0/23"},
		"min ports":              {"listenerPort": "1", "albListenerPort": "1", "albTargetGroupPort": "1", "containerPort": "1"},
		"max ports":              {"listenerPort": "65535", "albListenerPort": "65535", "albTargetGroupPort": "65535", "containerPort": "65535"},
		"max priority":           {"priority": "50000", "nlbHealthCheckRulePriority": "1"},
		"five condition values":  {"pathPatterns": `["/a","/b","/c"]`, "hostHeaders": `["a.example.com","b.example.com"]`},
		"128-character pattern":  {"pathPatterns": `["/` + strings.Repeat("a", 127) + `"]`},
		"host header only":       {"pathPatterns": `[]`, "hostHeaders": `["api.example.com"]`},
		"health check minimums":  {"healthCheckInterval": "5", "healthCheckTimeout": "2"},
		"health check maximums":  {"healthCheckInterval": "300", "healthCheckTimeout": "120"},
		"deregistration delay 0": {"deregistrationDelay": "0"},
		"deregistration 3600":    {"deregistrationDelay": "3600"},
		"desiredCount 0":         {"desiredCount": "0"},
		"desiredCount max":       {"desiredCount": "5000"},
		"smallest Fargate task":  {"cpu": "256", "memory": "512", "containerMemory": "6"},
		"largest Fargate task":   {"cpu": "16384", "memory": "122880", "containerMemory": "122880"},
		"cpu 8192 step":          {"cpu": "8192", "memory": "20480"},
		"single NAT":             {"natGateways": "single"},
		"operations minimums": {"accessLogRetentionDays": "1", "alarmTarget5xxCount": "1", "alarmP99LatencyMs": "1", "alarmCpuPercent": "1",
			"alarmMemoryPercent": "1", "flowLogs": "true", "flowLogRetentionDays": "0", "waf": "true", "wafRateLimit": "100"},
		"operations maximums": {"accessLogRetentionDays": "3650", "alarmTarget5xxCount": "1000000", "alarmP99LatencyMs": "4000000",
			"alarmCpuPercent": "100", "alarmMemoryPercent": "100", "flowLogRetentionDays": "3653", "wafRateLimit": "2000000000"},
		"operations switched off":  {"accessLogs": "false", "containerInsights": "disabled"},
		"alarm email with a plus":  {"alarmEmail": "ops+alarms@mail.example.co.uk"},
		"no NAT with endpoints":    {"natGateways": "none", "vpcEndpoints": "true", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.0"},
		"image with registry port": {"image": "registry.example.com:5000/team/web:v1.2.3"},
		"image by digest":          {"image": "public.ecr.aws/nginx/nginx@sha256:" + strings.Repeat("ab", 32)},
		"logs kept forever":        {"logRetentionDays": "0"},
		"logs kept 10 years":       {"logRetentionDays": "3653"},
	}
	for name, cfg := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := parse(cfg); err != nil {
				t.Fatalf("config %v: %v", cfg, err)
			}
		})
	}
}
