package main

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// TestEngineDefaultTagsReachEveryTaggableResource: with aws:defaultTags in the stack
// config, every resource that has tags (tags_all) carries them after `up`, the second
// preview plans nothing, and a changed default tag updates them all in place.
func TestEngineDefaultTagsReachEveryTaggableResource(t *testing.T) {
	skipShort(t)
	e := standin.NewStack(t, standin.PulumiCLI(t), standin.StackOptions{Name: "dev", ConfigFile: "Pulumi.dev.yaml", Program: program})
	withTags := func(team string) []byte {
		return fmt.Appendf(nil, "config:\n  aws:region: us-east-1\n  aws:defaultTags:\n    tags:\n      Team: %s\n      CostCenter: \"1234\"\n", team)
	}
	e.SetConfig(t, withTags("payments"))
	e.Up(t)
	checkDefaultTags(t, e, map[string]string{"Team": "payments", "CostCenter": "1234"})
	if err := e.Preview(t).NoChanges(); err != nil {
		t.Errorf("with default tags, the second preview: %v", err)
	}

	e.SetConfig(t, withTags("checkout"))
	_, plan := e.Up(t)
	for op, n := range plan.Changes {
		if n > 0 && op != apitype.OpSame && op != apitype.OpUpdate {
			t.Errorf("a changed default tag plans %d %s; want updates only", n, op)
		}
	}
	if plan.Changes[apitype.OpUpdate] == 0 {
		t.Errorf("a changed default tag updates nothing: %v", plan.Changes)
	}
	checkDefaultTags(t, e, map[string]string{"Team": "checkout", "CostCenter": "1234"})
	if err := e.Preview(t).NoChanges(); err != nil {
		t.Errorf("after the tag change, the second preview: %v", err)
	}
	e.Destroy(t)
}

// checkDefaultTags checks every aws resource in the state with tags_all carries want, and
// that these are the taggable ones the program makes (not a vacuous pass).
func checkDefaultTags(t *testing.T, e *standin.Stack, want map[string]string) {
	t.Helper()
	tagged := map[string]bool{}
	for _, r := range e.Resources(t) {
		all, ok := r.Outputs["tagsAll"].(map[string]any)
		if !r.Custom || !ok {
			continue
		}
		tagged[string(r.Type)] = true
		for k, v := range want {
			if all[k] != v {
				t.Errorf("%s: tags_all[%s] is %v, want %q", r.URN, k, all[k], v)
			}
		}
	}
	for _, typ := range []string{tVpc, tSubnet, tIgw, tEip, tNat, tSG, tIngress, tLB, tTG, tListener, tRule, tCluster, tTaskDef, tService, tRole, tLogGroup} {
		if !tagged[typ] {
			t.Errorf("no %s in the state carries tags_all; taggable types found: %v", typ, slices.Sorted(maps.Keys(tagged)))
		}
	}
}
