package standin

// The provider's default tags (aws:defaultTags): what the plan does with them
// (verify.SetTagsDiff), and which models are tagged at all. How the provider's Configure
// reads them is the harness's (harness/provider_test.go).

import (
	"reflect"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// What verify.SetTagsDiff plans for a running object: nothing while the default tags stay,
// an update of tagsAll alone (never a replacement) when one changes or goes, and the
// checked inputs carry the merged tags as pulumi-aws's applyTags puts them there.
func TestDefaultTagsPlan(t *testing.T) {
	c := NewCloud()
	c.SetDefaultTags(map[string]string{"Team": "payments", "CostCenter": "1234", "Name": "default"})
	urn := resource.NewURN("test", "standin", "", TypeVpc, "vpc")
	checked, _, err := c.Check(urn, nil, resource.NewPropertyMapFromMap(map[string]any{
		"cidrBlock": "10.0.0.0/16", "tags": map[string]any{"Name": "vpc"},
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"Team": "payments", "CostCenter": "1234", "Name": "vpc"}
	if got := checked["tagsAll"].Mappable(); !reflect.DeepEqual(got, want) {
		t.Errorf("checked tagsAll %v, want %v (the resource's own Name wins)", got, want)
	}
	id, state, err := c.Create(urn, checked, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := state["tagsAll"].Mappable(); !reflect.DeepEqual(got, want) {
		t.Errorf("stored tagsAll %v, want %v", got, want)
	}
	plan := func(defaults map[string]string) DiffResult {
		c.SetDefaultTags(defaults)
		news, _, err := c.Check(urn, checked, resource.NewPropertyMapFromMap(map[string]any{
			"cidrBlock": "10.0.0.0/16", "tags": map[string]any{"Name": "vpc"},
		}))
		if err != nil {
			t.Fatal(err)
		}
		return c.Diff(urn, id, state, checked, news)
	}
	if d := plan(map[string]string{"Team": "payments", "CostCenter": "1234", "Name": "default"}); len(d.Changed) > 0 {
		t.Errorf("the same default tags plan %v, want nothing", d.Changed)
	}
	for name, defaults := range map[string]map[string]string{
		"changed": {"Team": "checkout", "CostCenter": "1234", "Name": "default"},
		"removed": {"Team": "payments"},
	} {
		if d := plan(defaults); !slices.Equal(d.Changed, []string{"tagsAll"}) || len(d.Replaces) > 0 {
			t.Errorf("a %s default tag plans changes %v, replaces %v; want an update of tagsAll alone", name, d.Changed, d.Replaces)
		}
	}
}

// A model is tagged exactly when the real resource has tags_all (its SDK type a TagsAll
