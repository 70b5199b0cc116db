package main

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/stacktest"
	"github.com/example/nlb-alb-fargate/internal/standin"
)

// These tests assert what has a reason: relationships the stack depends on, settings
// arriving where they belong, names, edges, options and what AWS would refuse. Where a test
// needs the value a setting gives, it takes it from the config it passed (settings), never
// from a copy of a default; the snapshots (snapshot_test.go) pin every stacktest.Registered input.

// settings is the config the program reads from cfg (keys without the project prefix, as
// run and mustRun take them; nil: every default).
func settings(t *testing.T, cfg map[string]string) *config.Stack {
	t.Helper()
	c, err := config.Parse(cfg, config.Env{})
	if err != nil {
		t.Fatalf("config %v: %v", cfg, err)
	}
	return c
}

// settingsOf is settings for fully qualified keys, as runRaw and loadStackFiles take them.
func settingsOf(t *testing.T, qualified map[string]string) *config.Stack {
	t.Helper()
	raw := map[string]string{}
	for k, v := range qualified {
		if key, ok := strings.CutPrefix(k, testProject+":"); ok {
			raw[key] = v
		}
	}
	return settings(t, raw)
}

// notDefaults fails unless every value of cfg differs from its setting's default: a test
// that shows a setting arriving must not pass because the default happens to be there.
func notDefaults(t *testing.T, cfg map[string]string) {
	t.Helper()
	for _, s := range config.Settings() {
		v, set := cfg[s.Key]
		if !set || s.Default == nil {
			continue
		}
		asJSON, _ := json.Marshal(s.Default)
		if v == fmt.Sprint(s.Default) || v == string(asJSON) {
			t.Fatalf("%s: %s is its default; give another value so the test shows it arriving", s.Key, v)
		}
	}
}

// wantURL is the address a user is given: the port is left out when it is the scheme's
// own (HTTP 80, HTTPS 443), which browsers and curl assume.
func wantURL(scheme, host string, port int) string {
	if (scheme == "http" && port == 80) || (scheme == "https" && port == 443) {
		return scheme + "://" + host + "/"
	}
	return fmt.Sprintf("%s://%s:%d/", scheme, host, port)
}

// perAZ is the ids of the resources of a type named format with 0, 1, … (AZ order), as
// far as they go; there must be at least one.
func perAZ(t *testing.T, m *mocks, typ, format string) []string {
	t.Helper()
	ids := map[string]string{}
	for _, r := range m.ByType(typ) {
		ids[r.Name] = r.ID
	}
	var out []string
	for i := 0; ; i++ {
		id, ok := ids[fmt.Sprintf(format, i)]
		if !ok {
			break
		}
		out = append(out, id)
	}
	if len(out) == 0 {
		t.Fatalf("no %s named %q", typ, fmt.Sprintf(format, 0))
	}
	return out
}

// hasEdge fails unless the security-group graph has an edge ("group dir port peer").
func hasEdge(t *testing.T, m *mocks, edge string) {
	t.Helper()
	if edges := sgEdges(t, m); !slices.Contains(edges, edge) {
		t.Errorf("no security-group rule %q; rules: %q", edge, edges)
	}
}

func TestNetworkIsDualStackWithSubnetsPerAZ(t *testing.T) {
	cfg := map[string]string{"vpcCidr": "172.20.0.0/16", "azCount": "3"}
	notDefaults(t, cfg)
	m, _ := mustRunIn(t, largeAccount, cfg)

	vpc := m.One(t, string(standin.TypeVpc), "vpc")
	stacktest.Equal(t, "vpc cidrBlock", stacktest.Str(t, vpc.Inputs, "cidrBlock"), cfg["vpcCidr"])
	stacktest.Equal(t, "vpc enableDnsSupport", stacktest.Get(t, vpc.Inputs, "enableDnsSupport"), any(true))
	stacktest.Equal(t, "vpc enableDnsHostnames", stacktest.Get(t, vpc.Inputs, "enableDnsHostnames"), any(true))
	stacktest.Equal(t, "vpc assignGeneratedIpv6CidrBlock", stacktest.Get(t, vpc.Inputs, "assignGeneratedIpv6CidrBlock"), any(true))

	// 16 equal blocks of vpcCidr: public subnets in the first half, private ones in the
	// second; the /64s of the VPC's /56 are numbered the same way.
	vpcIPv6 := netip.MustParsePrefix(stacktest.Str(t, vpc.State, "ipv6CidrBlock"))
	want := []struct {
		name, az, ipv4 string
		block          int
	}{
		{"public-0", "us-east-1a", "172.20.0.0/20", 0},
		{"public-1", "us-east-1b", "172.20.16.0/20", 1},
		{"public-2", "us-east-1c", "172.20.32.0/20", 2},
		{"private-0", "us-east-1a", "172.20.128.0/20", 8},
		{"private-1", "us-east-1b", "172.20.144.0/20", 9},
		{"private-2", "us-east-1c", "172.20.160.0/20", 10},
	}
	stacktest.Equal(t, "subnet count", len(m.ByType(string(standin.TypeSubnet))), len(want))
	for _, w := range want {
		s := m.One(t, string(standin.TypeSubnet), w.name)
		stacktest.Equal(t, w.name+" vpcId", stacktest.Str(t, s.Inputs, "vpcId"), vpc.ID)
		stacktest.Equal(t, w.name+" availabilityZone", stacktest.Str(t, s.Inputs, "availabilityZone"), w.az)
		stacktest.Equal(t, w.name+" cidrBlock", stacktest.Str(t, s.Inputs, "cidrBlock"), w.ipv4)
		b := vpcIPv6.Addr().As16()
		b[7] = byte(w.block)
		stacktest.Equal(t, w.name+" ipv6CidrBlock", stacktest.Str(t, s.Inputs, "ipv6CidrBlock"), netip.PrefixFrom(netip.AddrFrom16(b), 64).String())
		stacktest.Equal(t, w.name+" assignIpv6AddressOnCreation", stacktest.Get(t, s.Inputs, "assignIpv6AddressOnCreation"), any(true))
		stacktest.Equal(t, w.name+" mapPublicIpOnLaunch", stacktest.Get(t, s.Inputs, "mapPublicIpOnLaunch"), any(false))
	}
}

// Adding an AZ must never move a subnet: a subnet's block cannot change in place, so a
// move would replace the subnet, its NAT gateway, the NLB's mapping and the tasks in it.
func TestAddingAnAZKeepsEverySubnet(t *testing.T) {
	for _, cidr := range []string{"10.0.0.0/16", "10.1.0.0/23"} {
		blocks := map[string]string{} // subnet name → IPv4 and IPv6 blocks, from the smallest azCount that has it
		for az := config.MinAZs; az <= config.MaxAZs; az++ {
			m, _ := mustRunIn(t, largeAccount, map[string]string{"vpcCidr": cidr, "azCount": fmt.Sprint(az)})
			for _, s := range m.ByType(string(standin.TypeSubnet)) {
				got := stacktest.Str(t, s.Inputs, "cidrBlock") + " " + stacktest.Str(t, s.Inputs, "ipv6CidrBlock")
				if before, ok := blocks[s.Name]; ok && before != got {
					t.Errorf("vpcCidr %s: %s moves from %s to %s when azCount becomes %d", cidr, s.Name, before, got, az)
				}
				blocks[s.Name] = got
				// Every subnet holds an ALB: /27 or larger, so at least 27 usable addresses.
				if p := netip.MustParsePrefix(stacktest.Str(t, s.Inputs, "cidrBlock")); p.Bits() > 27 {
					t.Errorf("vpcCidr %s, azCount %d: %s is %s, smaller than the /27 an ALB needs", cidr, az, s.Name, p)
				}
			}
		}
		stacktest.Equal(t, "subnets seen for vpcCidr "+cidr, len(blocks), 2*config.MaxAZs)
	}
}

// routesOf returns "destination -> target id" for every route of a route table.
func routesOf(t *testing.T, m *mocks, rtName string) []string {
	t.Helper()
	rtID := m.IDOf(t, string(standin.TypeRouteTable), rtName)
	var out []string
	for _, r := range m.ByType(string(standin.TypeRoute)) {
		if stacktest.Str(t, r.Inputs, "routeTableId") != rtID {
			continue
		}
		dest := stacktest.Str(t, r.Inputs, "destinationCidrBlock") + stacktest.Str(t, r.Inputs, "destinationIpv6CidrBlock")
		target := stacktest.Str(t, r.Inputs, "gatewayId") + stacktest.Str(t, r.Inputs, "natGatewayId") + stacktest.Str(t, r.Inputs, "egressOnlyGatewayId")
		out = append(out, dest+" -> "+target)
	}
	sort.Strings(out)
	return out
}

// associations maps subnet ids to route table ids.
func associations(t *testing.T, m *mocks) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, a := range m.ByType(string(standin.TypeRouteTableAssociation)) {
		out[stacktest.Str(t, a.Inputs, "subnetId")] = stacktest.Str(t, a.Inputs, "routeTableId")
	}
	return out
}

func TestRoutesPerNatMode(t *testing.T) {
	for mode, natFor := range map[string][]string{
		"perAz":  {"nat-0", "nat-1"},
		"single": {"nat-0", "nat-0"},
		"none":   {"", ""},
	} {
		t.Run(mode, func(t *testing.T) {
			cfg := map[string]string{"natGateways": mode, "azCount": fmt.Sprint(len(natFor))}
			if mode == "none" {
				cfg["vpcEndpoints"] = "true"
			}
			m, _ := mustRun(t, cfg)
			igw, eigw := m.IDOf(t, string(standin.TypeInternetGateway), "igw"), m.IDOf(t, string(standin.TypeEgressOnlyInternetGateway), "eigw")
			stacktest.EqualSlices(t, "public routes", routesOf(t, m, "public-rt"), []string{"0.0.0.0/0 -> " + igw, "::/0 -> " + igw})
			wantNats := map[string]bool{}
			for _, n := range natFor {
				if n != "" {
					wantNats[n] = true
				}
			}
			stacktest.Equal(t, "NAT gateways", len(m.ByType(string(standin.TypeNatGateway))), len(wantNats))
			assoc := associations(t, m)
			for i, nat := range natFor {
				rt := fmt.Sprintf("private-%d-rt", i)
				want := []string{"::/0 -> " + eigw}
				if nat != "" {
					want = append([]string{"0.0.0.0/0 -> " + m.IDOf(t, string(standin.TypeNatGateway), nat)}, want...)
					// Each NAT sits in a public subnet and has its own EIP.
					n := m.One(t, string(standin.TypeNatGateway), nat)
					stacktest.Equal(t, nat+" subnet", stacktest.Str(t, n.Inputs, "subnetId"), m.IDOf(t, string(standin.TypeSubnet), "public-"+nat[len(nat)-1:]))
					stacktest.Equal(t, nat+" allocationId", stacktest.Str(t, n.Inputs, "allocationId"), m.IDOf(t, string(standin.TypeEip), nat+"-eip"))
				}
				stacktest.EqualSlices(t, rt+" routes", routesOf(t, m, rt), want)
				stacktest.Equal(t, fmt.Sprintf("private-%d association", i), assoc[m.IDOf(t, string(standin.TypeSubnet), fmt.Sprintf("private-%d", i))], m.IDOf(t, string(standin.TypeRouteTable), rt))
				stacktest.Equal(t, fmt.Sprintf("public-%d association", i), assoc[m.IDOf(t, string(standin.TypeSubnet), fmt.Sprintf("public-%d", i))], m.IDOf(t, string(standin.TypeRouteTable), "public-rt"))
			}
		})
	}
}

func TestVpcEndpointsReplaceNat(t *testing.T) {
	m, _ := mustRun(t, map[string]string{"natGateways": "none", "vpcEndpoints": "true"})
	got := map[string]string{}
	for _, e := range m.ByType(string(standin.TypeVpcEndpoint)) {
		got[stacktest.Str(t, e.Inputs, "serviceName")] = stacktest.Str(t, e.Inputs, "vpcEndpointType")
	}
	want := map[string]string{
		"com.amazonaws.us-east-1.ecr.api": "Interface",
		"com.amazonaws.us-east-1.ecr.dkr": "Interface",
		"com.amazonaws.us-east-1.logs":    "Interface",
		"com.amazonaws.us-east-1.s3":      "Gateway",
	}
	stacktest.Equal(t, "endpoints", fmt.Sprint(got), fmt.Sprint(want))
	s3 := m.One(t, string(standin.TypeVpcEndpoint), "endpoint-s3")
	stacktest.EqualSlices(t, "s3 endpoint route tables (every private one)", stacktest.Strs(t, s3.Inputs, "routeTableIds"), perAZ(t, m, string(standin.TypeRouteTable), "private-%d-rt"))
	ecr := m.One(t, string(standin.TypeVpcEndpoint), "endpoint-ecr-dkr")
	stacktest.Equal(t, "ecr.dkr private DNS", stacktest.Get(t, ecr.Inputs, "privateDnsEnabled"), any(true))
	stacktest.EqualSlices(t, "ecr.dkr subnets (every private one)", stacktest.Strs(t, ecr.Inputs, "subnetIds"), perAZ(t, m, string(standin.TypeSubnet), "private-%d"))
}

func TestNlbHasOneElasticIPPerAZViaSubnetMappings(t *testing.T) {
	m, out := mustRunIn(t, largeAccount, map[string]string{"azCount": "3"})

	nlb := m.One(t, string(standin.TypeLoadBalancer), "nlb")
	stacktest.Equal(t, "nlb type", stacktest.Str(t, nlb.Inputs, "loadBalancerType"), "network")
	stacktest.Equal(t, "nlb internal", stacktest.Get(t, nlb.Inputs, "internal"), any(false))
	stacktest.Equal(t, "nlb ipAddressType", stacktest.Str(t, nlb.Inputs, "ipAddressType"), "dualstack")
	stacktest.Equal(t, "nlb cross-zone", stacktest.Get(t, nlb.Inputs, "enableCrossZoneLoadBalancing"), any(false))
	stacktest.Equal(t, "nlb subnets (must be unset: mappings carry the EIPs)", stacktest.Get(t, nlb.Inputs, "subnets"), nil)
	stacktest.EqualSlices(t, "nlb securityGroups", stacktest.Strs(t, nlb.Inputs, "securityGroups"), []string{m.IDOf(t, string(standin.TypeSecurityGroup), "nlb-sg")})

	mappings, _ := stacktest.Get(t, nlb.Inputs, "subnetMappings").([]any)
	stacktest.Equal(t, "subnet mappings", len(mappings), 3)
	var wantIPs []string
	for i := range 3 {
		eip := m.One(t, string(standin.TypeEip), fmt.Sprintf("nlb-eip-%d", i))
		stacktest.Equal(t, "eip domain", stacktest.Str(t, eip.Inputs, "domain"), "vpc")
		stacktest.Equal(t, fmt.Sprintf("mapping %d subnetId", i), stacktest.Str(t, mappings, i, "subnetId"), m.IDOf(t, string(standin.TypeSubnet), fmt.Sprintf("public-%d", i)))
		stacktest.Equal(t, fmt.Sprintf("mapping %d allocationId", i), stacktest.Str(t, mappings, i, "allocationId"), stacktest.Str(t, eip.State, "allocationId"))
		wantIPs = append(wantIPs, stacktest.Str(t, eip.State, "publicIp"))
	}
	gotIPs := stacktest.Await(t, out.StaticIPs).([]string)
	stacktest.Equal(t, "staticIps", fmt.Sprint(gotIPs), fmt.Sprint(wantIPs))
}

func TestNlbForwardsTCPToTheAlbThroughAnAlbTargetGroup(t *testing.T) {
	m, _ := mustRun(t, nil)
	alb := m.One(t, string(standin.TypeLoadBalancer), "alb")
	albListener := m.One(t, string(standin.TypeListener), "alb-http-listener")
	tg := m.One(t, string(standin.TypeTargetGroup), "nlb-alb-tg")

	stacktest.Equal(t, "target group targetType", stacktest.Str(t, tg.Inputs, "targetType"), "alb")
	stacktest.Equal(t, "target group protocol", stacktest.Str(t, tg.Inputs, "protocol"), "TCP")
	stacktest.Equal(t, "target group port = ALB listener port", stacktest.Num(t, tg.Inputs, "port"), stacktest.Num(t, albListener.Inputs, "port"))
	stacktest.Equal(t, "target group vpc", stacktest.Str(t, tg.Inputs, "vpcId"), m.IDOf(t, string(standin.TypeVpc), "vpc"))
	stacktest.Equal(t, "health check protocol", stacktest.Str(t, tg.Inputs, "healthCheck", "protocol"), "HTTP")
	stacktest.Equal(t, "health check path", stacktest.Str(t, tg.Inputs, "healthCheck", "path"), "/healthz")
	stacktest.Equal(t, "health check port", stacktest.Str(t, tg.Inputs, "healthCheck", "port"), "traffic-port")

	// The listener is where clients connect: listenerPort, and the port the NLB's
	// security group opens to the internet.
	listener := m.One(t, string(standin.TypeListener), "nlb-tcp-listener")
	stacktest.Equal(t, "nlb listener lb", stacktest.Str(t, listener.Inputs, "loadBalancerArn"), stacktest.Str(t, m.One(t, string(standin.TypeLoadBalancer), "nlb").State, "arn"))
	stacktest.Equal(t, "nlb listener protocol", stacktest.Str(t, listener.Inputs, "protocol"), "TCP")
	port := stacktest.Num(t, listener.Inputs, "port")
	stacktest.Equal(t, "nlb listener port = listenerPort", port, settings(t, nil).Ingress.ListenerPort)
	hasEdge(t, m, fmt.Sprintf("nlb-sg in %d 0.0.0.0/0", port))
	hasEdge(t, m, fmt.Sprintf("nlb-sg in %d ::/0", port))
	stacktest.Equal(t, "nlb listener action", stacktest.Str(t, listener.Inputs, "defaultActions", 0, "type"), "forward")
	stacktest.Equal(t, "nlb listener target", stacktest.Str(t, listener.Inputs, "defaultActions", 0, "targetGroupArn"), tg.ID)

	att := m.One(t, string(standin.TypeTargetGroupAttachment), "nlb-alb-attachment")
	stacktest.Equal(t, "attachment target group", stacktest.Str(t, att.Inputs, "targetGroupArn"), tg.ID)
	stacktest.Equal(t, "attachment targetId = ALB ARN", stacktest.Str(t, att.Inputs, "targetId"), stacktest.Str(t, alb.State, "arn"))
	stacktest.Equal(t, "attachment port", stacktest.Num(t, att.Inputs, "port"), stacktest.Num(t, tg.Inputs, "port"))
	if !slices.Contains(att.Dependencies, urn(string(standin.TypeListener), "alb-http-listener")) {
		t.Errorf("attachment must depend on the ALB listener (AWS refuses an ALB without one); dependencies: %v", att.Dependencies)
	}
}

func TestAlbIsInternalWithFixedResponseDefault(t *testing.T) {
	m, _ := mustRun(t, nil)
	alb := m.One(t, string(standin.TypeLoadBalancer), "alb")
	stacktest.Equal(t, "alb type", stacktest.Str(t, alb.Inputs, "loadBalancerType"), "application")
	stacktest.Equal(t, "alb internal", stacktest.Get(t, alb.Inputs, "internal"), any(true))
	stacktest.Equal(t, "alb dropInvalidHeaderFields", stacktest.Get(t, alb.Inputs, "dropInvalidHeaderFields"), any(true))
	stacktest.EqualSlices(t, "alb subnets (every private one)", stacktest.Strs(t, alb.Inputs, "subnets"), perAZ(t, m, string(standin.TypeSubnet), "private-%d"))
	stacktest.EqualSlices(t, "alb securityGroups", stacktest.Strs(t, alb.Inputs, "securityGroups"), []string{m.IDOf(t, string(standin.TypeSecurityGroup), "alb-sg")})

	l := m.One(t, string(standin.TypeListener), "alb-http-listener")
	stacktest.Equal(t, "alb listener lb", stacktest.Str(t, l.Inputs, "loadBalancerArn"), stacktest.Str(t, alb.State, "arn"))
	stacktest.Equal(t, "alb listener protocol", stacktest.Str(t, l.Inputs, "protocol"), "HTTP")
	// The listener's port is albListenerPort, and the port the ALB's group opens to the NLB.
	stacktest.Equal(t, "alb listener port = albListenerPort", stacktest.Num(t, l.Inputs, "port"), settings(t, nil).Ingress.AlbListenerPort)
	hasEdge(t, m, fmt.Sprintf("alb-sg in %d nlb-sg", stacktest.Num(t, l.Inputs, "port")))
	a := stacktest.Get(t, l.Inputs, "defaultActions", 0)
	stacktest.Equal(t, "default action", stacktest.Str(t, a, "type"), "fixed-response")
	stacktest.Equal(t, "fixed status", stacktest.Str(t, a, "fixedResponse", "statusCode"), "200")
	stacktest.Equal(t, "fixed content type", stacktest.Str(t, a, "fixedResponse", "contentType"), "text/plain")
	stacktest.Equal(t, "fixed body", stacktest.Str(t, a, "fixedResponse", "messageBody"), "OK")
}

// A service's own settings arrive on its target group and rule (values unlike the
// defaults and each other, so a mix-up shows), and the rules can coexist on the listener.
func TestServiceRoutingAndHealthChecks(t *testing.T) {
	cfg := map[string]string{
		"containerPort": "9000", "healthCheckPath": "/ready", "healthCheckInterval": "30", "healthCheckTimeout": "7",
		"deregistrationDelay": "45", "priority": "7", "pathPatterns": `["/app/*"]`, "nlbHealthCheckRulePriority": "40000",
	}
	notDefaults(t, cfg)
	m, _ := mustRun(t, cfg)
	c := settings(t, cfg)
	svc := c.Services[0]

	tg := m.One(t, string(standin.TypeTargetGroup), "web-tg")
	stacktest.Equal(t, "targetType", stacktest.Str(t, tg.Inputs, "targetType"), "ip")
	stacktest.Equal(t, "protocol", stacktest.Str(t, tg.Inputs, "protocol"), "HTTP")
	// The ALB sends to the address and port of each task: the container's port.
	container := containerDefs(t, m.One(t, string(standin.TypeEcsTaskDefinition), "web-task"))[0]
	stacktest.Equal(t, "port = the container's containerPort", stacktest.Num(t, tg.Inputs, "port"), stacktest.Num(t, container, "portMappings", 0, "containerPort"))
	stacktest.Equal(t, "port = containerPort", stacktest.Num(t, tg.Inputs, "port"), svc.ContainerPort)
	stacktest.Equal(t, "health path = healthCheckPath", stacktest.Str(t, tg.Inputs, "healthCheck", "path"), svc.HealthCheckPath)
	interval, timeout := stacktest.Num(t, tg.Inputs, "healthCheck", "interval"), stacktest.Num(t, tg.Inputs, "healthCheck", "timeout")
	stacktest.Equal(t, "health interval = healthCheckInterval", interval, svc.HealthCheckInterval)
	stacktest.Equal(t, "health timeout = healthCheckTimeout", timeout, svc.HealthCheckTimeout)
	if timeout >= interval {
		t.Errorf("health check timeout %d is not below its interval %d: ELB refuses the target group", timeout, interval)
	}
	stacktest.Equal(t, "deregistrationDelay (on the ip group, where it has an effect)", stacktest.Num(t, tg.Inputs, "deregistrationDelay"), svc.DeregistrationDelay)

	listenerArn := m.One(t, string(standin.TypeListener), "alb-http-listener").ID
	rule := m.One(t, string(standin.TypeListenerRule), "web-rule")
	stacktest.Equal(t, "rule listener", stacktest.Str(t, rule.Inputs, "listenerArn"), listenerArn)
	stacktest.Equal(t, "rule priority = priority", stacktest.Num(t, rule.Inputs, "priority"), svc.Priority)
	stacktest.EqualSlices(t, "rule path pattern = pathPatterns", stacktest.Strs(t, rule.Inputs, "conditions", 0, "pathPattern", "values"), svc.PathPatterns)
	stacktest.Equal(t, "rule action", stacktest.Str(t, rule.Inputs, "actions", 0, "type"), "forward")
	stacktest.Equal(t, "rule target", stacktest.Str(t, rule.Inputs, "actions", 0, "targetGroupArn"), tg.ID)

	// The NLB's probe of /healthz must reach a task, not the ALB's fixed 200.
	health := m.One(t, string(standin.TypeListenerRule), "nlb-health-rule")
	stacktest.Equal(t, "health rule listener", stacktest.Str(t, health.Inputs, "listenerArn"), listenerArn)
	stacktest.EqualSlices(t, "health rule path", stacktest.Strs(t, health.Inputs, "conditions", 0, "pathPattern", "values"),
		[]string{stacktest.Str(t, m.One(t, string(standin.TypeTargetGroup), "nlb-alb-tg").Inputs, "healthCheck", "path")})
	stacktest.Equal(t, "health rule target", stacktest.Str(t, health.Inputs, "actions", 0, "targetGroupArn"), tg.ID)
	stacktest.Equal(t, "health rule priority = nlbHealthCheckRulePriority", stacktest.Num(t, health.Inputs, "priority"), c.Ingress.NlbHealthCheckRulePriority)

	// ELB refuses a second rule with a priority already in use on the listener.
	byPriority := map[int]string{}
	for _, r := range m.ByType(string(standin.TypeListenerRule)) {
		if stacktest.Str(t, r.Inputs, "listenerArn") != listenerArn {
			continue
		}
		p := stacktest.Num(t, r.Inputs, "priority")
		if other, dup := byPriority[p]; dup {
			t.Errorf("%s and %s share priority %d on the listener", other, r.Name, p)
		}
		byPriority[p] = r.Name
	}
}

// The task definition of the bundled app, with the service's sizes, port and log
// retention set unlike the defaults and each other, so a mix-up shows.
func TestTaskDefinition(t *testing.T) {
	cfg := map[string]string{"cpu": "512", "memory": "2048", "containerMemory": "1536", "containerPort": "9090", "logRetentionDays": "14"}
	notDefaults(t, cfg)
	m, _ := mustRun(t, cfg)
	svc := settings(t, cfg).Services[0]
	td := m.One(t, string(standin.TypeEcsTaskDefinition), "web-task")
	stacktest.Equal(t, "cpu = the service's cpu", stacktest.Str(t, td.Inputs, "cpu"), strconv.Itoa(svc.Cpu))
	stacktest.Equal(t, "memory = the service's memory", stacktest.Str(t, td.Inputs, "memory"), strconv.Itoa(svc.Memory))
	stacktest.Equal(t, "networkMode", stacktest.Str(t, td.Inputs, "networkMode"), "awsvpc")
	stacktest.EqualSlices(t, "requiresCompatibilities", stacktest.Strs(t, td.Inputs, "requiresCompatibilities"), []string{"FARGATE"})
	stacktest.Equal(t, "executionRoleArn", stacktest.Str(t, td.Inputs, "executionRoleArn"), stacktest.Str(t, m.One(t, string(standin.TypeIamRole), "web-exec-role").State, "arn"))
	stacktest.Equal(t, "taskRoleArn", stacktest.Str(t, td.Inputs, "taskRoleArn"), stacktest.Str(t, m.One(t, string(standin.TypeIamRole), "web-task-role").State, "arn"))

	defs := containerDefs(t, td)
	stacktest.Equal(t, "containers", len(defs), 1)
	c := defs[0]
	stacktest.Equal(t, "container name", stacktest.Str(t, c, "name"), "web")
	stacktest.Equal(t, "essential", stacktest.Get(t, c, "essential"), any(true))
	stacktest.Equal(t, "container memory = containerMemory", stacktest.Num(t, c, "memory"), svc.ContainerMemory)
	if taskMemory, _ := strconv.Atoi(stacktest.Str(t, td.Inputs, "memory")); stacktest.Num(t, c, "memory") > taskMemory {
		t.Errorf("container memory %d exceeds the task's %d: ECS refuses the task definition", stacktest.Num(t, c, "memory"), taskMemory)
	}
	// The app listens where it is told (PORT), the port mapping names that port, and the
	// ALB's target group sends there.
	containerPort := stacktest.Num(t, c, "portMappings", 0, "containerPort")
	stacktest.Equal(t, "containerPort = the service's containerPort", containerPort, svc.ContainerPort)
	stacktest.Equal(t, "target group port = containerPort", stacktest.Num(t, m.One(t, string(standin.TypeTargetGroup), "web-tg").Inputs, "port"), containerPort)
	stacktest.Equal(t, "port protocol", stacktest.Str(t, c, "portMappings", 0, "protocol"), "tcp")
	stacktest.Equal(t, "PORT env = containerPort", stacktest.Str(t, c, "environment", 0, "name")+"="+stacktest.Str(t, c, "environment", 0, "value"), "PORT="+strconv.Itoa(containerPort))
	stacktest.Equal(t, "readonlyRootFilesystem", stacktest.Get(t, c, "readonlyRootFilesystem"), any(true))
	stacktest.EqualSlices(t, "health check", stacktest.Strs(t, c, "healthCheck", "command"), []string{"CMD", "/server", "-healthcheck"})

	logs := m.One(t, string(standin.TypeCloudwatchLogGroup), "web-logs")
	stacktest.Equal(t, "log group name", stacktest.Str(t, logs.Inputs, "name"), "/ecs/"+testProject+"/dev/web")
	stacktest.Equal(t, "log retention = logRetentionDays", stacktest.Num(t, logs.Inputs, "retentionInDays"), svc.LogRetentionDays)
	lc := stacktest.Get(t, c, "logConfiguration")
	stacktest.Equal(t, "log driver", stacktest.Str(t, lc, "logDriver"), "awslogs")
	for k, want := range map[string]string{
		"awslogs-group": stacktest.Str(t, logs.Inputs, "name"), "awslogs-region": testRegion,
		"awslogs-stream-prefix": "web", "mode": "non-blocking", "max-buffer-size": "25m",
	} {
		stacktest.Equal(t, "log option "+k, stacktest.Str(t, lc, "options", k), want)
	}

	// The image is built from ./app and pushed to the stack's own ECR repository.
	repo := m.One(t, string(standin.TypeAwsxEcrRepository), "web-repo")
	img := m.One(t, string(standin.TypeAwsxEcrImage), "web-image")
	stacktest.Equal(t, "image is a remote component", img.Remote, true)
	stacktest.Equal(t, "image repositoryUrl", stacktest.Str(t, img.Inputs, "repositoryUrl"), stacktest.Str(t, repo.State, "url"))
	stacktest.Equal(t, "image context = build", stacktest.Str(t, img.Inputs, "context"), svc.Build)
	stacktest.Equal(t, "image dockerfile (the context's)", stacktest.Str(t, img.Inputs, "dockerfile"), filepath.Join(stacktest.Str(t, img.Inputs, "context"), "Dockerfile"))
	// An image built for another architecture than the task's does not start (exec format error).
	arch := stacktest.Str(t, td.Inputs, "runtimePlatform", "cpuArchitecture")
	stacktest.Equal(t, "image platform matches the task's "+arch, stacktest.Str(t, img.Inputs, "platform"), map[string]string{"X86_64": "linux/amd64", "ARM64": "linux/arm64"}[arch])
	stacktest.Equal(t, "container image", stacktest.Str(t, c, "image"), stacktest.Str(t, img.State, "imageUri"))

	exec := m.One(t, string(standin.TypeIamRolePolicyAttachment), "web-exec-policy")
	stacktest.Equal(t, "exec policy role", stacktest.Str(t, exec.Inputs, "role"), stacktest.Str(t, m.One(t, string(standin.TypeIamRole), "web-exec-role").State, "name"))
	stacktest.Equal(t, "exec policy", stacktest.Str(t, exec.Inputs, "policyArn"), "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
	for _, role := range m.ByType(string(standin.TypeIamRole)) {
		if !strings.Contains(stacktest.Str(t, role.Inputs, "assumeRolePolicy"), `"Service":"ecs-tasks.amazonaws.com"`) {
			t.Errorf("%s: must be assumable by ECS tasks only: %s", role.Name, stacktest.Str(t, role.Inputs, "assumeRolePolicy"))
		}
	}
}

func TestExistingImageSkipsTheBuild(t *testing.T) {
	const image = "public.ecr.aws/nginx/nginx:1.27"
	m, _ := mustRun(t, map[string]string{"image": image})
	stacktest.Equal(t, "ECR repositories", len(m.ByType(string(standin.TypeAwsxEcrRepository))), 0)
	stacktest.Equal(t, "image builds", len(m.ByType(string(standin.TypeAwsxEcrImage))), 0)
	c := containerDefs(t, m.One(t, string(standin.TypeEcsTaskDefinition), "web-task"))[0]
	stacktest.Equal(t, "container image", stacktest.Str(t, c, "image"), image)
	// A foreign image has neither our probe binary nor a promise to write no files.
	stacktest.Equal(t, "health check", stacktest.Get(t, c, "healthCheck"), nil)
	stacktest.Equal(t, "readonlyRootFilesystem", stacktest.Get(t, c, "readonlyRootFilesystem"), nil)
}

func TestFargateService(t *testing.T) {
	cfg := map[string]string{"desiredCount": "3", "healthCheckGracePeriod": "90"}
	notDefaults(t, cfg)
	m, _ := mustRun(t, cfg)
	want := settings(t, cfg).Services[0]
	svc := m.One(t, string(standin.TypeEcsService), "web-service")
	stacktest.Equal(t, "cluster", stacktest.Str(t, svc.Inputs, "cluster"), stacktest.Str(t, m.One(t, string(standin.TypeEcsCluster), "cluster").State, "arn"))
	stacktest.Equal(t, "taskDefinition", stacktest.Str(t, svc.Inputs, "taskDefinition"), stacktest.Str(t, m.One(t, string(standin.TypeEcsTaskDefinition), "web-task").State, "arn"))
	stacktest.Equal(t, "desiredCount", stacktest.Num(t, svc.Inputs, "desiredCount"), want.DesiredCount)
	// A strategy, never a launch type: switching between the two replaces the service.
	stacktest.Equal(t, "launchType", stacktest.Get(t, svc.Inputs, "launchType"), nil)
	stacktest.Equal(t, "strategy provider", stacktest.Str(t, svc.Inputs, "capacityProviderStrategies", 0, "capacityProvider"), "FARGATE")
	stacktest.Equal(t, "strategy weight", stacktest.Num(t, svc.Inputs, "capacityProviderStrategies", 0, "weight"), 1)
	stacktest.Equal(t, "forceNewDeployment (a strategy change then updates in place)", stacktest.Get(t, svc.Inputs, "forceNewDeployment"), any(true))
	nc := stacktest.Get(t, svc.Inputs, "networkConfiguration")
	stacktest.EqualSlices(t, "subnets (every private one)", stacktest.Strs(t, nc, "subnets"), perAZ(t, m, string(standin.TypeSubnet), "private-%d"))
	stacktest.Equal(t, "assignPublicIp", stacktest.Get(t, nc, "assignPublicIp"), any(false))
	stacktest.EqualSlices(t, "securityGroups", stacktest.Strs(t, nc, "securityGroups"), []string{m.IDOf(t, string(standin.TypeSecurityGroup), "web-sg")})
	stacktest.Equal(t, "lb target group", stacktest.Str(t, svc.Inputs, "loadBalancers", 0, "targetGroupArn"), m.One(t, string(standin.TypeTargetGroup), "web-tg").ID)
	stacktest.Equal(t, "lb container", stacktest.Str(t, svc.Inputs, "loadBalancers", 0, "containerName"), "web")
	// ECS registers each task in the target group on the container's mapped port.
	container := containerDefs(t, m.One(t, string(standin.TypeEcsTaskDefinition), "web-task"))[0]
	stacktest.Equal(t, "lb port = the container's containerPort", stacktest.Num(t, svc.Inputs, "loadBalancers", 0, "containerPort"), stacktest.Num(t, container, "portMappings", 0, "containerPort"))
	stacktest.Equal(t, "lb port = the target group's port", stacktest.Num(t, svc.Inputs, "loadBalancers", 0, "containerPort"), stacktest.Num(t, m.One(t, string(standin.TypeTargetGroup), "web-tg").Inputs, "port"))
	stacktest.Equal(t, "circuit breaker", stacktest.Get(t, svc.Inputs, "deploymentCircuitBreaker", "enable"), any(true))
	stacktest.Equal(t, "rollback", stacktest.Get(t, svc.Inputs, "deploymentCircuitBreaker", "rollback"), any(true))
	stacktest.Equal(t, "grace period = healthCheckGracePeriod", stacktest.Num(t, svc.Inputs, "healthCheckGracePeriodSeconds"), want.HealthCheckGracePeriod)
	stacktest.Equal(t, "min healthy", stacktest.Num(t, svc.Inputs, "deploymentMinimumHealthyPercent"), 50)
	stacktest.Equal(t, "max percent", stacktest.Num(t, svc.Inputs, "deploymentMaximumPercent"), 200)
	if !slices.Contains(svc.Dependencies, urn(string(standin.TypeListenerRule), "web-rule")) {
		t.Errorf("service must depend on its listener rule (ECS refuses an unused target group); dependencies: %v", svc.Dependencies)
	}
}

// edge is one security-group rule in readable form: "dir group port peer".
func sgEdges(t *testing.T, m *mocks) []string {
	t.Helper()
	names := map[string]string{}
	for _, sg := range m.ByType(string(standin.TypeSecurityGroup)) {
		names[sg.ID] = sg.Name
	}
	var out []string
	for typ, dir := range map[string]string{string(standin.TypeSecurityGroupIngressRule): "in", string(standin.TypeSecurityGroupEgressRule): "out"} {
		for _, r := range m.ByType(typ) {
			from, to := stacktest.Num(t, r.Inputs, "fromPort"), stacktest.Num(t, r.Inputs, "toPort")
			if from != to || stacktest.Str(t, r.Inputs, "ipProtocol") != "tcp" {
				t.Errorf("%s: want one TCP port, got %s %d-%d", r.Name, stacktest.Str(t, r.Inputs, "ipProtocol"), from, to)
			}
			peer := stacktest.Str(t, r.Inputs, "cidrIpv4") + stacktest.Str(t, r.Inputs, "cidrIpv6")
			if ref := stacktest.Str(t, r.Inputs, "referencedSecurityGroupId"); ref != "" {
				peer = names[ref]
			}
			out = append(out, fmt.Sprintf("%s %s %d %s", names[stacktest.Str(t, r.Inputs, "securityGroupId")], dir, from, peer))
		}
	}
	sort.Strings(out)
	return out
}

func TestSecurityGroupChainIsLeastPrivilege(t *testing.T) {
	m, _ := mustRun(t, nil)
	// internet → NLB on listenerPort → ALB on albListenerPort → tasks on containerPort,
	// and tasks out on 443 (HTTPS to ECR, CloudWatch Logs, AWS APIs) only.
	c := settings(t, nil)
	nlb, alb, task := c.Ingress.ListenerPort, c.Ingress.AlbListenerPort, c.Services[0].ContainerPort
	want := []string{
		fmt.Sprintf("alb-sg in %d nlb-sg", alb),
		fmt.Sprintf("alb-sg out %d web-sg", task),
		fmt.Sprintf("nlb-sg in %d 0.0.0.0/0", nlb),
		fmt.Sprintf("nlb-sg in %d ::/0", nlb),
		fmt.Sprintf("nlb-sg out %d alb-sg", alb),
		fmt.Sprintf("web-sg in %d alb-sg", task),
		"web-sg out 443 0.0.0.0/0",
		"web-sg out 443 ::/0",
	}
	sort.Strings(want)
	stacktest.EqualSlices(t, "security group rules", sgEdges(t, m), want)
	for _, sg := range m.ByType(string(standin.TypeSecurityGroup)) {
		if stacktest.Get(t, sg.Inputs, "ingress") != nil || stacktest.Get(t, sg.Inputs, "egress") != nil {
			t.Errorf("%s: inline rules would fight the separate rule resources", sg.Name)
		}
	}
}

func TestCustomPortsFlowThroughTheChain(t *testing.T) {
	cfg := map[string]string{"listenerPort": "8443", "albListenerPort": "8000", "albTargetGroupPort": "8000", "containerPort": "9000"}
	notDefaults(t, cfg)
	m, out := mustRun(t, cfg)
	stacktest.Equal(t, "nlb listener port", stacktest.Num(t, m.One(t, string(standin.TypeListener), "nlb-tcp-listener").Inputs, "port"), 8443)
	stacktest.Equal(t, "alb listener port", stacktest.Num(t, m.One(t, string(standin.TypeListener), "alb-http-listener").Inputs, "port"), 8000)
	stacktest.Equal(t, "alb target group port", stacktest.Num(t, m.One(t, string(standin.TypeTargetGroup), "nlb-alb-tg").Inputs, "port"), 8000)
	stacktest.Equal(t, "attachment port", stacktest.Num(t, m.One(t, string(standin.TypeTargetGroupAttachment), "nlb-alb-attachment").Inputs, "port"), 8000)
	stacktest.EqualSlices(t, "security group rules", sgEdges(t, m), []string{
		"alb-sg in 8000 nlb-sg", "alb-sg out 9000 web-sg",
		"nlb-sg in 8443 0.0.0.0/0", "nlb-sg in 8443 ::/0", "nlb-sg out 8000 alb-sg",
		"web-sg in 9000 alb-sg", "web-sg out 443 0.0.0.0/0", "web-sg out 443 ::/0",
	})
	dns := stacktest.Await(t, out.DNS).(string)
	stacktest.Equal(t, "url", stacktest.Await(t, out.URL).(string), "http://"+dns+":8443/")
}

func TestOutputs(t *testing.T) {
	m, out := mustRun(t, nil)
	nlbDNS := stacktest.Str(t, m.One(t, string(standin.TypeLoadBalancer), "nlb").State, "dnsName")
	if !strings.HasSuffix(nlbDNS, ".elb.us-east-1.amazonaws.com") {
		t.Fatalf("mock NLB DNS name looks wrong: %s", nlbDNS)
	}
	stacktest.Equal(t, "dns", stacktest.Await(t, out.DNS).(string), nlbDNS)
	stacktest.Equal(t, "url (the NLB listener's port)", stacktest.Await(t, out.URL).(string), wantURL("http", nlbDNS, stacktest.Num(t, m.One(t, string(standin.TypeListener), "nlb-tcp-listener").Inputs, "port")))
	stacktest.Equal(t, "albDns", stacktest.Await(t, out.AlbDNS).(string), stacktest.Str(t, m.One(t, string(standin.TypeLoadBalancer), "alb").State, "dnsName"))
	stacktest.Equal(t, "clusterName", stacktest.Await(t, out.ClusterName).(string), stacktest.Str(t, m.One(t, string(standin.TypeEcsCluster), "cluster").State, "name"))
	stacktest.Equal(t, "serviceName", stacktest.Await(t, out.ServiceName).(string), stacktest.Str(t, m.One(t, string(standin.TypeEcsService), "web-service").State, "name"))
	stacktest.Equal(t, "logGroup", stacktest.Await(t, out.LogGroup).(string), stacktest.Str(t, m.One(t, string(standin.TypeCloudwatchLogGroup), "web-logs").Inputs, "name"))
	stacktest.Equal(t, "staticIps (one per AZ)", len(stacktest.Await(t, out.StaticIPs).([]string)), settings(t, nil).Network.AzCount)
	// What the smoke check probes (its engine test reads them through its contract).
	stacktest.Equal(t, "entrances", fmt.Sprint(out.Entrances), "[{http 80 false}]")
	stacktest.Equal(t, "probePath", out.ProbePath, "/healthz")
	_, out = mustRun(t, map[string]string{"certificateArn": testCertArn, "listenerPort": "8080", "taskIdentity": "true", "mtls": `{"mode":"passthrough"}`})
	stacktest.Equal(t, "entrances with HTTPS", fmt.Sprint(out.Entrances), "[{http 8080 true} {https 443 false}]")
	stacktest.Equal(t, "taskIdentity, mtlsMode", fmt.Sprintln(out.TaskIdentity, out.MTLSMode), "true passthrough\n")
}

func TestResourceNamesAreUnique(t *testing.T) {
	m, _ := mustRun(t, nil)
	seen := map[string]bool{}
	for _, r := range m.Resources() {
		key := r.Type + "::" + r.Name
		if seen[key] {
			t.Errorf("duplicate resource %s: the engine would reject the URN", key)
		}
		seen[key] = true
	}
}

// In preview, computed outputs are unknown; the program must still register every
// resource without waiting on them.
func TestPreviewRegistersTheSameResources(t *testing.T) {
	up, _ := mustRun(t, nil)
	preview, _, err := run(t, nil, true)
	if err != nil {
		t.Fatalf("preview failed: %v", err)
	}
	names := func(m *mocks) []string {
		var out []string
		for _, r := range m.Resources() {
			out = append(out, r.Type+"::"+r.Name)
		}
		sort.Strings(out)
		return out
	}
	stacktest.EqualSlices(t, "preview resources", names(preview), names(up))
}
