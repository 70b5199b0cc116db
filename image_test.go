package main

// Your own image, end to end (project issue 15): the NLB's probe follows the service, a
// container health check of your own, a private registry's credentials, and the bundled
// app's identity endpoint off unless asked for.

import (
	"testing"

	"github.com/example/nlb-alb-fargate/internal/stacktest"
	"github.com/example/nlb-alb-fargate/internal/standin"
)

const testImage = "public.ecr.aws/nginx/nginx:1.27"

// nlbProbe is the path the NLB's target group probes and the health rule routes.
func nlbProbe(t *testing.T, m *mocks) string {
	t.Helper()
	path := stacktest.Str(t, m.One(t, string(standin.TypeTargetGroup), "nlb-alb-tg").Inputs, "healthCheck", "path")
	stacktest.EqualSlices(t, "health rule path", stacktest.Strs(t, m.One(t, string(standin.TypeListenerRule), "nlb-health-rule").Inputs, "conditions", 0, "pathPattern", "values"), []string{path})
	return path
}

// albProbe is the path the ALB's health check asks a service's tasks for.
func albProbe(t *testing.T, m *mocks, service string) string {
	t.Helper()
	return stacktest.Str(t, m.One(t, string(standin.TypeTargetGroup), service+"-tg").Inputs, "healthCheck", "path")
}

func TestNlbProbeFollowsTheService(t *testing.T) {
	const whereTheALBProbes = "" // want: the path of the web service's ALB health check
	tests := map[string]struct {
		config map[string]string
		want   string
	}{
		"the bundled app keeps /healthz, which drains with it": {nil, "/healthz"},
		"an own image is probed where the ALB probes it":       {map[string]string{"image": testImage}, whereTheALBProbes},
		"an own image with its own health path":                {map[string]string{"image": testImage, "healthCheckPath": "/status"}, "/status"},
		"an explicit path wins":                                {map[string]string{"image": testImage, "nlbHealthCheckPath": "/ping"}, "/ping"},
		"the first public service, not an internal one": {map[string]string{"services": `[{"name":"api","internal":true,"internalPort":8081},` +
			`{"name":"web","image":"` + testImage + `","healthCheckPath":"/ready"}]`}, "/ready"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m, _ := mustRun(t, tc.config)
			want := tc.want
			if want == whereTheALBProbes {
				want = albProbe(t, m, "web")
				stacktest.Equal(t, "ALB probe = healthCheckPath", want, settings(t, tc.config).Services[0].HealthCheckPath)
			}
			stacktest.Equal(t, "NLB probe", nlbProbe(t, m), want)
		})
	}
}

func TestContainerHealthCheck(t *testing.T) {
	check := func(m *mocks) any {
		t.Helper()
		return stacktest.Get(t, containerDefs(t, m.One(t, string(standin.TypeEcsTaskDefinition), "web-task"))[0], "healthCheck")
	}
	own, _ := mustRun(t, map[string]string{"image": testImage, "containerHealthCheck": `{"command":["CMD-SHELL","curl -f http://localhost/ || exit 1"],"interval":15,"retries":4}`})
	hc := check(own)
	stacktest.EqualSlices(t, "command", stacktest.Strs(t, hc, "command"), []string{"CMD-SHELL", "curl -f http://localhost/ || exit 1"})
	stacktest.Equal(t, "interval", stacktest.Num(t, hc, "interval"), 15)
	stacktest.Equal(t, "retries", stacktest.Num(t, hc, "retries"), 4)
	stacktest.Equal(t, "timeout (unset: ECS's default)", stacktest.Get(t, hc, "timeout"), nil)

	none, _ := mustRun(t, map[string]string{"image": testImage})
	stacktest.Equal(t, "an own image without containerHealthCheck has none", check(none), nil)
	bundled, _ := mustRun(t, nil)
	stacktest.EqualSlices(t, "the bundled app's probe", stacktest.Strs(t, check(bundled), "command"), []string{"CMD", "/server", "-healthcheck"})
}

func TestPrivateRegistryCredentials(t *testing.T) {
	cfg := loadStackFiles(t, "examples/private-registry.yaml")
	m, _, err := runRaw(t, cfg, false)
	if err != nil {
		t.Fatalf("examples/private-registry.yaml: %v", err)
	}
	c := containerDefs(t, m.One(t, string(standin.TypeEcsTaskDefinition), "web-task"))[0]
	svc := settingsOf(t, cfg).Services[0]
	stacktest.Equal(t, "repositoryCredentials = imageCredentialsSecretArn", stacktest.Str(t, c, "repositoryCredentials", "credentialsParameter"), svc.ImageCredentialsSecretArn)
	stacktest.Equal(t, "ALB probe = healthCheckPath", albProbe(t, m, "web"), svc.HealthCheckPath)
	stacktest.Equal(t, "NLB probe follows the ALB's", nlbProbe(t, m), albProbe(t, m, "web"))

	policy := m.One(t, string(standin.TypeIamRolePolicy), "web-registry-credentials")
	stacktest.Equal(t, "policy role (the execution role pulls the image)", stacktest.Str(t, policy.Inputs, "role"), stacktest.Str(t, m.One(t, string(standin.TypeIamRole), "web-exec-role").State, "name"))
	statements := policyStatements(t, policy)
	if len(statements) != 1 || statements[0].Effect != "Allow" || statements[0].Action != "secretsmanager:GetSecretValue" || statements[0].Resource != svc.ImageCredentialsSecretArn {
		t.Errorf("the execution role may read exactly the one secret; policy: %s", stacktest.Str(t, policy.Inputs, "policy"))
	}
	plain, _ := mustRun(t, map[string]string{"image": testImage})
	stacktest.Equal(t, "no credentials without the setting", stacktest.Get(t, containerDefs(t, plain.One(t, string(standin.TypeEcsTaskDefinition), "web-task"))[0], "repositoryCredentials"), nil)
	stacktest.Equal(t, "no policy without the setting", len(plain.ByType(string(standin.TypeIamRolePolicy))), 0)
}

func TestOwnImageExample(t *testing.T) {
	cfg := loadStackFiles(t, "examples/own-image.yaml")
	m, _, err := runRaw(t, cfg, false)
	if err != nil {
		t.Fatalf("examples/own-image.yaml: %v", err)
	}
	svc := settingsOf(t, cfg).Services[0]
	c := containerDefs(t, m.One(t, string(standin.TypeEcsTaskDefinition), "web-task"))[0]
	stacktest.Equal(t, "image", stacktest.Str(t, c, "image"), svc.Image)
	stacktest.Equal(t, "port = containerPort", stacktest.Num(t, c, "portMappings", 0, "containerPort"), svc.ContainerPort)
	stacktest.Equal(t, "target group port = the container's", stacktest.Num(t, m.One(t, string(standin.TypeTargetGroup), "web-tg").Inputs, "port"), stacktest.Num(t, c, "portMappings", 0, "containerPort"))
	// nginx has no /healthz: the NLB probes where the ALB does.
	stacktest.Equal(t, "NLB probe = the ALB's", nlbProbe(t, m), albProbe(t, m, "web"))
	stacktest.Equal(t, "health check start period", stacktest.Num(t, c, "healthCheck", "startPeriod"), svc.ContainerHealthCheck.StartPeriod)
	stacktest.Equal(t, "no build", len(m.ByType(string(standin.TypeAwsxEcrImage))), 0)
}

// The bundled app tells clients which task answered only when asked to.
func TestTaskIdentity(t *testing.T) {
	env := func(m *mocks) map[string]string {
		t.Helper()
		c := containerDefs(t, m.One(t, string(standin.TypeEcsTaskDefinition), "web-task"))[0]
		out := map[string]string{}
		for i := range stacktest.Get(t, c, "environment").([]any) {
			out[stacktest.Str(t, c, "environment", i, "name")] = stacktest.Str(t, c, "environment", i, "value")
		}
		return out
	}
	off, _ := mustRun(t, nil)
	if v, ok := env(off)["TASK_IDENTITY"]; ok {
		t.Errorf("TASK_IDENTITY=%s by default; want it unset (the app keeps /whoami off)", v)
	}
	on, _ := mustRun(t, map[string]string{"taskIdentity": "true"})
	stacktest.Equal(t, "TASK_IDENTITY", env(on)["TASK_IDENTITY"], "true")
}

func TestContainerHealthCheckEdgesAreAccepted(t *testing.T) {
	for name, hc := range map[string]string{
		"minimums": `{"command":["CMD","/probe"],"interval":5,"timeout":2,"retries":1,"startPeriod":0}`,
		"maximums": `{"command":["CMD-SHELL","exit 0"],"interval":300,"timeout":60,"retries":10,"startPeriod":300}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := run(t, map[string]string{"image": testImage, "containerHealthCheck": hc}, true); err != nil {
				t.Fatal(err)
			}
		})
	}
}
