package main

// The stand-in's type tokens against the SDK. Every model's type token, and every awsx
// component's the stand-in answers for, is one the SDK itself registers: one resource of each SDK type is read (an awsx component
// constructed) under pulumi.WithMocks, and the token it arrives with recorded. A token the
// SDK does not register could never match a registration, so a test that looks resources
// up by it would see nothing and pass. It lives with the program's tests because their
// test binary links the SDK's packages anyway; the stand-in's own would link them for this
// alone.

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	awsxecr "github.com/pulumi/pulumi-awsx/sdk/v2/go/awsx/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// sdkRegister makes one resource of an SDK type under the given name.
type sdkRegister func(ctx *pulumi.Context, name string) (pulumi.Resource, error)

// sdkReads read one resource of every SDK type the stand-in models, with the type's own
// Get function, which registers the type's token.
var sdkReads = []sdkRegister{
	read(acm.GetCertificate), read(acm.GetCertificateValidation),
	read(appautoscaling.GetPolicy), read(appautoscaling.GetTarget),
	read(cloudwatch.GetDashboard), read(cloudwatch.GetLogGroup), read(cloudwatch.GetMetricAlarm),
	read(ec2.GetDefaultSecurityGroup), read(ec2.GetFlowLog), read(ec2.GetEgressOnlyInternetGateway), read(ec2.GetEip),
	read(ec2.GetInternetGateway), read(ec2.GetNatGateway), read(ec2.GetRoute), read(ec2.GetRouteTable),
	read(ec2.GetRouteTableAssociation), read(ec2.GetSecurityGroup), read(ec2.GetSubnet), read(ec2.GetVpc),
	read(ec2.GetVpcEndpoint), read(ec2.GetVpcEndpointService),
	read(ecr.GetRepository), read(ecr.GetRepositoryPolicy), read(ecr.GetLifecyclePolicy),
	read(ecs.GetCluster), read(ecs.GetClusterCapacityProviders), read(ecs.GetService), read(ecs.GetTaskDefinition),
	read(iam.GetRole), read(iam.GetRolePolicy), read(iam.GetRolePolicyAttachment), read(iam.GetOpenIdConnectProvider), read(iam.GetPolicy),
	read(kms.GetKey), read(kms.GetAlias),
	read(lb.GetListener), read(lb.GetListenerRule), read(lb.GetLoadBalancer), read(lb.GetTargetGroup), read(lb.GetTargetGroupAttachment),
	read(lb.GetTrustStore),
	read(route53.GetRecord),
	read(s3.GetBucketV2), read(s3.GetBucketLifecycleConfigurationV2), read(s3.GetBucketPolicy), read(s3.GetBucketPublicAccessBlock),
	read(s3.GetBucketServerSideEncryptionConfigurationV2),
	read(s3.GetBucketVersioningV2), read(s3.GetBucketObjectv2),
	read(sns.GetTopic), read(sns.GetTopicSubscription),
	read(ssm.GetParameter),
	read(vpc.GetSecurityGroupEgressRule), read(vpc.GetSecurityGroupIngressRule),
	read(wafv2.GetIpSet), read(wafv2.GetWebAcl), read(wafv2.GetWebAclAssociation),
}

// read adapts an SDK resource's Get function (ec2.GetVpc, lb.GetLoadBalancer, ...).
func read[R pulumi.Resource, S any](get func(*pulumi.Context, string, pulumi.IDInput, *S, ...pulumi.ResourceOption) (R, error)) sdkRegister {
	return func(ctx *pulumi.Context, name string) (pulumi.Resource, error) {
		return get(ctx, name, pulumi.ID(name+"-id"), nil)
	}
}

// components are the awsx components ComponentOutputs answers for, each constructed as the
// program does.
var components = map[tokens.Type]sdkRegister{
	standin.TypeAwsxEcrRepository: func(ctx *pulumi.Context, name string) (pulumi.Resource, error) {
		return awsxecr.NewRepository(ctx, name, nil)
	},
	standin.TypeAwsxEcrImage: func(ctx *pulumi.Context, name string) (pulumi.Resource, error) {
		return awsxecr.NewImage(ctx, name, &awsxecr.ImageArgs{RepositoryUrl: pulumi.String("registry/repository")})
	},
}

// tokenRecorder is a mock monitor that records the type token of each registration.
type tokenRecorder struct {
	mu     sync.Mutex
	tokens map[string]tokens.Type // by resource name
}

func (r *tokenRecorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tokens[args.Name] = tokens.Type(args.TypeToken)
	return args.Name + "-id", resource.PropertyMap{}, nil
}

func (r *tokenRecorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return nil, fmt.Errorf("unexpected invoke %s", args.Token)
}

// sdkTypes registers every entry of sdkReads and components under mocks and returns the
// SDK's Go type of each token registered.
func sdkTypes(t *testing.T) map[tokens.Type]reflect.Type {
	t.Helper()
	rec := &tokenRecorder{tokens: map[string]tokens.Type{}}
	made := map[string]reflect.Type{} // Go type by resource name
	all := slices.Clone(sdkReads)
	for _, c := range components {
		all = append(all, c)
	}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		for i, register := range all {
			name := fmt.Sprintf("r%d", i)
			r, err := register(ctx, name)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			made[name] = reflect.TypeOf(r).Elem()
		}
		return nil
	}, pulumi.WithMocks("standin", "test", rec))
	if err != nil {
		t.Fatal(err)
	}
	out := map[tokens.Type]reflect.Type{}
	for name, typ := range made {
		token, ok := rec.tokens[name]
		if !ok {
			t.Fatalf("%s was made but never registered", typ)
		}
		if other, dup := out[token]; dup {
			t.Fatalf("%s and %s both register %s", other, typ, token)
		}
		out[token] = typ
	}
	return out
}

// TestModelTokensAreTheSDKs: each model's token, and each awsx component's, is the token
// the SDK registers for its type, and every SDK type read here is one the stand-in models.
func TestModelTokensAreTheSDKs(t *testing.T) {
	sdk := sdkTypes(t)
	for _, token := range standin.ModelTokens() {
		if _, ok := sdk[token]; !ok {
			t.Errorf("%s: no SDK type in sdkReads registers this token: misspelt, or add the type's Get to sdkReads", token)
		}
	}
	for token := range components {
		if _, ok := sdk[token]; !ok {
			t.Errorf("%s: the awsx SDK does not register this token", token)
		}
	}
	for token, typ := range sdk {
		if _, ok := standin.TerraformType(token); !ok && components[token] == nil {
			t.Errorf("%s (%s): read in sdkReads but not modelled; drop it", token, typ)
		}
	}
}

// output): otherwise default tags would miss a resource, or reach one AWS cannot tag.
func TestTaggedModelsMatchTheSDK(t *testing.T) {
	sdk := sdkTypes(t)
	for _, token := range standin.ModelTokens() {
		typ, ok := sdk[token]
		if !ok {
			t.Errorf("%s: no SDK type in sdkReads registers it (TestModelTokensAreTheSDKs says more)", token)
			continue
		}
		if _, has := typ.FieldByName("TagsAll"); has != standin.Tagged(token) {
			t.Errorf("%s: the model's tagged is %v, but the SDK's %s has a TagsAll output: %v", token, standin.Tagged(token), typ, has)
		}
	}
}
