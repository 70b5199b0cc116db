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
	"github.com/example/nlb-alb-fargate/internal/standin"
)

// These tests assert what has a reason: relationships the stack depends on, settings
// arriving where they belong, names, edges, options and what AWS would refuse. Where a test
// needs the value a setting gives, it takes it from the config it passed (settings), never
// from a copy of a default; the snapshots (snapshot_test.go) pin every registered input.

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
	for _, r := range m.byType(typ) {
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

	vpc := m.one(t, string(standin.TypeVpc), "vpc")
	equal(t, "vpc cidrBlock", str(t, vpc.Inputs, "cidrBlock"), cfg["vpcCidr"])
	equal(t, "vpc enableDnsSupport", get(t, vpc.Inputs, "enableDnsSupport"), any(true))
	equal(t, "vpc enableDnsHostnames", get(t, vpc.Inputs, "enableDnsHostnames"), any(true))
	equal(t, "vpc assignGeneratedIpv6CidrBlock", get(t, vpc.Inputs, "assignGeneratedIpv6CidrBlock"), any(true))

	// 16 equal blocks of vpcCidr: public subnets in the first half, private ones in the
	// second; the /64s of the VPC's /56 are numbered the same way.
	vpcIPv6 := netip.MustParsePrefix(str(t, vpc.State, "ipv6CidrBlock"))
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
	equal(t, "subnet count", len(m.byType(string(standin.TypeSubnet))), len(want))
	for _, w := range want {
		s := m.one(t, string(standin.TypeSubnet), w.name)
		equal(t, w.name+" vpcId", str(t, s.Inputs, "vpcId"), vpc.ID)
		equal(t, w.name+" availabilityZone", str(t, s.Inputs, "availabilityZone"), w.az)
		equal(t, w.name+" cidrBlock", str(t, s.Inputs, "cidrBlock"), w.ipv4)
		b := vpcIPv6.Addr().As16()
		b[7] = byte(w.block)
		equal(t, w.name+" ipv6CidrBlock", str(t, s.Inputs, "ipv6CidrBlock"), netip.PrefixFrom(netip.AddrFrom16(b), 64).String())
		equal(t, w.name+" assignIpv6AddressOnCreation", get(t, s.Inputs, "assignIpv6AddressOnCreation"), any(true))
		equal(t, w.name+" mapPublicIpOnLaunch", get(t, s.Inputs, "mapPublicIpOnLaunch"), any(false))
	}
}

// Adding an AZ must never move a subnet: a subnet's block cannot change in place, so a
// move would replace the subnet, its NAT gateway, the NLB's mapping and the tasks in it.
func TestAddingAnAZKeepsEverySubnet(t *testing.T) {
	for _, cidr := range []string{"10.0.0.0/16", "10.1.0.0/23"} {
		blocks := map[string]string{} // subnet name → IPv4 and IPv6 blocks, from the smallest azCount that has it
		for az := config.MinAZs; az <= config.MaxAZs; az++ {
			m, _ := mustRunIn(t, largeAccount, map[string]string{"vpcCidr": cidr, "azCount": fmt.Sprint(az)})
			for _, s := range m.byType(string(standin.TypeSubnet)) {
				got := str(t, s.Inputs, "cidrBlock") + " " + str(t, s.Inputs, "ipv6CidrBlock")
				if before, ok := blocks[s.Name]; ok && before != got {
					t.Errorf("vpcCidr %s: %s moves from %s to %s when azCount becomes %d", cidr, s.Name, before, got, az)
				}
				blocks[s.Name] = got
				// Every subnet holds an ALB: /27 or larger, so at least 27 usable addresses.
				if p := netip.MustParsePrefix(str(t, s.Inputs, "cidrBlock")); p.Bits() > 27 {
					t.Errorf("vpcCidr %s, azCount %d: %s is %s, smaller than the /27 an ALB needs", cidr, az, s.Name, p)
				}
			}
		}
		equal(t, "subnets seen for vpcCidr "+cidr, len(blocks), 2*config.MaxAZs)
	}
}

// routesOf returns "destination -> target id" for every route of a route table.
func routesOf(t *testing.T, m *mocks, rtName string) []string {
	t.Helper()
	rtID := m.idOf(t, string(standin.TypeRouteTable), rtName)
	var out []string
	for _, r := range m.byType(string(standin.TypeRoute)) {
		if str(t, r.Inputs, "routeTableId") != rtID {
			continue
		}
		dest := str(t, r.Inputs, "destinationCidrBlock") + str(t, r.Inputs, "destinationIpv6CidrBlock")
		target := str(t, r.Inputs, "gatewayId") + str(t, r.Inputs, "natGatewayId") + str(t, r.Inputs, "egressOnlyGatewayId")
		out = append(out, dest+" -> "+target)
	}
	sort.Strings(out)
	return out
}

// associations maps subnet ids to route table ids.
func associations(t *testing.T, m *mocks) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, a := range m.byType(string(standin.TypeRouteTableAssociation)) {
		out[str(t, a.Inputs, "subnetId")] = str(t, a.Inputs, "routeTableId")
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
			igw, eigw := m.idOf(t, string(standin.TypeInternetGateway), "igw"), m.idOf(t, string(standin.TypeEgressOnlyInternetGateway), "eigw")
			equalSlices(t, "public routes", routesOf(t, m, "public-rt"), []string{"0.0.0.0/0 -> " + igw, "::/0 -> " + igw})
			wantNats := map[string]bool{}
			for _, n := range natFor {
				if n != "" {
					wantNats[n] = true
				}
			}
			equal(t, "NAT gateways", len(m.byType(string(standin.TypeNatGateway))), len(wantNats))
			assoc := associations(t, m)
			for i, nat := range natFor {
				rt := fmt.Sprintf("private-%d-rt", i)
				want := []string{"::/0 -> " + eigw}
				if nat != "" {
					want = append([]string{"0.0.0.0/0 -> " + m.idOf(t, string(standin.TypeNatGateway), nat)}, want...)
					// Each NAT sits in a public subnet and has its own EIP.
					n := m.one(t, string(standin.TypeNatGateway), nat)
					equal(t, nat+" subnet", str(t, n.Inputs, "subnetId"), m.idOf(t, string(standin.TypeSubnet), "public-"+nat[len(nat)-1:]))
					equal(t, nat+" allocationId", str(t, n.Inputs, "allocationId"), m.idOf(t, string(standin.TypeEip), nat+"-eip"))
				}
				equalSlices(t, rt+" routes", routesOf(t, m, rt), want)
				equal(t, fmt.Sprintf("private-%d association", i), assoc[m.idOf(t, string(standin.TypeSubnet), fmt.Sprintf("private-%d", i))], m.idOf(t, string(standin.TypeRouteTable), rt))
				equal(t, fmt.Sprintf("public-%d association", i), assoc[m.idOf(t, string(standin.TypeSubnet), fmt.Sprintf("public-%d", i))], m.idOf(t, string(standin.TypeRouteTable), "public-rt"))
			}
		})
	}
}

func TestVpcEndpointsReplaceNat(t *testing.T) {
	m, _ := mustRun(t, map[string]string{"natGateways": "none", "vpcEndpoints": "true"})
	got := map[string]string{}
	for _, e := range m.byType(string(standin.TypeVpcEndpoint)) {
		got[str(t, e.Inputs, "serviceName")] = str(t, e.Inputs, "vpcEndpointType")
	}
	want := map[string]string{
		"com.amazonaws.us-east-1.ecr.api": "Interface",
		"com.amazonaws.us-east-1.ecr.dkr": "Interface",
		"com.amazonaws.us-east-1.logs":    "Interface",
		"com.amazonaws.us-east-1.s3":      "Gateway",
	}
	equal(t, "endpoints", fmt.Sprint(got), fmt.Sprint(want))
	s3 := m.one(t, string(standin.TypeVpcEndpoint), "endpoint-s3")
	equalSlices(t, "s3 endpoint route tables (every private one)", strs(t, s3.Inputs, "routeTableIds"), perAZ(t, m, string(standin.TypeRouteTable), "private-%d-rt"))
	ecr := m.one(t, string(standin.TypeVpcEndpoint), "endpoint-ecr-dkr")
	equal(t, "ecr.dkr private DNS", get(t, ecr.Inputs, "privateDnsEnabled"), any(true))
	equalSlices(t, "ecr.dkr subnets (every private one)", strs(t, ecr.Inputs, "subnetIds"), perAZ(t, m, string(standin.TypeSubnet), "private-%d"))
}

func TestNlbHasOneElasticIPPerAZViaSubnetMappings(t *testing.T) {
	m, out := mustRunIn(t, largeAccount, map[string]string{"azCount": "3"})

	nlb := m.one(t, string(standin.TypeLoadBalancer), "nlb")
	equal(t, "nlb type", str(t, nlb.Inputs, "loadBalancerType"), "network")
	equal(t, "nlb internal", get(t, nlb.Inputs, "internal"), any(false))
	equal(t, "nlb ipAddressType", str(t, nlb.Inputs, "ipAddressType"), "dualstack")
	equal(t, "nlb cross-zone", get(t, nlb.Inputs, "enableCrossZoneLoadBalancing"), any(false))
	equal(t, "nlb subnets (must be unset: mappings carry the EIPs)", get(t, nlb.Inputs, "subnets"), nil)
	equalSlices(t, "nlb securityGroups", strs(t, nlb.Inputs, "securityGroups"), []string{m.idOf(t, string(standin.TypeSecurityGroup), "nlb-sg")})

	mappings, _ := get(t, nlb.Inputs, "subnetMappings").([]any)
	equal(t, "subnet mappings", len(mappings), 3)
	var wantIPs []string
	for i := range 3 {
		eip := m.one(t, string(standin.TypeEip), fmt.Sprintf("nlb-eip-%d", i))
		equal(t, "eip domain", str(t, eip.Inputs, "domain"), "vpc")
		equal(t, fmt.Sprintf("mapping %d subnetId", i), str(t, mappings, i, "subnetId"), m.idOf(t, string(standin.TypeSubnet), fmt.Sprintf("public-%d", i)))
		equal(t, fmt.Sprintf("mapping %d allocationId", i), str(t, mappings, i, "allocationId"), str(t, eip.State, "allocationId"))
		wantIPs = append(wantIPs, str(t, eip.State, "publicIp"))
	}
	gotIPs := await(t, out.StaticIPs).([]string)
	equal(t, "staticIps", fmt.Sprint(gotIPs), fmt.Sprint(wantIPs))
}

func TestNlbForwardsTCPToTheAlbThroughAnAlbTargetGroup(t *testing.T) {
	m, _ := mustRun(t, nil)
	alb := m.one(t, string(standin.TypeLoadBalancer), "alb")
	albListener := m.one(t, string(standin.TypeListener), "alb-http-listener")
	tg := m.one(t, string(standin.TypeTargetGroup), "nlb-alb-tg")

	equal(t, "target group targetType", str(t, tg.Inputs, "targetType"), "alb")
	equal(t, "target group protocol", str(t, tg.Inputs, "protocol"), "TCP")
	equal(t, "target group port = ALB listener port", num(t, tg.Inputs, "port"), num(t, albListener.Inputs, "port"))
	equal(t, "target group vpc", str(t, tg.Inputs, "vpcId"), m.idOf(t, string(standin.TypeVpc), "vpc"))
	equal(t, "health check protocol", str(t, tg.Inputs, "healthCheck", "protocol"), "HTTP")
	equal(t, "health check path", str(t, tg.Inputs, "healthCheck", "path"), "/healthz")
	equal(t, "health check port", str(t, tg.Inputs, "healthCheck", "port"), "traffic-port")

	// The listener is where clients connect: listenerPort, and the port the NLB's
	// security group opens to the internet.
	listener := m.one(t, string(standin.TypeListener), "nlb-tcp-listener")
	equal(t, "nlb listener lb", str(t, listener.Inputs, "loadBalancerArn"), str(t, m.one(t, string(standin.TypeLoadBalancer), "nlb").State, "arn"))
	equal(t, "nlb listener protocol", str(t, listener.Inputs, "protocol"), "TCP")
	port := num(t, listener.Inputs, "port")
	equal(t, "nlb listener port = listenerPort", port, settings(t, nil).Ingress.ListenerPort)
	hasEdge(t, m, fmt.Sprintf("nlb-sg in %d 0.0.0.0/0", port))
	hasEdge(t, m, fmt.Sprintf("nlb-sg in %d ::/0", port))
	equal(t, "nlb listener action", str(t, listener.Inputs, "defaultActions", 0, "type"), "forward")
	equal(t, "nlb listener target", str(t, listener.Inputs, "defaultActions", 0, "targetGroupArn"), tg.ID)

	att := m.one(t, string(standin.TypeTargetGroupAttachment), "nlb-alb-attachment")
	equal(t, "attachment target group", str(t, att.Inputs, "targetGroupArn"), tg.ID)
	equal(t, "attachment targetId = ALB ARN", str(t, att.Inputs, "targetId"), str(t, alb.State, "arn"))
	equal(t, "attachment port", num(t, att.Inputs, "port"), num(t, tg.Inputs, "port"))
	if !slices.Contains(att.Dependencies, urn(string(standin.TypeListener), "alb-http-listener")) {
		t.Errorf("attachment must depend on the ALB listener (AWS refuses an ALB without one); dependencies: %v", att.Dependencies)
	}
}

func TestAlbIsInternalWithFixedResponseDefault(t *testing.T) {
	m, _ := mustRun(t, nil)
	alb := m.one(t, string(standin.TypeLoadBalancer), "alb")
	equal(t, "alb type", str(t, alb.Inputs, "loadBalancerType"), "application")
	equal(t, "alb internal", get(t, alb.Inputs, "internal"), any(true))
	equal(t, "alb dropInvalidHeaderFields", get(t, alb.Inputs, "dropInvalidHeaderFields"), any(true))
	equalSlices(t, "alb subnets (every private one)", strs(t, alb.Inputs, "subnets"), perAZ(t, m, string(standin.TypeSubnet), "private-%d"))
	equalSlices(t, "alb securityGroups", strs(t, alb.Inputs, "securityGroups"), []string{m.idOf(t, string(standin.TypeSecurityGroup), "alb-sg")})

	l := m.one(t, string(standin.TypeListener), "alb-http-listener")
	equal(t, "alb listener lb", str(t, l.Inputs, "loadBalancerArn"), str(t, alb.State, "arn"))
	equal(t, "alb listener protocol", str(t, l.Inputs, "protocol"), "HTTP")
	// The listener's port is albListenerPort, and the port the ALB's group opens to the NLB.
	equal(t, "alb listener port = albListenerPort", num(t, l.Inputs, "port"), settings(t, nil).Ingress.AlbListenerPort)
	hasEdge(t, m, fmt.Sprintf("alb-sg in %d nlb-sg", num(t, l.Inputs, "port")))
	a := get(t, l.Inputs, "defaultActions", 0)
	equal(t, "default action", str(t, a, "type"), "fixed-response")
	equal(t, "fixed status", str(t, a, "fixedResponse", "statusCode"), "200")
	equal(t, "fixed content type", str(t, a, "fixedResponse", "contentType"), "text/plain")
	equal(t, "fixed body", str(t, a, "fixedResponse", "messageBody"), "OK")
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

	tg := m.one(t, string(standin.TypeTargetGroup), "web-tg")
	equal(t, "targetType", str(t, tg.Inputs, "targetType"), "ip")
	equal(t, "protocol", str(t, tg.Inputs, "protocol"), "HTTP")
	// The ALB sends to the address and port of each task: the container's port.
	container := containerDefs(t, m.one(t, string(standin.TypeEcsTaskDefinition), "web-task"))[0]
	equal(t, "port = the container's containerPort", num(t, tg.Inputs, "port"), num(t, container, "portMappings", 0, "containerPort"))
	equal(t, "port = containerPort", num(t, tg.Inputs, "port"), svc.ContainerPort)
	equal(t, "health path = healthCheckPath", str(t, tg.Inputs, "healthCheck", "path"), svc.HealthCheckPath)
	interval, timeout := num(t, tg.Inputs, "healthCheck", "interval"), num(t, tg.Inputs, "healthCheck", "timeout")
	equal(t, "health interval = healthCheckInterval", interval, svc.HealthCheckInterval)
	equal(t, "health timeout = healthCheckTimeout", timeout, svc.HealthCheckTimeout)
	if timeout >= interval {
		t.Errorf("health check timeout %d is not below its interval %d: ELB refuses the target group", timeout, interval)
	}
	equal(t, "deregistrationDelay (on the ip group, where it has an effect)", num(t, tg.Inputs, "deregistrationDelay"), svc.DeregistrationDelay)

	listenerArn := m.one(t, string(standin.TypeListener), "alb-http-listener").ID
	rule := m.one(t, string(standin.TypeListenerRule), "web-rule")
	equal(t, "rule listener", str(t, rule.Inputs, "listenerArn"), listenerArn)
	equal(t, "rule priority = priority", num(t, rule.Inputs, "priority"), svc.Priority)
	equalSlices(t, "rule path pattern = pathPatterns", strs(t, rule.Inputs, "conditions", 0, "pathPattern", "values"), svc.PathPatterns)
	equal(t, "rule action", str(t, rule.Inputs, "actions", 0, "type"), "forward")
	equal(t, "rule target", str(t, rule.Inputs, "actions", 0, "targetGroupArn"), tg.ID)

	// The NLB's probe of /healthz must reach a task, not the ALB's fixed 200.
	health := m.one(t, string(standin.TypeListenerRule), "nlb-health-rule")
	equal(t, "health rule listener", str(t, health.Inputs, "listenerArn"), listenerArn)
	equalSlices(t, "health rule path", strs(t, health.Inputs, "conditions", 0, "pathPattern", "values"),
		[]string{str(t, m.one(t, string(standin.TypeTargetGroup), "nlb-alb-tg").Inputs, "healthCheck", "path")})
	equal(t, "health rule target", str(t, health.Inputs, "actions", 0, "targetGroupArn"), tg.ID)
	equal(t, "health rule priority = nlbHealthCheckRulePriority", num(t, health.Inputs, "priority"), c.Ingress.NlbHealthCheckRulePriority)

	// ELB refuses a second rule with a priority already in use on the listener.
	byPriority := map[int]string{}
	for _, r := range m.byType(string(standin.TypeListenerRule)) {
		if str(t, r.Inputs, "listenerArn") != listenerArn {
			continue
		}
		p := num(t, r.Inputs, "priority")
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
	td := m.one(t, string(standin.TypeEcsTaskDefinition), "web-task")
	equal(t, "cpu = the service's cpu", str(t, td.Inputs, "cpu"), strconv.Itoa(svc.Cpu))
	equal(t, "memory = the service's memory", str(t, td.Inputs, "memory"), strconv.Itoa(svc.Memory))
	equal(t, "networkMode", str(t, td.Inputs, "networkMode"), "awsvpc")
	equalSlices(t, "requiresCompatibilities", strs(t, td.Inputs, "requiresCompatibilities"), []string{"FARGATE"})
	equal(t, "executionRoleArn", str(t, td.Inputs, "executionRoleArn"), str(t, m.one(t, string(standin.TypeIamRole), "web-exec-role").State, "arn"))
	equal(t, "taskRoleArn", str(t, td.Inputs, "taskRoleArn"), str(t, m.one(t, string(standin.TypeIamRole), "web-task-role").State, "arn"))

	defs := containerDefs(t, td)
	equal(t, "containers", len(defs), 1)
	c := defs[0]
	equal(t, "container name", str(t, c, "name"), "web")
	equal(t, "essential", get(t, c, "essential"), any(true))
	equal(t, "container memory = containerMemory", num(t, c, "memory"), svc.ContainerMemory)
	if taskMemory, _ := strconv.Atoi(str(t, td.Inputs, "memory")); num(t, c, "memory") > taskMemory {
		t.Errorf("container memory %d exceeds the task's %d: ECS refuses the task definition", num(t, c, "memory"), taskMemory)
	}
	// The app listens where it is told (PORT), the port mapping names that port, and the
	// ALB's target group sends there.
	containerPort := num(t, c, "portMappings", 0, "containerPort")
	equal(t, "containerPort = the service's containerPort", containerPort, svc.ContainerPort)
	equal(t, "target group port = containerPort", num(t, m.one(t, string(standin.TypeTargetGroup), "web-tg").Inputs, "port"), containerPort)
	equal(t, "port protocol", str(t, c, "portMappings", 0, "protocol"), "tcp")
	equal(t, "PORT env = containerPort", str(t, c, "environment", 0, "name")+"="+str(t, c, "environment", 0, "value"), "PORT="+strconv.Itoa(containerPort))
	equal(t, "readonlyRootFilesystem", get(t, c, "readonlyRootFilesystem"), any(true))
	equalSlices(t, "health check", strs(t, c, "healthCheck", "command"), []string{"CMD", "/server", "-healthcheck"})

	logs := m.one(t, string(standin.TypeCloudwatchLogGroup), "web-logs")
	equal(t, "log group name", str(t, logs.Inputs, "name"), "/ecs/nlb-alb-fargate/dev/web")
	equal(t, "log retention = logRetentionDays", num(t, logs.Inputs, "retentionInDays"), svc.LogRetentionDays)
	lc := get(t, c, "logConfiguration")
	equal(t, "log driver", str(t, lc, "logDriver"), "awslogs")
	for k, want := range map[string]string{
		"awslogs-group": str(t, logs.Inputs, "name"), "awslogs-region": testRegion,
		"awslogs-stream-prefix": "web", "mode": "non-blocking", "max-buffer-size": "25m",
	} {
		equal(t, "log option "+k, str(t, lc, "options", k), want)
	}

	// The image is built from ./app and pushed to the stack's own ECR repository.
	repo := m.one(t, string(standin.TypeAwsxEcrRepository), "web-repo")
	img := m.one(t, string(standin.TypeAwsxEcrImage), "web-image")
	equal(t, "image is a remote component", img.Remote, true)
	equal(t, "image repositoryUrl", str(t, img.Inputs, "repositoryUrl"), str(t, repo.State, "url"))
	equal(t, "image context = build", str(t, img.Inputs, "context"), svc.Build)
	equal(t, "image dockerfile (the context's)", str(t, img.Inputs, "dockerfile"), filepath.Join(str(t, img.Inputs, "context"), "Dockerfile"))
	// An image built for another architecture than the task's does not start (exec format error).
	arch := str(t, td.Inputs, "runtimePlatform", "cpuArchitecture")
	equal(t, "image platform matches the task's "+arch, str(t, img.Inputs, "platform"), map[string]string{"X86_64": "linux/amd64", "ARM64": "linux/arm64"}[arch])
	equal(t, "container image", str(t, c, "image"), str(t, img.State, "imageUri"))

	exec := m.one(t, string(standin.TypeIamRolePolicyAttachment), "web-exec-policy")
	equal(t, "exec policy role", str(t, exec.Inputs, "role"), str(t, m.one(t, string(standin.TypeIamRole), "web-exec-role").State, "name"))
	equal(t, "exec policy", str(t, exec.Inputs, "policyArn"), "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
	for _, role := range m.byType(string(standin.TypeIamRole)) {
		if !strings.Contains(str(t, role.Inputs, "assumeRolePolicy"), `"Service":"ecs-tasks.amazonaws.com"`) {
			t.Errorf("%s: must be assumable by ECS tasks only: %s", role.Name, str(t, role.Inputs, "assumeRolePolicy"))
		}
	}
}

func TestExistingImageSkipsTheBuild(t *testing.T) {
	const image = "public.ecr.aws/nginx/nginx:1.27"
	m, _ := mustRun(t, map[string]string{"image": image})
	equal(t, "ECR repositories", len(m.byType(string(standin.TypeAwsxEcrRepository))), 0)
	equal(t, "image builds", len(m.byType(string(standin.TypeAwsxEcrImage))), 0)
	c := containerDefs(t, m.one(t, string(standin.TypeEcsTaskDefinition), "web-task"))[0]
	equal(t, "container image", str(t, c, "image"), image)
	// A foreign image has neither our probe binary nor a promise to write no files.
	equal(t, "health check", get(t, c, "healthCheck"), nil)
	equal(t, "readonlyRootFilesystem", get(t, c, "readonlyRootFilesystem"), nil)
}

func TestFargateService(t *testing.T) {
	cfg := map[string]string{"desiredCount": "3", "healthCheckGracePeriod": "90"}
	notDefaults(t, cfg)
	m, _ := mustRun(t, cfg)
	want := settings(t, cfg).Services[0]
	svc := m.one(t, string(standin.TypeEcsService), "web-service")
	equal(t, "cluster", str(t, svc.Inputs, "cluster"), str(t, m.one(t, string(standin.TypeEcsCluster), "cluster").State, "arn"))
	equal(t, "taskDefinition", str(t, svc.Inputs, "taskDefinition"), str(t, m.one(t, string(standin.TypeEcsTaskDefinition), "web-task").State, "arn"))
	equal(t, "desiredCount", num(t, svc.Inputs, "desiredCount"), want.DesiredCount)
	// A strategy, never a launch type: switching between the two replaces the service.
	equal(t, "launchType", get(t, svc.Inputs, "launchType"), nil)
	equal(t, "strategy provider", str(t, svc.Inputs, "capacityProviderStrategies", 0, "capacityProvider"), "FARGATE")
	equal(t, "strategy weight", num(t, svc.Inputs, "capacityProviderStrategies", 0, "weight"), 1)
	equal(t, "forceNewDeployment (a strategy change then updates in place)", get(t, svc.Inputs, "forceNewDeployment"), any(true))
	nc := get(t, svc.Inputs, "networkConfiguration")
	equalSlices(t, "subnets (every private one)", strs(t, nc, "subnets"), perAZ(t, m, string(standin.TypeSubnet), "private-%d"))
	equal(t, "assignPublicIp", get(t, nc, "assignPublicIp"), any(false))
	equalSlices(t, "securityGroups", strs(t, nc, "securityGroups"), []string{m.idOf(t, string(standin.TypeSecurityGroup), "web-sg")})
	equal(t, "lb target group", str(t, svc.Inputs, "loadBalancers", 0, "targetGroupArn"), m.one(t, string(standin.TypeTargetGroup), "web-tg").ID)
	equal(t, "lb container", str(t, svc.Inputs, "loadBalancers", 0, "containerName"), "web")
	// ECS registers each task in the target group on the container's mapped port.
	container := containerDefs(t, m.one(t, string(standin.TypeEcsTaskDefinition), "web-task"))[0]
	equal(t, "lb port = the container's containerPort", num(t, svc.Inputs, "loadBalancers", 0, "containerPort"), num(t, container, "portMappings", 0, "containerPort"))
	equal(t, "lb port = the target group's port", num(t, svc.Inputs, "loadBalancers", 0, "containerPort"), num(t, m.one(t, string(standin.TypeTargetGroup), "web-tg").Inputs, "port"))
	equal(t, "circuit breaker", get(t, svc.Inputs, "deploymentCircuitBreaker", "enable"), any(true))
	equal(t, "rollback", get(t, svc.Inputs, "deploymentCircuitBreaker", "rollback"), any(true))
	equal(t, "grace period = healthCheckGracePeriod", num(t, svc.Inputs, "healthCheckGracePeriodSeconds"), want.HealthCheckGracePeriod)
	equal(t, "min healthy", num(t, svc.Inputs, "deploymentMinimumHealthyPercent"), 50)
	equal(t, "max percent", num(t, svc.Inputs, "deploymentMaximumPercent"), 200)
	if !slices.Contains(svc.Dependencies, urn(string(standin.TypeListenerRule), "web-rule")) {
		t.Errorf("service must depend on its listener rule (ECS refuses an unused target group); dependencies: %v", svc.Dependencies)
	}
}

// edge is one security-group rule in readable form: "dir group port peer".
func sgEdges(t *testing.T, m *mocks) []string {
	t.Helper()
	names := map[string]string{}
	for _, sg := range m.byType(string(standin.TypeSecurityGroup)) {
		names[sg.ID] = sg.Name
	}
	var out []string
	for typ, dir := range map[string]string{string(standin.TypeSecurityGroupIngressRule): "in", string(standin.TypeSecurityGroupEgressRule): "out"} {
		for _, r := range m.byType(typ) {
			from, to := num(t, r.Inputs, "fromPort"), num(t, r.Inputs, "toPort")
			if from != to || str(t, r.Inputs, "ipProtocol") != "tcp" {
				t.Errorf("%s: want one TCP port, got %s %d-%d", r.Name, str(t, r.Inputs, "ipProtocol"), from, to)
			}
			peer := str(t, r.Inputs, "cidrIpv4") + str(t, r.Inputs, "cidrIpv6")
			if ref := str(t, r.Inputs, "referencedSecurityGroupId"); ref != "" {
				peer = names[ref]
			}
			out = append(out, fmt.Sprintf("%s %s %d %s", names[str(t, r.Inputs, "securityGroupId")], dir, from, peer))
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
	equalSlices(t, "security group rules", sgEdges(t, m), want)
	for _, sg := range m.byType(string(standin.TypeSecurityGroup)) {
		if get(t, sg.Inputs, "ingress") != nil || get(t, sg.Inputs, "egress") != nil {
			t.Errorf("%s: inline rules would fight the separate rule resources", sg.Name)
		}
	}
}

func TestCustomPortsFlowThroughTheChain(t *testing.T) {
	cfg := map[string]string{"listenerPort": "8443", "albListenerPort": "8000", "albTargetGroupPort": "8000", "containerPort": "9000"}
	notDefaults(t, cfg)
	m, out := mustRun(t, cfg)
	equal(t, "nlb listener port", num(t, m.one(t, string(standin.TypeListener), "nlb-tcp-listener").Inputs, "port"), 8443)
	equal(t, "alb listener port", num(t, m.one(t, string(standin.TypeListener), "alb-http-listener").Inputs, "port"), 8000)
	equal(t, "alb target group port", num(t, m.one(t, string(standin.TypeTargetGroup), "nlb-alb-tg").Inputs, "port"), 8000)
	equal(t, "attachment port", num(t, m.one(t, string(standin.TypeTargetGroupAttachment), "nlb-alb-attachment").Inputs, "port"), 8000)
	equalSlices(t, "security group rules", sgEdges(t, m), []string{
		"alb-sg in 8000 nlb-sg", "alb-sg out 9000 web-sg",
		"nlb-sg in 8443 0.0.0.0/0", "nlb-sg in 8443 ::/0", "nlb-sg out 8000 alb-sg",
		"web-sg in 9000 alb-sg", "web-sg out 443 0.0.0.0/0", "web-sg out 443 ::/0",
	})
	dns := await(t, out.DNS).(string)
	equal(t, "url", await(t, out.URL).(string), "http://"+dns+":8443/")
}

func TestOutputs(t *testing.T) {
	m, out := mustRun(t, nil)
	nlbDNS := str(t, m.one(t, string(standin.TypeLoadBalancer), "nlb").State, "dnsName")
	if !strings.HasSuffix(nlbDNS, ".elb.us-east-1.amazonaws.com") {
		t.Fatalf("mock NLB DNS name looks wrong: %s", nlbDNS)
	}
	equal(t, "dns", await(t, out.DNS).(string), nlbDNS)
	equal(t, "url (the NLB listener's port)", await(t, out.URL).(string), wantURL("http", nlbDNS, num(t, m.one(t, string(standin.TypeListener), "nlb-tcp-listener").Inputs, "port")))
	equal(t, "albDns", await(t, out.AlbDNS).(string), str(t, m.one(t, string(standin.TypeLoadBalancer), "alb").State, "dnsName"))
	equal(t, "clusterName", await(t, out.ClusterName).(string), str(t, m.one(t, string(standin.TypeEcsCluster), "cluster").State, "name"))
	equal(t, "serviceName", await(t, out.ServiceName).(string), str(t, m.one(t, string(standin.TypeEcsService), "web-service").State, "name"))
	equal(t, "logGroup", await(t, out.LogGroup).(string), str(t, m.one(t, string(standin.TypeCloudwatchLogGroup), "web-logs").Inputs, "name"))
	equal(t, "staticIps (one per AZ)", len(await(t, out.StaticIPs).([]string)), settings(t, nil).Network.AzCount)
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
	equalSlices(t, "preview resources", names(preview), names(up))
}
