package operations

import (
	"fmt"

	"github.com/example/nlb-alb-fargate/internal/deploypolicy"
	"github.com/example/nlb-alb-fargate/internal/site"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// NewReleaseRecord writes image, the release the stack deploys, to the stack's release
// record (deploypolicy.ReleaseRecordName), which the next deploy without releaseDigest reads
// back. Its value waits for released: each service's release check (package main's
// releaseOf), which errs when ECS rolled the release back. A release that did not take
// is so never recorded, and the next deploy without a digest returns to the last one
// that did.
//
// The value is plain (insecureValue, a String parameter): an image reference is no
// secret, and the provider marks `value` sensitive, which would hide it from previews.
func NewReleaseRecord(ctx *pulumi.Context, image string, released []pulumi.StringOutput) (*ssm.Parameter, error) {
	checks := make([]any, len(released))
	for i, r := range released {
		checks[i] = r
	}
	value := pulumi.All(checks...).ApplyT(func([]any) string { return image }).(pulumi.StringOutput)
	record, err := ssm.NewParameter(ctx, "release-record", &ssm.ParameterArgs{
		Name:          pulumi.String(deploypolicy.ReleaseRecordName(ctx.Project(), ctx.Stack())),
		Type:          pulumi.String("String"),
		InsecureValue: value,
		Description:   pulumi.String("The release every service of the stack runs; pulumi up without releaseDigest deploys it again."),
		Tags:          site.NameTag(ctx, "release-record"),
	})
	if err != nil {
		return nil, fmt.Errorf("creating the release record: %w", err)
	}
	return record, nil
}
