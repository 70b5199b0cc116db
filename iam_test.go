package main

// The stack's IAM roles and the bootstrap's deploy policy: every role is under the
// stack's path and, with rolePermissionsBoundary, its boundary; and every IAM call the
// stand-in sees while the stack is deployed (here under mocks, for every example; in
// engine_test.go under the real engine, destroy included) is one the deploy policy of
// the stack's environment allows, and allows only with the boundary.

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/deploypolicy"
	"github.com/example/nlb-alb-fargate/internal/iampolicy"
	"github.com/example/nlb-alb-fargate/internal/stacktest"
	"github.com/example/nlb-alb-fargate/internal/standin"
)

// testBoundaryArn is the bootstrap's permissions boundary in the tests' account.
var testBoundaryArn = "arn:aws:iam::" + standin.Account + ":policy/" + testProject + "-role-boundary"

// withBoundary is an account holding the bootstrap's boundary policy, as it writes it.
func withBoundary(t *testing.T, acct anAccount) anAccount {
	return func(c *standin.Cloud) {
		if acct != nil {
			acct(c)
		}
		doc, err := deploypolicy.Boundary(deploypolicy.BoundaryScope{
			Account: deploypolicy.Account{Partition: "aws", ID: standin.Account, Region: c.Region()}, Project: testProject,
		}).JSON()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Seed(standin.TypeIamPolicy, "role-boundary", map[string]any{"name": testProject + "-role-boundary", "policy": doc}); err != nil {
			t.Fatalf("seeding the boundary policy: %v", err)
		}
	}
}

// deployPolicyFor is the bootstrap's deploy policy of the environment named like the
// stack, in the stand-in's account and region.
func deployPolicyFor(stack, region string, legacyRoleCleanup bool) iampolicy.Document {
	return deploypolicy.Deploy(deploypolicy.DeployScope{
		Account:           deploypolicy.Account{Partition: "aws", ID: standin.Account, Region: region},
		Backend:           deploypolicy.Backend{Bucket: "state-9f8e7d6", KeyArn: "arn:aws:kms:" + region + ":" + standin.Account + ":key/11111111-1111-1111-1111-111111111111"},
		Stack:             deploypolicy.Stack{Project: testProject, Name: stack, SecretsKeyArn: "arn:aws:kms:" + region + ":" + standin.Account + ":key/22222222-2222-2222-2222-222222222222"},
		BoundaryArn:       testBoundaryArn,
		LegacyRoleCleanup: legacyRoleCleanup,
	})
}

// checkIAMCalls evaluates the policy against each call: each must be allowed, and a
// call that carries iam:PermissionsBoundary must be refused with the key absent and with
// another boundary, or the boundary condition does not hold. It returns the number of
// calls checked.
func checkIAMCalls(t *testing.T, name string, calls []standin.IAMCall, policy iampolicy.Document) int {
	t.Helper()
	if len(calls) == 0 {
		t.Errorf("%s: the stand-in saw no IAM call", name)
	}
	for _, c := range calls {
		if r := policy.Evaluate(c.Request()); !r.Allowed() {
			t.Errorf("%s: the deploy policy does not allow %s: %v", name, c, r)
			continue
		}
		if _, bounded := c.Context["iam:PermissionsBoundary"]; !bounded {
			continue
		}
		for what, ctx := range map[string]map[string][]string{
			"without the boundary key": without(c.Context, "iam:PermissionsBoundary"),
			"with another boundary":    withValue(c.Context, "iam:PermissionsBoundary", "arn:aws:iam::"+standin.Account+":policy/AdministratorAccessLookalike"),
		} {
			req := c.Request()
			req.Context = ctx
			if r := policy.Evaluate(req); r.Allowed() {
				t.Errorf("%s: the deploy policy allows %s %s too (%v): the boundary condition does not hold", name, c, what, r)
			}
		}
	}
	return len(calls)
}

func without(ctx map[string][]string, key string) map[string][]string {
	out := maps.Clone(ctx)
	delete(out, key)
	return out
}

func withValue(ctx map[string][]string, key, value string) map[string][]string {
	out := maps.Clone(ctx)
	out[key] = []string{value}
	return out
}

// Every role is under /<project>/<stack>/ and carries the boundary when it is set; its
// auto-name is what it was.
func TestStackRolesUnderPathAndBoundary(t *testing.T) {
	for _, boundary := range []string{"", testBoundaryArn} {
		cfg := map[string]string{"flowLogs": "true", "rolePermissionsBoundary": boundary}
		m, _, err := runIn(t, withBoundary(t, nil), testStack, qualified(cfg), false)
		if err != nil {
			t.Fatalf("boundary %q: %v", boundary, err)
		}
		roles := m.ByType(string(standin.TypeIamRole))
		var names []string
		for _, r := range roles {
			names = append(names, r.Name)
			stacktest.Equal(t, r.Name+" path", r.Inputs["path"], any("/"+testProject+"/dev/"))
			if got, _ := r.Inputs["permissionsBoundary"].(string); got != boundary {
				t.Errorf("%s: permissionsBoundary %q, want %q", r.Name, got, boundary)
			}
			name, _ := r.State["name"].(string)
			if !strings.HasPrefix(name, r.Name+"-") {
				t.Errorf("%s: name %q, want the auto-name %s-<suffix>", r.Name, name, r.Name)
			}
			stacktest.Equal(t, r.Name+" arn", r.State["arn"], any("arn:aws:iam::123456789012:role/"+testProject+"/dev/"+name))
		}
		slices.Sort(names)
		stacktest.EqualSlices(t, "roles", names, []string{"flow-logs-role", "web-exec-role", "web-task-role"})
	}
}

// A boundary of another account is refused by the look-up stage, naming the key, before
// anything is registered.
func TestBoundaryOfAnotherAccountIsRefused(t *testing.T) {
	arn := "arn:aws:iam::210987654321:policy/" + testProject + "-role-boundary"
	mustRefuse(t, nil, map[string]string{"rolePermissionsBoundary": arn}, []string{
		`rolePermissionsBoundary: invalid value "` + arn + `": is a policy of account 210987654321, the stack deploys into account 123456789012`,
	})
}

// The buckets' names start with <project>-<stack>-, and are ignored once made: a bucket
// made before keeps its name.
func TestStackBucketNames(t *testing.T) {
	m, _ := mustRun(t, map[string]string{"accessLogs": "true"})
	b := m.One(t, string(standin.TypeS3BucketV2), "access-logs")
	stacktest.Equal(t, "bucketPrefix", b.Inputs["bucketPrefix"], any(testProject+"-dev-access-logs-"))
	if name, _ := b.State["bucket"].(string); !strings.HasPrefix(name, deploypolicy.BucketPrefix(testProject, testStack)) {
		t.Errorf("bucket %q does not start with the stack's prefix", name)
	}
	stacktest.EqualSlices(t, "ignoreChanges", b.IgnoreChanges, []string{"bucket", "bucketPrefix"})
}

// The deploy policy allows every IAM call of every example's deploy, each with the
// boundary only. (The engine tests check the same over the whole lifecycle.)
func TestDeployPolicyAllowsTheStacksIAMCalls(t *testing.T) {
	for _, sc := range stackConfigFiles(t) {
		t.Run(sc.stack, func(t *testing.T) {
			cfg := loadStackFiles(t, sc.path)
			cfg[testProject+":rolePermissionsBoundary"] = testBoundaryArn
			m, _, err := runIn(t, withBoundary(t, sc.account(t)), testStack, cfg, false)
			if err != nil {
				t.Fatalf("%s: %v", sc.path, err)
			}
			n := checkIAMCalls(t, sc.stack, m.Cloud.IAMCalls(), deployPolicyFor(testStack, m.Cloud.Region(), false))
			b, _ := json.Marshal(actionsOf(m.Cloud.IAMCalls()))
			t.Logf("%s: %d IAM calls allowed, each with the boundary only: %s", sc.stack, n, b)
		})
	}
}

func actionsOf(calls []standin.IAMCall) []string {
	var out []string
	for _, c := range calls {
		out = append(out, c.Action)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
