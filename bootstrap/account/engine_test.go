package account

// The bootstrap under the real Pulumi engine with the stand-in AWS: preview → up →
// preview (must plan nothing) → outputs → destroy, which protection refuses until the
// resources are unprotected, and which then leaves the bucket, key and alias in the
// account. Skipped with -short: it runs the Pulumi CLI.

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/standin/harness"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

func TestEngineLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("engine test skipped with -short: it runs the real Pulumi CLI (and builds it once)")
	}
	e := harness.NewStack(t, harness.PulumiCLI(t), harness.StackOptions{Name: "test", ConfigFile: "testdata/Pulumi.test.yaml", Program: Program, Dir: ".."})

	plan := e.Preview(t)
	for op, n := range plan.Changes {
		if op != apitype.OpCreate && n > 0 {
			t.Errorf("first preview plans %d %s", n, op)
		}
	}
	if plan.Changes[apitype.OpCreate] == 0 {
		t.Fatalf("first preview plans no creates: %v", plan.Changes)
	}
	e.Apply(t)
	if err := e.Preview(t).NoChanges(); err != nil {
		t.Errorf("second preview: %v", err)
	}

	out := e.Outputs(t)
	for key, pattern := range map[string]string{
		"backendUrl":         `^s3://state-[0-9a-f]{7}\?region=eu-west-1$`,
		"secretsProviderUrl": `^awskms://alias/nlb-alb-fargate-secrets\?region=eu-west-1$`,
		"deployRoleArn":      `^arn:aws:iam::123456789012:role/deploy-role-[0-9a-f]{7}$`,
	} {
		if v, _ := out[key].Value.(string); !regexp.MustCompile(pattern).MatchString(v) {
			t.Errorf("output %s = %q, want %s", key, v, pattern)
		}
	}
	if len(out) != 3 {
		t.Errorf("%d outputs, want exactly backendUrl, secretsProviderUrl, deployRoleArn", len(out))
	}

	// A team changes settings on the running bootstrap: updates in place, nothing replaced.
	e.SetConfig(t, []byte("config:\n  aws:region: eu-west-1\n  nlb-alb-fargate-bootstrap:githubRepository: octo-org/nlb-alb-fargate\n"+
		"  nlb-alb-fargate-bootstrap:githubEnvironments: [prod]\n  nlb-alb-fargate-bootstrap:stateVersionRetentionDays: 30\n"))
	changed := map[string]harness.Effect{}
	for urn, effect := range e.Preview(t).Effects() {
		changed[urn.Name()] = effect
	}
	if want := map[string]harness.Effect{"deploy-role": harness.Updated, "state-lifecycle": harness.Updated}; !maps.Equal(changed, want) {
		t.Errorf("changing githubEnvironments and stateVersionRetentionDays plans %v, want %v", changed, want)
	}
	e.Apply(t)

	// Protection: the destroy is refused, and of what it deletes before it stops, nothing
	// the state depends on.
	if err := e.TryDestroy(t); err == nil || !strings.Contains(err.Error(), "protected") {
		t.Errorf("destroy of a protected bootstrap: got %v, want it refused", err)
	}
	var live []string
	for _, urn := range e.AWS.Cloud.LiveURNs() {
		live = append(live, urn.Name())
	}
	slices.Sort(live)
	if !slices.Equal(live, stateResources) {
		t.Errorf("after the refused destroy the account holds %v, want %v", live, stateResources)
	}
	var names []string
	for _, urn := range e.UnprotectAll(t) {
		names = append(names, urn[strings.LastIndex(urn, "::")+2:])
	}
	slices.Sort(names)
	if !slices.Equal(names, stateResources) {
		t.Errorf("protected: %v, want %v", names, stateResources)
	}
	// Unprotected on purpose, the destroy leaves them in the account (retainOnDelete).
	e.Destroy(t, stateResources...)
}
