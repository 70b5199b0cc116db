package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/stacktest"
	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The ARNs of examples/arm64-secrets.yaml.
const (
	exampleParameterArn = "arn:aws:ssm:us-east-1:123456789012:parameter/web/db-password"
	exampleSecretArn    = "arn:aws:secretsmanager:us-east-1:123456789012:secret:web/payments-AbC123"
	exampleKeyArn       = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

// variables is a container definition's environment or secrets as name → value (or ARN),
// and the names in the order the definition lists them.
func variables(t *testing.T, c any, key, value string) (map[string]string, []string) {
	t.Helper()
	out, order := map[string]string{}, []string{}
	list, _ := stacktest.Get(t, c, key).([]any)
	for _, v := range list {
		out[stacktest.Str(t, v, "name")] = stacktest.Str(t, v, value)
		order = append(order, stacktest.Str(t, v, "name"))
	}
	return out, order
}

// Secrets reach the container as valueFrom ARNs only; plain settings as environment;
// both sorted by name, as the provider stores them, so a second run plans nothing.
func TestSecretsReachTheContainerAsARNs(t *testing.T) {
	m, _, err := runRaw(t, loadStackFiles(t, "examples/arm64-secrets.yaml"), false)
	if err != nil {
		t.Fatalf("examples/arm64-secrets.yaml: %v", err)
	}
	c := containerDefs(t, m.One(t, string(standin.TypeEcsTaskDefinition), "web-task"))[0]
	env, envOrder := variables(t, c, "environment", "value")
	stacktest.EqualSlices(t, "environment names, sorted", envOrder, []string{"FEATURE_FLAGS", "LOG_LEVEL", "PORT"})
	stacktest.Equal(t, "LOG_LEVEL", env["LOG_LEVEL"], "info")
	secrets, secretOrder := variables(t, c, "secrets", "valueFrom")
	stacktest.EqualSlices(t, "secret names, sorted", secretOrder, []string{"API_KEY", "DB_PASSWORD"})
	stacktest.Equal(t, "DB_PASSWORD from", secrets["DB_PASSWORD"], exampleParameterArn)
	stacktest.Equal(t, "API_KEY from (with its JSON key and stage)", secrets["API_KEY"], exampleSecretArn+":api_key:AWSCURRENT:")
	for name := range secrets {
		if _, plain := env[name]; plain {
			t.Errorf("secret %s is also a plain variable", name)
		}
	}
}

// The execution role, which ECS uses to fetch secrets at task start, may read exactly the
// service's parameters and secrets and decrypt with the named key, and nothing else; the
// task role (the application's) gets none of it.
func TestExecutionRoleReadsExactlyTheSecrets(t *testing.T) {
	m, _, err := runRaw(t, loadStackFiles(t, "examples/arm64-secrets.yaml"), false)
	if err != nil {
		t.Fatalf("examples/arm64-secrets.yaml: %v", err)
	}
	policy := m.One(t, string(standin.TypeIamRolePolicy), "web-secrets")
	stacktest.Equal(t, "policy role", stacktest.Str(t, policy.Inputs, "role"), stacktest.Str(t, m.One(t, string(standin.TypeIamRole), "web-exec-role").State, "name"))
	grants := map[string]string{}
	for _, s := range policyStatements(t, policy) {
		if s.Effect != "Allow" {
			t.Errorf("statement %+v is not an Allow", s)
		}
		grants[fmt.Sprint(s.Action)] = config.CompactJSON(s.Resource)
	}
	want := map[string]string{
		"ssm:GetParameters":             config.CompactJSON([]string{exampleParameterArn}),
		"secretsmanager:GetSecretValue": config.CompactJSON([]string{exampleSecretArn}), // the secret, not its JSON key
		"kms:Decrypt":                   config.CompactJSON(exampleKeyArn),
	}
	if config.CompactJSON(grants) != config.CompactJSON(want) {
		t.Errorf("execution role grants %v, want exactly %v", grants, want)
	}
	for _, p := range m.ByType(string(standin.TypeIamRolePolicy)) {
		if p.Name != "web-secrets" && strings.Contains(stacktest.Str(t, p.Inputs, "policy"), "ssm:") {
			t.Errorf("%s grants SSM too: %s", p.Name, stacktest.Str(t, p.Inputs, "policy"))
		}
	}

	// Without secrets there is no such policy.
	plain, _ := mustRun(t, map[string]string{"environment": `{"LOG_LEVEL":"debug"}`})
	for _, p := range plain.ByType(string(standin.TypeIamRolePolicy)) {
		t.Errorf("a service without secrets has inline policy %s", p.Name)
	}
}

// ARM64 sets the task's runtime platform and builds the image for linux/arm64; X86_64
// (the default) keeps linux/amd64. Spot takes either.
func TestCPUArchitecture(t *testing.T) {
	m, _, err := runRaw(t, loadStackFiles(t, "examples/arm64-secrets.yaml"), false)
	if err != nil {
		t.Fatalf("examples/arm64-secrets.yaml: %v", err)
	}
	td := m.One(t, string(standin.TypeEcsTaskDefinition), "web-task")
	stacktest.Equal(t, "runtime platform", stacktest.Str(t, td.Inputs, "runtimePlatform", "cpuArchitecture"), "ARM64")
	stacktest.Equal(t, "image platform", stacktest.Str(t, m.One(t, string(standin.TypeAwsxEcrImage), "web-image").Inputs, "platform"), "linux/arm64")
	stacktest.Equal(t, "capacity provider", stacktest.Str(t, m.One(t, string(standin.TypeEcsService), "web-service").Inputs, "capacityProviderStrategies", 0, "capacityProvider"), "FARGATE_SPOT")

	dev, _ := mustRun(t, nil)
	stacktest.Equal(t, "default runtime platform", stacktest.Str(t, dev.One(t, string(standin.TypeEcsTaskDefinition), "web-task").Inputs, "runtimePlatform", "cpuArchitecture"), "X86_64")
	stacktest.Equal(t, "default image platform", stacktest.Str(t, dev.One(t, string(standin.TypeAwsxEcrImage), "web-image").Inputs, "platform"), "linux/amd64")
}

// A services entry's environment adds to the top-level one, its own value winning; other
// services keep the top-level values. Scalars are taken as their text.
func TestServiceEnvironmentMergesOverTheTopLevel(t *testing.T) {
	m, _ := mustRun(t, map[string]string{
		"environment": `{"REGION_LABEL":"east","WORKERS":4,"DEBUG":false}`,
		"services":    `[{"name":"web","environment":{"WORKERS":8,"FEATURE":"x"}},{"name":"users","priority":2,"pathPatterns":["/users*"]}]`,
	})
	web, _ := variables(t, containerDefs(t, m.One(t, string(standin.TypeEcsTaskDefinition), "web-task"))[0], "environment", "value")
	users, _ := variables(t, containerDefs(t, m.One(t, string(standin.TypeEcsTaskDefinition), "users-task"))[0], "environment", "value")
	stacktest.Equal(t, "web WORKERS (its own)", web["WORKERS"], "8")
	stacktest.Equal(t, "web FEATURE", web["FEATURE"], "x")
	stacktest.Equal(t, "web REGION_LABEL (inherited)", web["REGION_LABEL"], "east")
	stacktest.Equal(t, "users WORKERS (top level)", users["WORKERS"], "4")
	stacktest.Equal(t, "users DEBUG", users["DEBUG"], "false")
	if _, ok := users["FEATURE"]; ok {
		t.Errorf("users got web's FEATURE")
	}
}

// An environment set with --secret is refused: Pulumi would encrypt it in the stack file,
// but ECS would show it in plain text.
func TestEnvironmentMarkedSecretIsRefused(t *testing.T) {
	for key, cfg := range map[string]map[string]string{
		"environment": {"environment": `{"DB_PASSWORD":"hunter2"}`},
		"services":    {"services": `[{"name":"web","environment":{"DB_PASSWORD":"hunter2"}}]`},
	} {
		secret := func(info *pulumi.RunInfo) { info.ConfigSecretKeys = []string{testProject + ":" + key} }
		path := map[string]string{"environment": "environment", "services": "services[0].environment"}[key]
		mustRefuse(t, nil, cfg, []string{path + ": is a Pulumi secret (set with --secret), but environment values are plain text in the task definition; put the value in SSM Parameter Store or Secrets Manager and name its ARN under secrets"}, secret)
	}
	// A secret elsewhere in the config is none of environment's business.
	secret := func(info *pulumi.RunInfo) {
		info.ConfigSecretKeys = []string{testProject + ":imageCredentialsSecretArn"}
	}
	if _, _, err := runIn(t, nil, testStack, qualified(map[string]string{"environment": `{"A":"b"}`}), true, secret); err != nil {
		t.Errorf("plain environment with another key secret: %v", err)
	}
}

// The policy's resources are the secrets, without ECS's JSON-key and version suffix, each
// once.
func TestSecretResources(t *testing.T) {
	params, secrets := secretResources([]string{
		exampleSecretArn + ":password::", exampleSecretArn + ":user::", exampleParameterArn, exampleSecretArn,
	})
	stacktest.EqualSlices(t, "parameters", params, []string{exampleParameterArn})
	stacktest.EqualSlices(t, "secrets", secrets, []string{exampleSecretArn})
	if !slices.Equal(imagePlatformsOf(), []string{"linux/amd64", "linux/arm64"}) {
		t.Errorf("image platforms %v", imagePlatformsOf())
	}
}

func imagePlatformsOf() []string {
	var out []string
	for _, a := range []string{"X86_64", "ARM64"} {
		out = append(out, imagePlatform(a))
	}
	return out
}
