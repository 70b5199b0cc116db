package main

// Engine tests: the program under the real Pulumi engine, driven by internal/standin
// against its stand-in aws and awsx providers (the one fake AWS the mocked tests use too):
// preview → up → preview (must plan nothing) → outputs → destroy, for the dev stack and
// every example config in examples/*.yaml. Run with a generous timeout, the first run
// builds the CLI: go test -timeout 30m ./...

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/example/nlb-alb-fargate/internal/config"
	smokeoutputs "github.com/example/nlb-alb-fargate/internal/smoke/outputs"
	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/example/nlb-alb-fargate/internal/standin/harness"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestPulumiCLIVersionMatchesSDK(t *testing.T) {
	if err := harness.CheckCLIVersionPin(); err != nil {
		t.Fatal(err)
	}
}

// TestEngine runs the lifecycle for the dev stack and each example config, each under
// the bootstrap's permissions boundary, and checks the bootstrap's deploy policy against
// every IAM call the stand-in saw.
//
// The engine tests but TestChangeSafety are parallel, and so are these lifecycles: each
// has stacks and an account of its own. go test runs them two at a time (-parallel is
// GOMAXPROCS, 2 on two cores) once the sequential tests are done, TestChangeSafety with
// its two lanes among those, so both cores stay busy to the end.
func TestEngine(t *testing.T) {
	t.Parallel()
	cli := harness.PulumiCLI(t)
	for _, sc := range stackConfigFiles(t) {
		t.Run(sc.stack, func(t *testing.T) {
			t.Parallel()
			cloud := standin.NewCloud()
			// The account the snapshots run in (raised quotas, the network it names), with
			// the bootstrap's permissions boundary, which the stack's roles carry.
			withBoundary(t, sc.account(t))(cloud)
			e := harness.NewStack(t, cli, harness.StackOptions{Name: sc.stack, ConfigFile: sc.path, Program: program, Cloud: cloud})
			e.SetConfigValue(t, testProject+":rolePermissionsBoundary", testBoundaryArn)
			lifecycle(t, e)
			// Every IAM call of the lifecycle, the destroy's included, is one the deploy
			// policy of the stack's environment allows, and allows with the boundary only.
			n := checkIAMCalls(t, sc.stack, cloud.IAMCalls(), deployPolicyFor(sc.stack, cloud.Region(), false))
			t.Logf("%s: %d IAM calls of preview, up and destroy allowed by the deploy policy, each with the boundary only", sc.stack, n)
		})
	}
}

// An IPv6 network written otherwise than AWS writes it (upper case, zeros spelt out) is
// sent in AWS's spelling, so the drift check after an up finds nothing: AWS reads a rule's
// network back in its own spelling, and the rule resource stores what a refresh reads.
func TestEngineClientNetworksInAWSSpelling(t *testing.T) {
	t.Parallel()
	e := harness.NewStack(t, harness.PulumiCLI(t), harness.StackOptions{Name: "spelling", ConfigFile: "Pulumi.dev.yaml", Program: program})
	e.SetConfig(t, stackYAML(devConfig(t), map[string]any{"allowedCidrs": []any{"2001:DB8:0:0::/32", "203.0.113.0/24"}}))
	e.Apply(t)
	if err := e.DriftCheck(t).NoChanges(); err != nil {
		t.Errorf("drift check: %v", err)
	}
	var got []string
	for _, r := range e.AWS.Cloud.LiveURNs() {
		if r.Type() == standin.TypeSecurityGroupIngressRule && strings.HasPrefix(r.Name(), "nlb-from-2001") {
			got = append(got, r.Name())
		}
	}
	if !slices.Equal(got, []string{"nlb-from-2001-db8---32"}) {
		t.Errorf("IPv6 client rules %v, want the one named in AWS's spelling", got)
	}
	e.Destroy(t)
}

// TestEngineIdempotencyCheckBites proves the zero-change check of the second preview
// fails when an input changes on every run.
func TestEngineIdempotencyCheckBites(t *testing.T) {
	t.Parallel()
	e := harness.NewStack(t, harness.PulumiCLI(t), harness.StackOptions{Name: "dev", ConfigFile: "Pulumi.dev.yaml", Program: perturbedProgram})
	e.Apply(t)
	err := e.Preview(t).NoChanges()
	if err == nil {
		t.Errorf("NoChanges found no changes after up, want the canary's tags change")
	} else if !strings.Contains(err.Error(), "idempotency-canary") || !strings.Contains(err.Error(), "tags") {
		t.Errorf("NoChanges error does not name the canary and its tags:\n%v", err)
	} else {
		t.Logf("the zero-change check caught the perturbed input:\n%v", err)
	}
	e.Destroy(t)
}

// TestEnginePinnedIPv6IsReplaced proves, under the real engine, the rule that made the
// stack stop pinning IPv6 addresses: an NLB whose subnet mappings pin one next to an EIP
// reads it back empty, so the preview right after up replaces the NLB (terraform-provider-
// aws issue 49531). The same NLB without the pin plans nothing.
func TestEnginePinnedIPv6IsReplaced(t *testing.T) {
	t.Parallel()
	cli := harness.PulumiCLI(t)
	for _, pin := range []bool{true, false} {
		t.Run(fmt.Sprintf("pinned=%v", pin), func(t *testing.T) {
			t.Parallel()
			e := harness.NewStack(t, cli, harness.StackOptions{Name: "dev", ConfigFile: "Pulumi.dev.yaml", Program: dualStackNlbProgram(pin)})
			e.Apply(t)
			plan := e.Preview(t)
			if !pin {
				if err := plan.NoChanges(); err != nil {
					t.Errorf("without a pinned address: %v", err)
				}
				e.Destroy(t)
				return
			}
			nlb := resource.NewURN("dev", tokens.PackageName(testProject), "", standin.TypeLoadBalancer, "nlb")
			if got := plan.Effects()[nlb]; got != harness.Replaced {
				t.Errorf("with a pinned IPv6 address the second preview %s the NLB, want it replaced", got)
			}
			for _, st := range plan.Steps {
				if st.URN == nlb && st.Op == apitype.OpReplace && !slices.Contains(st.Replaces, "subnetMappings") {
					t.Errorf("the NLB is replaced over %v, want subnetMappings", st.Replaces)
				}
			}
			e.Destroy(t)
		})
	}
}

// dualStackNlbProgram is a dual-stack NLB with an EIP in each of two public subnets,
// pinning the IPv6 address ::100 of each subnet when pin is set.
func dualStackNlbProgram(pin bool) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		v, err := ec2.NewVpc(ctx, "vpc", &ec2.VpcArgs{CidrBlock: pulumi.String("10.0.0.0/16"), AssignGeneratedIpv6CidrBlock: pulumi.Bool(true)})
		if err != nil {
			return err
		}
		// ELB refuses an internet-facing NLB in a VPC without an internet gateway.
		igw, err := ec2.NewInternetGateway(ctx, "igw", &ec2.InternetGatewayArgs{VpcId: v.ID()})
		if err != nil {
			return err
		}
		var mappings lb.LoadBalancerSubnetMappingArray
		for i, az := range []string{"us-east-1a", "us-east-1b"} {
			ipv6 := v.Ipv6CidrBlock.ApplyT(func(block string) (string, error) { return ipv6Subnet(block, i) }).(pulumi.StringOutput)
			ipv4, err := subnetCidr("10.0.0.0/16", config.SubnetBlockBits, i)
			if err != nil {
				return err
			}
			subnet, err := ec2.NewSubnet(ctx, fmt.Sprintf("public-%d", i), &ec2.SubnetArgs{
				VpcId: v.ID(), AvailabilityZone: pulumi.String(az), CidrBlock: pulumi.String(ipv4), Ipv6CidrBlock: ipv6,
			})
			if err != nil {
				return err
			}
			eip, err := ec2.NewEip(ctx, fmt.Sprintf("nlb-eip-%d", i), &ec2.EipArgs{Domain: pulumi.String("vpc")})
			if err != nil {
				return err
			}
			m := lb.LoadBalancerSubnetMappingArgs{SubnetId: subnet.ID(), AllocationId: eip.AllocationId}
			if pin {
				m.Ipv6Address = ipv6.ApplyT(func(block string) string { return strings.TrimSuffix(block, "/64") + "100" }).(pulumi.StringOutput)
			}
			mappings = append(mappings, m)
		}
		_, err = lb.NewLoadBalancer(ctx, "nlb", &lb.LoadBalancerArgs{
			LoadBalancerType: pulumi.String("network"), IpAddressType: pulumi.String("dualstack"), SubnetMappings: mappings,
		}, pulumi.DependsOn([]pulumi.Resource{igw}))
		return err
	}
}

func TestPlanNoChanges(t *testing.T) {
	step := func(op apitype.OpType, urn string, diffs ...string) harness.Step {
		return harness.Step{Op: op, URN: resource.URN(urn), Diffs: diffs}
	}
	tests := map[string]struct {
		plan harness.Plan
		want string // "" for no error, else a substring of the error
	}{
		"no error if everything is the same": {plan: harness.Plan{Changes: map[apitype.OpType]int{apitype.OpSame: 3}}},
		"no error for reads":                 {plan: harness.Plan{Changes: map[apitype.OpType]int{apitype.OpSame: 3, apitype.OpRead: 1}}},
		"error names the resource and the changed inputs": {
			plan: harness.Plan{Changes: map[apitype.OpType]int{apitype.OpSame: 2, apitype.OpUpdate: 1}, Steps: []harness.Step{step(apitype.OpUpdate, "urn:canary", "tags", "name")}},
			want: "update urn:canary (changed: tags, name)",
		},
		"error on a summary without steps": {plan: harness.Plan{Changes: map[apitype.OpType]int{apitype.OpReplace: 1}}, want: "replace=1"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := tc.plan.NoChanges()
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
	// The existing VPC the config deploys into (it sets vpcId): networkTeam, which the
	// account must hold.
	network *standin.NetworkSpec
}

// account is a large account, holding the existing VPC the config needs.
func (sc stackConfigFile) account(t *testing.T) anAccount {
	return func(c *standin.Cloud) {
		largeAccount(c)
		if sc.network != nil {
			seedNetwork(t, c, *sc.network)
		}
	}
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
		// Filled in, as a person copying it would (filledStackFile): a preview refuses
		// its placeholders.
		sc := stackConfigFile{stack: strings.TrimSuffix(filepath.Base(p), ".yaml"), path: filledStackFile(t, p)}
		if loadStackFiles(t, p)[testProject+":vpcId"] != "" {
			sc.network = &networkTeam
		}
		files = append(files, sc)
	}
	return files
}

// lifecycle is the whole check: preview, up, an empty second preview, outputs, destroy.
func lifecycle(t *testing.T, e *harness.Stack) {
	plan := e.Preview(t)
	if n := plan.Changes[apitype.OpCreate]; n == 0 {
		t.Fatalf("%s: first preview plans no creates: %v", e.Name, plan.Changes)
	}
	for op, n := range plan.Changes {
		if op != apitype.OpCreate && n > 0 {
			t.Errorf("%s: first preview of an empty stack plans %d %s", e.Name, n, op)
		}
	}
	t.Logf("%s: step 1/4 preview passed: %d to create", e.Name, plan.Changes[apitype.OpCreate])

	applied := e.Apply(t)
	t.Logf("%s: step 2/4 up passed: %v", e.Name, applied.Changes)

	plan = e.Preview(t)
	if err := plan.NoChanges(); err != nil {
		t.Errorf("%s: %v", e.Name, err)
	} else {
		t.Logf("%s: step 3/4 second preview passed: no changes (%d unchanged)", e.Name, plan.Changes[apitype.OpSame])
	}
	// The nightly drift check: what a refresh reads back must be what the program sends.
	if err := e.DriftCheck(t).NoChanges(); err != nil {
		t.Errorf("%s: drift check right after up: %v", e.Name, err)
	}

	outputs := e.Outputs(t)
	resources := e.Resources(t)
	if err := checkOutputs(outputs, resources, azCount(t, e), subnetsIn(e.AWS.Cloud)); err != nil {
		t.Errorf("%s: stack outputs: %v", e.Name, err)
	}
	var custom int
	var retained []string // retainStaticIps: their objects must outlive the destroy
	for _, r := range resources {
		if r.Custom && strings.HasPrefix(string(r.Type), "aws:") {
			custom++
		}
		if r.RetainOnDelete {
			retained = append(retained, r.URN.Name())
		}
	}
	if live := len(e.AWS.Cloud.Live()); live != custom {
		t.Errorf("%s: the aws stand-in holds %d objects, the state %d aws resources", e.Name, live, custom)
	}
	t.Logf("%s: outputs checked: %d resources in state, dns=%v staticIps=%v staticIpv6s=%v", e.Name, len(resources),
		outputs["dns"].Value, outputs["staticIps"].Value, outputs["staticIpv6s"].Value)

	e.Destroy(t, retained...)
	t.Logf("%s: step 4/4 destroy passed; %s; %s", e.Name, e.AWS.Summary(), e.AWSX.Summary())
}

// azCount is the number of AZs the stack asks for: azCount from its config file, or
// the default in Pulumi.yaml.
func azCount(t *testing.T, e *harness.Stack) int {
	t.Helper()
	if v, ok := e.Config(t)[e.Project.Name.String()+":publicSubnetIds"]; ok && v.Value != "" && v.Value != "[]" {
		var ids []string
		if err := json.Unmarshal([]byte(v.Value), &ids); err != nil {
			t.Fatalf("%s: publicSubnetIds %q: %v", e.Name, v.Value, err)
		}
		return len(ids) // an existing VPC: one AZ per public subnet
	}
	if v, ok := e.Config(t)[e.Project.Name.String()+":azCount"]; ok {
		n, err := strconv.Atoi(v.Value)
		if err != nil {
			t.Fatalf("%s: azCount %q: %v", e.Name, v.Value, err)
		}
		return n
	}
	switch d := e.Project.Config["azCount"].Default.(type) {
	case int:
		return d
	case float64:
		return int(d)
	}
	t.Fatalf("%s: no azCount in the stack config and no integer default in Pulumi.yaml", e.Name)
	return 0
}

// subnetsIn reads a subnet's AZ and IPv6 block from the account: the stack's own subnets
// and an existing VPC's alike.
func subnetsIn(c *standin.Cloud) func(id string) (az, ipv6 string) {
	return func(id string) (string, string) {
		s, ok := c.Read(id)
		if !ok {
			return "", ""
		}
		text := func(k resource.PropertyKey) string {
			if v := s[k]; v.IsString() {
				return v.StringValue()
			}
			return ""
		}
		return text("availabilityZone"), text("ipv6CidrBlock")
	}
}

// checkOutputs checks the stack outputs' shapes and that they agree with the state: the
// DNS names are the load balancers', the static IPs the NLB's Elastic IPs, one per AZ.
func checkOutputs(outputs auto.OutputMap, resources []apitype.ResourceV3, azCount int, subnet func(id string) (az, ipv6 string)) error {
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
	for _, r := range byType(string(standin.TypeLoadBalancer)) {
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
	for _, r := range byType(string(standin.TypeRoute53Record)) {
		aliases, _ := r.Outputs["aliases"].([]any)
		for _, a := range aliases {
			if a, ok := a.(map[string]any); ok && a["name"] == dns {
				name, _ := r.Outputs["name"].(string)
				hosts[strings.TrimSuffix(name, ".")] = true
			}
		}
	}
	if u, err := url.Parse(outputString("url")); err != nil || (u.Scheme != "http" && u.Scheme != "https") || !hosts[u.Hostname()] || u.Path != "/" {
		errs = append(errs, fmt.Errorf("url: got %q, want http(s)://<host>[:port]/ with the host one of %v (%v)", outputs["url"].Value, slices.Sorted(maps.Keys(hosts)), err))
	}
	albDNS := outputString("albDns")
	if want := alb.Outputs["dnsName"]; albDNS != want {
		errs = append(errs, fmt.Errorf("albDns: got %q, want the ALB's dnsName %q", albDNS, want))
	}

	// staticIps: the public IPs of the EIPs mapped into the NLB, one per AZ of the stack.
	eipByAlloc := map[any]any{}
	for _, r := range byType(string(standin.TypeEip)) {
		eipByAlloc[r.Outputs["allocationId"]] = r.Outputs["publicIp"]
	}
	mapped := map[any]bool{}
	mappings, _ := nlb.Outputs["subnetMappings"].([]any)
	for _, m := range mappings {
		if m, ok := m.(map[string]any); ok {
			mapped[eipByAlloc[m["allocationId"]]] = true
		}
	}
	zones := map[string]bool{} // of the subnets the NLB maps
	for _, m := range mappings {
		m, _ := m.(map[string]any)
		az, _ := subnet(fmt.Sprint(m["subnetId"]))
		zones[az] = true
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

	// nlbIpAddressType: dualstack, or ipv4 with no IPv6 addresses (an existing VPC without IPv6).
	ipType := outputString("nlbIpAddressType")
	if ipType != nlb.Outputs["ipAddressType"] {
		errs = append(errs, fmt.Errorf("nlbIpAddressType: got %q, the NLB's is %v", ipType, nlb.Outputs["ipAddressType"]))
	}

	// staticIpv6s: one IPv6 address per AZ, each in a different public subnet's /64 (the
	// subnets the NLB is mapped into).
	publicBlocks := map[netip.Prefix]bool{}
	for _, m := range mappings {
		m, _ := m.(map[string]any)
		_, block := subnet(fmt.Sprint(m["subnetId"]))
		if p, err := netip.ParsePrefix(block); err == nil {
			publicBlocks[p] = true
		}
	}
	ipv6s, _ := outputs["staticIpv6s"].Value.([]any)
	inBlock := map[netip.Prefix]bool{}
	for _, ip := range ipv6s {
		a, err := netip.ParseAddr(fmt.Sprint(ip))
		found := false
		for p := range publicBlocks {
			if err == nil && a.Is6() && p.Contains(a) && !inBlock[p] {
				inBlock[p], found = true, true
			}
		}
		if !found {
			errs = append(errs, fmt.Errorf("staticIpv6s: %v is not an IPv6 address in a public subnet of its own", ip))
		}
	}
	switch {
	case ipType == "ipv4" && len(ipv6s) != 0:
		errs = append(errs, fmt.Errorf("staticIpv6s: got %d for an IPv4-only NLB, want none", len(ipv6s)))
	case ipType != "ipv4" && len(ipv6s) != azCount:
		errs = append(errs, fmt.Errorf("staticIpv6s: got %d, want one per AZ (azCount %d)", len(ipv6s), azCount))
	}

	names := func(typ, key string) map[any]bool {
		out := map[any]bool{}
		for _, r := range byType(typ) {
			out[r.Outputs[key]] = true
		}
		return out
	}
	clusterName := outputString("clusterName")
	if !names(string(standin.TypeEcsCluster), "name")[clusterName] {
		errs = append(errs, fmt.Errorf("clusterName: %q is not the name of an ECS cluster in the state", clusterName))
	}
	serviceName := outputString("serviceName")
	var service *apitype.ResourceV3
	for _, r := range byType(string(standin.TypeEcsService)) {
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
	if !names(string(standin.TypeCloudwatchLogGroup), "name")[logGroup] {
		errs = append(errs, fmt.Errorf("logGroup: %q is not the name of a log group in the state", logGroup))
	}
	if nlb != nil {
		errs = append(errs, checkSmokeContract(outputs, nlb, byType(string(standin.TypeListener))))
	}
	return errors.Join(errs...)
}

// checkSmokeContract reads the stack's outputs as the smoke check does (its contract,
// internal/smoke/outputs): they must parse, and name the NLB's own listener ports.
func checkSmokeContract(outputs auto.OutputMap, nlb *apitype.ResourceV3, listeners []apitype.ResourceV3) error {
	plain := map[string]any{}
	for k, v := range outputs {
		plain[k] = v.Value
	}
	raw, err := json.Marshal(plain)
	if err != nil {
		return err
	}
	o, err := smokeoutputs.Parse(raw)
	if err != nil {
		return fmt.Errorf("the smoke check cannot read the stack's outputs: %w", err)
	}
	var want, got []int
	for _, l := range listeners {
		if l.Inputs["loadBalancerArn"] == nlb.Outputs["arn"] {
			want = append(want, int(l.Inputs["port"].(float64)))
		}
	}
	for _, e := range o.Entrances {
		got = append(got, e.Port)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		return fmt.Errorf("entrances: ports %v, want the NLB's listener ports %v", got, want)
	}
	return nil
}

// TestEngineStaticIPsOutliveTheStack: a stack with retainStaticIps is destroyed, which
// leaves its Elastic IPs out of the delete steps; a second stack in the same account takes
// them with eipAllocationIds and answers on the same addresses, and leaves them allocated
// when it is destroyed in turn.
func TestEngineStaticIPsOutliveTheStack(t *testing.T) {
	t.Parallel()
	cli := harness.PulumiCLI(t)
	dev := devConfig(t)
	first := harness.NewStack(t, cli, harness.StackOptions{Name: "first", ConfigFile: "Pulumi.dev.yaml", Program: program})
	first.SetConfig(t, stackYAML(dev, map[string]any{"retainStaticIps": true}))
	first.Apply(t)
	outputs := first.Outputs(t)
	ips, ids := outputs["staticIps"].Value, outputs["staticIpAllocationIds"].Value
	destroyed := first.Destroy(t, "nlb-eip-0", "nlb-eip-1")
	kept := destroyed.Retained()
	for _, st := range destroyed.Steps {
		if st.URN.Type() == standin.TypeEip && kept[st.URN] != strings.HasPrefix(st.URN.Name(), "nlb-eip") {
			t.Errorf("destroy: %s kept %v, want only the NLB's Elastic IPs kept", st.URN.Name(), kept[st.URN])
		}
	}
	if len(kept) != 2 {
		t.Errorf("destroy kept %d resources, want the 2 NLB Elastic IPs", len(kept))
	}

	second := harness.NewStack(t, cli, harness.StackOptions{Name: "second", ConfigFile: "Pulumi.dev.yaml", Program: program, Cloud: first.AWS.Cloud})
	second.SetConfig(t, stackYAML(dev, map[string]any{"eipAllocationIds": ids}))
	second.Apply(t)
	if got := fmt.Sprint(second.Outputs(t)["staticIps"].Value); got != fmt.Sprint(ips) {
		t.Errorf("the second stack answers on %s, want the first's %s", got, fmt.Sprint(ips))
	}
	if err := second.Preview(t).NoChanges(); err != nil {
		t.Errorf("second stack: %v", err)
	}
	second.Destroy(t)
	for _, id := range ids.([]any) {
		if _, err := second.AWS.Cloud.Invoke("aws:ec2/getElasticIp:getElasticIp", resource.NewPropertyMapFromMap(map[string]any{"id": id})); err != nil {
			t.Errorf("Elastic IP %v is gone after the second stack's destroy: %v", id, err)
		}
	}
}
