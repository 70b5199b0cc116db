package standin

// What ECS does with a service's deployments and what the provider's waiters make of it
// (ecsdeploy.go). These are not plan rules, so they are proven here rather than in
// TestEveryRuleBites: each test fails when the behaviour it names is taken out.

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

const (
	webCluster   = "arn:aws:ecs:us-east-1:123456789012:cluster/c"
	webArn       = "arn:aws:ecs:us-east-1:123456789012:service/c/web"
	unhealthyELB = "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef)"
)

// releases registers task definition revisions of family "web", one per image, and
// returns their ARNs: revision i+1 runs images[i].
func releases(t *testing.T, s stack, images ...string) []string {
	t.Helper()
	var arns []string
	for i, image := range images {
		td := s.mustCreate(TypeEcsTaskDefinition, fmt.Sprintf("web-td-%d", i+1), map[string]any{"family": "web",
			"containerDefinitions": `[{"name":"web","image":"` + image + `","memory":512,"portMappings":[{"containerPort":8080}]}]`})
		arns = append(arns, str(td.state, "arn"))
	}
	return arns
}

// webService is the service's inputs as the program sends them: the circuit breaker
// with rollback, forceNewDeployment, two tasks; change adds or overrides inputs.
func webService(taskDefinition string, change map[string]any) map[string]any {
	in := map[string]any{"name": "web", "cluster": webCluster, "taskDefinition": taskDefinition, "desiredCount": 2,
		"deploymentCircuitBreaker":   map[string]any{"enable": true, "rollback": true},
		"forceNewDeployment":         true,
		"capacityProviderStrategies": []any{map[string]any{"capacityProvider": "FARGATE", "weight": 1}}}
	for k, v := range change {
		in[k] = v
	}
	return in
}

// serving is a stack whose service "web" serves revision 1 (image web:good) after a
// completed deployment; revision 2 runs web:bad, whose tasks never pass their health checks.
func serving(t *testing.T, change map[string]any) (s stack, svc *live, revisions []string) {
	t.Helper()
	s = stack{t, NewCloud()}
	fargateCluster(t, s.c)
	deploymentAlarm(t, s.c)
	revisions = releases(t, s, "web:good", "web:bad", "web:good-too")
	s.c.TasksNeverHealthy("web:bad", unhealthyELB)
	svc = s.mustCreate(TypeEcsService, "web", webService(revisions[0], change))
	s.c.Settle() // time passes: revision 1's deployment completes
	return s, svc, revisions
}

func primary(t *testing.T, c *Cloud) Deployment {
	t.Helper()
	d, ok := c.DescribeService(webArn)
	if !ok || len(d.Deployments) == 0 {
		t.Fatalf("DescribeServices finds no deployment of %s", webArn)
	}
	return d.Deployments[0]
}

func hasEvent(c *Cloud, fragment string) bool {
	return slices.ContainsFunc(c.ServiceEvents(webArn), func(e string) bool { return strings.Contains(e, fragment) })
}

// With waitForSteadyState, a release whose tasks never pass their health checks is rolled
// back by the circuit breaker during the update; the waiter then sees the service stable on
// the previous revision and Update succeeds, storing that revision (the Read after the
// waiter): terraform-provider-aws#20858. The program's input still names the new one, so
// the next plan deploys it again.
func TestCircuitBreakerRollbackDuringTheWaitStoresThePreviousRevision(t *testing.T) {
	s, svc, rev := serving(t, map[string]any{"waitForSteadyState": true})
	completed := primary(t, s.c)
	if completed.RolloutState != rolloutCompleted || completed.TaskDefinition != rev[0] {
		t.Fatalf("revision 1's deployment: %+v, want it COMPLETED", completed)
	}
	if err := s.up(svc, webService(rev[1], map[string]any{"waitForSteadyState": true})); err != nil {
		t.Fatalf("the waiter reports a rollback as success, yet Update failed: %v", err)
	}
	if got := str(svc.state, "taskDefinition"); got != rev[0] {
		t.Errorf("Update stored taskDefinition %s, want the previous revision %s", got, rev[0])
	}
	if live, _ := s.c.Read(webArn); str(live, "taskDefinition") != rev[0] {
		t.Errorf("a refresh reads %s, want %s", str(live, "taskDefinition"), rev[0])
	}
	d, _ := s.c.DescribeService(webArn)
	p := d.Deployments[0]
	if len(d.Deployments) != 1 || p.TaskDefinition != rev[0] || p.RunningCount != 2 ||
		p.RolloutStateReason != "ECS deployment circuit breaker: rolling back to deploymentId "+completed.ID+"." {
		t.Errorf("after the rollback DescribeServices reports %+v", d.Deployments)
	}
	history := s.c.DeploymentHistory(webArn)
	failed := history[1]
	if len(history) != 3 || failed.TaskDefinition != rev[1] || failed.RolloutState != rolloutFailed ||
		failed.RolloutStateReason != "ECS deployment circuit breaker: tasks failed to start." || failed.FailedTasks != 3 {
		t.Errorf("deployments: %+v; want revision 2's FAILED by the circuit breaker after 3 failed tasks, then a rollback", history)
	}
	for _, e := range []string{"(service web) (deployment " + failed.ID + ") deployment failed: tasks failed to start.",
		"(service web) rolling back to deployment " + completed.ID + "."} {
		if !slices.Contains(s.c.ServiceEvents(webArn), e) {
			t.Errorf("no event %q in %q", e, s.c.ServiceEvents(webArn))
		}
	}
	if reasons := s.c.StoppedTaskReasons(webArn); len(reasons) < 3 || reasons[len(reasons)-1] != unhealthyELB {
		t.Errorf("stopped tasks' reasons %q, want the health checks' among them", reasons)
	}
	if d, _ := s.plan(svc, webService(rev[1], map[string]any{"waitForSteadyState": true})); !slices.Equal(d.Changed, []string{"taskDefinition"}) {
		t.Errorf("the next plan changes %v, want taskDefinition: the release again", d.Changed)
	}
}

// Without the wait (waitServiceActive), Update returns while the deployment rolls out and
// stores the new revision; the rollback comes afterwards, as time passes, and only a
// refresh sees it. An unrelated update after it does not send the task definition
// (d.HasChange), so its Read stores the revision the service runs: the previous one.
func TestWithoutTheWaitTheRollbackComesAfterUp(t *testing.T) {
	s, svc, rev := serving(t, nil)
	if err := s.up(svc, webService(rev[1], nil)); err != nil {
		t.Fatal(err)
	}
	if got := str(svc.state, "taskDefinition"); got != rev[1] {
		t.Fatalf("Update stored %s, want the new revision %s", got, rev[1])
	}
	if d, _ := s.c.DescribeService(webArn); len(d.Deployments) != 2 || d.TaskDefinition != rev[1] {
		t.Errorf("right after Update: %+v; want the new deployment rolling out next to the old one", d)
	}
	s.c.Settle() // time passes: the circuit breaker rolls back
	if live, _ := s.c.Read(webArn); str(live, "taskDefinition") != rev[0] {
		t.Errorf("later, a refresh reads %s, want the previous revision %s", str(live, "taskDefinition"), rev[0])
	}
	if d, _ := s.plan(svc, webService(rev[1], nil)); len(d.Changed) > 0 {
		t.Errorf("without a refresh the next plan changes %v, want nothing", d.Changed)
	}
	if err := s.up(svc, webService(rev[1], map[string]any{"desiredCount": 3})); err != nil {
		t.Fatal(err)
	}
	if got := str(svc.state, "taskDefinition"); got != rev[0] {
		t.Errorf("an update of desiredCount stored %s, want what the service runs, %s", got, rev[0])
	}
}

// A first deploy has no COMPLETED deployment to go back to: the circuit breaker stalls the
// deployment with no running tasks, so waitServiceStable never sees runningCount reach
// desiredCount and times out: after 20 minutes, or the customTimeouts.create the engine
// passes. The service exists by then (d.SetId ran before the wait): an InitError with its
// id. Without the wait, Create succeeds and the service stalls all the same.
func TestFirstDeployOfAReleaseThatNeverServesStalls(t *testing.T) {
	for name, tc := range map[string]struct {
		wait    bool
		timeout time.Duration
		err     string
	}{
		"default timeout": {wait: true, err: "waiting for ECS Service (" + webArn + ") create: timeout while waiting for state to become 'tfSTABLE' (last state: 'tfPENDING', timeout: 20m0s)"},
		"custom timeout":  {wait: true, timeout: 5 * time.Minute, err: "waiting for ECS Service (" + webArn + ") create: timeout while waiting for state to become 'tfSTABLE' (last state: 'tfPENDING', timeout: 5m0s)"},
		"no wait":         {},
	} {
		t.Run(name, func(t *testing.T) {
			s := stack{t, NewCloud()}
			fargateCluster(t, s.c)
			rev := releases(t, s, "web:bad")
			s.c.TasksNeverHealthy("web:bad", unhealthyELB)
			urn := resource.NewURN("test", "standin", "", TypeEcsService, "web")
			checked, _, err := s.c.Check(urn, nil, resource.NewPropertyMapFromMap(webService(rev[0], map[string]any{"waitForSteadyState": tc.wait})))
			if err != nil {
				t.Fatal(err)
			}
			id, state, err := s.c.CreateWithTimeout(urn, checked, false, tc.timeout)
			var initErr *InitError
			if tc.err == "" {
				if err != nil {
					t.Fatalf("without the wait, Create failed: %v", err)
				}
				s.c.Settle()
			} else {
				if !errors.As(err, &initErr) || err.Error() != tc.err {
					t.Fatalf("got error %v, want an InitError %q", err, tc.err)
				}
				if initErr.ID != webArn || id != webArn || str(initErr.State, "taskDefinition") != rev[0] || !state.DeepEquals(initErr.State) {
					t.Errorf("the InitError holds id %q and state %v; want the service's ARN and the planned state", initErr.ID, initErr.State)
				}
			}
			if _, ok := s.c.Read(webArn); !ok {
				t.Fatal("the service is not in AWS")
			}
			d, _ := s.c.DescribeService(webArn)
			if len(d.Deployments) != 1 || d.RunningCount != 0 || d.DesiredCount != 2 || d.Deployments[0].RolloutState != rolloutFailed {
				t.Errorf("DescribeServices reports %+v; want one FAILED deployment and no running tasks", d)
			}
			if !hasEvent(s.c, "deployment failed: tasks failed to start.") || hasEvent(s.c, "rolling back") {
				t.Errorf("events %q: want the failure and no rollback", d.Events)
			}
		})
	}
}

// An update waits only as long as its timeout, with the provider's error for an update:
// here the circuit breaker fails the release without rollback, so the old deployment
// keeps serving next to the failed one, two deployments the waiter never sees become one.
// A rollback also needs a COMPLETED deployment, not merely an earlier one: after a first
// deploy that failed, the next bad release stalls too.
func TestAnUpdateThatNeverSettlesTimesOut(t *testing.T) {
	s, svc, rev := serving(t, map[string]any{"waitForSteadyState": true})
	noRollback := map[string]any{"waitForSteadyState": true, "deploymentCircuitBreaker": map[string]any{"enable": true, "rollback": false}}
	d, news := s.plan(svc, webService(rev[1], noRollback))
	_, err := s.c.UpdateWithTimeout(svc.urn, svc.id, svc.state, svc.inputs, news, false, 10*time.Minute)
	var initErr *InitError
	want := "waiting for ECS Service (" + webArn + ") update: timeout while waiting for state to become 'tfSTABLE' (last state: 'tfPENDING', timeout: 10m0s)"
	if !errors.As(err, &initErr) || err.Error() != want {
		t.Fatalf("plan %v: got error %v, want an InitError %q", d.Changed, err, want)
	}
	if str(initErr.State, "taskDefinition") != rev[1] {
		t.Errorf("the state held after the failed update names %s, want the planned %s", str(initErr.State, "taskDefinition"), rev[1])
	}
	if desc, _ := s.c.DescribeService(webArn); len(desc.Deployments) != 2 || desc.RunningCount != 2 {
		t.Errorf("DescribeServices reports %+v; want the failed deployment and the old one still serving", desc)
	}

	// Every earlier deployment failed: nothing to roll back to.
	s = stack{t, NewCloud()}
	fargateCluster(t, s.c)
	rev = releases(t, s, "web:bad", "web:worse")
	s.c.TasksNeverHealthy("web:bad", unhealthyELB)
	s.c.TasksNeverHealthy("web:worse", "Essential container in task exited")
	svc = s.mustCreate(TypeEcsService, "web", webService(rev[0], nil))
	s.c.Settle()
	err = s.up(svc, webService(rev[1], map[string]any{"waitForSteadyState": true}))
	if !errors.As(err, &initErr) || !strings.Contains(err.Error(), "update: timeout while waiting for state to become 'tfSTABLE'") {
		t.Fatalf("got error %v, want the update's timeout", err)
	}
	if hasEvent(s.c, "rolling back") {
		t.Errorf("rolled back with no COMPLETED deployment: %q", s.c.ServiceEvents(webArn))
	}
}

// A deployment alarm that goes into ALARM during the next deployment fails it when the
// service's alarms have enable, and with rollback ECS rolls back to the previous revision
// while the waiter waits: Update succeeds and stores the previous revision, as for the
// circuit breaker. Without rollback the release stays, FAILED; without enable ECS ignores
// the alarm. The alarm fires during one deployment only.
func TestAlarmDuringTheNextDeployment(t *testing.T) {
	for name, tc := range map[string]struct {
		enable, rollback bool
		stored           int // the revision the update stores, 1-based
		rolloutState     string
	}{
		"rollback":         {enable: true, rollback: true, stored: 1, rolloutState: rolloutFailed},
		"without rollback": {enable: true, stored: 3, rolloutState: rolloutFailed},
		"not enabled":      {stored: 3, rolloutState: rolloutInProgress},
	} {
		t.Run(name, func(t *testing.T) {
			with := map[string]any{"waitForSteadyState": true,
				"alarms": map[string]any{"alarmNames": []any{"web-5xx"}, "enable": tc.enable, "rollback": tc.rollback}}
			s, svc, rev := serving(t, with)
			if err := s.c.AlarmFiresDuringNextDeployment("web-5xx"); err != nil {
				t.Fatal(err)
			}
			if err := s.up(svc, webService(rev[2], with)); err != nil {
				t.Fatal(err)
			}
			if got := str(svc.state, "taskDefinition"); got != rev[tc.stored-1] {
				t.Errorf("Update stored %s, want revision %d", got, tc.stored)
			}
			history := s.c.DeploymentHistory(webArn)
			if release := history[1]; release.TaskDefinition != rev[2] || release.RolloutState != tc.rolloutState {
				t.Errorf("the release's deployment: %+v, want %s", release, tc.rolloutState)
			}
			if hasEvent(s.c, "deployment failed: alarm detected.") != tc.enable {
				t.Errorf("events %q", s.c.ServiceEvents(webArn))
			}
			// The next deployment is not watched by a firing alarm.
			s.c.Settle()
			if err := s.up(svc, webService(rev[2], merge(with, map[string]any{"desiredCount": 3}))); err != nil {
				t.Fatal(err)
			}
			if p := primary(t, s.c); p.TaskDefinition != rev[2] || p.RolloutState == rolloutFailed {
				t.Errorf("the deployment after: %+v, want revision 3 deployed", p)
			}
		})
	}
	if err := NewCloud().AlarmFiresDuringNextDeployment("web-5xx"); err == nil {
		t.Error("an alarm that is not in the account fired")
	}
}

// waitServiceStable returns once the service has one deployment running the desired
// tasks, while that deployment is still IN_PROGRESS for the bake time. An alarm in the bake
// (FireAlarmDuringDeployment) rolls the release back after Update returned with the new
// revision: only a refresh sees it. Without an alarm the bake ends as time passes.
func TestTheWaiterReturnsBeforeTheBakeEnds(t *testing.T) {
	with := map[string]any{"waitForSteadyState": true, "alarms": map[string]any{"alarmNames": []any{"web-5xx"}, "enable": true, "rollback": true}}
	s, svc, rev := serving(t, with)
	if err := s.up(svc, webService(rev[2], with)); err != nil {
		t.Fatal(err)
	}
	if p := primary(t, s.c); p.TaskDefinition != rev[2] || p.RolloutState != rolloutInProgress || p.RunningCount != 2 {
		t.Fatalf("after the waiter returned: %+v, want revision 3 running, IN_PROGRESS (baking)", p)
	}
	if failed, rolledBack, err := s.c.FireAlarmDuringDeployment(webArn, "web-5xx"); err != nil || !failed || !rolledBack {
		t.Fatalf("an alarm in the bake: failed %v, rolled back %v, %v", failed, rolledBack, err)
	}
	if got := str(svc.state, "taskDefinition"); got != rev[2] {
		t.Errorf("the stored state names %s, want the release %s", got, rev[2])
	}
	if live, _ := s.c.Read(webArn); str(live, "taskDefinition") != rev[0] {
		t.Errorf("a refresh reads %s, want %s", str(live, "taskDefinition"), rev[0])
	}

	s, svc, rev = serving(t, with)
	if err := s.up(svc, webService(rev[2], with)); err != nil {
		t.Fatal(err)
	}
	s.c.Settle()
	if p := primary(t, s.c); p.RolloutState != rolloutCompleted || !hasEvent(s.c, "deployment "+p.ID+") deployment completed.") {
		t.Errorf("after the bake: %+v, want COMPLETED", p)
	}
}

// Turning waitForSteadyState on or off updates the service in place. The update sends
// UpdateService (the attribute is not a tag), and with forceNewDeployment, as the program
// sends it, that starts a deployment: the service rolls. Without forceNewDeployment it
// does not. A change of tags alone sends no UpdateService: no deployment and no wait.
func TestTogglingTheWaitRollsTheService(t *testing.T) {
	for _, force := range []bool{true, false} {
		s, svc, rev := serving(t, map[string]any{"forceNewDeployment": force})
		before := len(s.c.DeploymentHistory(webArn))
		on := map[string]any{"forceNewDeployment": force, "waitForSteadyState": true}
		d, _ := s.plan(svc, webService(rev[0], on))
		if !slices.Equal(d.Changed, []string{"waitForSteadyState"}) || len(d.Replaces) > 0 {
			t.Fatalf("forceNewDeployment %v: turning the wait on plans %+v, want an in-place update", force, d)
		}
		if err := s.up(svc, webService(rev[0], on)); err != nil {
			t.Fatal(err)
		}
		want := before
		if force {
			want++
		}
		if got := len(s.c.DeploymentHistory(webArn)); got != want {
			t.Errorf("forceNewDeployment %v: %d deployments after turning the wait on, want %d", force, got, want)
		}
	}

	// A service whose release stalls: with the wait on, an update of its tags alone still
	// succeeds, since resourceServiceUpdate waits only after an UpdateService.
	s := stack{t, NewCloud()}
	fargateCluster(t, s.c)
	rev := releases(t, s, "web:bad")
	s.c.TasksNeverHealthy("web:bad", unhealthyELB)
	svc := s.mustCreate(TypeEcsService, "web", webService(rev[0], nil))
	s.c.Settle()
	if err := s.up(svc, webService(rev[0], map[string]any{"waitForSteadyState": true})); err == nil {
		t.Fatal("turning the wait on for a stalled service did not time out")
	}
	svc.state = s.c.objectState(svc.id) // the refresh the next up would need
	svc.inputs["waitForSteadyState"] = resource.NewBoolProperty(true)
	deployments := len(s.c.DeploymentHistory(webArn))
	if err := s.up(svc, webService(rev[0], map[string]any{"waitForSteadyState": true, "tags": map[string]any{"Team": "web"}})); err != nil {
		t.Errorf("a change of tags alone waited: %v", err)
	}
	if got := len(s.c.DeploymentHistory(webArn)); got != deployments {
		t.Errorf("a change of tags alone started a deployment (%d, was %d)", got, deployments)
	}
}

// statusServiceWaitForStable reads only the number of deployments and the running and
// desired counts: a FAILED deployment or another task definition is stable all the same.
func TestStatusServiceWaitForStable(t *testing.T) {
	dep := func(running int, state, td string) *deployment {
		return &deployment{Deployment: Deployment{RunningCount: running, RolloutState: state, TaskDefinition: td}}
	}
	desired2 := resource.NewPropertyMapFromMap(map[string]any{"desiredCount": 2, "taskDefinition": "web:2"})
	for name, tc := range map[string]struct {
		deployments []*deployment
		want        string
	}{
		"one deployment running the desired tasks":     {[]*deployment{dep(2, rolloutInProgress, "web:2")}, serviceStatusStable},
		"a FAILED one running them":                    {[]*deployment{dep(2, rolloutFailed, "web:2")}, serviceStatusStable},
		"another task definition (a rollback)":         {[]*deployment{dep(2, rolloutInProgress, "web:1")}, serviceStatusStable},
		"fewer running tasks (a stalled deployment)":   {[]*deployment{dep(0, rolloutFailed, "web:2")}, serviceStatusPending},
		"two deployments (a rollout, or a failed one)": {[]*deployment{dep(0, rolloutFailed, "web:2"), dep(2, rolloutCompleted, "web:1")}, serviceStatusPending},
	} {
		svc := &ecsService{deployments: tc.deployments}
		if got := svc.statusWaitForStable(desired2); got != tc.want {
			t.Errorf("%s: %s, want %s", name, got, tc.want)
		}
	}
}
