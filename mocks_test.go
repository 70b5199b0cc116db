package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

const (
	testProject = "nlb-alb-fargate" // must equal Pulumi.yaml's name
	testStack   = "dev"
	testRegion  = "us-east-1"
	testAccount = "123456789012"
	// The /56 AWS hands the mocked VPC; subnets take /64s from it.
	testVpcIPv6 = "2600:1f18:4a3:6d00::/56"
	// The zone the mocked Route 53 finds for example.com.
	testZoneByName = "Z07EXAMPLEBYNAME1234"
)

// registered is one resource the program registered, as the engine would receive it.
type registered struct {
	Type, Name, ID string
	Inputs         map[string]any
	State          map[string]any
	Dependencies   []string // URNs of explicit dependencies (DependsOn)
	IgnoreChanges  []string
	Remote         bool // a component served by a provider (awsx)
}

// mocks stands in for AWS: every resource gets the computed outputs its real provider
// returns, with realistic shapes, and is recorded for assertions. Registrations arrive
// concurrently, hence the mutex.
type mocks struct {
	mu        sync.Mutex
	resources []registered
	eips      int
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	inputs := args.Inputs.Mappable()
	id, state := m.outputs(args.TypeToken, args.Name, inputs)
	r := registered{Type: args.TypeToken, Name: args.Name, ID: id, Inputs: inputs, State: state}
	if rpc := args.RegisterRPC; rpc != nil {
		r.Dependencies = rpc.GetDependencies()
		r.Remote = rpc.GetRemote()
		r.IgnoreChanges = rpc.GetIgnoreChanges()
	}
	m.resources = append(m.resources, r)
	return id, resource.NewPropertyMapFromMap(state), nil
}

// Call answers the invokes the program makes and fails loudly on any other.
func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	switch args.Token {
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		names := []any{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": testRegion, "names": names,
			"zoneIds": []any{"use1-az1", "use1-az2", "use1-az4", "use1-az6", "use1-az3", "use1-az5"},
		}), nil
	case "aws:route53/getZone:getZone":
		name, _ := args.Args["name"].V.(string)
		if name != "example.com" {
			return nil, fmt.Errorf("no public hosted zone named %q", name)
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": testZoneByName, "zoneId": testZoneByName, "name": name, "privateZone": false,
		}), nil
	case "aws:index/getRegion:getRegion":
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": testRegion, "name": testRegion, "endpoint": "ec2.us-east-1.amazonaws.com",
		}), nil
	}
	return nil, fmt.Errorf("unexpected invoke %s", args.Token)
}

// hexOf is a stable pseudo-random hex string for a resource, as AWS ids look.
func hexOf(name string, n int) string {
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:])[:n]
}

// outputs returns the id and state a real provider would: the inputs plus computed
// properties (autonamed names, ARNs, DNS names, addresses).
func (m *mocks) outputs(typ, name string, in map[string]any) (string, map[string]any) {
	state := map[string]any{}
	for k, v := range in {
		state[k] = v
	}
	physical := name + "-" + hexOf(name, 7) // Pulumi's autonaming
	if n, ok := in["name"].(string); ok && n != "" {
		physical = n
	}
	region := "arn:aws:%s:" + testRegion + ":" + testAccount + ":%s"
	arn := func(service, rest string) string { return fmt.Sprintf(region, service, rest) }
	id := name + "-id"
	switch typ {
	case "aws:ec2/vpc:Vpc":
		id = "vpc-" + hexOf(name, 17)
		state["ipv6CidrBlock"] = testVpcIPv6
		state["arn"] = arn("ec2", "vpc/"+id)
	case "aws:ec2/subnet:Subnet":
		id = "subnet-" + hexOf(name, 17)
		state["arn"] = arn("ec2", "subnet/"+id)
	case "aws:ec2/internetGateway:InternetGateway":
		id = "igw-" + hexOf(name, 17)
	case "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway":
		id = "eigw-" + hexOf(name, 17)
	case "aws:ec2/routeTable:RouteTable":
		id = "rtb-" + hexOf(name, 17)
	case "aws:ec2/natGateway:NatGateway":
		id = "nat-" + hexOf(name, 17)
	case "aws:ec2/eip:Eip":
		id = "eipalloc-" + hexOf(name, 17)
		m.eips++
		state["allocationId"] = id
		state["publicIp"] = fmt.Sprintf("3.%d.%d.%d", 210+m.eips, int(hexOf(name, 2)[0]), 10+m.eips)
		state["publicDns"] = "ec2-" + strings.ReplaceAll(state["publicIp"].(string), ".", "-") + ".compute-1.amazonaws.com"
	case "aws:ec2/securityGroup:SecurityGroup":
		id = "sg-" + hexOf(name, 17)
		state["arn"] = arn("ec2", "security-group/"+id)
	case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":
		id = "sgr-" + hexOf(name, 17)
	case "aws:ec2/vpcEndpoint:VpcEndpoint":
		id = "vpce-" + hexOf(name, 17)
	case "aws:lb/loadBalancer:LoadBalancer":
		kind, short := "app", "app"
		if in["loadBalancerType"] == "network" {
			kind, short = "net", "net"
		}
		lbName := physical[:min(len(physical), 32)]
		suffix := fmt.Sprintf("%s/%s/%s", short, lbName, hexOf(name, 16))
		id = arn("elasticloadbalancing", "loadbalancer/"+suffix)
		state["arn"], state["arnSuffix"], state["name"] = id, suffix, lbName
		dns := fmt.Sprintf("%s-%s.elb.%s.amazonaws.com", lbName, hexOf(name, 16), testRegion)
		if in["internal"] == true {
			dns = fmt.Sprintf("internal-%s-%s.%s.elb.amazonaws.com", lbName, hexOf(name, 10), testRegion)
		}
		state["dnsName"] = dns
		state["zoneId"] = map[string]string{"net": "Z26RNL4JYFTOTI", "app": "Z35SXDOTRQ7X7K"}[kind]
	case "aws:lb/targetGroup:TargetGroup":
		suffix := fmt.Sprintf("targetgroup/%s/%s", physical, hexOf(name, 16))
		id = arn("elasticloadbalancing", suffix)
		state["arn"], state["arnSuffix"], state["name"] = id, suffix, physical
	case "aws:lb/listener:Listener":
		id = arn("elasticloadbalancing", "listener/"+hexOf(name, 16))
		state["arn"] = id
	case "aws:lb/listenerRule:ListenerRule":
		id = arn("elasticloadbalancing", "listener-rule/"+hexOf(name, 16))
		state["arn"] = id
	case "aws:lb/targetGroupAttachment:TargetGroupAttachment":
		id = fmt.Sprintf("%v-%s", in["targetGroupArn"], hexOf(name, 8))
	case "aws:ecs/cluster:Cluster":
		id = arn("ecs", "cluster/"+physical)
		state["arn"], state["name"] = id, physical
	case "aws:ecs/taskDefinition:TaskDefinition":
		family, _ := in["family"].(string)
		id = family
		state["arn"] = arn("ecs", "task-definition/"+family+":1")
		state["revision"] = 1
	case "aws:ecs/service:Service":
		id = arn("ecs", "service/cluster/"+physical)
		state["name"] = physical
	case "aws:iam/role:Role":
		id = physical
		state["arn"] = fmt.Sprintf("arn:aws:iam::%s:role/%s", testAccount, physical)
		state["name"] = physical
	case "aws:cloudwatch/logGroup:LogGroup":
		id = physical
		state["arn"] = arn("logs", "log-group:"+physical)
		state["name"] = physical
	case "aws:route53/record:Record":
		fqdn := strings.TrimSuffix(fmt.Sprint(in["name"]), ".")
		id = fmt.Sprintf("%v_%s_%v", in["zoneId"], fqdn, in["type"])
		state["fqdn"] = fqdn
	case "aws:acm/certificate:Certificate":
		id = arn("acm", "certificate/"+uuidOf(name))
		state["arn"] = id
		state["status"] = "PENDING_VALIDATION"
		state["domainValidationOptions"] = []any{map[string]any{
			"domainName":          in["domainName"],
			"resourceRecordName":  "_" + hexOf(name, 32) + "." + fmt.Sprint(in["domainName"]) + ".",
			"resourceRecordType":  "CNAME",
			"resourceRecordValue": "_" + hexOf(name+"v", 32) + ".zfyfvmchrl.acm-validations.aws.",
		}}
	case "aws:acm/certificateValidation:CertificateValidation":
		id = fmt.Sprint(in["certificateArn"])
	case "aws:ec2/vpcEndpointService:VpcEndpointService":
		id = "vpce-svc-" + hexOf(name, 17)
		state["serviceName"] = "com.amazonaws.vpce." + testRegion + "." + id
		state["arn"] = arn("ec2", "vpc-endpoint-service/"+id)
	case "awsx:ecr:Repository":
		state["url"] = fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", testAccount, testRegion, physical)
	case "awsx:ecr:Image":
		state["imageUri"] = fmt.Sprintf("%v@sha256:%s", in["repositoryUrl"], hexOf(name, 64))
	}
	return id, state
}

// uuidOf is a stable UUID-shaped string, as ACM certificate ids are.
func uuidOf(name string) string {
	h := hexOf(name, 32)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// byType returns the registered resources of one type token.
func (m *mocks) byType(typ string) []registered {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []registered
	for _, r := range m.resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// one returns the resource of a type and logical name, failing the test if absent.
func (m *mocks) one(t *testing.T, typ, name string) registered {
	t.Helper()
	for _, r := range m.byType(typ) {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no %s named %q was registered", typ, name)
	return registered{}
}

// ignoresChanges reports whether a resource was registered with ignoreChanges on a property.
func (m *mocks) ignoresChanges(name, property string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range m.resources {
		if r.Name == name && slices.Contains(r.IgnoreChanges, property) {
			return true
		}
	}
	return false
}

func (m *mocks) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.resources)
}

// idOf returns the id the mock gave a resource: what other resources see as its ID().
func (m *mocks) idOf(t *testing.T, typ, name string) string {
	t.Helper()
	return m.one(t, typ, name).ID
}

func urn(typ, name string) string {
	return fmt.Sprintf("urn:pulumi:%s::%s::%s::%s", testStack, testProject, typ, name)
}

// run executes the real program under mocks with the given project config (keys without
// the project prefix; values as Pulumi passes them, i.e. strings, JSON for structures).
func run(t *testing.T, cfg map[string]string, dryRun bool) (*mocks, *stackOutputs, error) {
	t.Helper()
	all := map[string]string{"aws:region": testRegion}
	for k, v := range cfg {
		all[testProject+":"+k] = v
	}
	return runRaw(t, all, dryRun)
}

// runRaw is run with fully qualified config keys.
func runRaw(t *testing.T, cfg map[string]string, dryRun bool) (*mocks, *stackOutputs, error) {
	t.Helper()
	raw, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PULUMI_CONFIG", string(raw))
	m := &mocks{}
	var out *stackOutputs
	err = pulumi.RunErr(func(ctx *pulumi.Context) error {
		var err error
		out, err = deploy(ctx)
		if err != nil {
			return err
		}
		out.export(ctx)
		return nil
	}, pulumi.WithMocks(testProject, testStack, m), func(info *pulumi.RunInfo) { info.DryRun = dryRun })
	return m, out, err
}

// mustRun runs the program and fails the test on error.
func mustRun(t *testing.T, cfg map[string]string) (*mocks, *stackOutputs) {
	t.Helper()
	m, out, err := run(t, cfg, false)
	if err != nil {
		t.Fatalf("program failed: %v", err)
	}
	return m, out
}

// mustRefuse runs the program in preview with a bad config and asserts that it fails with
// every wanted fragment in the message, and that nothing was registered before it did.
// It returns the error for further checks.
func mustRefuse(t *testing.T, cfg map[string]string, want ...string) error {
	t.Helper()
	m, _, err := run(t, cfg, true)
	if err == nil {
		t.Fatalf("config %v: want an error, got none", cfg)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not say %q:\n%v", w, err)
		}
	}
	if n := m.count(); n != 0 {
		t.Errorf("%d resources were registered before the error; want none", n)
	}
	return err
}

// await returns the resolved value of an output.
func await(t *testing.T, o pulumi.Output) any {
	t.Helper()
	res, err := internals.UnsafeAwaitOutput(context.Background(), o)
	if err != nil {
		t.Fatalf("awaiting output: %v", err)
	}
	if !res.Known {
		t.Fatalf("output is unknown")
	}
	return res.Value
}

// Accessors for the nested maps and lists of resource inputs.

func get(t *testing.T, v any, path ...any) any {
	t.Helper()
	cur := v
	for _, p := range path {
		switch key := p.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				t.Fatalf("at %v: want an object, got %T (%v)", path, cur, cur)
			}
			cur = m[key]
		case int:
			l, ok := cur.([]any)
			if !ok || key >= len(l) {
				t.Fatalf("at %v: want a list with index %d, got %T (%v)", path, key, cur, cur)
			}
			cur = l[key]
		}
	}
	return cur
}

func str(t *testing.T, v any, path ...any) string {
	t.Helper()
	s, _ := get(t, v, path...).(string)
	return s
}

func num(t *testing.T, v any, path ...any) int {
	t.Helper()
	switch n := get(t, v, path...).(type) {
	case float64:
		return int(n)
	case int:
		return n
	}
	t.Fatalf("at %v: not a number: %v", path, get(t, v, path...))
	return 0
}

func strs(t *testing.T, v any, path ...any) []string {
	t.Helper()
	l, _ := get(t, v, path...).([]any)
	out := make([]string, len(l))
	for i, x := range l {
		out[i], _ = x.(string)
	}
	return out
}

func equal[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

func equalSlices(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\x00") != strings.Join(want, "\x00") || len(got) != len(want) {
		t.Errorf("%s: got %q, want %q", what, got, want)
	}
}

// containerDefs decodes a task definition's containerDefinitions JSON.
func containerDefs(t *testing.T, td registered) []any {
	t.Helper()
	var defs []any
	if err := json.Unmarshal([]byte(str(t, td.Inputs, "containerDefinitions")), &defs); err != nil {
		t.Fatalf("%s containerDefinitions: %v", td.Name, err)
	}
	return defs
}
