package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/stacktest"
	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/example/nlb-alb-fargate/internal/standin/harness"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// networkTeam is the VPC examples/existing-vpc.yaml deploys into: a network team's
// IPv4-only VPC in three AZs, with public subnets routed to an internet gateway and
// private ones to a NAT gateway. Seeded objects' ids follow from their names, so the
// example can name them (TestExistingVpcExampleNamesTheSeededNetwork keeps them in step).
var networkTeam = standin.NetworkSpec{Name: "network-team", Cidr: "10.20.0.0/16", AZs: 3}

// dualStackTeam is the same network with IPv6.
var dualStackTeam = standin.NetworkSpec{Name: "dual-stack-team", Cidr: "10.30.0.0/16", AZs: 2, IPv6: true}

// seedNetwork seeds spec into the account and returns its ids.
func seedNetwork(t *testing.T, c *standin.Cloud, spec standin.NetworkSpec) standin.SharedNetwork {
	t.Helper()
	net, err := c.SeedNetwork(spec)
	if err != nil {
		t.Fatalf("seeding %s: %v", spec.Name, err)
	}
	return net
}

// withNetworks is a large account holding both teams' VPCs.
func withNetworks(t *testing.T) anAccount {
	return func(c *standin.Cloud) {
		largeAccount(c)
		seedNetwork(t, c, networkTeam)
		seedNetwork(t, c, dualStackTeam)
	}
}

// existingVpcConfig is the config that deploys into net.
func existingVpcConfig(net standin.SharedNetwork) map[string]string {
	return map[string]string{"vpcId": net.VpcID, "publicSubnetIds": config.CompactJSON(net.PublicSubnetIDs), "privateSubnetIds": config.CompactJSON(net.PrivateSubnetIDs)}
}

// theNetwork is spec's ids, from a scratch account (ids depend on the spec only).
func theNetwork(t *testing.T, spec standin.NetworkSpec) standin.SharedNetwork {
	t.Helper()
	return seedNetwork(t, standin.NewCloud(), spec)
}

func TestExistingVpcExampleNamesTheSeededNetwork(t *testing.T) {
	cfg := loadStackFiles(t, "examples/existing-vpc.yaml")
	want := qualified(existingVpcConfig(theNetwork(t, networkTeam)))
	for _, key := range []string{"vpcId", "publicSubnetIds", "privateSubnetIds"} {
		k := testProject + ":" + key
		if got := strings.ReplaceAll(cfg[k], " ", ""); got != want[k] {
			t.Errorf("examples/existing-vpc.yaml %s is %s; the seeded network's is %s", key, cfg[k], want[k])
		}
	}
}

// In an existing VPC the stack creates no network of its own, puts the NLB (one EIP per
// AZ) in the public subnets and the ALB and tasks in the private ones, in
// publicSubnetIds' AZ order, and, without IPv6 in the subnets, is IPv4 only.
func TestExistingVpcHoldsTheStack(t *testing.T) {
	net := theNetwork(t, networkTeam)
	cfg := existingVpcConfig(net)
	// The subnets in another order than the AZs': privates follow the publics' AZs.
	cfg["publicSubnetIds"] = config.CompactJSON([]string{net.PublicSubnetIDs[2], net.PublicSubnetIDs[0], net.PublicSubnetIDs[1]})
	cfg["privateSubnetIds"] = config.CompactJSON(net.PrivateSubnetIDs)
	cfg["services"] = `[{"name":"web"},{"name":"api","internal":true,"internalPort":8081}]`
	m, out := mustRunIn(t, withNetworks(t), cfg)

	for _, typ := range []string{string(standin.TypeVpc), string(standin.TypeSubnet), string(standin.TypeInternetGateway), string(standin.TypeEgressOnlyInternetGateway), string(standin.TypeNatGateway), string(standin.TypeRouteTable), string(standin.TypeRoute), string(standin.TypeRouteTableAssociation), string(standin.TypeVpcEndpoint)} {
		if n := len(m.ByType(typ)); n != 0 {
			t.Errorf("%d %s stacktest.Registered in an existing VPC; want none", n, typ)
		}
	}
	stacktest.Equal(t, "NLB Elastic IPs (one per AZ: azCount follows the subnets)", len(m.ByType(string(standin.TypeEip))), 3)

	publics := []string{net.PublicSubnetIDs[2], net.PublicSubnetIDs[0], net.PublicSubnetIDs[1]}
	privates := []string{net.PrivateSubnetIDs[2], net.PrivateSubnetIDs[0], net.PrivateSubnetIDs[1]}
	nlb := m.One(t, string(standin.TypeLoadBalancer), "nlb")
	var mapped []string
	for i := range publics {
		mapped = append(mapped, stacktest.Str(t, nlb.Inputs, "subnetMappings", i, "subnetId"))
	}
	stacktest.EqualSlices(t, "NLB subnet mappings", mapped, publics)
	stacktest.Equal(t, "NLB ipAddressType", stacktest.Str(t, nlb.Inputs, "ipAddressType"), "ipv4")
	stacktest.EqualSlices(t, "ALB subnets", stacktest.Strs(t, m.One(t, string(standin.TypeLoadBalancer), "alb").Inputs, "subnets"), privates)
	for _, svc := range m.ByType(string(standin.TypeEcsService)) {
		stacktest.EqualSlices(t, svc.Name+" subnets", stacktest.Strs(t, svc.Inputs, "networkConfiguration", "subnets"), privates)
	}
	for _, tg := range m.ByType(string(standin.TypeTargetGroup)) {
		stacktest.Equal(t, tg.Name+" vpcId", stacktest.Str(t, tg.Inputs, "vpcId"), net.VpcID)
	}
	for _, sg := range m.ByType(string(standin.TypeSecurityGroup)) {
		stacktest.Equal(t, sg.Name+" vpcId", stacktest.Str(t, sg.Inputs, "vpcId"), net.VpcID)
	}
	for _, r := range m.ByType(string(standin.TypeSecurityGroupIngressRule)) {
		if r.Inputs["cidrIpv6"] != nil {
			t.Errorf("%s admits IPv6 clients (%v) to an IPv4-only NLB", r.Name, r.Inputs["cidrIpv6"])
		}
	}
	// The internal service's port is open to the VPC's own block, as looked up.
	stacktest.Equal(t, "internal listener ingress", stacktest.Str(t, m.One(t, string(standin.TypeSecurityGroupIngressRule), "alb-api-from-vpc").Inputs, "cidrIpv4"), networkTeam.Cidr)

	stacktest.Equal(t, "nlbIpAddressType", out.NlbIPAddressType, "ipv4")
	stacktest.EqualSlices(t, "staticIpv6s", stacktest.Await(t, out.StaticIPv6s).([]string), nil)
	stacktest.Equal(t, "static IPs", len(stacktest.Await(t, out.StaticIPs).([]string)), 3)
}

// A VPC whose public subnets have IPv6 blocks keeps the dual-stack NLB.
func TestExistingDualStackVpcKeepsIPv6(t *testing.T) {
	m, out := mustRunIn(t, withNetworks(t), existingVpcConfig(theNetwork(t, dualStackTeam)))
	stacktest.Equal(t, "NLB ipAddressType", stacktest.Str(t, m.One(t, string(standin.TypeLoadBalancer), "nlb").Inputs, "ipAddressType"), "dualstack")
	stacktest.Equal(t, "nlbIpAddressType", out.NlbIPAddressType, "dualstack")
	if m.One(t, string(standin.TypeSecurityGroupIngressRule), "nlb-from-internet-ipv6").Inputs["cidrIpv6"] == nil {
		t.Errorf("a dual-stack NLB admits IPv6 clients")
	}
}

// An IPv4-only NLB gets an A record only, and offers PrivateLink over IPv4 only.
func TestIPv4OnlyNlbHasNoIPv6Extras(t *testing.T) {
	cfg := existingVpcConfig(theNetwork(t, networkTeam))
	cfg["domain"], cfg["hostedZoneName"] = "api."+standin.HostedZone, standin.HostedZone
	cfg["privateLink"] = `{"allowedPrincipals":["arn:aws:iam::210987654321:root"]}`
	m, _ := mustRunIn(t, withNetworks(t), cfg)
	var types []string
	for _, r := range m.ByType(string(standin.TypeRoute53Record)) {
		types = append(types, stacktest.Str(t, r.Inputs, "type"))
	}
	stacktest.EqualSlices(t, "alias record types", types, []string{"A"})
	stacktest.EqualSlices(t, "endpoint service IP address types",
		stacktest.Strs(t, m.One(t, string(standin.TypeVpcEndpointService), "nlb-endpoint-service").Inputs, "supportedIpAddressTypes"), []string{"ipv4"})
}

// Subnets that cannot take the stack are reported together, after the look-ups and
// before anything is registered.
func TestExistingVpcLookUpsFindEveryProblem(t *testing.T) {
	team, dual := theNetwork(t, networkTeam), theNetwork(t, dualStackTeam)
	var small string
	acct := func(c *standin.Cloud) {
		withNetworks(t)(c)
		id, err := c.Seed(standin.TypeSubnet, "too-small", map[string]any{"vpcId": team.VpcID, "availabilityZone": "us-east-1b", "cidrBlock": "10.20.200.0/28"})
		if err != nil {
			t.Fatal(err)
		}
		small = id
	}
	acct(standin.NewCloud()) // learn the seeded subnet's id
	cfg := existingVpcConfig(team)
	cfg["publicSubnetIds"] = config.CompactJSON([]string{
		team.PublicSubnetIDs[0],
		team.PrivateSubnetIDs[1],   // routed to NAT, not to an internet gateway
		dual.PublicSubnetIDs[1],    // another VPC
		"subnet-0123456789abcdef0", // no such subnet
	})
	cfg["privateSubnetIds"] = config.CompactJSON([]string{
		team.PublicSubnetIDs[2], // public: routed to the internet gateway
		small,                   // a /28, below an ALB's /27
		team.PrivateSubnetIDs[0],
		team.PrivateSubnetIDs[2], // the same AZ as the first
	})
	mustRefuse(t, acct, cfg, []string{
		"the existing VPC cannot take the stack (",
		fmt.Sprintf("publicSubnetIds[1]: %s is not public (route table ", team.PrivateSubnetIDs[1]),
		fmt.Sprintf("has 0.0.0.0/0 → %s): the internet-facing NLB and its Elastic IPs need a subnet whose 0.0.0.0/0 route goes to an internet gateway", team.NatGatewayID),
		fmt.Sprintf("publicSubnetIds[2]: %s is in %s, not in vpcId %s", dual.PublicSubnetIDs[1], dual.VpcID, team.VpcID),
		"publicSubnetIds[3]: subnet-0123456789abcdef0 was not found in the stack's account and region",
		fmt.Sprintf("privateSubnetIds[0]: %s is public (route table ", team.PublicSubnetIDs[2]),
		"tasks and the internal ALB belong in private subnets",
		fmt.Sprintf("privateSubnetIds[1]: %s is a /28 (10.20.200.0/28): the internal ALB needs a /27 or larger", small),
		fmt.Sprintf("privateSubnetIds[3]: %s is in us-east-1c, like privateSubnetIds[0]; give one subnet per AZ", team.PrivateSubnetIDs[2]),
		"publicSubnetIds: no subnet in us-east-1c, where privateSubnetIds has one",
	})
}

// A missing VPC is reported as such, before anything is registered.
func TestExistingVpcNotFound(t *testing.T) {
	cfg := existingVpcConfig(theNetwork(t, networkTeam))
	cfg["vpcId"] = "vpc-0123456789abcdef0"
	mustRefuse(t, largeAccount, cfg, []string{"vpcId: vpc-0123456789abcdef0 was not found in the stack's account and region"})
}

// A look-up the API refuses is not a missing object: access denied and throttling are
// told as AWS said them, with the permission the look-up needs and the key it checks.
func TestExistingVpcLookUpFailuresAreToldAsTheyAre(t *testing.T) {
	team := theNetwork(t, networkTeam)
	cfg := existingVpcConfig(team)
	refusing := func(call func(c *standin.Cloud)) anAccount {
		return func(c *standin.Cloud) {
			withNetworks(t)(c)
			call(c)
		}
	}
	mustRefuse(t, refusing(func(c *standin.Cloud) { c.Deny("ec2:DescribeVpcs") }), cfg, []string{
		"vpcId: looking up " + team.VpcID + " failed (it needs ec2:DescribeVpcs): ",
		"api error UnauthorizedOperation: You are not authorized to perform this operation. User: " + standin.Caller + " is not authorized to perform: ec2:DescribeVpcs"})
	mustRefuse(t, refusing(func(c *standin.Cloud) { c.Throttle("ec2:DescribeSubnets") }), cfg, []string{
		"publicSubnetIds[0]: looking up " + team.PublicSubnetIDs[0] + " failed (it needs ec2:DescribeSubnets): ",
		"privateSubnetIds[2]: looking up " + team.PrivateSubnetIDs[2] + " failed (it needs ec2:DescribeSubnets): ",
		"api error RequestLimitExceeded: Request limit exceeded."})
	mustRefuse(t, refusing(func(c *standin.Cloud) { c.Deny("ec2:DescribeRouteTables") }), cfg, []string{
		"publicSubnetIds[1]: looking up the route table of " + team.PublicSubnetIDs[1] + " failed (it needs ec2:DescribeRouteTables): "})
}

// The preflight does not count a VPC or NAT gateways the stack does not create: an
// account at its VPC quota can still take the stack in an existing VPC.
func TestExistingVpcNeedsNoVpcQuota(t *testing.T) {
	full := func(c *standin.Cloud) {
		withNetworks(t)(c)
		c.SetQuota("vpc", "L-F678F1CE", 2) // the two teams' VPCs fill it
	}
	if _, _, err := runIn(t, full, testStack, qualified(nil), true); err == nil || !strings.Contains(err.Error(), "VPCs") {
		t.Fatalf("a new VPC in a full account: want the preflight to refuse it, got %v", err)
	}
	if _, _, err := runIn(t, full, testStack, qualified(existingVpcConfig(theNetwork(t, networkTeam))), true); err != nil {
		t.Fatalf("an existing VPC in a full account: %v", err)
	}
}

// The stand-in's ELB refuses what AWS refuses about an NLB's subnets, so the engine tests
// would catch a dual-stack NLB in an IPv4-only VPC, and an NLB created before its
// VPC's internet gateway.
func TestStandInRefusesNlbSubnetsAwsRefuses(t *testing.T) {
	c := standin.NewCloud()
	team := seedNetwork(t, c, networkTeam)
	nlb := func(ipType string, subnets []string) error {
		var mappings []any
		for _, s := range subnets {
			mappings = append(mappings, map[string]any{"subnetId": s})
		}
		_, err := c.Seed(standin.TypeLoadBalancer, "nlb-"+ipType+fmt.Sprint(len(subnets)), map[string]any{"name": "n-" + ipType + fmt.Sprint(len(subnets)), "loadBalancerType": "network", "ipAddressType": ipType, "subnetMappings": mappings})
		return err
	}
	if err := nlb("dualstack", team.PublicSubnetIDs); err == nil || !strings.Contains(err.Error(), "has no IPv6 CIDR block") {
		t.Errorf("dual-stack NLB in IPv4-only subnets: got %v", err)
	}
	if err := nlb("ipv4", team.PublicSubnetIDs); err != nil {
		t.Errorf("IPv4 NLB in the public subnets: %v", err)
	}
	bare, err := c.Seed(standin.TypeVpc, "no-igw", map[string]any{"cidrBlock": "10.99.0.0/16"})
	if err != nil {
		t.Fatal(err)
	}
	subnet, err := c.Seed(standin.TypeSubnet, "no-igw-a", map[string]any{"vpcId": bare, "availabilityZone": "us-east-1a", "cidrBlock": "10.99.0.0/24"})
	if err != nil {
		t.Fatal(err)
	}
	if err := nlb("ipv4", []string{subnet}); err == nil || !strings.Contains(err.Error(), "InvalidSubnet: VPC "+bare+" has no internet gateway") {
		t.Errorf("internet-facing NLB in a VPC without an internet gateway: got %v", err)
	}
}

// The look-ups answer from the account as EC2 would: the route table a subnet uses is its
// own, else the VPC's main one; free addresses drop as interfaces are made.
func TestStandInVpcLookUps(t *testing.T) {
	m := &mocks{Mocks: harness.NewMocks(testProject, testStack, testRegion)}
	team := seedNetwork(t, m.Cloud, networkTeam)
	call := func(tok string, args map[string]any) resource.PropertyMap {
		t.Helper()
		out, err := m.Cloud.Invoke(tok, resource.NewPropertyMapFromMap(args))
		if err != nil {
			t.Fatalf("%s %v: %v", tok, args, err)
		}
		return out
	}
	subnet := call("aws:ec2/getSubnet:getSubnet", map[string]any{"id": team.PrivateSubnetIDs[0]})
	stacktest.Equal(t, "a fresh /22's free addresses", subnet["availableIpAddressCount"].NumberValue(), float64(1024-5))
	tables := call("aws:ec2/getRouteTables:getRouteTables", map[string]any{"vpcId": team.VpcID,
		"filters": []any{map[string]any{"name": "association.subnet-id", "values": []any{team.PublicSubnetIDs[1]}}}})
	stacktest.Equal(t, "route tables of a public subnet", len(tables["ids"].ArrayValue()), 1)
	rt := call("aws:ec2/getRouteTable:getRouteTable", map[string]any{"routeTableId": tables["ids"].ArrayValue()[0].StringValue()})
	var targets []string
	for _, r := range rt["routes"].ArrayValue() {
		targets = append(targets, r.ObjectValue()["cidrBlock"].StringValue()+"→"+r.ObjectValue()["gatewayId"].StringValue())
	}
	if len(targets) != 1 || !strings.HasPrefix(targets[0], "0.0.0.0/0→igw-") {
		t.Errorf("public route table routes %v; want 0.0.0.0/0 to the internet gateway", targets)
	}
	mainRT := call("aws:ec2/getRouteTables:getRouteTables", map[string]any{"vpcId": team.VpcID,
		"filters": []any{map[string]any{"name": "association.main", "values": []any{"true"}}}})
	stacktest.Equal(t, "main route tables", len(mainRT["ids"].ArrayValue()), 1)
	if _, err := m.Cloud.Invoke("aws:ec2/getSubnet:getSubnet", resource.NewPropertyMapFromMap(map[string]any{"id": "subnet-0123456789abcdef0"})); err == nil {
		t.Errorf("a subnet that does not exist was found")
	}
	if _, err := m.Cloud.Invoke("aws:ec2/getSubnet:getSubnet", resource.NewPropertyMapFromMap(map[string]any{"filters": []any{}})); err == nil {
		t.Errorf("a look-up by filters, which the stand-in does not model, was answered")
	}
}
