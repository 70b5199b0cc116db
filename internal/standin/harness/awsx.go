package harness

// The awsx components under the engine: the awsx stand-in's Construct registers each one,
// and its children, with the engine's resource monitor, as the awsx plugin does. What they
// return is the models' (internal/standin/ecr.go):
//   - awsx:ecr:Repository registers its aws:ecr/repository:Repository child (through the
//     aws stand-in, like the real component) and returns `url` and `repository`.
//   - awsx:ecr:Image returns `imageUri` from standin.ImageURI, in digest form.
// Under mocks a component is one registration; standin.Cloud.ComponentOutputs answers it.

import (
	"context"
	"fmt"

	"google.golang.org/grpc"

	"github.com/example/nlb-alb-fargate/internal/standin"
	awsecr "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

type component struct {
	pulumi.ResourceState
}

// imageArgs are the awsx:ecr:Image inputs that decide the image.
type imageArgs struct {
	RepositoryUrl pulumi.StringInput    `pulumi:"repositoryUrl"`
	Context       pulumi.StringPtrInput `pulumi:"context"`
	Dockerfile    pulumi.StringPtrInput `pulumi:"dockerfile"`
	Platform      pulumi.StringPtrInput `pulumi:"platform"`
	Target        pulumi.StringPtrInput `pulumi:"target"`
	Args          pulumi.StringMapInput `pulumi:"args"`
}

func construct(ctx context.Context, req *pulumirpc.ConstructRequest, engine *grpc.ClientConn) (*pulumirpc.ConstructResponse, error) {
	return provider.Construct(ctx, req, engine, func(ctx *pulumi.Context, typ, name string, inputs provider.ConstructInputs, options pulumi.ResourceOption) (*provider.ConstructResult, error) {
		comp := &component{}
		if err := ctx.RegisterComponentResource(typ, name, comp, options); err != nil {
			return nil, fmt.Errorf("registering %s %s: %w", typ, name, err)
		}
		var state pulumi.Map
		switch typ {
		case string(standin.TypeAwsxEcrRepository):
			var args struct {
				Name               pulumi.StringPtrInput `pulumi:"name"`
				ForceDelete        pulumi.BoolPtrInput   `pulumi:"forceDelete"`
				ImageTagMutability pulumi.StringPtrInput `pulumi:"imageTagMutability"`
				Tags               pulumi.StringMapInput `pulumi:"tags"`
				// Passed to the repository as the real component does.
				ImageScanningConfiguration awsecr.RepositoryImageScanningConfigurationPtrInput `pulumi:"imageScanningConfiguration"`
			}
			if err := inputs.CopyTo(&args); err != nil {
				return nil, fmt.Errorf("%s %s: reading inputs: %w", typ, name, err)
			}
			repo, err := awsecr.NewRepository(ctx, name, &awsecr.RepositoryArgs{
				Name: args.Name, ForceDelete: args.ForceDelete, ImageTagMutability: args.ImageTagMutability, Tags: args.Tags,
				ImageScanningConfiguration: args.ImageScanningConfiguration,
			}, pulumi.Parent(comp))
			if err != nil {
				return nil, fmt.Errorf("%s %s: creating the repository: %w", typ, name, err)
			}
			state = pulumi.Map{"url": repo.RepositoryUrl, "repository": repo}
		case string(standin.TypeAwsxEcrImage):
			var args imageArgs
			if err := inputs.CopyTo(&args); err != nil {
				return nil, fmt.Errorf("%s %s: reading inputs: %w", typ, name, err)
			}
			if args.RepositoryUrl == nil {
				return nil, fmt.Errorf("%s %s: repositoryUrl is required", typ, name)
			}
			var optional []any
			for _, in := range []pulumi.Input{args.Context, args.Dockerfile, args.Platform, args.Target} {
				if in == nil {
					in = pulumi.StringPtr("")
				}
				optional = append(optional, in)
			}
			if args.Args == nil {
				args.Args = pulumi.StringMap{}
			}
			all := append([]any{args.RepositoryUrl, args.Args}, optional...)
			uri := pulumi.All(all...).ApplyT(func(v []any) (string, error) {
				deref := func(x any) string {
					if p, ok := x.(*string); ok && p != nil {
						return *p
					}
					s, _ := x.(string)
					return s
				}
				return standin.ImageURI(v[0].(string), deref(v[2]), deref(v[3]), deref(v[4]), deref(v[5]), v[1].(map[string]string))
			}).(pulumi.StringOutput)
			state = pulumi.Map{"imageUri": uri}
		default:
			return nil, fmt.Errorf("component %s is not served by the stand-in; add it to internal/standin/harness/awsx.go and its outputs to internal/standin/ecr.go", typ)
		}
		if err := ctx.RegisterResourceOutputs(comp, state); err != nil {
			return nil, fmt.Errorf("%s %s: registering outputs: %w", typ, name, err)
		}
		return &provider.ConstructResult{URN: comp.URN(), State: state}, nil
	})
}
