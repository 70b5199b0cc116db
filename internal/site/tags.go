package site

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// NameTag gives a resource a Name tag (what the console shows) prefixed with the stack.
func NameTag(ctx *pulumi.Context, name string) pulumi.StringMap {
	return pulumi.StringMap{"Name": pulumi.String(ctx.Stack() + "-" + name)}
}

// StackTagKey tags what counts against the account's quotas, with <project>/<stack>, so
// preflight tells this stack's own Elastic IPs, VPC, NAT gateways and load balancers from
// the rest of the account, and a running stack's NLB from someone else's.
const StackTagKey = "pulumi-stack"

// StackTagValue is the stack tag's value: <project>/<stack>.
func StackTagValue(ctx *pulumi.Context) string { return ctx.Project() + "/" + ctx.Stack() }

// OwnedTags are NameTag plus the stack tag: for what preflight counts as the stack's own.
func OwnedTags(ctx *pulumi.Context, name string) pulumi.StringMap {
	tags := NameTag(ctx, name)
	tags[StackTagKey] = pulumi.String(StackTagValue(ctx))
	return tags
}
