package main

// What a deploy does under the real engine (docs/runbook.md, What a deploy does): with
// waitForSteadyState, `pulumi up` fails when ECS rolls the release back, says why and
// where to look, and the next preview plans the release again; without it, today's
// behaviour: `up` succeeds and the rollback is seen only by a refresh.

import (
	"slices"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/example/nlb-alb-fargate/internal/standin/harness"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

const (
	goodImage = "public.ecr.aws/nginx/nginx:1.27"
	badImage  = "public.ecr.aws/nginx/nginx:1.28" // its tasks never pass their health checks
	badReason = "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/0123456789abcdef)"
)

// releaseStack is the dev stack running goodImage, with waitForSteadyState as given.
func releaseStack(t *testing.T, name string, wait bool) *harness.Stack {
	t.Helper()
	e := harness.NewStack(t, harness.PulumiCLI(t), harness.StackOptions{Name: name, ConfigFile: "Pulumi.dev.yaml", Program: program})
	e.AWS.Cloud.TasksNeverHealthy(badImage, badReason)
	e.SetConfig(t, stackYAML(devConfig(t), map[string]any{"image": goodImage, "waitForSteadyState": wait}))
	e.Apply(t)
	return e
}

// A release whose tasks never pass their health checks, with waitForSteadyState: ECS's
// circuit breaker rolls it back during the wait, the provider's waiter reports success at
// the previous revision, and the release check fails `pulumi up` naming the service, the
// revision it went back to, and the commands that show why. The next preview plans the
// release again, so a fixed image simply deploys.
func TestEngineAReleaseThatDoesNotServeFailsUp(t *testing.T) {
	t.Parallel()
	e := releaseStack(t, "release", true)
	e.SetConfig(t, stackYAML(devConfig(t), map[string]any{"image": badImage}))
	_, err := e.TryApply(t)
	if err == nil {
		t.Fatal("up of a release whose tasks never serve: want it to fail")
	}
	for _, want := range []string{
		"service web: the release did not take: ECS rolled the service back to task definition revision 1 (" + testProject + "-release-web:1), not revision 2 that this update registered",
		"deployment circuit breaker",
		"deployment alarms (" + testProject + "-release-web-deploy-5xx, " + testProject + "-release-web-deploy-p99)",
		"aws ecs describe-services --region us-east-1 --cluster ",
		"--query 'services[0].events[:5]'",
		"--desired-status STOPPED",
		"'tasks[].[taskDefinitionArn,stoppedReason]'",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the failed up does not say %q:\n%v", want, err)
		}
	}
	// What the message points at is there: ECS's events and the stopped tasks' reason.
	svc := serviceArn(t, e)
	if events := strings.Join(e.AWS.Cloud.ServiceEvents(svc), "\n"); !strings.Contains(events, "rolling back") && !strings.Contains(events, "rolled back") {
		t.Errorf("ECS's events do not tell of the rollback:\n%s", events)
	}
	if reasons := e.AWS.Cloud.StoppedTaskReasons(svc); !slices.Contains(reasons, badReason) {
		t.Errorf("stopped tasks' reasons: %q, want %q among them", reasons, badReason)
	}
	// The next preview plans the release again: the state holds the revision the service
	// went back to, the program the new one.
	plan := e.Preview(t)
	if !plannedUpdate(plan, "web-service") {
		t.Errorf("after the rollback, the preview plans %v; want web-service updated again", plan.Changes)
	}
	// A fixed image under the same tag deploys with the next up.
	e.AWS.Cloud.TasksNeverHealthy(badImage, "")
	e.Apply(t)
	if out := e.Outputs(t); !strings.HasSuffix(releaseOutput(out, "web"), "-release-web:2") {
		t.Errorf("after the fix, releases.web is %q, want revision 2", releaseOutput(out, "web"))
	}
	if err := e.Preview(t).NoChanges(); err != nil {
		t.Errorf("after the fixed release: %v", err)
	}
	e.Destroy(t)
}

// Without waitForSteadyState, today's behaviour: `up` returns once AWS took the release,
// and ECS rolls it back afterwards, which only a refresh (the drift check) sees.
func TestEngineWithoutTheWaitUpDoesNotSeeTheRollback(t *testing.T) {
	t.Parallel()
	e := releaseStack(t, "nowait", false)
	e.SetConfig(t, stackYAML(devConfig(t), map[string]any{"image": badImage, "waitForSteadyState": false}))
	e.Apply(t)
	if err := e.Preview(t).NoChanges(); err != nil {
		t.Errorf("without the wait, the next preview: %v", err)
	}
	if plan := e.DriftCheck(t); !plannedUpdate(plan, "web-service") {
		t.Errorf("the drift check after the unseen rollback plans %v; want web-service's revision to differ", plan.Changes)
	}
	e.Destroy(t)
}

// A first deploy whose tasks never serve has nothing to roll back to: the deployment
// stalls, and the waiter runs out the program's create timeout (10 minutes, not the
// provider's 20) with the provider's message; the service is in the state, partly made.
func TestEngineAFirstDeployThatNeverServesTimesOut(t *testing.T) {
	t.Parallel()
	e := harness.NewStack(t, harness.PulumiCLI(t), harness.StackOptions{Name: "first", ConfigFile: "Pulumi.dev.yaml", Program: program})
	e.AWS.Cloud.TasksNeverHealthy(badImage, badReason)
	e.SetConfig(t, stackYAML(devConfig(t), map[string]any{"image": badImage}))
	_, err := e.TryApply(t)
	if err == nil || !strings.Contains(err.Error(), "timeout while waiting for state to become 'tfSTABLE' (last state: 'tfPENDING', timeout: 10m0s)") {
		t.Fatalf("a first deploy that never serves: want the waiter's timeout after 10m0s, got %v", err)
	}
	e.AWS.Cloud.TasksNeverHealthy(badImage, "")
	e.Destroy(t)
}

// serviceArn is the web service's ARN (its id) in the stack's state.
func serviceArn(t *testing.T, e *harness.Stack) string {
	t.Helper()
	for _, r := range e.Resources(t) {
		if r.Type == standin.TypeEcsService && r.URN.Name() == "web-service" {
			return r.ID.String()
		}
	}
	t.Fatal("no web-service in the state")
	return ""
}

// plannedUpdate reports whether the plan updates the named resource.
func plannedUpdate(plan harness.Plan, name string) bool {
	for _, st := range plan.Steps {
		if st.URN.Name() == name && st.Op == apitype.OpUpdate {
			return true
		}
	}
	return false
}

// releaseOutput is releases.<service> of the stack's outputs.
func releaseOutput(out auto.OutputMap, service string) string {
	releases, _ := out["releases"].Value.(map[string]any)
	s, _ := releases[service].(string)
	return s
}
