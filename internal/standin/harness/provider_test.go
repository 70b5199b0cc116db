package harness

// The provider's default tags (aws:defaultTags) at the gRPC face: how Configure reads them,
// and that a new set updates the provider instead of replacing it. What the plan does with
// them is the models' (internal/standin/tags_test.go).

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// The engine passes structured provider config as JSON text (seen under CLI v3.230.0);
// an object must work too, as the real provider's CheckConfig would make one.
func TestConfigureReadsDefaultTags(t *testing.T) {
	tests := map[string]struct {
		defaultTags any // nil: not set
		want        map[string]string
		err         string
	}{
		"JSON text":         {defaultTags: `{"tags":{"Team":"payments","CostCenter":"1234"}}`, want: map[string]string{"Team": "payments", "CostCenter": "1234"}},
		"object":            {defaultTags: map[string]any{"tags": map[string]any{"Team": "payments"}}, want: map[string]string{"Team": "payments"}},
		"not set":           {want: nil},
		"no tags inside":    {defaultTags: `{}`, want: map[string]string{}},
		"error if not JSON": {defaultTags: `{"tags":`, err: "stand-in aws: defaultTags: unexpected end of JSON input"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := &Provider{Cloud: standin.NewCloud(), pkg: "aws", calls: map[string]int{}}
			p.Cloud.SetDefaultTags(map[string]string{"Stale": "from an earlier run"})
			args := map[string]any{"region": "us-east-1"}
			if tc.defaultTags != nil {
				args["defaultTags"] = tc.defaultTags
			}
			props, err := marshalProps(resource.NewPropertyMapFromMap(args))
			if err != nil {
				t.Fatal(err)
			}
			_, err = p.Configure(context.Background(), &pulumirpc.ConfigureRequest{Args: props})
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("got error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Cloud.DefaultTags(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("default tags %v, want %v", got, tc.want)
			}
		})
	}
}

// New default tags update the provider in place (the real provider is not replaced, so
// neither is anything it manages); the same ones change nothing.
func TestDiffConfigUpdatesOnNewDefaultTags(t *testing.T) {
	p := &Provider{Cloud: standin.NewCloud(), pkg: "aws", calls: map[string]int{}}
	config := func(team string) map[string]any {
		return map[string]any{"region": "us-east-1", "defaultTags": `{"tags":{"Team":"` + team + `"}}`}
	}
	diff := func(olds, news map[string]any) *pulumirpc.DiffResponse {
		t.Helper()
		o, err := marshalProps(resource.NewPropertyMapFromMap(olds))
		if err != nil {
			t.Fatal(err)
		}
		n, err := marshalProps(resource.NewPropertyMapFromMap(news))
		if err != nil {
			t.Fatal(err)
		}
		d, err := p.DiffConfig(context.Background(), &pulumirpc.DiffRequest{OldInputs: o, News: n})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if d := diff(config("payments"), config("payments")); d.GetChanges() != pulumirpc.DiffResponse_DIFF_NONE {
		t.Errorf("the same default tags: changes %v %v, want none", d.GetChanges(), d.GetDiffs())
	}
	d := diff(config("payments"), config("checkout"))
	if d.GetChanges() != pulumirpc.DiffResponse_DIFF_SOME || !slices.Equal(d.GetDiffs(), []string{"defaultTags"}) || len(d.GetReplaces()) > 0 {
		t.Errorf("new default tags: changes %v, diffs %v, replaces %v; want an update of defaultTags", d.GetChanges(), d.GetDiffs(), d.GetReplaces())
	}
}
