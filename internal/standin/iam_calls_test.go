package standin

// The IAM calls the stand-in records, the context keys it fills in, and IAM's answers to
// a caller whose policy requires a permissions boundary (ActAs). The request rules join
// TestEveryRuleBites's scenarios.

import (
	"slices"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/iampolicy"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

const (
	testBoundaryName = "nlb-alb-fargate-role-boundary"
	testBoundaryArn  = "arn:aws:iam::" + Account + ":policy/" + testBoundaryName
	ecsTrust         = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
)

// boundaryPolicy makes the account's boundary policy and returns the role setting that
// names it.
func boundaryPolicy(t *testing.T, c *Cloud) map[string]any {
	made(t, c, TypeIamPolicy, "boundary", map[string]any{"name": testBoundaryName,
		"policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"*"}]}`})
	return map[string]any{"permissionsBoundary": testBoundaryArn}
}

// bounded makes the boundary policy and role "r" under it, at a stack's path.
func bounded(t *testing.T, c *Cloud) map[string]any {
	boundaryPolicy(t, c)
	made(t, c, TypeIamRole, "r", map[string]any{"name": "r", "path": "/nlb-alb-fargate/dev/", "assumeRolePolicy": ecsTrust, "permissionsBoundary": testBoundaryArn})
	return map[string]any{"role": "r"}
}

// hasCall reports whether a call of the action carries the context key with the value.
func hasCall(calls []IAMCall, action, key, value string) bool {
	return slices.ContainsFunc(calls, func(c IAMCall) bool {
		return c.Action == action && slices.Contains(c.Context[key], value)
	})
}

func init() {
	namedScenarios = append(namedScenarios,
		scenario{rule: ruleBoundaryInRequest, typ: TypeIamRole, setup: boundaryPolicy,
			create: map[string]any{"assumeRolePolicy": ecsTrust},
			calls: func(calls []IAMCall) bool {
				return hasCall(calls, "iam:CreateRole", "iam:PermissionsBoundary", testBoundaryArn)
			}},
		// A boundary put on a running role: PutRolePermissionsBoundary carries the new one.
		scenario{rule: ruleBoundaryInRequest, typ: TypeIamRole,
			setup:  func(t *testing.T, c *Cloud) map[string]any { boundaryPolicy(t, c); return map[string]any{} },
			create: map[string]any{"assumeRolePolicy": ecsTrust}, next: map[string]any{"assumeRolePolicy": ecsTrust, "permissionsBoundary": testBoundaryArn},
			calls: func(calls []IAMCall) bool {
				return hasCall(calls, "iam:PutRolePermissionsBoundary", "iam:PermissionsBoundary", testBoundaryArn)
			}},
		scenario{rule: ruleBoundaryOfRole, typ: TypeIamRolePolicy, setup: bounded,
			create: map[string]any{"policy": policy},
			calls: func(calls []IAMCall) bool {
				return hasCall(calls, "iam:PutRolePolicy", "iam:PermissionsBoundary", testBoundaryArn)
			}},
		scenario{rule: ruleBoundaryOfRole, typ: TypeIamRolePolicyAttachment, setup: bounded,
			create: map[string]any{"policyArn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"},
			calls: func(calls []IAMCall) bool {
				return hasCall(calls, "iam:AttachRolePolicy", "iam:PermissionsBoundary", testBoundaryArn)
			}},
		scenario{rule: rulePassRole, typ: TypeEcsTaskDefinition,
			create: map[string]any{"family": "web", "containerDefinitions": containers, "executionRoleArn": "arn:aws:iam::123456789012:role/exec"},
			calls: func(calls []IAMCall) bool {
				return hasCall(calls, "iam:PassRole", "iam:PassedToService", "ecs-tasks.amazonaws.com")
			}},
		scenario{rule: ruleBoundaryExists, typ: TypeIamRole, refuses: "NoSuchEntity: Scope ARN: " + testBoundaryArn + " does not exist",
			create: map[string]any{"assumeRolePolicy": ecsTrust, "permissionsBoundary": testBoundaryArn}},
		scenario{rule: "aws_iam_policy verify.SuppressEquivalentPolicyDiffs", typ: TypeIamPolicy,
			create: map[string]any{"policy": policy}, next: map[string]any{"policy": samePolicy}, want: none},
		scenario{rule: "aws_iam_policy structure.NormalizeJsonString", typ: TypeIamPolicy,
			create: map[string]any{"policy": samePolicy},
			stored: func(s resource.PropertyMap) bool { return !strings.Contains(str(s, "policy"), "\n") }},
	)
}

// call is an IAM call without its URN, for comparing sequences.
type call struct{ action, resource, context string }

func callsOf(calls []IAMCall) []call {
	var out []call
	for _, c := range calls {
		var ctx []string
		for _, k := range []string{"iam:PermissionsBoundary", "iam:PolicyARN", "iam:PassedToService"} {
			if v, ok := c.Context[k]; ok {
				ctx = append(ctx, k+"="+strings.Join(v, ","))
			}
		}
		out = append(out, call{c.Action, c.Resource, strings.Join(ctx, " ")})
	}
	return out
}

// A role's life under a boundary, its policies, the roles handed to ECS and VPC Flow
// Logs, and its end: every IAM call, in order, with its context.
func TestIAMCallsOfAStack(t *testing.T) {
	c := NewCloud()
	c.SetDefaultTags(map[string]string{"team": "payments"})
	boundaryPolicy(t, c)
	const path, trust2 = "/nlb-alb-fargate/dev/", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"vpc-flow-logs.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	roleURN := resource.NewURN("test", "standin", "", TypeIamRole, "web-exec-role")
	roleInputs, _, err := c.Check(roleURN, nil, resource.NewPropertyMapFromMap(map[string]any{"name": "web-exec-role-1", "path": path,
		"assumeRolePolicy": ecsTrust, "permissionsBoundary": testBoundaryArn}))
	if err != nil {
		t.Fatal(err)
	}
	_, role, err := c.Create(roleURN, roleInputs, false)
	if err != nil {
		t.Fatal(err)
	}
	arn := str(role, "arn")
	if want := "arn:aws:iam::" + Account + ":role" + path + "web-exec-role-1"; arn != want || str(role, "permissionsBoundary") != testBoundaryArn {
		t.Fatalf("role arn %q boundary %q, want %q and the boundary read back", arn, str(role, "permissionsBoundary"), want)
	}
	policyID, _ := made(t, c, TypeIamRolePolicy, "secrets", map[string]any{"role": "web-exec-role-1", "policy": policy})
	attachID, _ := made(t, c, TypeIamRolePolicyAttachment, "exec-policy", map[string]any{"role": "web-exec-role-1",
		"policyArn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"})
	_, td := made(t, c, TypeEcsTaskDefinition, "web-task", map[string]any{"family": "web", "containerDefinitions": containers,
		"executionRoleArn": arn, "taskRoleArn": arn})
	fargateCluster(t, c)
	made(t, c, TypeEcsService, "web-service", map[string]any{"cluster": "arn:aws:ecs:us-east-1:1:cluster/c", "taskDefinition": str(td, "arn"), "desiredCount": 1})
	made(t, c, TypeIamRolePolicy, "delivery", map[string]any{"role": "web-exec-role-1",
		"policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}`})
	made(t, c, TypeFlowLog, "flow-log", map[string]any{"vpcId": "vpc-1", "trafficType": "ALL", "logDestination": "arn:aws:logs:us-east-1:123456789012:log-group:g", "iamRoleArn": arn})

	// A new trust and the boundary taken away: UpdateAssumeRolePolicy and
	// DeleteRolePermissionsBoundary (with the boundary the role had).
	next := resource.NewPropertyMapFromMap(map[string]any{"name": "web-exec-role-1", "path": path, "assumeRolePolicy": trust2})
	checked, _, err := c.Check(roleURN, roleInputs, next)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Update(roleURN, "web-exec-role-1", role, roleInputs, checked, false); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(resource.NewURN("test", "standin", "", TypeIamRolePolicy, "secrets"), policyID); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(resource.NewURN("test", "standin", "", TypeIamRolePolicyAttachment, "exec-policy"), attachID); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(roleURN, "web-exec-role-1"); err != nil {
		t.Fatal(err)
	}

	b, pass, exec := "iam:PermissionsBoundary="+testBoundaryArn, "iam:PassedToService=", "iam:PolicyARN=arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
	read := []call{{"iam:GetRole", arn, ""}, {"iam:ListRolePolicies", arn, ""}, {"iam:ListAttachedRolePolicies", arn, ""}}
	want := append(append([]call{{"iam:CreateRole", arn, b}, {"iam:TagRole", arn, ""}}, read...),
		call{"iam:PutRolePolicy", arn, b}, call{"iam:GetRolePolicy", arn, ""},
		call{"iam:AttachRolePolicy", arn, b + " " + exec}, call{"iam:ListAttachedRolePolicies", arn, ""},
		call{"iam:PassRole", arn, pass + "ecs-tasks.amazonaws.com"}, call{"iam:PassRole", arn, pass + "ecs-tasks.amazonaws.com"}, // the task definition's two roles
		call{"iam:PassRole", arn, pass + "ecs-tasks.amazonaws.com"}, call{"iam:PassRole", arn, pass + "ecs-tasks.amazonaws.com"}, // and the service that runs it
		call{"iam:PutRolePolicy", arn, b}, call{"iam:GetRolePolicy", arn, ""},
		call{"iam:PassRole", arn, pass + "vpc-flow-logs.amazonaws.com"},
		call{"iam:UpdateAssumeRolePolicy", arn, ""}, call{"iam:DeleteRolePermissionsBoundary", arn, b})
	want = append(want, read...)
	want = append(want, call{"iam:DeleteRolePolicy", arn, ""}, call{"iam:DetachRolePolicy", arn, exec},
		call{"iam:ListInstanceProfilesForRole", arn, ""}, call{"iam:DeleteRole", arn, ""})
	got := callsOf(c.IAMCalls())
	if !slices.Equal(got, want) {
		t.Errorf("IAM calls:\n%s\nwant:\n%s", format(got), format(want))
	}
}

func format(calls []call) string {
	var lines []string
	for _, c := range calls {
		lines = append(lines, "  "+c.action+" "+c.resource+" ["+c.context+"]")
	}
	return strings.Join(lines, "\n")
}

// Under ActAs, IAM enforces the caller's policy: a role created without the boundary the
// policy requires is refused with IAM's AccessDenied, naming the action and the role; an
// explicit deny says so; with the boundary the role is made.
func TestActAsEnforcesTheBoundaryCondition(t *testing.T) {
	doc := iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{
		{Sid: "CreateUnderBoundary", Effect: iampolicy.Allow, Action: iampolicy.List{"iam:CreateRole", "iam:PutRolePolicy"},
			Resource:  iampolicy.List{"arn:aws:iam::" + Account + ":role/nlb-alb-fargate/dev/*"},
			Condition: iampolicy.Conditions{"StringEquals": {"iam:PermissionsBoundary": {testBoundaryArn}}}},
		{Sid: "Read", Effect: iampolicy.Allow, Action: iampolicy.List{"iam:GetRole", "iam:List*", "iam:GetRolePolicy", "iam:DeleteRole"},
			Resource: iampolicy.List{"arn:aws:iam::" + Account + ":role/nlb-alb-fargate/dev/*"}},
		{Sid: "KeepTheBoundary", Effect: iampolicy.Deny, Action: iampolicy.List{"iam:DeleteRolePermissionsBoundary"}, Resource: iampolicy.List{"*"}},
	}}
	c := NewCloud()
	boundaryPolicy(t, c)
	c.ActAs(doc)
	try := func(name string, in map[string]any) error {
		urn := resource.NewURN("test", "standin", "", TypeIamRole, name)
		checked, _, err := c.Check(urn, nil, resource.NewPropertyMapFromMap(in))
		if err == nil {
			_, _, err = c.Create(urn, checked, false)
		}
		return err
	}
	dev := map[string]any{"name": "web-task-role-1", "path": "/nlb-alb-fargate/dev/", "assumeRolePolicy": ecsTrust}
	err := try("unbounded", dev)
	if want := "api error AccessDenied: User: " + Caller + " is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::" + Account +
		":role/nlb-alb-fargate/dev/web-task-role-1 because no identity-based policy allows the iam:CreateRole action"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("a role without the boundary: %v, want %q", err, want)
	}
	dev["permissionsBoundary"] = testBoundaryArn
	if err := try("bounded", dev); err != nil {
		t.Errorf("a role under the boundary: %v", err)
	}
	prod := map[string]any{"name": "web-task-role-2", "path": "/nlb-alb-fargate/prod/", "assumeRolePolicy": ecsTrust, "permissionsBoundary": testBoundaryArn}
	if err := try("prod", prod); err == nil || !strings.Contains(err.Error(), "iam:CreateRole on resource: arn:aws:iam::"+Account+":role/nlb-alb-fargate/prod/web-task-role-2") {
		t.Errorf("a role under another stack's path: %v, want AccessDenied", err)
	}
	// Taking the boundary away is denied outright.
	urn := resource.NewURN("test", "standin", "", TypeIamRole, "bounded")
	state, _ := c.Read("web-task-role-1")
	news := state.Copy()
	delete(news, "permissionsBoundary")
	if _, err := c.Update(urn, "web-task-role-1", state, state, news, false); err == nil || !strings.Contains(err.Error(), "iam:DeleteRolePermissionsBoundary on resource") ||
		!strings.Contains(err.Error(), "with an explicit deny in an identity-based policy") {
		t.Errorf("removing the boundary: %v, want an explicit deny", err)
	}
	// Every call, allowed or not, was recorded.
	if n := len(c.IAMCalls()); n < 6 {
		t.Errorf("%d IAM calls recorded: %v", n, c.IAMCalls())
	}
}
