package standin

// The provider's default tags (aws:defaultTags): how Configure reads them, that a new set
// updates the provider instead of replacing it, what the plan does with them
// (verify.SetTagsDiff), and which models are tagged at all.

import (
	"context"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
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
			p := &Provider{Cloud: NewCloud(), pkg: "aws", calls: map[string]int{}}
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
			if got := p.Cloud.defaultTags; !reflect.DeepEqual(got, tc.want) {
				t.Errorf("default tags %v, want %v", got, tc.want)
			}
		})
	}
}

// New default tags update the provider in place (the real provider is not replaced, so
// neither is anything it manages); the same ones change nothing.
func TestDiffConfigUpdatesOnNewDefaultTags(t *testing.T) {
	p := &Provider{Cloud: NewCloud(), pkg: "aws", calls: map[string]int{}}
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

// What verify.SetTagsDiff plans for a running object: nothing while the default tags stay,
// an update of tagsAll alone (never a replacement) when one changes or goes, and the
// checked inputs carry the merged tags as pulumi-aws's applyTags puts them there.
func TestDefaultTagsPlan(t *testing.T) {
	c := NewCloud()
	c.SetDefaultTags(map[string]string{"Team": "payments", "CostCenter": "1234", "Name": "default"})
	urn := resource.NewURN("test", "standin", "", "aws:ec2/vpc:Vpc", "vpc")
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

// sdkResources are the SDK's resource types of every modelled token, for the cross-check
// below.
var sdkResources = []any{
	acm.Certificate{}, acm.CertificateValidation{},
	appautoscaling.Policy{}, appautoscaling.Target{},
	cloudwatch.Dashboard{}, cloudwatch.LogGroup{}, cloudwatch.MetricAlarm{},
	ec2.DefaultSecurityGroup{}, ec2.FlowLog{}, ec2.EgressOnlyInternetGateway{}, ec2.Eip{}, ec2.InternetGateway{}, ec2.NatGateway{}, ec2.Route{}, ec2.RouteTable{},
	ec2.RouteTableAssociation{}, ec2.SecurityGroup{}, ec2.Subnet{}, ec2.Vpc{}, ec2.VpcEndpoint{}, ec2.VpcEndpointService{},
	ecr.Repository{},
	ecs.Cluster{}, ecs.ClusterCapacityProviders{}, ecs.Service{}, ecs.TaskDefinition{},
	iam.Role{}, iam.RolePolicy{}, iam.RolePolicyAttachment{},
	lb.Listener{}, lb.ListenerRule{}, lb.LoadBalancer{}, lb.TargetGroup{}, lb.TargetGroupAttachment{},
	route53.Record{},
	s3.BucketV2{}, s3.BucketLifecycleConfigurationV2{}, s3.BucketPolicy{}, s3.BucketPublicAccessBlock{},
	s3.BucketServerSideEncryptionConfigurationV2{},
	sns.Topic{}, sns.TopicSubscription{},
	vpc.SecurityGroupEgressRule{}, vpc.SecurityGroupIngressRule{},
	wafv2.IpSet{}, wafv2.WebAcl{}, wafv2.WebAclAssociation{},
}

// A model is tagged exactly when the real resource has tags_all (its SDK type a TagsAll
// output): otherwise default tags would miss a resource, or reach one AWS cannot tag.
func TestTaggedModelsMatchTheSDK(t *testing.T) {
	sdk := map[tokens.Type]reflect.Type{}
	for _, r := range sdkResources {
		typ := reflect.TypeOf(r)
		sdk[sdkToken(typ)] = typ
	}
	for token, m := range models {
		typ, ok := sdk[token]
		if !ok {
			t.Errorf("%s: no SDK type in sdkResources; add it", token)
			continue
		}
		if _, has := typ.FieldByName("TagsAll"); has != m.tagged {
			t.Errorf("%s: the model's tagged is %v, but the SDK's %s has a TagsAll output: %v", token, m.tagged, typ, has)
		}
	}
	for token := range sdk {
		if _, ok := models[token]; !ok {
			t.Errorf("%s: in sdkResources but not modelled; drop it", token)
		}
	}
}

// sdkToken is the type token of an SDK resource type: aws:<module>/<camelName>:<Name>,
// where the module is the package name ("ec2", "vpc", ...).
func sdkToken(typ reflect.Type) tokens.Type {
	name := typ.Name()
	return tokens.Type("aws:" + path.Base(typ.PkgPath()) + "/" + strings.ToLower(name[:1]) + name[1:] + ":" + name)
}
