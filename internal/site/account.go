package site

import (
	"encoding/json"
	"fmt"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/deploypolicy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Account is where the stack runs, as ARNs and policy conditions name it.
type Account struct {
	ID, Region, Partition string
	// RoleBoundary is the permissions boundary of every role the stack creates
	// (rolePermissionsBoundary, checked to be a policy of this account); "" for none.
	RoleBoundary string
}

// lookupAccount asks STS which account the credentials belong to.
func lookupAccount(ctx *pulumi.Context, region string) (Account, error) {
	id, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return Account{}, fmt.Errorf("looking up the AWS account: %w", err)
	}
	return Account{ID: id.AccountId, Region: region, Partition: config.PartitionOf(region)}, nil
}

// ARN is an ARN in this account and region.
func (a Account) ARN(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", a.Partition, service, a.Region, a.ID, resource)
}

// PolicyStatement is one statement of an IAM or resource policy the stack writes.
type PolicyStatement struct {
	Sid       string         `json:"Sid,omitempty"`
	Effect    string         `json:"Effect"`
	Principal any            `json:"Principal,omitempty"`
	Action    any            `json:"Action"`
	Resource  any            `json:"Resource,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
}

// PolicyJSON is a policy document with these statements.
func PolicyJSON(statements ...PolicyStatement) (string, error) {
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	return string(b), err
}

// RoleArgs are the arguments of one of the stack's IAM roles, trusted as trust says: under
// the stack's own path, /<project>/<stack>/, which the bootstrap's deploy policy names (no
// role of another stack or team matches it), and bounded by the account's permissions
// boundary when rolePermissionsBoundary is set. IAM cannot change a role's path: a role
// made before the path moves to it by replacement (CHANGELOG.md).
func (a Account) RoleArgs(ctx *pulumi.Context, trust string) *iam.RoleArgs {
	args := &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(trust),
		Path:             pulumi.String(deploypolicy.RolePath(ctx.Project(), ctx.Stack())),
	}
	if a.RoleBoundary != "" {
		args.PermissionsBoundary = pulumi.String(a.RoleBoundary)
	}
	return args
}
