package main

// The upgrade to roles under the stack's path and buckets named by project and stack,
// as an existing team goes through it: a stack the earlier release made (roles at IAM's
// root path without a boundary, buckets auto-named from their logical names) is deployed
// by this release with rolePermissionsBoundary set. A row of TestChangeSafety: the roles
// are replaced, and with them the task definitions and the flow log; nothing partners
// depend on is, buckets included; and every IAM call is one the deploy policy allows
// once the bootstrap keeps the old roles' deletion for the release, and not without.

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/iampolicy"
	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/example/nlb-alb-fargate/internal/standin/harness"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// earlierRelease is the program as released before this change: the same resources,
// the roles at IAM's root path without a boundary, the buckets auto-named from their
// logical names (access-logs-<suffix>).
func earlierRelease(ctx *pulumi.Context) error {
	err := ctx.RegisterStackTransformation(func(args *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
		switch a := args.Props.(type) {
		case *iam.RoleArgs:
			a.Path, a.PermissionsBoundary = nil, nil
		case *s3.BucketV2Args:
			a.BucketPrefix = nil
		default:
			return nil
		}
		return &pulumi.ResourceTransformationResult{Props: args.Props, Opts: args.Opts}
	})
	if err != nil {
		return err
	}
	return program(ctx)
}

// boundaryPolicy seeds the bootstrap's boundary into the stack's account and sets it.
func boundaryPolicy(t *testing.T, e *harness.Stack) map[string]any {
	withBoundary(t, nil)(e.AWS.Cloud)
	return map[string]any{"rolePermissionsBoundary": testBoundaryArn}
}

// upgradeToRolePaths is the upgrade's row of the change table.
func upgradeToRolePaths() settingChange {
	var before int // IAM calls the account saw before the upgrade
	var buckets []string
	return settingChange{
		change: "Upgrade: a stack of the earlier release (roles at `/`, no boundary) deployed by this one with `rolePermissionsBoundary` (with `flowLogs`)",
		from:   earlierRelease,
		base:   map[string]any{"flowLogs": true},
		set:    map[string]any{"flowLogs": true},
		prepare: func(t *testing.T, e *harness.Stack) map[string]any {
			before = len(e.AWS.Cloud.IAMCalls())
			buckets = bucketNames(t, e)
			for _, r := range e.Resources(t) {
				if string(r.Type) == string(standin.TypeIamRole) {
					if arn, _ := r.Outputs["arn"].(string); strings.Contains(arn, ":role/"+testProject+"/") {
						t.Fatalf("the earlier release's role %s is already under the stack's path: %s", r.URN.Name(), arn)
					}
				}
			}
			return boundaryPolicy(t, e)
		},
		verify: func(t *testing.T, e *harness.Stack, _ map[string]any) {
			if got := bucketNames(t, e); !slices.Equal(got, buckets) {
				t.Errorf("the upgrade renamed the buckets %v to %v", buckets, got)
			}
			calls := e.AWS.Cloud.IAMCalls()[before:]
			checkIAMCalls(t, "the upgrade", calls, deployPolicyFor(e.Name, e.AWS.Cloud.Region(), true))
			// Without the temporary deletion, the old roles could not be deleted.
			var refused []string
			for _, c := range calls {
				if r := deployPolicyFor(e.Name, e.AWS.Cloud.Region(), false).Evaluate(c.Request()); r.Decision != iampolicy.Allowed {
					refused = append(refused, c.Action)
				}
			}
			slices.Sort(refused)
			if refused = slices.Compact(refused); !slices.Contains(refused, "iam:DeleteRole") {
				t.Errorf("without legacyRoleCleanup the deploy policy refuses %v of the upgrade, want the old roles' deletion among them", refused)
			}
		},
		effect: "Once, with the bootstrap's `legacyRoleCleanup` (CHANGELOG.md): each role is replaced under `/<project>/<stack>/` with the boundary (create first, then the old one deleted), so each task definition gets a new revision (a rolling deployment) and the flow log is replaced (the new one starts before the old one stops). The buckets keep their names, the addresses and the load balancers stay; no interruption.",
	}
}

// bucketNames are the names of the stack's buckets, sorted.
func bucketNames(t *testing.T, e *harness.Stack) []string {
	var out []string
	for _, r := range e.Resources(t) {
		if string(r.Type) == string(standin.TypeS3BucketV2) {
			name, _ := r.Outputs["bucket"].(string)
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// The earlier release is what it stands for: roles at the root path without a boundary,
// buckets without the prefix; the rest as this release registers it.
func TestEarlierRelease(t *testing.T) {
	cfg := qualified(map[string]string{"flowLogs": "true", "rolePermissionsBoundary": testBoundaryArn})
	m, _, err := runIn(t, withBoundary(t, nil), testStack, cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	now := len(m.Resources())
	old := &mocks{Mocks: harness.NewMocks(testProject, testStack, testRegion)}
	withBoundary(t, nil)(old.Cloud)
	raw, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PULUMI_CONFIG", string(raw)) // runIn's, read again by this run
	if err := pulumi.RunErr(earlierRelease, pulumi.WithMocks(testProject, testStack, old.Mocks)); err != nil {
		t.Fatal(err)
	}
	if got := len(old.Resources()); got != now {
		t.Errorf("the earlier release registers %d resources, this one %d", got, now)
	}
	for _, r := range old.ByType(string(standin.TypeIamRole)) {
		if r.Inputs["path"] != nil || r.Inputs["permissionsBoundary"] != nil || !strings.HasPrefix(r.State["arn"].(string), "arn:aws:iam::123456789012:role/"+r.Name+"-") {
			t.Errorf("%s: path %v, boundary %v, arn %v: want the root path and no boundary", r.Name, r.Inputs["path"], r.Inputs["permissionsBoundary"], r.State["arn"])
		}
	}
	b := old.One(t, string(standin.TypeS3BucketV2), "access-logs")
	if name, _ := b.State["bucket"].(string); b.Inputs["bucketPrefix"] != nil || !strings.HasPrefix(name, "access-logs-") {
		t.Errorf("access-logs: prefix %v, name %q: want access-logs-<suffix>", b.Inputs["bucketPrefix"], name)
	}
}
