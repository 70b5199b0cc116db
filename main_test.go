package main

import (
	"fmt"
	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/standin"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"testing"
)

func TestNetworkIsDualStackWithSubnetsPerAZ(t *testing.T) {
	m, _ := mustRun(t, nil)

	vpc := m.one(t, string(standin.TypeVpc), "vpc")
	equal(t, "vpc cidrBlock", str(t, vpc.Inputs, "cidrBlock"), "10.0.0.0/16")
	equal(t, "vpc enableDnsSupport", get(t, vpc.Inputs, "enableDnsSupport"), any(true))
	equal(t, "vpc enableDnsHostnames", get(t, vpc.Inputs, "enableDnsHostnames"), any(true))
	equal(t, "vpc assignGeneratedIpv6CidrBlock", get(t, vpc.Inputs, "assignGeneratedIpv6CidrBlock"), any(true))

	// 16 equal blocks: public subnets in the first half, private ones in the second; the
	// /64s of the VPC's /56 are numbered the same way.
	vpcIPv6 := netip.MustParsePrefix(str(t, vpc.State, "ipv6CidrBlock"))
	want := []struct {
		name, az, ipv4 string
		block          int
	}{
		{"public-0", "us-east-1a", "10.0.0.0/20", 0},
		{"public-1", "us-east-1b", "10.0.16.0/20", 1},
		{"private-0", "us-east-1a", "10.0.128.0/20", 8},
		{"private-1", "us-east-1b", "10.0.144.0/20", 9},
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
			cfg := map[string]string{"natGateways": mode}
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
	equalSlices(t, "s3 endpoint route tables", strs(t, s3.Inputs, "routeTableIds"),
		[]string{m.idOf(t, string(standin.TypeRouteTable), "private-0-rt"), m.idOf(t, string(standin.TypeRouteTable), "private-1-rt")})
	ecr := m.one(t, string(standin.TypeVpcEndpoint), "endpoint-ecr-dkr")
	equal(t, "ecr.dkr private DNS", get(t, ecr.Inputs, "privateDnsEnabled"), any(true))
	equalSlices(t, "ecr.dkr subnets", strs(t, ecr.Inputs, "subnetIds"),
		[]string{m.idOf(t, string(standin.TypeSubnet), "private-0"), m.idOf(t, string(standin.TypeSubnet), "private-1")})
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

	listener := m.one(t, string(standin.TypeListener), "nlb-tcp-listener")
	equal(t, "nlb listener lb", str(t, listener.Inputs, "loadBalancerArn"), str(t, m.one(t, string(standin.TypeLoadBalancer), "nlb").State, "arn"))
	equal(t, "nlb listener protocol", str(t, listener.Inputs, "protocol"), "TCP")
	equal(t, "nlb listener port", num(t, listener.Inputs, "port"), 80)
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
	equalSlices(t, "alb subnets", strs(t, alb.Inputs, "subnets"), []string{m.idOf(t, string(standin.TypeSubnet), "private-0"), m.idOf(t, string(standin.TypeSubnet), "private-1")})
	equalSlices(t, "alb securityGroups", strs(t, alb.Inputs, "securityGroups"), []string{m.idOf(t, string(standin.TypeSecurityGroup), "alb-sg")})

	l := m.one(t, string(standin.TypeListener), "alb-http-listener")
	equal(t, "alb listener lb", str(t, l.Inputs, "loadBalancerArn"), str(t, alb.State, "arn"))
	equal(t, "alb listener protocol", str(t, l.Inputs, "protocol"), "HTTP")
	equal(t, "alb listener port", num(t, l.Inputs, "port"), 80)
	a := get(t, l.Inputs, "defaultActions", 0)
	equal(t, "default action", str(t, a, "type"), "fixed-response")
	equal(t, "fixed status", str(t, a, "fixedResponse", "statusCode"), "200")
	equal(t, "fixed content type", str(t, a, "fixedResponse", "contentType"), "text/plain")
	equal(t, "fixed body", str(t, a, "fixedResponse", "messageBody"), "OK")
}

func TestServiceRoutingAndHealthChecks(t *testing.T) {
	m, _ := mustRun(t, nil)
	tg := m.one(t, string(standin.TypeTargetGroup), "web-tg")
	equal(t, "targetType", str(t, tg.Inputs, "targetType"), "ip")
	equal(t, "protocol", str(t, tg.Inputs, "protocol"), "HTTP")
	equal(t, "port", num(t, tg.Inputs, "port"), 8080)
	equal(t, "health path", str(t, tg.Inputs, "healthCheck", "path"), "/")
	equal(t, "health interval", num(t, tg.Inputs, "healthCheck", "interval"), 10)
	equal(t, "health timeout", num(t, tg.Inputs, "healthCheck", "timeout"), 5)
	equal(t, "deregistrationDelay", num(t, tg.Inputs, "deregistrationDelay"), 10)

	listenerArn := m.one(t, string(standin.TypeListener), "alb-http-listener").ID
	rule := m.one(t, string(standin.TypeListenerRule), "web-rule")
	equal(t, "rule listener", str(t, rule.Inputs, "listenerArn"), listenerArn)
	equal(t, "rule priority", num(t, rule.Inputs, "priority"), 1)
	equalSlices(t, "rule path pattern", strs(t, rule.Inputs, "conditions", 0, "pathPattern", "values"), []string{"*"})
	equal(t, "rule action", str(t, rule.Inputs, "actions", 0, "type"), "forward")
	equal(t, "rule target", str(t, rule.Inputs, "actions", 0, "targetGroupArn"), tg.ID)

	// The NLB's probe of /healthz must reach a task, not the ALB's fixed 200.
	health := m.one(t, string(standin.TypeListenerRule), "nlb-health-rule")
	equal(t, "health rule listener", str(t, health.Inputs, "listenerArn"), listenerArn)
	equalSlices(t, "health rule path", strs(t, health.Inputs, "conditions", 0, "pathPattern", "values"),
		[]string{str(t, m.one(t, string(standin.TypeTargetGroup), "nlb-alb-tg").Inputs, "healthCheck", "path")})
	equal(t, "health rule target", str(t, health.Inputs, "actions", 0, "targetGroupArn"), tg.ID)
	equal(t, "health rule priority", num(t, health.Inputs, "priority"), 50000)
}

func TestTaskDefinition(t *testing.T) {
	m, _ := mustRun(t, nil)
	td := m.one(t, string(standin.TypeEcsTaskDefinition), "web-task")
	equal(t, "cpu", str(t, td.Inputs, "cpu"), "256")
	equal(t, "memory", str(t, td.Inputs, "memory"), "512")
	equal(t, "networkMode", str(t, td.Inputs, "networkMode"), "awsvpc")
	equalSlices(t, "requiresCompatibilities", strs(t, td.Inputs, "requiresCompatibilities"), []string{"FARGATE"})
	equal(t, "executionRoleArn", str(t, td.Inputs, "executionRoleArn"), str(t, m.one(t, string(standin.TypeIamRole), "web-exec-role").State, "arn"))
	equal(t, "taskRoleArn", str(t, td.Inputs, "taskRoleArn"), str(t, m.one(t, string(standin.TypeIamRole), "web-task-role").State, "arn"))

	defs := containerDefs(t, td)
	equal(t, "containers", len(defs), 1)
	c := defs[0]
	equal(t, "container name", str(t, c, "name"), "web")
	equal(t, "essential", get(t, c, "essential"), any(true))
	equal(t, "container memory", num(t, c, "memory"), 256)
	equal(t, "containerPort", num(t, c, "portMappings", 0, "containerPort"), 8080)
	equal(t, "port protocol", str(t, c, "portMappings", 0, "protocol"), "tcp")
	equal(t, "PORT env", str(t, c, "environment", 0, "name")+"="+str(t, c, "environment", 0, "value"), "PORT=8080")
	equal(t, "readonlyRootFilesystem", get(t, c, "readonlyRootFilesystem"), any(true))
	equalSlices(t, "health check", strs(t, c, "healthCheck", "command"), []string{"CMD", "/server", "-healthcheck"})

	logs := m.one(t, string(standin.TypeCloudwatchLogGroup), "web-logs")
	equal(t, "log group name", str(t, logs.Inputs, "name"), "/ecs/nlb-alb-fargate/dev/web")
	equal(t, "log retention", num(t, logs.Inputs, "retentionInDays"), 30)
	lc := get(t, c, "logConfiguration")
	equal(t, "log driver", str(t, lc, "logDriver"), "awslogs")
	for k, want := range map[string]string{
		"awslogs-group": "/ecs/nlb-alb-fargate/dev/web", "awslogs-region": testRegion,
		"awslogs-stream-prefix": "web", "mode": "non-blocking", "max-buffer-size": "25m",
	} {
		equal(t, "log option "+k, str(t, lc, "options", k), want)
	}

	// The image is built from ./app and pushed to the stack's own ECR repository.
	repo := m.one(t, string(standin.TypeAwsxEcrRepository), "web-repo")
	img := m.one(t, string(standin.TypeAwsxEcrImage), "web-image")
	equal(t, "image is a remote component", img.Remote, true)
	equal(t, "image repositoryUrl", str(t, img.Inputs, "repositoryUrl"), str(t, repo.State, "url"))
	equal(t, "image context", str(t, img.Inputs, "context"), "./app")
	equal(t, "image dockerfile", str(t, img.Inputs, "dockerfile"), "app/Dockerfile")
	equal(t, "image platform", str(t, img.Inputs, "platform"), "linux/amd64")
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
	m, _ := mustRun(t, nil)
	svc := m.one(t, string(standin.TypeEcsService), "web-service")
	equal(t, "cluster", str(t, svc.Inputs, "cluster"), str(t, m.one(t, string(standin.TypeEcsCluster), "cluster").State, "arn"))
	equal(t, "taskDefinition", str(t, svc.Inputs, "taskDefinition"), str(t, m.one(t, string(standin.TypeEcsTaskDefinition), "web-task").State, "arn"))
	equal(t, "desiredCount", num(t, svc.Inputs, "desiredCount"), 2)
	// A strategy, never a launch type: switching between the two replaces the service.
	equal(t, "launchType", get(t, svc.Inputs, "launchType"), nil)
	equal(t, "strategy provider", str(t, svc.Inputs, "capacityProviderStrategies", 0, "capacityProvider"), "FARGATE")
	equal(t, "strategy weight", num(t, svc.Inputs, "capacityProviderStrategies", 0, "weight"), 1)
	equal(t, "forceNewDeployment (a strategy change then updates in place)", get(t, svc.Inputs, "forceNewDeployment"), any(true))
	nc := get(t, svc.Inputs, "networkConfiguration")
	equalSlices(t, "subnets", strs(t, nc, "subnets"), []string{m.idOf(t, string(standin.TypeSubnet), "private-0"), m.idOf(t, string(standin.TypeSubnet), "private-1")})
	equal(t, "assignPublicIp", get(t, nc, "assignPublicIp"), any(false))
	equalSlices(t, "securityGroups", strs(t, nc, "securityGroups"), []string{m.idOf(t, string(standin.TypeSecurityGroup), "web-sg")})
	equal(t, "lb target group", str(t, svc.Inputs, "loadBalancers", 0, "targetGroupArn"), m.one(t, string(standin.TypeTargetGroup), "web-tg").ID)
	equal(t, "lb container", str(t, svc.Inputs, "loadBalancers", 0, "containerName"), "web")
	equal(t, "lb port", num(t, svc.Inputs, "loadBalancers", 0, "containerPort"), 8080)
	equal(t, "circuit breaker", get(t, svc.Inputs, "deploymentCircuitBreaker", "enable"), any(true))
	equal(t, "rollback", get(t, svc.Inputs, "deploymentCircuitBreaker", "rollback"), any(true))
	equal(t, "grace period", num(t, svc.Inputs, "healthCheckGracePeriodSeconds"), 60)
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
	// internet → NLB :80 → ALB :80 → tasks :8080, and tasks out on 443 only.
	equalSlices(t, "security group rules", sgEdges(t, m), []string{
		"alb-sg in 80 nlb-sg",
		"alb-sg out 8080 web-sg",
		"nlb-sg in 80 0.0.0.0/0",
		"nlb-sg in 80 ::/0",
		"nlb-sg out 80 alb-sg",
		"web-sg in 8080 alb-sg",
		"web-sg out 443 0.0.0.0/0",
		"web-sg out 443 ::/0",
	})
	for _, sg := range m.byType(string(standin.TypeSecurityGroup)) {
		if get(t, sg.Inputs, "ingress") != nil || get(t, sg.Inputs, "egress") != nil {
			t.Errorf("%s: inline rules would fight the separate rule resources", sg.Name)
		}
	}
}

func TestCustomPortsFlowThroughTheChain(t *testing.T) {
	m, out := mustRun(t, map[string]string{"listenerPort": "8443", "albListenerPort": "8000", "albTargetGroupPort": "8000", "containerPort": "9000"})
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
	equal(t, "url", await(t, out.URL).(string), "http://"+nlbDNS+"/")
	equal(t, "albDns", await(t, out.AlbDNS).(string), str(t, m.one(t, string(standin.TypeLoadBalancer), "alb").State, "dnsName"))
	equal(t, "clusterName", await(t, out.ClusterName).(string), str(t, m.one(t, string(standin.TypeEcsCluster), "cluster").State, "name"))
	equal(t, "serviceName", await(t, out.ServiceName).(string), str(t, m.one(t, string(standin.TypeEcsService), "web-service").State, "name"))
	equal(t, "logGroup", await(t, out.LogGroup).(string), "/ecs/nlb-alb-fargate/dev/web")
	equal(t, "staticIps", len(await(t, out.StaticIPs).([]string)), 2)
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
