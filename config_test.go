package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/esc"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
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
			// An account large enough for 6 AZs: the quotas are preflight_test.go's business.
			if _, _, err := runIn(t, largeAccount, testStack, qualified(cfg), true); err != nil {
				t.Fatalf("config %v: %v", cfg, err)
			}
		})
	}
}

func TestRegionWithTooFewZones(t *testing.T) {
	// Mocked regions have six AZs, the most azCount allows; a smaller region is checked here.
	_, err := availabilityZonesFrom([]string{"us-west-1a", "us-west-1c"}, 3)
	if err == nil || !strings.Contains(err.Error(), "azCount: invalid value 3: the region has only 2 available Availability Zones") {
		t.Fatalf("got %v", err)
	}
}

// loadStackFiles returns the config Pulumi would hand the program for a stack: the stack
// file's values plus the schema defaults of Pulumi.yaml, type-checked by Pulumi's own code.
func loadStackFiles(t *testing.T, stackFile string) map[string]string {
	t.Helper()
	project, err := workspace.LoadProject("Pulumi.yaml")
	if err != nil {
		t.Fatalf("loading Pulumi.yaml: %v", err)
	}
	if project.Name.String() != testProject {
		t.Fatalf("Pulumi.yaml name is %q; the tests use %q", project.Name, testProject)
	}
	stack, err := workspace.LoadProjectStack(nil, project, stackFile)
	if err != nil {
		t.Fatalf("loading %s: %v", stackFile, err)
	}
	stackName := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(stackFile), "Pulumi."), ".yaml")
	err = workspace.ValidateStackConfigAndApplyProjectConfig(context.Background(), stackName, project,
		esc.Value{}, stack.Config, config.NopEncrypter, config.NopDecrypter) // no ESC environments here
	if err != nil {
		t.Fatalf("%s does not match Pulumi.yaml's schema: %v", stackFile, err)
	}
	out := map[string]string{}
	for k, v := range stack.Config {
		s, err := v.Value(config.NopDecrypter)
		if err != nil {
			t.Fatal(err)
		}
		out[k.String()] = s
	}
	return out
}

// The program runs with exactly what Pulumi.dev.yaml and Pulumi.yaml give it, and gets the
// same stack as with the code's defaults, so the files cannot drift from the code.
func TestDevStackFilesMatchTheProgram(t *testing.T) {
	cfg := loadStackFiles(t, "Pulumi.dev.yaml")
	if cfg["aws:region"] == "" {
		t.Errorf("Pulumi.dev.yaml must set aws:region")
	}
	fromFiles, _, err := runRaw(t, cfg, false)
	if err != nil {
		t.Fatalf("program with the dev stack files: %v", err)
	}
	fromDefaults, _ := mustRun(t, nil)
	equal(t, "resource count", fromFiles.count(), fromDefaults.count())
	equalSlices(t, "the dev stack files' stack (vs the code defaults')", stackSummary(fromFiles), stackSummary(fromDefaults))
}

// Pulumi.yaml declares exactly the keys the program reads, with the code's defaults.
func TestProjectSchemaMatchesTheSettingsRegistry(t *testing.T) {
	project, err := workspace.LoadProject("Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for key, typ := range project.Config {
		declared[key] = true
		if typ.Description == "" {
			t.Errorf("Pulumi.yaml: %s has no description", key)
		}
		if key == "services" {
			continue
		}
		s, ok := lookupSetting(key)
		if !ok {
			t.Errorf("Pulumi.yaml declares %s, which the program does not read", key)
			continue
		}
		wantType := string(s.kind)
		if s.list {
			wantType = "array"
		}
		if s.kind == kindStringMap {
			wantType = "object"
		}
		equal(t, key+" type", typ.TypeName(), wantType)
		want, _ := json.Marshal(s.def)
		got, _ := json.Marshal(typ.Default)
		equal(t, key+" default", string(got), string(want))
	}
	for _, key := range topLevelKeys() {
		if !declared[key] {
			t.Errorf("Pulumi.yaml does not declare %s", key)
		}
	}
}

// The README's config table documents every key.
func TestReadmeDocumentsEveryKey(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range append(topLevelKeys(), serviceKeys()...) {
		if !strings.Contains(string(readme), "| `"+key+"` |") {
			t.Errorf("README.md has no config table row for `%s`", key)
		}
	}
}
