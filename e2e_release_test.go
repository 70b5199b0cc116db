package main

// Build once, promote by digest under the real engine: a stack moves off its own build
// only once a release runs, runs the release it is given, records it once every service
// runs it, and without a digest deploys what it recorded, which plans nothing; a release
// ECS rolls back is never recorded, and the next up without a digest returns to the last
// good one.

import (
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/deploypolicy"
	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/example/nlb-alb-fargate/internal/standin/harness"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

const testReleaseC = "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc" // its tasks never serve

func TestEngineReleasesArePromotedByDigest(t *testing.T) {
	t.Parallel()
	e := harness.NewStack(t, harness.PulumiCLI(t), harness.StackOptions{Name: "promote", ConfigFile: "Pulumi.dev.yaml", Program: program})
	e.AWS.Cloud.TasksNeverHealthy(testReleaseRepository+"@"+testReleaseC, badReason)
	deploy := func(digest string) (harness.Plan, error) {
		settings := map[string]any{"releaseRepository": testReleaseRepository}
		if digest != "" {
			settings["releaseDigest"] = digest
		}
		e.SetConfig(t, stackYAML(devConfig(t), settings))
		return e.TryApply(t)
	}
	runs := func(step, digest string) {
		t.Helper()
		want := testReleaseRepository + "@" + digest
		if got, _ := e.Outputs(t)["releaseImage"].Value.(string); got != want {
			t.Errorf("%s: releaseImage %q, want %q", step, got, want)
		}
		if got := recordedRelease(t, e); got != want {
			t.Errorf("%s: the release record holds %q, want %q", step, got, want)
		}
	}
	// The move off the stack's own build of app/. A first release ECS rolls back: up
	// fails, nothing is recorded, and the build's repository, whose image the service went
	// back to, stays. (The engine deletes what the program dropped only after every
	// other step succeeded, and with waitForSteadyState the service's step lasts until
	// its tasks run.)
	e.SetConfig(t, stackYAML(devConfig(t), nil))
	e.Apply(t)
	if _, err := deploy(testReleaseC); err == nil {
		t.Fatal("a first release ECS rolls back: want up to fail")
	}
	if !liveWebRepository(e) {
		t.Error("after a move ECS rolled back, the build's repository is gone; the service runs its image")
	}
	if _, err := e.AWS.Cloud.Invoke("aws:ssm/getParameter:getParameter", resource.NewPropertyMapFromMap(map[string]any{"name": deploypolicy.ReleaseRecordName(testProject, e.Name)})); err == nil {
		t.Error("a release ECS rolled back was recorded")
	}
	if _, err := deploy(testReleaseA); err != nil {
		t.Fatal(err)
	}
	runs("the first release", testReleaseA)
	if liveWebRepository(e) {
		t.Error("the build's repository outlives the first release that took")
	}

	// Without a digest: what the stack recorded, so nothing changes, nor does the drift check see any.
	e.SetConfig(t, stackYAML(devConfig(t), map[string]any{"releaseRepository": testReleaseRepository}))
	if err := e.Preview(t).NoChanges(); err != nil {
		t.Errorf("without a digest, after release A: %v", err)
	}
	if err := e.DriftCheck(t).NoChanges(); err != nil {
		t.Errorf("the drift check without a digest: %v", err)
	}

	if _, err := deploy(testReleaseB); err != nil {
		t.Fatal(err)
	}
	runs("the next release", testReleaseB)

	// A release whose tasks never serve: ECS rolls it back, up fails, and it is not recorded.
	if _, err := deploy(testReleaseC); err == nil || !strings.Contains(err.Error(), "service web: the release did not take") {
		t.Fatalf("up of a release ECS rolls back: %v; want the release check's error", err)
	}
	if got, want := recordedRelease(t, e), testReleaseRepository+"@"+testReleaseB; got != want {
		t.Errorf("after the rolled-back release the record holds %q, want the last good %q", got, want)
	}
	// Without a digest the stack returns to the last good release, and then rests.
	if _, err := deploy(""); err != nil {
		t.Fatalf("back to the recorded release: %v", err)
	}
	runs("back to the last good release", testReleaseB)
	if err := e.Preview(t).NoChanges(); err != nil {
		t.Errorf("after returning to release B: %v", err)
	}
	e.Destroy(t)
}

// liveWebRepository reports whether the web service's build repository is in the account.
func liveWebRepository(e *harness.Stack) bool {
	for _, u := range e.AWS.Cloud.LiveURNs() {
		if u.Type() == standin.TypeEcrRepository {
			return true
		}
	}
	return false
}

// recordedRelease is what the stack's release record holds in the stand-in account.
func recordedRelease(t *testing.T, e *harness.Stack) string {
	t.Helper()
	got, err := e.AWS.Cloud.Invoke("aws:ssm/getParameter:getParameter", resource.NewPropertyMapFromMap(map[string]any{"name": deploypolicy.ReleaseRecordName(testProject, e.Name)}))
	if err != nil {
		t.Fatalf("reading the release record: %v", err)
	}
	return got["insecureValue"].StringValue()
}
