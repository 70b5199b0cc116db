package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/stacktest"
	"github.com/example/nlb-alb-fargate/internal/standin"
)

// stackSummary is every stacktest.Registered resource with its inputs, sorted: two stacks with the
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
	stacktest.EqualSlices(t, "services: [{name: web}]", stackSummary(listed), stackSummary(plain))
	stacktest.EqualSlices(t, "services: []", stackSummary(emptyList), stackSummary(plain))
	for _, typ := range []string{string(standin.TypeIamRolePolicy), string(standin.TypeAppautoscalingTarget), string(standin.TypeAppautoscalingPolicy)} {
		stacktest.Equal(t, typ+" in the default stack", len(plain.ByType(typ)), 0)
	}
	stacktest.Equal(t, "capacity providers in the default stack", len(plain.ByType(string(standin.TypeEcsClusterCapacityProviders))), 1)
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
	publicListener := m.One(t, string(standin.TypeListener), "alb-http-listener")

	// Public services: a rule each on the public listener, with the entry's priority and paths.
	for _, svc := range []config.Service{web, users} {
		name := svc.Name
		rule := m.One(t, string(standin.TypeListenerRule), name+"-rule")
		stacktest.Equal(t, name+" rule listener", stacktest.Str(t, rule.Inputs, "listenerArn"), publicListener.ID)
		stacktest.Equal(t, name+" rule priority", stacktest.Num(t, rule.Inputs, "priority"), svc.Priority)
		stacktest.EqualSlices(t, name+" rule paths", stacktest.Strs(t, rule.Inputs, "conditions", 0, "pathPattern", "values"), svc.PathPatterns)
		stacktest.Equal(t, name+" rule target", stacktest.Str(t, rule.Inputs, "actions", 0, "targetGroupArn"), m.One(t, string(standin.TypeTargetGroup), name+"-tg").ID)
	}
	// The internal service: no rule on the public listener, a listener of its own.
	for _, r := range m.ByType(string(standin.TypeListenerRule)) {
		if r.Name == "api-rule" {
			t.Errorf("internal service api must not have a rule on the NLB-facing listener")
		}
	}
	apiListener := m.One(t, string(standin.TypeListener), "api-internal-listener")
	stacktest.Equal(t, "api listener lb", stacktest.Str(t, apiListener.Inputs, "loadBalancerArn"), stacktest.Str(t, m.One(t, string(standin.TypeLoadBalancer), "alb").State, "arn"))
	stacktest.Equal(t, "api listener port = internalPort", stacktest.Num(t, apiListener.Inputs, "port"), api.InternalPort)
	stacktest.Equal(t, "api listener target", stacktest.Str(t, apiListener.Inputs, "defaultActions", 0, "targetGroupArn"), m.One(t, string(standin.TypeTargetGroup), "api-tg").ID)
	// The NLB forwards to the public listener only, never to the internal one.
	nlbTargetPort := stacktest.Num(t, m.One(t, string(standin.TypeTargetGroup), "nlb-alb-tg").Inputs, "port")
	stacktest.Equal(t, "NLB target group port = the public listener's", nlbTargetPort, stacktest.Num(t, publicListener.Inputs, "port"))
	if nlbTargetPort == stacktest.Num(t, apiListener.Inputs, "port") {
		t.Errorf("the NLB's target group is on the internal listener's port %d", nlbTargetPort)
	}
	if n := len(m.ByType(string(standin.TypeListener))); n != 3 {
		t.Errorf("listeners: got %d, want 3 (NLB TCP, ALB public, api internal)", n)
	}

	// The NLB's probe goes to the first public service.
	stacktest.Equal(t, "health rule target", stacktest.Str(t, m.One(t, string(standin.TypeListenerRule), "nlb-health-rule").Inputs, "actions", 0, "targetGroupArn"), m.One(t, string(standin.TypeTargetGroup), "web-tg").ID)

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
	stacktest.EqualSlices(t, "security group rules", sgEdges(t, m), want)

	// Each service has its own task definition, log group, image and cluster membership.
	albDNS := stacktest.Str(t, m.One(t, string(standin.TypeLoadBalancer), "alb").State, "dnsName")
	apiURL := fmt.Sprintf("http://%s:%d", albDNS, api.InternalPort)
	for _, name := range []string{"web", "users", "api"} {
		svc := m.One(t, string(standin.TypeEcsService), name+"-service")
		stacktest.Equal(t, name+" cluster", stacktest.Str(t, svc.Inputs, "cluster"), stacktest.Str(t, m.One(t, string(standin.TypeEcsCluster), "cluster").State, "arn"))
		stacktest.Equal(t, name+" log group", stacktest.Str(t, m.One(t, string(standin.TypeCloudwatchLogGroup), name+"-logs").Inputs, "name"), "/ecs/"+testProject+"/"+testStack+"/"+name)
		c := containerDefs(t, m.One(t, string(standin.TypeEcsTaskDefinition), name+"-task"))[0]
		stacktest.Equal(t, name+" container", stacktest.Str(t, c, "name"), name)
		m.One(t, string(standin.TypeAwsxEcrImage), name+"-image")
		env := map[string]string{}
		for i := range stacktest.Get(t, c, "environment").([]any) {
			env[stacktest.Str(t, c, "environment", i, "name")] = stacktest.Str(t, c, "environment", i, "value")
		}
		if name != "api" {
			stacktest.Equal(t, name+" API_URL", env["API_URL"], apiURL)
		} else if _, ok := env["API_URL"]; ok {
			t.Errorf("api must not get its own API_URL")
		}
	}
	stacktest.Equal(t, "clusters", len(m.ByType(string(standin.TypeEcsCluster))), 1)
	stacktest.Equal(t, "ALBs", len(m.ByType(string(standin.TypeLoadBalancer))), 2)
	urls := stacktest.Await(t, out.InternalURLs.ToStringMapOutput()).(map[string]string)
	stacktest.Equal(t, "internalUrls", fmt.Sprint(urls), fmt.Sprint(map[string]string{"api": apiURL + "/"}))
	stacktest.Equal(t, "serviceName is the first public service", stacktest.Await(t, out.ServiceName).(string), stacktest.Str(t, m.One(t, string(standin.TypeEcsService), "web-service").State, "name"))
}

func TestCapacityProviders(t *testing.T) {
	m, _, err := runRaw(t, loadStackFiles(t, "examples/services.yaml"), false)
	if err != nil {
		t.Fatal(err)
	}
	cp := m.One(t, string(standin.TypeEcsClusterCapacityProviders), "cluster-capacity-providers")
	stacktest.Equal(t, "cluster", stacktest.Str(t, cp.Inputs, "clusterName"), stacktest.Str(t, m.One(t, string(standin.TypeEcsCluster), "cluster").State, "name"))
	stacktest.EqualSlices(t, "providers", stacktest.Strs(t, cp.Inputs, "capacityProviders"), []string{"FARGATE", "FARGATE_SPOT"})

	strategy := func(svc stacktest.Registered) []string {
		var out []string
		items, _ := stacktest.Get(t, svc.Inputs, "capacityProviderStrategies").([]any)
		for i := range items {
			out = append(out, fmt.Sprintf("%s base=%d weight=%d", stacktest.Str(t, items, i, "capacityProvider"), stacktest.Num(t, items, i, "base"), stacktest.Num(t, items, i, "weight")))
		}
		return out
	}
	web, users, api := m.One(t, string(standin.TypeEcsService), "web-service"), m.One(t, string(standin.TypeEcsService), "users-service"), m.One(t, string(standin.TypeEcsService), "api-service")
	stacktest.EqualSlices(t, "web mixed strategy", strategy(web), []string{"FARGATE base=1 weight=1", "FARGATE_SPOT base=0 weight=3"})
	stacktest.EqualSlices(t, "users spot", strategy(users), []string{"FARGATE_SPOT base=0 weight=1"})
	stacktest.EqualSlices(t, "api on FARGATE", strategy(api), []string{"FARGATE base=0 weight=1"})
	for _, svc := range []stacktest.Registered{web, users, api} {
		stacktest.Equal(t, svc.Name+" launchType (conflicts with a strategy)", stacktest.Get(t, svc.Inputs, "launchType"), nil)
		stacktest.Equal(t, svc.Name+" forceNewDeployment", stacktest.Get(t, svc.Inputs, "forceNewDeployment"), any(true))
		if !slices.Contains(svc.Dependencies, urn(string(standin.TypeEcsClusterCapacityProviders), "cluster-capacity-providers")) {
			t.Errorf("%s must wait for the cluster's capacity providers; dependencies %v", svc.Name, svc.Dependencies)
		}
	}
}

func TestExecuteCommand(t *testing.T) {
	m, _ := mustRun(t, map[string]string{"enableExecuteCommand": "true"})
	stacktest.Equal(t, "service enableExecuteCommand", stacktest.Get(t, m.One(t, string(standin.TypeEcsService), "web-service").Inputs, "enableExecuteCommand"), any(true))
	policy := m.One(t, string(standin.TypeIamRolePolicy), "web-exec-command-policy")
	stacktest.Equal(t, "policy role", stacktest.Str(t, policy.Inputs, "role"), stacktest.Str(t, m.One(t, string(standin.TypeIamRole), "web-task-role").State, "name"))
	for _, action := range []string{"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"} {
		if !strings.Contains(stacktest.Str(t, policy.Inputs, "policy"), action) {
			t.Errorf("task role policy lacks %s", action)
		}
	}
	c := containerDefs(t, m.One(t, string(standin.TypeEcsTaskDefinition), "web-task"))[0]
	stacktest.Equal(t, "readonlyRootFilesystem (the SSM agent writes)", stacktest.Get(t, c, "readonlyRootFilesystem"), nil)
	stacktest.Equal(t, "initProcessEnabled (reaps the agent's children)", stacktest.Get(t, c, "linuxParameters", "initProcessEnabled"), any(true))
	stacktest.Equal(t, "no ssmmessages endpoint without vpcEndpoints", len(m.ByType(string(standin.TypeVpcEndpoint))), 0)

	// Without NAT, the SSM agent reaches Systems Manager through an interface endpoint.
	private, _ := mustRun(t, map[string]string{"enableExecuteCommand": "true", "natGateways": "none", "vpcEndpoints": "true"})
	ssm := private.One(t, string(standin.TypeVpcEndpoint), "endpoint-ssmmessages")
	stacktest.Equal(t, "ssmmessages endpoint", stacktest.Str(t, ssm.Inputs, "serviceName"), "com.amazonaws.us-east-1.ssmmessages")
	stacktest.Equal(t, "ssmmessages private DNS", stacktest.Get(t, ssm.Inputs, "privateDnsEnabled"), any(true))
	stacktest.EqualSlices(t, "ssmmessages subnets (every private one)", stacktest.Strs(t, ssm.Inputs, "subnetIds"), perAZ(t, private, string(standin.TypeSubnet), "private-%d"))

	off, _ := mustRun(t, map[string]string{"natGateways": "none", "vpcEndpoints": "true"})
	stacktest.Equal(t, "Exec off by default", stacktest.Get(t, off.One(t, string(standin.TypeEcsService), "web-service").Inputs, "enableExecuteCommand"), any(false))
	stacktest.Equal(t, "no Exec policy by default", len(off.ByType(string(standin.TypeIamRolePolicy))), 0)
	stacktest.Equal(t, "no init process by default", stacktest.Get(t, containerDefs(t, off.One(t, string(standin.TypeEcsTaskDefinition), "web-task"))[0], "linuxParameters"), nil)
	for _, e := range off.ByType(string(standin.TypeVpcEndpoint)) {
		if e.Name == "endpoint-ssmmessages" {
			t.Errorf("an ssmmessages endpoint without ECS Exec")
		}
	}
}

func TestAutoscaling(t *testing.T) {
	m, _ := mustRun(t, map[string]string{"autoscaling": `{"min":2,"max":8,"cpuTarget":55,"requestsPerTarget":300}`})
	svc := m.One(t, string(standin.TypeEcsService), "web-service")
	target := m.One(t, string(standin.TypeAppautoscalingTarget), "web-scaling-target")
	stacktest.Equal(t, "namespace", stacktest.Str(t, target.Inputs, "serviceNamespace"), "ecs")
	stacktest.Equal(t, "dimension", stacktest.Str(t, target.Inputs, "scalableDimension"), "ecs:service:DesiredCount")
	stacktest.Equal(t, "resource", stacktest.Str(t, target.Inputs, "resourceId"),
		fmt.Sprintf("service/%s/%s", stacktest.Str(t, m.One(t, string(standin.TypeEcsCluster), "cluster").State, "name"), stacktest.Str(t, svc.State, "name")))
	stacktest.Equal(t, "min", stacktest.Num(t, target.Inputs, "minCapacity"), 2)
	stacktest.Equal(t, "max", stacktest.Num(t, target.Inputs, "maxCapacity"), 8)

	cpu := m.One(t, string(standin.TypeAppautoscalingPolicy), "web-cpu-scaling")
	stacktest.Equal(t, "cpu policy type", stacktest.Str(t, cpu.Inputs, "policyType"), "TargetTrackingScaling")
	stacktest.Equal(t, "cpu metric", stacktest.Str(t, cpu.Inputs, "targetTrackingScalingPolicyConfiguration", "predefinedMetricSpecification", "predefinedMetricType"), "ECSServiceAverageCPUUtilization")
	stacktest.Equal(t, "cpu target", stacktest.Num(t, cpu.Inputs, "targetTrackingScalingPolicyConfiguration", "targetValue"), 55)
	req := m.One(t, string(standin.TypeAppautoscalingPolicy), "web-requests-scaling")
	spec := stacktest.Get(t, req.Inputs, "targetTrackingScalingPolicyConfiguration", "predefinedMetricSpecification")
	stacktest.Equal(t, "requests metric", stacktest.Str(t, spec, "predefinedMetricType"), "ALBRequestCountPerTarget")
	stacktest.Equal(t, "requests label", stacktest.Str(t, spec, "resourceLabel"),
		stacktest.Str(t, m.One(t, string(standin.TypeLoadBalancer), "alb").State, "arnSuffix")+"/"+stacktest.Str(t, m.One(t, string(standin.TypeTargetGroup), "web-tg").State, "arnSuffix"))
	stacktest.Equal(t, "requests target", stacktest.Num(t, req.Inputs, "targetTrackingScalingPolicyConfiguration", "targetValue"), 300)
	stacktest.Equal(t, "requests policy resource", stacktest.Str(t, req.Inputs, "resourceId"), stacktest.Str(t, target.Inputs, "resourceId"))
	if !m.IgnoresChanges("web-service", "desiredCount") {
		t.Errorf("the service must ignore desiredCount changes so pulumi up does not undo scaling")
	}

	fixed, _ := mustRun(t, nil)
	if fixed.IgnoresChanges("web-service", "desiredCount") {
		t.Errorf("without autoscaling, desiredCount must be managed by the stack")
	}
}

// waitForSteadyState (default on) makes each service's deployment a waited one, with a
// 10-minute wait for a first rollout; off, today's behaviour. A service entry may set its
// own. The release check's failure under the engine: e2e_deploys_test.go.
func TestWaitForSteadyState(t *testing.T) {
	m, out := mustRun(t, map[string]string{"services": `[{"name":"web","priority":1},{"name":"api","priority":2,"pathPatterns":["/api/*"],"waitForSteadyState":false}]`})
	web, api := m.One(t, string(standin.TypeEcsService), "web-service"), m.One(t, string(standin.TypeEcsService), "api-service")
	stacktest.Equal(t, "web waits", web.Inputs["waitForSteadyState"], any(true))
	stacktest.Equal(t, "web's first rollout", web.CreateTimeout, "10m")
	stacktest.Equal(t, "api does not wait", api.Inputs["waitForSteadyState"], any(false))
	stacktest.Equal(t, "api's first rollout", api.CreateTimeout, "")
	for _, s := range out.Services {
		stacktest.Equal(t, s.Name+" release", stacktest.Await(t, s.Release).(string), stacktest.Str(t, m.One(t, string(standin.TypeEcsTaskDefinition), s.Name+"-task").State, "arn"))
	}
}

// The message of a rolled-back release names the service, both revisions, what rolls a
// release back and the commands that show why, in the stack's Region.
func TestRolledBackMessage(t *testing.T) {
	td := "arn:aws:ecs:eu-west-1:123456789012:task-definition/p-dev-web:"
	err := rolledBack("web", td+"4", td+"5", "web-service-1234567", "cluster-89abcde", "eu-west-1", []string{"p-dev-web-deploy-5xx", "p-dev-web-deploy-p99"})
	want := "service web: the release did not take: ECS rolled the service back to task definition revision 4 (p-dev-web:4), not revision 5 that this update registered; " +
		"ECS's deployment circuit breaker (tasks that keep failing to start or to pass their health checks) or one of the service's deployment alarms (p-dev-web-deploy-5xx, p-dev-web-deploy-p99) rolled it back.\n" +
		"  What ECS did, newest first:\n    aws ecs describe-services --region eu-west-1 --cluster cluster-89abcde --services web-service-1234567 --query 'services[0].events[:5]'\n" +
		"  Why the new tasks stopped:\n    aws ecs describe-tasks --region eu-west-1 --cluster cluster-89abcde --tasks $(aws ecs list-tasks --region eu-west-1 --cluster cluster-89abcde --service-name web-service-1234567 --desired-status STOPPED --query 'taskArns' --output text) --query 'tasks[].[taskDefinitionArn,stoppedReason]'\n" +
		"  The next pulumi up deploys this release again: fix the image or its settings first (docs/runbook.md, When it does not answer)"
	stacktest.Equal(t, "message", err.Error(), want)
}
