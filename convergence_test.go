package main

// What keeps the stack converging on AWS and its addresses in place when settings change
// (project issue 10): the options the engine needs for safe replacements, and names AWS
// accepts whatever the stack is called. The engine tests (changes_test.go) show them at work.

import (
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/stacktest"
	"github.com/example/nlb-alb-fargate/internal/standin"
)

// A replacement that keeps Elastic IPs must free them first: AWS lets one NLB or NAT
// gateway hold an EIP at a time. The ALB and the internet gateway cannot move to a new VPC,
// so a new VPC replaces them.
func TestReplacementsKeepTheStaticIPs(t *testing.T) {
	m, _ := mustRun(t, nil)
	stacktest.Equal(t, "NLB delete-before-replace", m.One(t, string(standin.TypeLoadBalancer), "nlb").DeleteBeforeReplace, true)
	for _, nat := range m.ByType(string(standin.TypeNatGateway)) {
		stacktest.Equal(t, nat.Name+" delete-before-replace", nat.DeleteBeforeReplace, true)
	}
	for _, eip := range m.ByType(string(standin.TypeEip)) {
		stacktest.Equal(t, eip.Name+" delete-before-replace (never replaced)", eip.DeleteBeforeReplace, false)
	}
	stacktest.Equal(t, "ALB replaced with the VPC", m.One(t, string(standin.TypeLoadBalancer), "alb").ReplacementTrigger, any(m.IDOf(t, string(standin.TypeVpc), "vpc")))
	stacktest.EqualSlices(t, "internet gateway replaced with the VPC", m.One(t, string(standin.TypeInternetGateway), "igw").ReplaceOnChanges, []string{"vpcId"})
	stacktest.Equal(t, "ALB delete-before-replace (a new ALB first keeps traffic flowing)", m.One(t, string(standin.TypeLoadBalancer), "alb").DeleteBeforeReplace, false)
}

func TestTaskFamilyIsValidForECS(t *testing.T) {
	tests := map[string]struct{ project, stack, service, want string }{
		"plain names are kept":          {"nlb-alb-fargate", "dev", "web", "nlb-alb-fargate-dev-web"},
		"dots become hyphens":           {"nlb-alb-fargate", "team.prod", "web", "nlb-alb-fargate-team-prod-web"},
		"underscores are kept":          {"my_project", "eu_west", "api", "my_project-eu_west-api"},
		"a long prefix is cut, not web": {strings.Repeat("p", 200), strings.Repeat("s", 100), "web", strings.Repeat("p", 200) + "-" + strings.Repeat("s", 51) + "web"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := taskFamily(tc.project, tc.stack, tc.service)
			stacktest.Equal(t, "family", got, tc.want)
			if len(got) > maxTaskFamily {
				t.Errorf("family is %d characters, ECS allows %d", len(got), maxTaskFamily)
			}
		})
	}
	// The program under a stack name with dots registers families the provider accepts
	// (its ValidateFunc runs in the stand-in's Check).
	m, _, err := runStack(t, "team.prod", nil, false)
	if err != nil {
		t.Fatalf("stack team.prod: %v", err)
	}
	stacktest.Equal(t, "family", stacktest.Str(t, m.One(t, string(standin.TypeEcsTaskDefinition), "web-task").Inputs, "family"), testProject+"-team-prod-web")
}
