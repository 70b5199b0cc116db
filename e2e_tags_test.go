package main

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/example/nlb-alb-fargate/internal/standin/harness"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// TestEngineDefaultTagsReachEveryTaggableResource: with aws:defaultTags in the dev stack's
// config, every resource that has tags (tags_all) carries them after `up`, its own tags
// winning on a shared key, and the second preview plans nothing; a changed default tag
// then updates exactly those resources (and the provider) in place, nothing replaced.
func TestEngineDefaultTagsReachEveryTaggableResource(t *testing.T) {
	t.Parallel()
	e := harness.NewStack(t, harness.PulumiCLI(t), harness.StackOptions{Name: "dev", ConfigFile: "Pulumi.dev.yaml", Program: program})
	dev := devConfig(t)
	withTeam := func(team string) map[string]string {
		// Name too: the program names most resources itself, and their own Name must win.
		return map[string]string{"Team": team, "CostCenter": "1234", "Name": "from-default-tags"}
	}
	configure := func(tags map[string]string) {
		t.Helper()
		cfg := maps.Clone(dev)
		cfg["aws:defaultTags"] = map[string]any{"tags": tags}
		e.SetConfig(t, stackYAML(cfg, nil))
	}

	configure(withTeam("payments"))
	e.Apply(t)
	tagged := checkDefaultTags(t, e, withTeam("payments"))
	if err := e.Preview(t).NoChanges(); err != nil {
		t.Errorf("with default tags: %v", err)
	}

	configure(withTeam("checkout"))
	checkTagsUpdate(t, "the preview of a changed default tag", e.Preview(t), tagged)
	applied := e.Apply(t)
	checkTagsUpdate(t, "the up of a changed default tag", applied, tagged)
	checkDefaultTags(t, e, withTeam("checkout"))
	if err := e.Preview(t).NoChanges(); err != nil {
		t.Errorf("after the tag change: %v", err)
	}
	e.Destroy(t)
}

// checkDefaultTags checks that every aws resource in the state whose type has tags_all
// (standin.Tagged, which the stand-in's tests hold to the SDK) carries the default tags in
// it, its own tags winning, and that these include the taggable types the program makes,
// so the check cannot pass on an empty state. It returns the tagged resources.
func checkDefaultTags(t *testing.T, e *harness.Stack, defaults map[string]string) map[resource.URN]bool {
	t.Helper()
	tagged, types := map[resource.URN]bool{}, map[string]bool{}
	for _, r := range e.Resources(t) {
		if !r.Custom || !strings.HasPrefix(string(r.Type), "aws:") {
			continue
		}
		all, has := r.Outputs["tagsAll"].(map[string]any)
		if !standin.Tagged(r.Type) {
			if has {
				t.Errorf("%s: has tags_all %v, but its type takes no tags", r.URN, all)
			}
			continue
		}
		tagged[r.URN], types[string(r.Type)] = true, true
		own, _ := r.Inputs["tags"].(map[string]any)
		for k, v := range defaults {
			want := any(v)
			if o, ok := own[k]; ok {
				want = o
			}
			if all[k] != want {
				t.Errorf("%s: tags_all[%s] is %v, want %v (default %q, own %v)", r.URN, k, all[k], want, v, own[k])
			}
		}
	}
	for _, typ := range []string{string(standin.TypeVpc), string(standin.TypeSubnet), string(standin.TypeInternetGateway), string(standin.TypeEip), string(standin.TypeNatGateway), string(standin.TypeRouteTable), string(standin.TypeSecurityGroup), string(standin.TypeSecurityGroupIngressRule), string(standin.TypeSecurityGroupEgressRule), string(standin.TypeLoadBalancer), string(standin.TypeTargetGroup), string(standin.TypeListener), string(standin.TypeListenerRule), string(standin.TypeEcsCluster), string(standin.TypeEcsTaskDefinition), string(standin.TypeEcsService), string(standin.TypeIamRole), string(standin.TypeCloudwatchLogGroup)} {
		if !types[typ] {
			t.Errorf("no %s in the state carries tags_all; tagged types found: %v", typ, slices.Sorted(maps.Keys(types)))
		}
	}
	t.Logf("default tags %v on all %d tagged resources (%d types)", defaults, len(tagged), len(types))
	return tagged
}

// checkTagsUpdate checks a plan updates every tagged resource's tags_all and the aws
// provider's defaultTags in place, and does nothing else.
func checkTagsUpdate(t *testing.T, what string, plan harness.Plan, tagged map[resource.URN]bool) {
	t.Helper()
	updated := map[resource.URN]bool{}
	for _, st := range plan.Steps {
		want := "tagsAll"
		if strings.HasPrefix(string(st.URN.Type()), "pulumi:providers:aws") {
			want = "defaultTags"
		} else if !tagged[st.URN] {
			t.Errorf("%s: %s %s, which has no tags (changed: %v)", what, st.Op, st.URN, st.Diffs)
			continue
		}
		if st.Op != apitype.OpUpdate || !slices.Equal(st.Diffs, []string{want}) {
			t.Errorf("%s: %s %s (changed: %v, replaces: %v); want an update of %s alone", what, st.Op, st.URN, st.Diffs, st.Replaces, want)
		}
		updated[st.URN] = true
	}
	for urn := range tagged {
		if !updated[urn] {
			t.Errorf("%s: leaves %s as it is", what, urn)
		}
	}
	t.Logf("%s: %d updates in place (%d tagged resources and the provider), nothing else: %v", what, len(updated), len(tagged), plan.Changes)
}
