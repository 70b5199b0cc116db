package main

// Engine tests: the program under the real Pulumi engine (project issue 7).
//
// The mocked tests never run the engine, so they cannot see what only the engine checks:
// the config schema in Pulumi.yaml applied by the CLI, duplicate URNs, dependency order,
// what a preview plans, and whether a second preview after `up` is empty. These tests run
// the program as an Automation API inline program through the real CLI, on a local file
// backend, against the stand-in aws and awsx providers of standin_test.go:
// preview → up → preview (must plan nothing) → outputs → destroy, for the dev stack and
// every example config in examples/*.yaml.
//
// The CLI is the one matching the SDK in go.mod. It is taken from PATH or from the cache
// (<user cache dir>/pulumi-engine-test/cli-<version>), or else built there from the Go
// module proxy (official binaries cannot be downloaded here); a failed build fails the
// test. Run with a generous timeout: go test -timeout 30m ./...

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// pulumiCLIVersion is the Pulumi CLI the engine tests run. It must equal the version of
// github.com/pulumi/pulumi/sdk/v3 in go.mod (TestPulumiCLIVersionMatchesSDK): the
// Automation API drives the CLI of its own release.
const pulumiCLIVersion = "v3.230.0"

const (
	sdkModule  = "github.com/pulumi/pulumi/sdk/v3"
	awsModule  = "github.com/pulumi/pulumi-aws/sdk/v6"
	awsxModule = "github.com/pulumi/pulumi-awsx/sdk/v2"
	cliPackage = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
	// The CLI prints this variable for `pulumi version`, which the Automation API checks.
	cliVersionVar = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"
)

func TestPulumiCLIVersionMatchesSDK(t *testing.T) {
	if err := checkCLIVersionPin(); err != nil {
		t.Fatal(err)
	}
}

// TestEngine runs the lifecycle for the dev stack and each example config.
func TestEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("engine test skipped with -short: it runs the real Pulumi CLI (and builds it once)")
	}
	cli := pulumiCLI(t)
	for _, sc := range stackConfigFiles(t) {
		// Sequential: each lifecycle keeps the CLI busy on one of two cores already.
		t.Run(sc.stack, func(t *testing.T) {
			e := newEngineStack(t, cli, sc, program)
			e.lifecycle(t)
		})
	}
}

// TestEngineIdempotencyCheckBites proves the zero-change check of the second preview
// fails when an input changes on every run.
func TestEngineIdempotencyCheckBites(t *testing.T) {
	if testing.Short() {
		t.Skip("engine test skipped with -short: it runs the real Pulumi CLI (and builds it once)")
	}
	cli := pulumiCLI(t)
	e := newEngineStack(t, cli, stackConfigFile{stack: "dev", path: "Pulumi.dev.yaml"}, perturbedProgram)
	e.up(t)
	summary, evts := e.preview(t)
	err := checkNoChanges(summary, evts)
	if err == nil {
		t.Errorf("checkNoChanges found no changes after up, want the canary's tags change")
	} else if !strings.Contains(err.Error(), "idempotency-canary") || !strings.Contains(err.Error(), "tags") {
		t.Errorf("checkNoChanges error does not name the canary and its tags:\n%v", err)
	} else {
		t.Logf("the zero-change check caught the perturbed input:\n%v", err)
	}
	e.destroy(t)
}

func TestCheckNoChanges(t *testing.T) {
	pre := func(op apitype.OpType, urn string, diffs ...string) events.EngineEvent {
		return events.EngineEvent{EngineEvent: apitype.EngineEvent{ResourcePreEvent: &apitype.ResourcePreEvent{
			Metadata: apitype.StepEventMetadata{Op: op, URN: urn, Diffs: diffs},
		}}}
	}
	tests := map[string]struct {
		summary map[apitype.OpType]int
		evts    []events.EngineEvent
		want    string // "" for no error, else a substring of the error
	}{
		"no error if everything is the same": {
			summary: map[apitype.OpType]int{apitype.OpSame: 3},
			evts:    []events.EngineEvent{pre(apitype.OpSame, "urn:a")},
		},
		"no error for reads": {
			summary: map[apitype.OpType]int{apitype.OpSame: 3, apitype.OpRead: 1},
			evts:    []events.EngineEvent{pre(apitype.OpRead, "urn:a")},
		},
		"error names the resource and the changed inputs": {
			summary: map[apitype.OpType]int{apitype.OpSame: 2, apitype.OpUpdate: 1},
			evts:    []events.EngineEvent{pre(apitype.OpUpdate, "urn:canary", "tags", "name")},
			want:    "update urn:canary (changed: tags, name)",
		},
		"error on a summary without events": {
			summary: map[apitype.OpType]int{apitype.OpReplace: 1},
			want:    "replace=1",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := checkNoChanges(tc.summary, tc.evts)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("got error %v, want none", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// perturbedProgram is the real program plus one resource whose input differs on every
// run, as a time stamp in a tag would.
func perturbedProgram(ctx *pulumi.Context) error {
	if err := program(ctx); err != nil {
		return err
	}
	_, err := cloudwatch.NewLogGroup(ctx, "idempotency-canary", &cloudwatch.LogGroupArgs{
		Tags: pulumi.StringMap{"deployedAt": pulumi.String(time.Now().UTC().Format(time.RFC3339Nano))},
	})
	if err != nil {
		return fmt.Errorf("creating the idempotency canary: %w", err)
	}
	return nil
}

// stackConfigFile is a stack to run: the dev stack, or an example config file.
type stackConfigFile struct {
	stack string // stack name
	path  string // its config, relative to the repository root
}

// stackConfigFiles returns the dev stack and every examples/*.yaml, so a new example is
// tested without touching this file.
func stackConfigFiles(t *testing.T) []stackConfigFile {
	t.Helper()
	files := []stackConfigFile{{stack: "dev", path: "Pulumi.dev.yaml"}}
	examples, err := filepath.Glob(filepath.Join("examples", "*.yaml"))
	if err != nil {
		t.Fatalf("listing examples: %v", err)
	}
	sort.Strings(examples)
	for _, p := range examples {
		files = append(files, stackConfigFile{stack: strings.TrimSuffix(filepath.Base(p), ".yaml"), path: p})
	}
	return files
}

// engineStack is one stack of the project on a fresh file backend, with its stand-ins.
type engineStack struct {
	name  string
	proj  *workspace.Project
	stack auto.Stack
	aws   *standin
	awsx  *standin
	ctx   context.Context
}

// newEngineStack copies Pulumi.yaml and the stack's config into a temp work dir (stack
// init writes an encryption salt into the stack file; the repository stays untouched),
// starts the stand-ins and selects the stack with the inline program.
func newEngineStack(t *testing.T, cli auto.PulumiCommand, sc stackConfigFile, prog pulumi.RunFunc) *engineStack {
	t.Helper()
	proj, err := workspace.LoadProject("Pulumi.yaml")
	if err != nil {
		t.Fatalf("loading Pulumi.yaml: %v", err)
	}
	tmp := t.TempDir()
	work, state, home := filepath.Join(tmp, "work"), filepath.Join(tmp, "state"), filepath.Join(tmp, "home")
	for _, dir := range []string{work, state, home} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	copyProjectFile(t, "Pulumi.yaml", filepath.Join(work, "Pulumi.yaml"))
	copyProjectFile(t, sc.path, filepath.Join(work, "Pulumi."+sc.stack+".yaml"))

	awsVersion, err := moduleVersion(awsModule)
	if err != nil {
		t.Fatal(err)
	}
	awsxVersion, err := moduleVersion(awsxModule)
	if err != nil {
		t.Fatal(err)
	}
	aws, awsPort := startStandin(t, "aws", strings.TrimPrefix(awsVersion, "v"))
	awsx, awsxPort := startStandin(t, "awsx", strings.TrimPrefix(awsxVersion, "v"))

	ctx := t.Context()
	stack, err := auto.UpsertStackInlineSource(ctx, sc.stack, proj.Name.String(), prog,
		auto.WorkDir(work),
		auto.Pulumi(cli),
		auto.EnvVars(map[string]string{
			"PULUMI_BACKEND_URL":       "file://" + filepath.ToSlash(state),
			"PULUMI_CONFIG_PASSPHRASE": "engine-test",
			"PULUMI_HOME":              home,
			"PULUMI_SKIP_UPDATE_CHECK": "true",
			// Nothing may be downloaded: the engine attaches to the stand-ins instead.
			"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
			"PULUMI_DEBUG_PROVIDERS":                      fmt.Sprintf("aws:%d,awsx:%d", awsPort, awsxPort),
		}),
	)
	if err != nil {
		t.Fatalf("%s: creating the stack: %v", sc.stack, err)
	}
	t.Logf("%s: stack from %s, CLI %s, stand-ins aws %s on :%d and awsx %s on :%d",
		sc.stack, sc.path, cli.Version(), aws.version, awsPort, awsx.version, awsxPort)
	return &engineStack{name: sc.stack, proj: proj, stack: stack, aws: aws, awsx: awsx, ctx: ctx}
}

// lifecycle is the whole check: preview, up, an empty second preview, outputs, destroy.
func (e *engineStack) lifecycle(t *testing.T) {
	summary, _ := e.preview(t)
	if n := summary[apitype.OpCreate]; n == 0 {
		t.Fatalf("%s: first preview plans no creates: %v", e.name, summary)
	}
	for op, n := range summary {
		if op != apitype.OpCreate && n > 0 {
			t.Errorf("%s: first preview of an empty stack plans %d %s", e.name, n, op)
		}
	}
	t.Logf("%s: step 1/4 preview passed: %d to create", e.name, summary[apitype.OpCreate])

	res := e.up(t)
	t.Logf("%s: step 2/4 up passed: %v", e.name, summaryChanges(res.Summary))

	summary, evts := e.preview(t)
	if err := checkNoChanges(summary, evts); err != nil {
		t.Errorf("%s: %v", e.name, err)
	} else {
		t.Logf("%s: step 3/4 second preview passed: no changes (%d unchanged)", e.name, summary[apitype.OpSame])
	}

	resources := e.resources(t)
	if err := checkOutputs(res.Outputs, resources, e.azCount(t)); err != nil {
		t.Errorf("%s: stack outputs: %v", e.name, err)
	}
	var custom int
	for _, r := range resources {
		if r.Custom && strings.HasPrefix(string(r.Type), "aws:") {
			custom++
		}
	}
	if live := len(e.aws.liveObjects()); live != custom {
		t.Errorf("%s: the aws stand-in holds %d objects, the state %d aws resources", e.name, live, custom)
	}
	t.Logf("%s: outputs checked: %d resources in state, dns=%v staticIps=%v", e.name, len(resources),
		res.Outputs["dns"].Value, res.Outputs["staticIps"].Value)

	e.destroy(t)
	t.Logf("%s: step 4/4 destroy passed; %s; %s", e.name, e.aws.summary(), e.awsx.summary())
}

// preview runs `pulumi preview` and returns its change summary and engine events.
func (e *engineStack) preview(t *testing.T) (map[apitype.OpType]int, []events.EngineEvent) {
	t.Helper()
	ch := make(chan events.EngineEvent)
	done := make(chan []events.EngineEvent)
	go func() {
		var evts []events.EngineEvent
		for ev := range ch {
			evts = append(evts, ev)
		}
		done <- evts
	}()
	start := time.Now()
	res, err := e.stack.Preview(e.ctx, optpreview.EventStreams(ch))
	if err != nil {
		t.Fatalf("%s: preview: %v", e.name, err)
	}
	var evts []events.EngineEvent
	select {
	case evts = <-done: // the Automation API closes the stream when the CLI exits
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: preview: the engine event stream did not end", e.name)
	}
	t.Logf("%s: preview took %s: %v", e.name, time.Since(start).Round(time.Millisecond), res.ChangeSummary)
	// Warnings do not fail the test, but belong in its log: a deprecation or a config
	// warning from the engine is worth reading.
	warned := map[string]bool{}
	for _, ev := range evts {
		if d := ev.DiagnosticEvent; d != nil && d.Severity == "warning" && !warned[d.Message] {
			warned[d.Message] = true
			t.Logf("%s: preview warning: %s %s", e.name, d.URN, strings.TrimSpace(d.Message))
		}
	}
	return res.ChangeSummary, evts
}

// up runs `pulumi up`; it must succeed and change nothing but creates on a new stack.
func (e *engineStack) up(t *testing.T) auto.UpResult {
	t.Helper()
	start := time.Now()
	res, err := e.stack.Up(e.ctx)
	if err != nil {
		t.Fatalf("%s: up: %v", e.name, err)
	}
	if res.Summary.Result != "succeeded" {
		t.Fatalf("%s: up result %q", e.name, res.Summary.Result)
	}
	t.Logf("%s: up took %s; %s", e.name, time.Since(start).Round(time.Millisecond), e.aws.summary())
	return res
}

// destroy runs `pulumi destroy` and checks nothing is left, in the state or the stand-in.
func (e *engineStack) destroy(t *testing.T) {
	t.Helper()
	start := time.Now()
	res, err := e.stack.Destroy(e.ctx)
	if err != nil {
		t.Fatalf("%s: destroy: %v", e.name, err)
	}
	if res.Summary.Result != "succeeded" {
		t.Fatalf("%s: destroy result %q", e.name, res.Summary.Result)
	}
	if left := e.resources(t); len(left) > 0 {
		var urns []string
		for _, r := range left {
			urns = append(urns, string(r.URN))
		}
		t.Errorf("%s: %d resources left in the state after destroy:\n  %s", e.name, len(left), strings.Join(urns, "\n  "))
	}
	if live := e.aws.liveObjects(); len(live) > 0 {
		t.Errorf("%s: the aws stand-in still holds objects after destroy:\n  %s", e.name, strings.Join(live, "\n  "))
	}
	t.Logf("%s: destroy took %s: %v, nothing left", e.name, time.Since(start).Round(time.Millisecond), summaryChanges(res.Summary))
}

// resources returns the stack's resources from `pulumi stack export`.
func (e *engineStack) resources(t *testing.T) []apitype.ResourceV3 {
	t.Helper()
	dep, err := e.stack.Export(e.ctx)
	if err != nil {
		t.Fatalf("%s: stack export: %v", e.name, err)
	}
	var d apitype.DeploymentV3
	if err := json.Unmarshal(dep.Deployment, &d); err != nil {
		t.Fatalf("%s: decoding the stack export: %v", e.name, err)
	}
	return d.Resources
}

func summaryChanges(s auto.UpdateSummary) map[string]int {
	if s.ResourceChanges == nil {
		return nil
	}
	return *s.ResourceChanges
}

// checkNoChanges returns an error naming every change a preview plans. Right after `up`
// a preview must plan nothing but "same": anything else means the program or a provider
// is not idempotent and every deploy would touch the stack. Reads are not changes.
func checkNoChanges(summary map[apitype.OpType]int, evts []events.EngineEvent) error {
	var ops []string
	for op, n := range summary {
		if op != apitype.OpSame && op != apitype.OpRead && n > 0 {
			ops = append(ops, fmt.Sprintf("%s=%d", op, n))
		}
	}
	var steps []string
	for _, ev := range evts {
		if ev.ResourcePreEvent == nil {
			continue
		}
		m := ev.ResourcePreEvent.Metadata
		if m.Op == apitype.OpSame || m.Op == apitype.OpRead {
			continue
		}
		steps = append(steps, fmt.Sprintf("%s %s (changed: %s)", m.Op, m.URN, strings.Join(m.Diffs, ", ")))
	}
	if len(ops) == 0 && len(steps) == 0 {
		return nil
	}
	sort.Strings(ops)
	sort.Strings(steps)
	return fmt.Errorf("the preview after up plans changes (%s):\n  %s", strings.Join(ops, " "), strings.Join(steps, "\n  "))
}

// azCount is the number of AZs the stack asks for: azCount from its config file, or
// the default in Pulumi.yaml.
func (e *engineStack) azCount(t *testing.T) int {
	t.Helper()
	cfg, err := e.stack.GetAllConfig(e.ctx)
	if err != nil {
		t.Fatalf("%s: reading the stack config: %v", e.name, err)
	}
	if v, ok := cfg[e.proj.Name.String()+":azCount"]; ok {
		n, err := strconv.Atoi(v.Value)
		if err != nil {
			t.Fatalf("%s: azCount %q: %v", e.name, v.Value, err)
		}
		return n
	}
	switch d := e.proj.Config["azCount"].Default.(type) {
	case int:
		return d
	case float64:
		return int(d)
	}
	t.Fatalf("%s: no azCount in the stack config and no integer default in Pulumi.yaml", e.name)
	return 0
}

// checkOutputs checks the stack outputs' shapes and that they agree with the state: the
// DNS names are the load balancers', the static IPs the NLB's Elastic IPs, one per AZ.
func checkOutputs(outputs auto.OutputMap, resources []apitype.ResourceV3, azCount int) error {
	var errs []error
	outputString := func(key string) string {
		v, ok := outputs[key]
		if !ok {
			errs = append(errs, fmt.Errorf("%s: missing", key))
			return ""
		}
		s, ok := v.Value.(string)
		if !ok || s == "" {
			errs = append(errs, fmt.Errorf("%s: want a non-empty string, got %T %v", key, v.Value, v.Value))
		}
		return s
	}
	byType := func(typ string) []apitype.ResourceV3 {
		var out []apitype.ResourceV3
		for _, r := range resources {
			if string(r.Type) == typ {
				out = append(out, r)
			}
		}
		return out
	}
	var nlb, alb *apitype.ResourceV3
	for _, r := range byType("aws:lb/loadBalancer:LoadBalancer") {
		switch r.Outputs["loadBalancerType"] {
		case "network":
			nlb = &r
		case "application":
			alb = &r
		}
	}
	if nlb == nil || alb == nil {
		return fmt.Errorf("want one network and one application load balancer in the state")
	}

	dns := outputString("dns")
	if want := nlb.Outputs["dnsName"]; dns != want {
		errs = append(errs, fmt.Errorf("dns: got %q, want the NLB's dnsName %q", dns, want))
	}
	// url: the NLB's name, or a domain whose alias record in the state points at the NLB.
	hosts := map[string]bool{dns: true}
	for _, r := range byType("aws:route53/record:Record") {
		aliases, _ := r.Outputs["aliases"].([]any)
		for _, a := range aliases {
			if a, ok := a.(map[string]any); ok && a["name"] == dns {
				name, _ := r.Outputs["name"].(string)
				hosts[strings.TrimSuffix(name, ".")] = true
			}
		}
	}
	if u, err := url.Parse(outputString("url")); err != nil || (u.Scheme != "http" && u.Scheme != "https") || !hosts[u.Hostname()] || u.Path != "/" {
		errs = append(errs, fmt.Errorf("url: got %q, want http(s)://<host>[:port]/ with the host one of %v (%v)", outputs["url"].Value, sortedHosts(hosts), err))
	}
	albDNS := outputString("albDns")
	if want := alb.Outputs["dnsName"]; albDNS != want {
		errs = append(errs, fmt.Errorf("albDns: got %q, want the ALB's dnsName %q", albDNS, want))
	}

	// staticIps: the public IPs of the EIPs mapped into the NLB, one per AZ of the stack.
	eipByAlloc := map[any]any{}
	for _, r := range byType("aws:ec2/eip:Eip") {
		eipByAlloc[r.Outputs["allocationId"]] = r.Outputs["publicIp"]
	}
	mapped := map[any]bool{}
	mappings, _ := nlb.Outputs["subnetMappings"].([]any)
	for _, m := range mappings {
		if m, ok := m.(map[string]any); ok {
			mapped[eipByAlloc[m["allocationId"]]] = true
		}
	}
	zones := map[any]bool{}
	for _, r := range byType("aws:ec2/subnet:Subnet") {
		zones[r.Outputs["availabilityZone"]] = true
	}
	ips, ok := outputs["staticIps"].Value.([]any)
	if !ok || len(ips) == 0 {
		errs = append(errs, fmt.Errorf("staticIps: want a non-empty list, got %T %v", outputs["staticIps"].Value, outputs["staticIps"].Value))
	}
	seen := map[any]bool{}
	for _, ip := range ips {
		s, _ := ip.(string)
		if a, err := netip.ParseAddr(s); err != nil || !a.Is4() {
			errs = append(errs, fmt.Errorf("staticIps: %v is not an IPv4 address", ip))
		}
		if seen[ip] {
			errs = append(errs, fmt.Errorf("staticIps: %v appears twice", ip))
		}
		seen[ip] = true
		if !mapped[ip] {
			errs = append(errs, fmt.Errorf("staticIps: %v is not the public IP of an EIP mapped into the NLB", ip))
		}
	}
	if len(ips) != azCount || len(mappings) != azCount || len(zones) != azCount {
		errs = append(errs, fmt.Errorf("staticIps: got %d, want one per AZ (azCount %d); the NLB has %d subnet mappings, the subnets span %d AZs",
			len(ips), azCount, len(mappings), len(zones)))
	}

	// staticIpv6s, when exported: the NLB's IPv6 address in each subnet mapping.
	if v, ok := outputs["staticIpv6s"]; ok {
		ipv6s, _ := v.Value.([]any)
		want := map[any]bool{}
		for _, m := range mappings {
			if m, ok := m.(map[string]any); ok {
				want[m["ipv6Address"]] = true
			}
		}
		for _, ip := range ipv6s {
			s, _ := ip.(string)
			if a, err := netip.ParseAddr(s); err != nil || !a.Is6() || !want[ip] {
				errs = append(errs, fmt.Errorf("staticIpv6s: %v is not an IPv6 address of the NLB's subnet mappings", ip))
			}
		}
		if len(ipv6s) != azCount {
			errs = append(errs, fmt.Errorf("staticIpv6s: got %d, want one per AZ (azCount %d)", len(ipv6s), azCount))
		}
	}

	names := func(typ, key string) map[any]bool {
		out := map[any]bool{}
		for _, r := range byType(typ) {
			out[r.Outputs[key]] = true
		}
		return out
	}
	clusterName := outputString("clusterName")
	if !names("aws:ecs/cluster:Cluster", "name")[clusterName] {
		errs = append(errs, fmt.Errorf("clusterName: %q is not the name of an ECS cluster in the state", clusterName))
	}
	serviceName := outputString("serviceName")
	var service *apitype.ResourceV3
	for _, r := range byType("aws:ecs/service:Service") {
		if r.Outputs["name"] == serviceName {
			service = &r
		}
	}
	if service == nil {
		errs = append(errs, fmt.Errorf("serviceName: %q is not the name of an ECS service in the state", serviceName))
	} else if cluster, _ := service.Outputs["cluster"].(string); !strings.HasSuffix(cluster, "cluster/"+clusterName) {
		errs = append(errs, fmt.Errorf("serviceName: service %q runs in cluster %q, not %q", serviceName, cluster, clusterName))
	}
	logGroup := outputString("logGroup")
	if !names("aws:cloudwatch/logGroup:LogGroup", "name")[logGroup] {
		errs = append(errs, fmt.Errorf("logGroup: %q is not the name of a log group in the state", logGroup))
	}
	return errors.Join(errs...)
}

func sortedHosts(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func copyProjectFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatalf("copying the project file: %v", err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatalf("copying the project file: %v", err)
	}
}

// moduleVersion returns the version of a module this test binary is built with, i.e.
// the one go.mod selects.
func moduleVersion(path string) (string, error) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", fmt.Errorf("no build info in the test binary: cannot tell the version of %s", path)
	}
	for _, d := range bi.Deps {
		if d.Path == path {
			if d.Replace != nil {
				return d.Replace.Version, nil
			}
			return d.Version, nil
		}
	}
	return "", fmt.Errorf("%s is not a dependency of the test binary", path)
}

func checkCLIVersionPin() error {
	sdk, err := moduleVersion(sdkModule)
	if err != nil {
		return err
	}
	if sdk != pulumiCLIVersion {
		return fmt.Errorf("pulumiCLIVersion is %s but go.mod requires %s %s: set pulumiCLIVersion in engine_test.go to %s",
			pulumiCLIVersion, sdkModule, sdk, sdk)
	}
	return nil
}

// pulumiCLI returns the Pulumi CLI of pulumiCLIVersion: from PATH, from the cache, or
// built into the cache. It fails the test if there is none and it cannot be built.
func pulumiCLI(t *testing.T) auto.PulumiCommand {
	t.Helper()
	if err := checkCLIVersionPin(); err != nil {
		t.Fatal(err)
	}
	want := strings.TrimPrefix(pulumiCLIVersion, "v")
	// The Automation API runs <root>/bin/pulumi, so a CLI on PATH is usable if it sits
	// in a bin directory.
	if path, err := exec.LookPath("pulumi"); err == nil && filepath.Base(filepath.Dir(path)) == "bin" {
		cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: filepath.Dir(filepath.Dir(path))})
		if err == nil && cmd.Version().String() == want {
			t.Logf("Pulumi CLI %s: %s (from PATH)", pulumiCLIVersion, path)
			return cmd
		}
		t.Logf("not using %s from PATH: want version %s (%v)", path, want, err)
	}

	root, err := cliCacheRoot()
	if err != nil {
		t.Fatalf("Pulumi CLI %s: %v", pulumiCLIVersion, err)
	}
	bin := filepath.Join(root, "bin", "pulumi")
	if cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: root}); err == nil && cmd.Version().String() == want {
		t.Logf("Pulumi CLI %s: %s (cached)", pulumiCLIVersion, bin)
		return cmd
	}

	t.Logf("Pulumi CLI %s: not on PATH or in the cache; building %s@%s from the Go module proxy into %s",
		pulumiCLIVersion, cliPackage, pulumiCLIVersion, bin)
	start := time.Now()
	if err := buildPulumiCLI(t, root); err != nil {
		t.Fatalf("Pulumi CLI %s: the build failed, so the engine tests cannot run: %v", pulumiCLIVersion, err)
	}
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: root})
	if err != nil {
		t.Fatalf("Pulumi CLI %s: the freshly built %s does not run: %v", pulumiCLIVersion, bin, err)
	}
	if got := cmd.Version().String(); got != want {
		t.Fatalf("Pulumi CLI %s: the freshly built %s reports version %s", pulumiCLIVersion, bin, got)
	}
	t.Logf("Pulumi CLI %s: built in %s", pulumiCLIVersion, time.Since(start).Round(time.Second))
	return cmd
}

// cliCacheRoot is where the CLI is built and kept: <user cache dir>/pulumi-engine-test/
// cli-<version>, falling back to GOPATH/pkg when there is no user cache dir. CI can
// cache this directory.
func cliCacheRoot() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		out, goErr := exec.Command(goTool(), "env", "GOPATH").Output()
		if goErr != nil || strings.TrimSpace(string(out)) == "" {
			return "", fmt.Errorf("no cache directory for the CLI: %v; go env GOPATH: %v", err, goErr)
		}
		base = filepath.Join(strings.SplitN(strings.TrimSpace(string(out)), string(os.PathListSeparator), 2)[0], "pkg")
	}
	return filepath.Join(base, "pulumi-engine-test", "cli-"+pulumiCLIVersion), nil
}

// cliBuildGoMod is the scratch module the CLI is built in. pkg/v3 cannot be built with
// `go install pkg@version` (its go.mod has replace directives), and adding it to the
// project's go.mod would drag the whole CLI into the project's dependencies. Its
// clipboard replacement is copied from pkg's own go.mod, as the CLI is built with it.
const cliBuildGoMod = `module pulumi-engine-test-cli

go 1.25.8

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
`

// buildPulumiCLI builds the CLI into <root>/bin/pulumi with its version stamped in. The
// module graph comes from pkg's go.mod at the pinned version, so the build needs exact
// versions from the proxy only.
func buildPulumiCLI(t *testing.T, root string) error {
	src := filepath.Join(root, "src")
	if err := os.MkdirAll(filepath.Join(root, "bin"), 0o755); err != nil {
		return err
	}
	if err := os.MkdirAll(src, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte(cliBuildGoMod), 0o644); err != nil {
		return err
	}
	ctx := t.Context()
	if deadline, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-time.Minute))
		defer cancel()
	}
	tmp := filepath.Join(root, "bin", fmt.Sprintf("pulumi.tmp%d", os.Getpid()))
	steps := [][]string{
		{"get", "-tool", cliPackage + "@" + pulumiCLIVersion},
		{"build", "-o", tmp, "-ldflags", "-X " + cliVersionVar + "=" + pulumiCLIVersion, cliPackage},
	}
	for _, args := range steps {
		start := time.Now()
		t.Logf("  (cd %s && go %s)", src, strings.Join(args, " "))
		cmd := exec.CommandContext(ctx, goTool(), args...)
		cmd.Dir = src
		// GOWORK=off: a go.work around the cache dir must not leak in. -mod=mod: go get
		// writes the scratch go.mod and go.sum.
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			if ctx.Err() != nil {
				err = fmt.Errorf("%w: out of time; rerun with a larger -timeout (e.g. -timeout 30m), the finished parts are cached", err)
			}
			return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, tailLines(out.String(), 40))
		}
		t.Logf("  done in %s", time.Since(start).Round(time.Second))
	}
	// Rename last, so an interrupted build never leaves a half-written CLI in the cache.
	return os.Rename(tmp, filepath.Join(root, "bin", "pulumi"))
}

// goTool is the go command of the running toolchain.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
