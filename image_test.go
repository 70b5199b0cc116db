package main

// Your own image, end to end (project issue 15): the NLB's probe follows the service, a
// container health check of your own, a private registry's credentials, and the bundled
// app's identity endpoint off unless asked for.

import (
	"encoding/json"
	"testing"
)

const (
	testImage     = "public.ecr.aws/nginx/nginx:1.27"
	testSecretArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry/team-AbC123"
)

// nlbProbe is the path the NLB's target group probes and the health rule routes.
func nlbProbe(t *testing.T, m *mocks) string {
	t.Helper()
	path := str(t, m.one(t, tTG, "nlb-alb-tg").Inputs, "healthCheck", "path")
	equalSlices(t, "health rule path", strs(t, m.one(t, tRule, "nlb-health-rule").Inputs, "conditions", 0, "pathPattern", "values"), []string{path})
	return path
}

func TestNlbProbeFollowsTheService(t *testing.T) {
	tests := map[string]struct {
		config map[string]string
		want   string
	}{
		"the bundled app keeps /healthz, which drains with it": {nil, "/healthz"},
		"an own image is probed where the ALB probes it":       {map[string]string{"image": testImage}, "/"},
		"an own image with its own health path":                {map[string]string{"image": testImage, "healthCheckPath": "/status"}, "/status"},
		"an explicit path wins":                                {map[string]string{"image": testImage, "nlbHealthCheckPath": "/ping"}, "/ping"},
		"the first public service, not an internal one": {map[string]string{"services": `[{"name":"api","internal":true,"internalPort":8081},` +
			`{"name":"web","image":"` + testImage + `","healthCheckPath":"/ready"}]`}, "/ready"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m, _ := mustRun(t, tc.config)
			equal(t, "NLB probe", nlbProbe(t, m), tc.want)
		})
	}
}

func TestContainerHealthCheck(t *testing.T) {
	check := func(m *mocks) any {
		t.Helper()
		return get(t, containerDefs(t, m.one(t, tTaskDef, "web-task"))[0], "healthCheck")
	}
	own, _ := mustRun(t, map[string]string{"image": testImage, "containerHealthCheck": `{"command":["CMD-SHELL","curl -f http://localhost/ || exit 1"],"interval":15,"retries":4}`})
	hc := check(own)
	equalSlices(t, "command", strs(t, hc, "command"), []string{"CMD-SHELL", "curl -f http://localhost/ || exit 1"})
	equal(t, "interval", num(t, hc, "interval"), 15)
	equal(t, "retries", num(t, hc, "retries"), 4)
	equal(t, "timeout (unset: ECS's default)", get(t, hc, "timeout"), nil)

	none, _ := mustRun(t, map[string]string{"image": testImage})
	equal(t, "an own image without containerHealthCheck has none", check(none), nil)
	bundled, _ := mustRun(t, nil)
	equalSlices(t, "the bundled app's probe", strs(t, check(bundled), "command"), []string{"CMD", "/server", "-healthcheck"})
}

func TestPrivateRegistryCredentials(t *testing.T) {
	m, _, err := runRaw(t, loadStackFiles(t, "examples/private-registry.yaml"), false)
	if err != nil {
		t.Fatalf("examples/private-registry.yaml: %v", err)
	}
	c := containerDefs(t, m.one(t, tTaskDef, "web-task"))[0]
	equal(t, "repositoryCredentials", str(t, c, "repositoryCredentials", "credentialsParameter"), testSecretArn)
	equal(t, "NLB probe follows healthCheckPath", nlbProbe(t, m), "/health")

	policy := m.one(t, tInlinePolicy, "web-registry-credentials")
	equal(t, "policy role (the execution role pulls the image)", str(t, policy.Inputs, "role"), str(t, m.one(t, tRole, "web-exec-role").State, "name"))
	var doc struct {
		Statement []struct {
			Effect   string
			Action   any
			Resource any
		}
	}
	if err := json.Unmarshal([]byte(str(t, policy.Inputs, "policy")), &doc); err != nil {
		t.Fatalf("policy: %v", err)
	}
	if len(doc.Statement) != 1 || doc.Statement[0].Effect != "Allow" || doc.Statement[0].Action != "secretsmanager:GetSecretValue" || doc.Statement[0].Resource != testSecretArn {
		t.Errorf("the execution role may read exactly the one secret; policy: %s", str(t, policy.Inputs, "policy"))
	}
	plain, _ := mustRun(t, map[string]string{"image": testImage})
	equal(t, "no credentials without the setting", get(t, containerDefs(t, plain.one(t, tTaskDef, "web-task"))[0], "repositoryCredentials"), nil)
	equal(t, "no policy without the setting", len(plain.byType(tInlinePolicy)), 0)
}

func TestOwnImageExample(t *testing.T) {
	m, _, err := runRaw(t, loadStackFiles(t, "examples/own-image.yaml"), false)
	if err != nil {
		t.Fatalf("examples/own-image.yaml: %v", err)
	}
	c := containerDefs(t, m.one(t, tTaskDef, "web-task"))[0]
	equal(t, "image", str(t, c, "image"), testImage)
	equal(t, "port", num(t, c, "portMappings", 0, "containerPort"), 80)
	equal(t, "target group port", num(t, m.one(t, tTG, "web-tg").Inputs, "port"), 80)
	equal(t, "NLB probe", nlbProbe(t, m), "/")
	equal(t, "health check start period", num(t, c, "healthCheck", "startPeriod"), 20)
	equal(t, "no build", len(m.byType(tImage)), 0)
}

// The bundled app tells clients which task answered only when asked to.
func TestTaskIdentity(t *testing.T) {
	env := func(m *mocks) map[string]string {
		t.Helper()
		c := containerDefs(t, m.one(t, tTaskDef, "web-task"))[0]
		out := map[string]string{}
		for i := range get(t, c, "environment").([]any) {
			out[str(t, c, "environment", i, "name")] = str(t, c, "environment", i, "value")
		}
		return out
	}
	off, _ := mustRun(t, nil)
	if v, ok := env(off)["TASK_IDENTITY"]; ok {
		t.Errorf("TASK_IDENTITY=%s by default; want it unset (the app keeps /whoami off)", v)
	}
	on, _ := mustRun(t, map[string]string{"taskIdentity": "true"})
	equal(t, "TASK_IDENTITY", env(on)["TASK_IDENTITY"], "true")
}

func TestOwnImageValidation(t *testing.T) {
	tests := map[string]struct {
		config map[string]string
		want   string
	}{
		"error if the secret ARN is malformed": {map[string]string{"image": testImage, "imageCredentialsSecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:registry"},
			`imageCredentialsSecretArn: invalid value "arn:aws:secretsmanager:us-east-1:123456789012:registry": must be a Secrets Manager secret's full ARN`},
		"error if the secret ARN lacks its suffix": {map[string]string{"image": testImage, "imageCredentialsSecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry"},
			`imageCredentialsSecretArn: invalid value "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry": must be a Secrets Manager secret's full ARN`},
		"error if credentials come without an image": {map[string]string{"imageCredentialsSecretArn": testSecretArn},
			`imageCredentialsSecretArn: invalid value "` + testSecretArn + `": registry credentials are for image, from a private registry; set image, or leave this empty to build ./app`},
		"error if credentials come with an ECR image": {map[string]string{"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1", "imageCredentialsSecretArn": testSecretArn},
			`is in ECR, which ECS pulls from with the execution role; leave this empty`},
		"error if the secret is in another region": {map[string]string{"image": testImage, "imageCredentialsSecretArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:registry/team-AbC123"},
			`imageCredentialsSecretArn: invalid value "arn:aws:secretsmanager:eu-west-1:123456789012:secret:registry/team-AbC123": is in aws/eu-west-1, the stack in aws/us-east-1; a task definition's registry credentials must be in the stack's region`},
		"error if the certificate is in another region": {map[string]string{"certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/0e6c3c2f-1234-4abc-9def-0123456789ab"},
			`certificateArn: invalid value "arn:aws:acm:eu-west-1:123456789012:certificate/0e6c3c2f-1234-4abc-9def-0123456789ab": is in aws/eu-west-1, the stack in aws/us-east-1; an ALB's certificate must be in the stack's region`},
		"error if the health check command is not a list": {map[string]string{"image": testImage, "containerHealthCheck": `{"command":"curl -f http://localhost/"}`},
			`containerHealthCheck.command: invalid value "curl -f http://localhost/": must be a list of strings`},
		"error if the health check has no command": {map[string]string{"image": testImage, "containerHealthCheck": `{"interval":30}`},
			`containerHealthCheck.command: missing value: give the command as ECS takes it`},
		"error if the command does not start with CMD": {map[string]string{"image": testImage, "containerHealthCheck": `{"command":["curl","-f","http://localhost/"]}`},
			`containerHealthCheck.command: invalid value ["curl","-f","http://localhost/"]: must start with "CMD" (run the arguments) or "CMD-SHELL" (run in the image's shell)`},
		"error if CMD-SHELL gets two strings": {map[string]string{"image": testImage, "containerHealthCheck": `{"command":["CMD-SHELL","curl","-f"]}`},
			`containerHealthCheck.command: invalid value ["CMD-SHELL","curl","-f"]: "CMD-SHELL" takes one shell command string after it`},
		"error if the interval is 301": {map[string]string{"image": testImage, "containerHealthCheck": `{"command":["CMD","/probe"],"interval":301}`},
			`containerHealthCheck.interval: invalid value 301: must be between 5 and 300`},
		"error if the timeout is 61": {map[string]string{"image": testImage, "containerHealthCheck": `{"command":["CMD","/probe"],"timeout":61}`},
			`containerHealthCheck.timeout: invalid value 61: must be between 2 and 60`},
		"error if the retries are 11": {map[string]string{"image": testImage, "containerHealthCheck": `{"command":["CMD","/probe"],"retries":11}`},
			`containerHealthCheck.retries: invalid value 11: must be between 1 and 10`},
		"error if the start period is negative": {map[string]string{"image": testImage, "containerHealthCheck": `{"command":["CMD","/probe"],"startPeriod":-1}`},
			`containerHealthCheck.startPeriod: invalid value -1: must be between 0 and 300`},
		"error if a health check key is misspelled": {map[string]string{"image": testImage, "containerHealthCheck": `{"command":["CMD","/probe"],"intervall":30}`},
			`containerHealthCheck.intervall: unknown setting; did you mean "interval"?`},
		"error if task identity is asked of an own image": {map[string]string{"image": testImage, "taskIdentity": "true"},
			`taskIdentity: invalid value true: only the bundled app (build ./app) serves /whoami`},
		"error if the NLB path is not a path": {map[string]string{"nlbHealthCheckPath": "ping"},
			`nlbHealthCheckPath: invalid value "ping"`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			mustRefuse(t, tc.config, tc.want)
		})
	}
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
