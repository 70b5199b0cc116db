package main

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// nameTag gives a resource a Name tag (what the console shows) prefixed with the stack.
func nameTag(ctx *pulumi.Context, name string) pulumi.StringMap {
	return pulumi.StringMap{"Name": pulumi.String(ctx.Stack() + "-" + name)}
}

// stackTagKey tags what counts against the account's quotas, with <project>/<stack>, so
// preflight tells this stack's own Elastic IPs, VPC, NAT gateways and load balancers from
// the rest of the account, and a running stack's NLB from someone else's.
const stackTagKey = "pulumi-stack"

func stackTagValue(ctx *pulumi.Context) string { return ctx.Project() + "/" + ctx.Stack() }

// ownedTags are nameTag plus the stack tag.
func ownedTags(ctx *pulumi.Context, name string) pulumi.StringMap {
	tags := nameTag(ctx, name)
	tags[stackTagKey] = pulumi.String(stackTagValue(ctx))
	return tags
}
