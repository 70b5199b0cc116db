package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/standin"
)

// stackSummary is every registered resource with its inputs, sorted: two stacks with the
// same summary would get the same plan.
func stackSummary(m *mocks) []string {
	var lines []string
	for _, r := range m.Resources() {
		lines = append(lines, fmt.Sprintf("%s %s %v", r.Type, r.Name, r.Inputs))
	}
	sort.Strings(lines)
	return lines
}

// Users without `services` keep exactly the single-service stack; a one-entry list that
// names "web" is the same stack too.
func TestSingleServiceDefaultIsUnchanged(t *testing.T) {
	plain, _ := mustRun(t, map[string]string{"desiredCount": "3"})
	listed, _ := mustRun(t, map[string]string{"desiredCount": "3", "services": `[{"name":"web"}]`})
	emptyList, _ := mustRun(t, map[string]string{"desiredCount": "3", "services": `[]`})
	equalSlices(t, "services: [{name: web}]", stackSummary(listed), stackSummary(plain))
	equalSlices(t, "services: []", stackSummary(emptyList), stackSummary(plain))
	for _, typ := range []string{string(standin.TypeIamRolePolicy), string(standin.TypeAppautoscalingTarget), string(standin.TypeAppautoscalingPolicy)} {
		equal(t, typ+" in the default stack", len(plain.byType(typ)), 0)
	}
	equal(t, "capacity providers in the default stack", len(plain.byType(string(standin.TypeEcsClusterCapacityProviders))), 1)
}

func TestThreeServicesExample(t *testing.T) {
	cfg := loadStackFiles(t, "examples/services.yaml")
	m, out, err := runRaw(t, cfg, false)
	if err != nil {
		t.Fatalf("examples/services.yaml: %v", err)
	}
	c := settingsOf(t, cfg)
	services := map[string]config.Service{}
	for _, s := range c.Services {
		services[s.Name] = s
	}
	web, users, api := services["web"], services["users"], services["api"]
	publicListener := m.one(t, string(standin.TypeListener), "alb-http-listener")

	// Public services: a rule each on the public listener, with the entry's priority and paths.
	for _, svc := range []config.Service{web, users} {
		name := svc.Name
		rule := m.one(t, string(standin.TypeListenerRule), name+"-rule")
		equal(t, name+" rule listener", str(t, rule.Inputs, "listenerArn"), publicListener.ID)
		equal(t, name+" rule priority", num(t, rule.Inputs, "priority"), svc.Priority)
		equalSlices(t, name+" rule paths", strs(t, rule.Inputs, "conditions", 0, "pathPattern", "values"), svc.PathPatterns)
		equal(t, name+" rule target", str(t, rule.Inputs, "actions", 0, "targetGroupArn"), m.one(t, string(standin.TypeTargetGroup), name+"-tg").ID)
	}
	// The internal service: no rule on the public listener, a listener of its own.
	for _, r := range m.byType(string(standin.TypeListenerRule)) {
		if r.Name == "api-rule" {
			t.Errorf("internal service api must not have a rule on the NLB-facing listener")
		}
	}
	apiListener := m.one(t, string(standin.TypeListener), "api-internal-listener")
	equal(t, "api listener lb", str(t, apiListener.Inputs, "loadBalancerArn"), str(t, m.one(t, string(standin.TypeLoadBalancer), "alb").State, "arn"))
	equal(t, "api listener port = internalPort", num(t, apiListener.Inputs, "port"), api.InternalPort)
	equal(t, "api listener target", str(t, apiListener.Inputs, "defaultActions", 0, "targetGroupArn"), m.one(t, string(standin.TypeTargetGroup), "api-tg").ID)
	// The NLB forwards to the public listener only, never to the internal one.
	nlbTargetPort := num(t, m.one(t, string(standin.TypeTargetGroup), "nlb-alb-tg").Inputs, "port")
	equal(t, "NLB target group port = the public listener's", nlbTargetPort, num(t, publicListener.Inputs, "port"))
	if nlbTargetPort == num(t, apiListener.Inputs, "port") {
		t.Errorf("the NLB's target group is on the internal listener's port %d", nlbTargetPort)
	}
	if n := len(m.byType(string(standin.TypeListener))); n != 3 {
		t.Errorf("listeners: got %d, want 3 (NLB TCP, ALB public, api internal)", n)
	}

	// The NLB's probe goes to the first public service.
	equal(t, "health rule target", str(t, m.one(t, string(standin.TypeListenerRule), "nlb-health-rule").Inputs, "actions", 0, "targetGroupArn"), m.one(t, string(standin.TypeTargetGroup), "web-tg").ID)

	// The public chain as for one service; the internal listener open to the VPC only;
	// each service reachable from the ALB on its container port; the public services may
	// call api through the ALB, and every service has HTTPS out.
	want := []string{
		fmt.Sprintf("alb-sg in %d nlb-sg", c.Ingress.AlbListenerPort),
		fmt.Sprintf("alb-sg in %d %s", api.InternalPort, c.Network.VpcCidr),
		fmt.Sprintf("nlb-sg in %d 0.0.0.0/0", c.Ingress.ListenerPort),
		fmt.Sprintf("nlb-sg in %d ::/0", c.Ingress.ListenerPort),
		fmt.Sprintf("nlb-sg out %d alb-sg", c.Ingress.AlbListenerPort),
	}
	for _, svc := range []config.Service{web, users, api} {
		want = append(want,
			fmt.Sprintf("alb-sg out %d %s-sg", svc.ContainerPort, svc.Name),
			fmt.Sprintf("%s-sg in %d alb-sg", svc.Name, svc.ContainerPort),
			svc.Name+"-sg out 443 0.0.0.0/0", svc.Name+"-sg out 443 ::/0")
		if !svc.Internal {
			want = append(want, fmt.Sprintf("%s-sg out %d alb-sg", svc.Name, api.InternalPort))
		}
	}
	sort.Strings(want)
	equalSlices(t, "security group rules", sgEdges(t, m), want)

	// Each service has its own task definition, log group, image and cluster membership.
	albDNS := str(t, m.one(t, string(standin.TypeLoadBalancer), "alb").State, "dnsName")
	apiURL := fmt.Sprintf("http://%s:%d", albDNS, api.InternalPort)
	for _, name := range []string{"web", "users", "api"} {
		svc := m.one(t, string(standin.TypeEcsService), name+"-service")
		equal(t, name+" cluster", str(t, svc.Inputs, "cluster"), str(t, m.one(t, string(standin.TypeEcsCluster), "cluster").State, "arn"))
		equal(t, name+" log group", str(t, m.one(t, string(standin.TypeCloudwatchLogGroup), name+"-logs").Inputs, "name"), "/ecs/nlb-alb-fargate/"+testStack+"/"+name)
		c := containerDefs(t, m.one(t, string(standin.TypeEcsTaskDefinition), name+"-task"))[0]
		equal(t, name+" container", str(t, c, "name"), name)
		m.one(t, string(standin.TypeAwsxEcrImage), name+"-image")
		env := map[string]string{}
		for i := range get(t, c, "environment").([]any) {
			env[str(t, c, "environment", i, "name")] = str(t, c, "environment", i, "value")
		}
		if name != "api" {
			equal(t, name+" API_URL", env["API_URL"], apiURL)
		} else if _, ok := env["API_URL"]; ok {
			t.Errorf("api must not get its own API_URL")
		}
	}
	equal(t, "clusters", len(m.byType(string(standin.TypeEcsCluster))), 1)
	equal(t, "ALBs", len(m.byType(string(standin.TypeLoadBalancer))), 2)
	urls := await(t, out.InternalURLs.ToStringMapOutput()).(map[string]string)
	equal(t, "internalUrls", fmt.Sprint(urls), fmt.Sprint(map[string]string{"api": apiURL + "/"}))
	equal(t, "serviceName is the first public service", await(t, out.ServiceName).(string), str(t, m.one(t, string(standin.TypeEcsService), "web-service").State, "name"))
}

func TestCapacityProviders(t *testing.T) {
	m, _, err := runRaw(t, loadStackFiles(t, "examples/services.yaml"), false)
	if err != nil {
		t.Fatal(err)
	}
	cp := m.one(t, string(standin.TypeEcsClusterCapacityProviders), "cluster-capacity-providers")
	equal(t, "cluster", str(t, cp.Inputs, "clusterName"), str(t, m.one(t, string(standin.TypeEcsCluster), "cluster").State, "name"))
	equalSlices(t, "providers", strs(t, cp.Inputs, "capacityProviders"), []string{"FARGATE", "FARGATE_SPOT"})

	strategy := func(svc registered) []string {
		var out []string
		items, _ := get(t, svc.Inputs, "capacityProviderStrategies").([]any)
		for i := range items {
			out = append(out, fmt.Sprintf("%s base=%d weight=%d", str(t, items, i, "capacityProvider"), num(t, items, i, "base"), num(t, items, i, "weight")))
		}
		return out
	}
	web, users, api := m.one(t, string(standin.TypeEcsService), "web-service"), m.one(t, string(standin.TypeEcsService), "users-service"), m.one(t, string(standin.TypeEcsService), "api-service")
	equalSlices(t, "web mixed strategy", strategy(web), []string{"FARGATE base=1 weight=1", "FARGATE_SPOT base=0 weight=3"})
	equalSlices(t, "users spot", strategy(users), []string{"FARGATE_SPOT base=0 weight=1"})
	equalSlices(t, "api on FARGATE", strategy(api), []string{"FARGATE base=0 weight=1"})
	for _, svc := range []registered{web, users, api} {
		equal(t, svc.Name+" launchType (conflicts with a strategy)", get(t, svc.Inputs, "launchType"), nil)
		equal(t, svc.Name+" forceNewDeployment", get(t, svc.Inputs, "forceNewDeployment"), any(true))
		if !slices.Contains(svc.Dependencies, urn(string(standin.TypeEcsClusterCapacityProviders), "cluster-capacity-providers")) {
			t.Errorf("%s must wait for the cluster's capacity providers; dependencies %v", svc.Name, svc.Dependencies)
		}
	}
}

func TestExecuteCommand(t *testing.T) {
	m, _ := mustRun(t, map[string]string{"enableExecuteCommand": "true"})
	equal(t, "service enableExecuteCommand", get(t, m.one(t, string(standin.TypeEcsService), "web-service").Inputs, "enableExecuteCommand"), any(true))
	policy := m.one(t, string(standin.TypeIamRolePolicy), "web-exec-command-policy")
	equal(t, "policy role", str(t, policy.Inputs, "role"), str(t, m.one(t, string(standin.TypeIamRole), "web-task-role").State, "name"))
	for _, action := range []string{"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"} {
		if !strings.Contains(str(t, policy.Inputs, "policy"), action) {
			t.Errorf("task role policy lacks %s", action)
		}
	}
	c := containerDefs(t, m.one(t, string(standin.TypeEcsTaskDefinition), "web-task"))[0]
	equal(t, "readonlyRootFilesystem (the SSM agent writes)", get(t, c, "readonlyRootFilesystem"), nil)
	equal(t, "initProcessEnabled (reaps the agent's children)", get(t, c, "linuxParameters", "initProcessEnabled"), any(true))
	equal(t, "no ssmmessages endpoint without vpcEndpoints", len(m.byType(string(standin.TypeVpcEndpoint))), 0)

	// Without NAT, the SSM agent reaches Systems Manager through an interface endpoint.
	private, _ := mustRun(t, map[string]string{"enableExecuteCommand": "true", "natGateways": "none", "vpcEndpoints": "true"})
	ssm := private.one(t, string(standin.TypeVpcEndpoint), "endpoint-ssmmessages")
	equal(t, "ssmmessages endpoint", str(t, ssm.Inputs, "serviceName"), "com.amazonaws.us-east-1.ssmmessages")
	equal(t, "ssmmessages private DNS", get(t, ssm.Inputs, "privateDnsEnabled"), any(true))
	equalSlices(t, "ssmmessages subnets (every private one)", strs(t, ssm.Inputs, "subnetIds"), perAZ(t, private, string(standin.TypeSubnet), "private-%d"))

	off, _ := mustRun(t, map[string]string{"natGateways": "none", "vpcEndpoints": "true"})
	equal(t, "Exec off by default", get(t, off.one(t, string(standin.TypeEcsService), "web-service").Inputs, "enableExecuteCommand"), any(false))
	equal(t, "no Exec policy by default", len(off.byType(string(standin.TypeIamRolePolicy))), 0)
	equal(t, "no init process by default", get(t, containerDefs(t, off.one(t, string(standin.TypeEcsTaskDefinition), "web-task"))[0], "linuxParameters"), nil)
	for _, e := range off.byType(string(standin.TypeVpcEndpoint)) {
		if e.Name == "endpoint-ssmmessages" {
			t.Errorf("an ssmmessages endpoint without ECS Exec")
		}
	}
}

func TestAutoscaling(t *testing.T) {
	m, _ := mustRun(t, map[string]string{"autoscaling": `{"min":2,"max":8,"cpuTarget":55,"requestsPerTarget":300}`})
	svc := m.one(t, string(standin.TypeEcsService), "web-service")
	target := m.one(t, string(standin.TypeAppautoscalingTarget), "web-scaling-target")
	equal(t, "namespace", str(t, target.Inputs, "serviceNamespace"), "ecs")
	equal(t, "dimension", str(t, target.Inputs, "scalableDimension"), "ecs:service:DesiredCount")
	equal(t, "resource", str(t, target.Inputs, "resourceId"),
		fmt.Sprintf("service/%s/%s", str(t, m.one(t, string(standin.TypeEcsCluster), "cluster").State, "name"), str(t, svc.State, "name")))
	equal(t, "min", num(t, target.Inputs, "minCapacity"), 2)
	equal(t, "max", num(t, target.Inputs, "maxCapacity"), 8)

	cpu := m.one(t, string(standin.TypeAppautoscalingPolicy), "web-cpu-scaling")
	equal(t, "cpu policy type", str(t, cpu.Inputs, "policyType"), "TargetTrackingScaling")
	equal(t, "cpu metric", str(t, cpu.Inputs, "targetTrackingScalingPolicyConfiguration", "predefinedMetricSpecification", "predefinedMetricType"), "ECSServiceAverageCPUUtilization")
	equal(t, "cpu target", num(t, cpu.Inputs, "targetTrackingScalingPolicyConfiguration", "targetValue"), 55)
	req := m.one(t, string(standin.TypeAppautoscalingPolicy), "web-requests-scaling")
	spec := get(t, req.Inputs, "targetTrackingScalingPolicyConfiguration", "predefinedMetricSpecification")
	equal(t, "requests metric", str(t, spec, "predefinedMetricType"), "ALBRequestCountPerTarget")
	equal(t, "requests label", str(t, spec, "resourceLabel"),
		str(t, m.one(t, string(standin.TypeLoadBalancer), "alb").State, "arnSuffix")+"/"+str(t, m.one(t, string(standin.TypeTargetGroup), "web-tg").State, "arnSuffix"))
	equal(t, "requests target", num(t, req.Inputs, "targetTrackingScalingPolicyConfiguration", "targetValue"), 300)
	equal(t, "requests policy resource", str(t, req.Inputs, "resourceId"), str(t, target.Inputs, "resourceId"))
	if !m.ignoresChanges("web-service", "desiredCount") {
		t.Errorf("the service must ignore desiredCount changes so pulumi up does not undo scaling")
	}

	fixed, _ := mustRun(t, nil)
	if fixed.ignoresChanges("web-service", "desiredCount") {
		t.Errorf("without autoscaling, desiredCount must be managed by the stack")
	}
}
