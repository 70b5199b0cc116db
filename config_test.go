package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/esc"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// Each bad config must fail with a message naming the key, the value and the rule, and
// the program must register nothing: no half-built stack.
func TestBadConfigIsRefusedBeforeAnyResource(t *testing.T) {
	tests := map[string]struct {
		config map[string]string
		want   []string // substrings of the error, in any order
	}{
		"error if azCount is 1":                {map[string]string{"azCount": "1"}, []string{"azCount: invalid value 1: must be between 2 and 6"}},
		"error if azCount is 7":                {map[string]string{"azCount": "7"}, []string{"azCount: invalid value 7: must be between 2 and 6"}},
		"error if azCount is not a number":     {map[string]string{"azCount": "two"}, []string{`azCount: invalid value "two": must be a whole number`}},
		"error if vpcCidr is not a CIDR":       {map[string]string{"vpcCidr": "10.0.0.0"}, []string{`vpcCidr: invalid value "10.0.0.0": must be an IPv4 CIDR block`}},
		"error if vpcCidr is IPv6":             {map[string]string{"vpcCidr": "fd00::/56"}, []string{`vpcCidr: invalid value "fd00::/56": must be an IPv4 CIDR block`}},
		"error if vpcCidr is /8":               {map[string]string{"vpcCidr": "10.0.0.0/8"}, []string{`vpcCidr: invalid value "10.0.0.0/8": prefix length must be between /16 and /23`}},
		"error if vpcCidr is /25":              {map[string]string{"vpcCidr": "10.0.0.0/25"}, []string{`vpcCidr: invalid value "10.0.0.0/25": prefix length must be between /16 and /23`}},
		"error if vpcCidr has host bits":       {map[string]string{"vpcCidr": "10.0.1.0/16"}, []string{`vpcCidr: invalid value "10.0.1.0/16": host bits are set; did you mean "10.0.0.0/16"?`}},
		"error if vpcCidr cannot hold subnets": {map[string]string{"vpcCidr": "10.0.0.0/24"}, []string{`vpcCidr: invalid value "10.0.0.0/24": prefix length must be between /16 and /23: the VPC is split into 16 equal blocks (a public and a private subnet for each of up to 6 AZs, at fixed places so that adding an AZ never moves a subnet), and each must be /27 or larger to hold an ALB`}},
		"error if listener port is 0":          {map[string]string{"listenerPort": "0"}, []string{"listenerPort: invalid value 0: must be between 1 and 65535"}},
		"error if container port is 70000":     {map[string]string{"containerPort": "70000"}, []string{"containerPort: invalid value 70000: must be between 1 and 65535"}},
		"error if listener protocol is TLS":    {map[string]string{"listenerProtocol": "TLS"}, []string{`listenerProtocol: unsupported value "TLS": a TLS listener on a Network Load Balancer cannot forward to an ALB-type target group`}},
		"error if listener protocol is UDP":    {map[string]string{"listenerProtocol": "UDP"}, []string{`listenerProtocol: unsupported value "UDP": an ALB-type target group accepts only TCP`}},
		"error if target group port differs from ALB listener": {map[string]string{"albListenerPort": "8080"},
			[]string{"albTargetGroupPort: invalid value 80: an ALB-type target group's port must equal the port of the ALB listener it targets (albListenerPort is 8080)"}},
		"error if priority is 0":            {map[string]string{"priority": "0"}, []string{"priority: invalid value 0: must be between 1 and 50000"}},
		"error if priority is 50001":        {map[string]string{"priority": "50001"}, []string{"priority: invalid value 50001: must be between 1 and 50000"}},
		"error if priority is taken":        {map[string]string{"priority": "50000"}, []string{"priority: duplicate value 50000: already used by nlbHealthCheckRulePriority"}},
		"error if path pattern is empty":    {map[string]string{"pathPatterns": `[""]`}, []string{"pathPatterns[0]: missing value: must not be empty"}},
		"error if path pattern is too long": {map[string]string{"pathPatterns": `["/` + strings.Repeat("a", 128) + `"]`}, []string{"pathPatterns[0]: invalid value", "is 129 characters, at most 128 are allowed"}},
		"error if rule has 6 values": {map[string]string{"pathPatterns": `["/a","/b","/c"]`, "hostHeaders": `["a.example.com","b.example.com","c.example.com"]`},
			[]string{"pathPatterns: too many values: 6 path patterns and host headers, an ALB listener rule allows at most 5 condition values"}},
		"error if rule has no condition":        {map[string]string{"pathPatterns": `[]`}, []string{"pathPatterns: missing value: a listener rule needs at least one path pattern or host header"}},
		"error if pathPatterns is not a list":   {map[string]string{"pathPatterns": `/api/*`}, []string{`pathPatterns: invalid value "/api/*": must be a list of strings`}},
		"error if health path lacks a slash":    {map[string]string{"healthCheckPath": "healthz"}, []string{`healthCheckPath: invalid value "healthz": must be a URL path starting with "/"`}},
		"error if NLB health path lacks slash":  {map[string]string{"nlbHealthCheckPath": "healthz"}, []string{`nlbHealthCheckPath: invalid value "healthz"`}},
		"error if health interval is 4":         {map[string]string{"healthCheckInterval": "4", "healthCheckTimeout": "2"}, []string{"healthCheckInterval: invalid value 4: must be between 5 and 300"}},
		"error if health interval is 301":       {map[string]string{"healthCheckInterval": "301"}, []string{"healthCheckInterval: invalid value 301: must be between 5 and 300"}},
		"error if health timeout is 1":          {map[string]string{"healthCheckTimeout": "1"}, []string{"healthCheckTimeout: invalid value 1: must be between 2 and 120"}},
		"error if health timeout >= interval":   {map[string]string{"healthCheckTimeout": "10"}, []string{"healthCheckTimeout: invalid value 10: must be less than healthCheckInterval (10)"}},
		"error if deregistration delay is 3601": {map[string]string{"deregistrationDelay": "3601"}, []string{"deregistrationDelay: invalid value 3601: must be between 0 and 3600"}},
		"error if deregistration delay is -1":   {map[string]string{"deregistrationDelay": "-1"}, []string{"deregistrationDelay: invalid value -1: must be between 0 and 3600"}},
		"error if desiredCount is negative":     {map[string]string{"desiredCount": "-1"}, []string{"desiredCount: invalid value -1: must be between 0 and 5000"}},
		"error if desiredCount is over the max": {map[string]string{"desiredCount": "5001"}, []string{"desiredCount: invalid value 5001: must be between 0 and 5000"}},
		"error if cpu is not a Fargate size":    {map[string]string{"cpu": "300"}, []string{"cpu: unsupported value 300: Fargate task CPU must be one of 256, 512, 1024, 2048, 4096, 8192, 16384"}},
		"error if memory does not fit cpu 256":  {map[string]string{"memory": "4096"}, []string{"memory: invalid value 4096 for cpu 256: Fargate allows 512, 1024, 2048 MiB"}},
		"error if memory does not fit cpu 512":  {map[string]string{"cpu": "512", "memory": "512"}, []string{"memory: invalid value 512 for cpu 512: Fargate allows 1024 to 4096 in steps of 1024 MiB"}},
		"error if container memory > task":      {map[string]string{"containerMemory": "1024"}, []string{"containerMemory: invalid value 1024: must be between 6 MiB and the task memory (512)"}},
		"error if natGateways is unknown":       {map[string]string{"natGateways": "two"}, []string{`natGateways: unsupported value "two": supported values "perAz", "single", "none"`}},
		"error if no NAT and no way to ECR":     {map[string]string{"natGateways": "none"}, []string{`natGateways: invalid value "none": tasks in private subnets must pull their image from ECR`, "set vpcEndpoints: true"}},
		"error if no NAT and a non-ECR image": {map[string]string{"natGateways": "none", "vpcEndpoints": "true", "image": "nginx:1.27"},
			[]string{`image: invalid value "nginx:1.27" with natGateways "none": without a NAT gateway tasks can pull only from ECR`}},
		"error if image is not a reference":  {map[string]string{"image": "Not An Image!"}, []string{`image: invalid value "Not An Image!": must be an image reference`}},
		"error if image has a bad digest":    {map[string]string{"image": "nginx@sha256:abc"}, []string{`image: invalid value "nginx@sha256:abc": must be an image reference`}},
		"error if log retention is 2":        {map[string]string{"logRetentionDays": "2"}, []string{"logRetentionDays: unsupported value 2: CloudWatch Logs allows 0, 1, 3, 5, 7, 14, 30"}},
		"error if deletionProtection is yes": {map[string]string{"deletionProtection": "yes"}, []string{`deletionProtection: invalid value "yes": must be true or false`}},
		"error if a key is misspelled":       {map[string]string{"desiredcount": "3"}, []string{`desiredcount: unknown setting; did you mean "desiredCount"?`}},
		"error if a key has a typo":          {map[string]string{"helthCheckPath": "/"}, []string{`helthCheckPath: unknown setting; did you mean "healthCheckPath"?`}},
		"error if services is not a list":    {map[string]string{"services": `{"name":"web"}`}, []string{`services: invalid value "{\"name\":\"web\"}": must be a list of service objects`}},
		"every problem is reported at once": {map[string]string{"azCount": "9", "natGateways": "many", "priority": "0", "cpu": "100"},
			[]string{"(4 problems; nothing was deployed)", "azCount: invalid value 9", `natGateways: unsupported value "many"`, "priority: invalid value 0", "cpu: unsupported value 100"}},
	}
	if len(tests) < 25 {
		t.Fatalf("want at least 25 bad configs, have %d", len(tests))
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := mustRefuse(t, tc.config, tc.want...)
			var ce *configError
			if !errors.As(err, &ce) {
				t.Errorf("want a *configError, got %T: %v", err, err)
			}
		})
	}
}

// The limits of every range are allowed.
func TestEdgeValuesAreAccepted(t *testing.T) {
	tests := map[string]map[string]string{
		"min AZs, /23 VPC":         {"azCount": "2", "vpcCidr": "192.168.10.0/23"},
		"max AZs, /16 VPC":         {"azCount": "6", "vpcCidr": "172.16.0.0/16"},
		"max AZs in a /23":         {"azCount": "6", "vpcCidr": "10.1.0.0/23"},
		"min ports":                {"listenerPort": "1", "albListenerPort": "1", "albTargetGroupPort": "1", "containerPort": "1"},
		"max ports":                {"listenerPort": "65535", "albListenerPort": "65535", "albTargetGroupPort": "65535", "containerPort": "65535"},
		"max priority":             {"priority": "50000", "nlbHealthCheckRulePriority": "1"},
		"five condition values":    {"pathPatterns": `["/a","/b","/c"]`, "hostHeaders": `["a.example.com","b.example.com"]`},
		"128-character pattern":    {"pathPatterns": `["/` + strings.Repeat("a", 127) + `"]`},
		"host header only":         {"pathPatterns": `[]`, "hostHeaders": `["api.example.com"]`},
		"health check minimums":    {"healthCheckInterval": "5", "healthCheckTimeout": "2"},
		"health check maximums":    {"healthCheckInterval": "300", "healthCheckTimeout": "120"},
		"deregistration delay 0":   {"deregistrationDelay": "0"},
		"deregistration 3600":      {"deregistrationDelay": "3600"},
		"desiredCount 0":           {"desiredCount": "0"},
		"desiredCount max":         {"desiredCount": "5000"},
		"smallest Fargate task":    {"cpu": "256", "memory": "512", "containerMemory": "6"},
		"largest Fargate task":     {"cpu": "16384", "memory": "122880", "containerMemory": "122880"},
		"cpu 8192 step":            {"cpu": "8192", "memory": "20480"},
		"single NAT":               {"natGateways": "single"},
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
