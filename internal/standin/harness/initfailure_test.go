package harness

// A Create or Update that fails after the object was made (standin.InitError, e.g. an ECS
// service whose waitServiceStable timed out) reaches the engine as the bridge sends it: an
// initialisation failure, so the engine keeps the resource, partially created.

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil/rpcerror"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

const (
	badImage   = "registry.example.com/web:never-healthy"
	serviceArn = "arn:aws:ecs:us-east-1:123456789012:service/c/web"
	stoppedELB = "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef)"
)

// waiterTimeout is the provider's error when waitServiceStable gives up.
func waiterTimeout(op, timeout string) string {
	return "waiting for ECS Service (" + serviceArn + ") " + op +
		": timeout while waiting for state to become 'tfSTABLE' (last state: 'tfPENDING', timeout: " + timeout + ")"
}

// neverServes registers a service, waiting for steady state, on a first release whose
// tasks never pass their health checks: it is created, and its waiter times out.
func neverServes(ctx *pulumi.Context, opts ...pulumi.ResourceOption) error {
	td, err := ecs.NewTaskDefinition(ctx, "web-td", &ecs.TaskDefinitionArgs{
		Family:               pulumi.String("web"),
		ContainerDefinitions: pulumi.String(`[{"name":"web","image":"` + badImage + `","memory":512,"portMappings":[{"containerPort":8080}]}]`),
	})
	if err != nil {
		return err
	}
	_, err = ecs.NewService(ctx, "web", &ecs.ServiceArgs{
		Name:                     pulumi.String("web"),
		Cluster:                  pulumi.String("arn:aws:ecs:us-east-1:123456789012:cluster/c"),
		TaskDefinition:           td.Arn,
		DesiredCount:             pulumi.Int(2),
		DeploymentCircuitBreaker: &ecs.ServiceDeploymentCircuitBreakerArgs{Enable: pulumi.Bool(true), Rollback: pulumi.Bool(true)},
		ForceNewDeployment:       pulumi.Bool(true),
		WaitForSteadyState:       pulumi.Bool(true),
	}, opts...)
	return err
}

// The gRPC face: Create and Update answer with a status whose ErrorResourceInitFailed
// detail holds the id, the state and the bridge's reason, and pass the engine's timeout on.
func TestInitFailuresAreSentAsTheBridgeSendsThem(t *testing.T) {
	p := &Provider{Cloud: standin.NewCloud(), pkg: "aws", calls: map[string]int{}}
	p.Cloud.TasksNeverHealthy(badImage, stoppedELB)
	ctx := context.Background()
	tdURN := resource.NewURN("dev", "init-failure", "", standin.TypeEcsTaskDefinition, "web-td")
	tdIn, err := marshalProps(resource.NewPropertyMapFromMap(map[string]any{"family": "web",
		"containerDefinitions": `[{"name":"web","image":"` + badImage + `","memory":512}]`}))
	if err != nil {
		t.Fatal(err)
	}
	td, err := p.Create(ctx, &pulumirpc.CreateRequest{Urn: string(tdURN), Properties: tdIn})
	if err != nil {
		t.Fatal(err)
	}
	urn := resource.NewURN("dev", "init-failure", "", standin.TypeEcsService, "web")
	in := resource.NewPropertyMapFromMap(map[string]any{"name": "web", "cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/c",
		"taskDefinition": td.GetProperties().GetFields()["arn"].GetStringValue(), "desiredCount": 2, "waitForSteadyState": true,
		"deploymentCircuitBreaker": map[string]any{"enable": true, "rollback": true}})
	props, err := marshalProps(in)
	if err != nil {
		t.Fatal(err)
	}
	detail := func(err error) *pulumirpc.ErrorResourceInitFailed {
		t.Helper()
		rpcErr, ok := rpcerror.FromError(err)
		if !ok {
			t.Fatalf("got %v, want a gRPC status", err)
		}
		for _, d := range rpcErr.Details() {
			if initErr, ok := d.(*pulumirpc.ErrorResourceInitFailed); ok {
				return initErr
			}
		}
		t.Fatalf("the status %v has no ErrorResourceInitFailed detail", err)
		return nil
	}

	_, err = p.Create(ctx, &pulumirpc.CreateRequest{Urn: string(urn), Properties: props, Timeout: 300})
	created := detail(err)
	want := "creating " + string(urn) + ": 1 error occurred:\n\t* " + waiterTimeout("create", "5m0s") + "\n\n"
	if created.GetId() != serviceArn || !slices.Equal(created.GetReasons(), []string{want}) ||
		created.GetProperties().GetFields()["waitForSteadyState"].GetBoolValue() != true {
		t.Errorf("Create: id %q, reasons %q, properties %v; want the service's ARN, %q and the planned state",
			created.GetId(), created.GetReasons(), created.GetProperties(), want)
	}
	if rpcErr, _ := rpcerror.FromError(err); rpcErr.Message() != want {
		t.Errorf("the status message is %q, want the reason", rpcErr.Message())
	}

	// An update that changes the service waits again, for the update's timeout.
	news := in.Copy()
	news["desiredCount"] = resource.NewNumberProperty(3)
	newProps, err := marshalProps(news)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Update(ctx, &pulumirpc.UpdateRequest{Urn: string(urn), Id: serviceArn, Olds: created.GetProperties(), OldInputs: props, News: newProps})
	updated := detail(err)
	if want := "updating " + string(urn) + ": 1 error occurred:\n\t* " + waiterTimeout("update", "20m0s") + "\n\n"; !slices.Equal(updated.GetReasons(), []string{want}) {
		t.Errorf("Update: reasons %q, want %q", updated.GetReasons(), want)
	}
}

// Under pulumi.WithMocks the registration fails as `up` does, with the bridge's reason and
// the resource's customTimeouts.create, and the resource is recorded with its id and
// InitErrors.
func TestMocksRecordAPartiallyCreatedResource(t *testing.T) {
	m := NewMocks("init-failure", "dev", "us-east-1")
	m.Cloud.TasksNeverHealthy(badImage, stoppedELB)
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		return neverServes(ctx, pulumi.Timeouts(&pulumi.CustomTimeouts{Create: "7m"}))
	}, pulumi.WithMocks("init-failure", "dev", m))
	if err == nil || !strings.Contains(err.Error(), waiterTimeout("create", "7m0s")) {
		t.Fatalf("got error %v, want the waiter's timeout", err)
	}
	for _, r := range m.Resources() {
		if r.Type == string(standin.TypeEcsService) {
			if r.ID != serviceArn || len(r.InitErrors) != 1 || !strings.HasPrefix(r.InitErrors[0], "creating urn:pulumi:dev::init-failure::aws:ecs/service:Service::web: ") {
				t.Errorf("the service is recorded with id %q and init errors %q", r.ID, r.InitErrors)
			}
			return
		}
	}
	t.Fatal("the partially created service is not recorded")
}

// Under the real engine: `up` fails with the provider's error, and the state keeps the
// service, with its id and initialisation error, as the stand-in keeps the object. The
// next preview plans an update of it (the engine retries a resource with init errors).
// That update changes nothing the provider sends (no UpdateService, so no wait), so it
// succeeds and clears the error, with the service still stalled: a fixed image under the
// same tag deploys nothing. destroy removes the service.
func TestEngineRecordsAPartiallyCreatedResource(t *testing.T) {
	cli := PulumiCLI(t) // skips with -short
	t.Parallel()
	dir := t.TempDir()
	for name, text := range map[string]string{"Pulumi.yaml": "name: init-failure\nruntime: go\n", "Pulumi.dev.yaml": "config:\n  aws:region: us-east-1\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := NewStack(t, cli, StackOptions{Name: "dev", Dir: dir, ConfigFile: "Pulumi.dev.yaml", Program: func(ctx *pulumi.Context) error {
		return neverServes(ctx, pulumi.Timeouts(&pulumi.CustomTimeouts{Create: "7m"}))
	}})
	cloud := s.AWS.Cloud
	cloud.TasksNeverHealthy(badImage, stoppedELB)

	_, err := s.TryApply(t)
	if err == nil || !strings.Contains(err.Error(), waiterTimeout("create", "7m0s")) {
		t.Fatalf("up: got %v, want it to fail with the waiter's timeout", err)
	}
	urn := resource.NewURN("dev", "init-failure", "", standin.TypeEcsService, "web")
	service := func() (id string, initErrors []string, taskDefinition any) {
		t.Helper()
		for _, r := range s.Resources(t) {
			if r.URN == urn {
				return string(r.ID), r.InitErrors, r.Outputs["taskDefinition"]
			}
		}
		t.Fatalf("the state has no %s", urn)
		return "", nil, nil
	}
	id, initErrors, td := service()
	if id != serviceArn || len(initErrors) != 1 || !strings.Contains(initErrors[0], "creating "+string(urn)+": 1 error occurred") {
		t.Errorf("the state holds the service with id %q and init errors %q", id, initErrors)
	}
	if !strings.HasPrefix(td.(string), "arn:aws:ecs:us-east-1:123456789012:task-definition/web:") {
		t.Errorf("its state's taskDefinition is %v, want the planned revision", td)
	}
	if !slices.Contains(cloud.LiveURNs(), urn) {
		t.Errorf("the stand-in does not hold the service: %v", cloud.Live())
	}

	if effect := s.Preview(t).Effects()[urn]; effect != Updated {
		t.Errorf("the next preview plans %q for the service, want %q", effect, Updated)
	}
	cloud.TasksNeverHealthy(badImage, "")
	s.Apply(t)
	if _, initErrors, _ := service(); len(initErrors) > 0 {
		t.Errorf("after the next up the service still has init errors %q", initErrors)
	}
	if d, _ := cloud.DescribeService(serviceArn); d.RunningCount != 0 {
		t.Errorf("the next up redeployed the service (%d running tasks); nothing it sent asks ECS to", d.RunningCount)
	}
	s.Destroy(t)
}
