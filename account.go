package main

// Where the stack runs, and the IAM and resource policies it writes about it.

import (
	"encoding/json"
	"fmt"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/deploypolicy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// awsAccount is where the stack runs, as ARNs and policy conditions name it.
type awsAccount struct {
	ID, Region, Partition string
	// RoleBoundary is the permissions boundary of every role the stack creates
	// (rolePermissionsBoundary, checked to be a policy of this account); "" for none.
	RoleBoundary string
}

// lookupAccount asks STS which account the credentials belong to.
func lookupAccount(ctx *pulumi.Context, region string) (awsAccount, error) {
	id, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return awsAccount{}, fmt.Errorf("looking up the AWS account: %w", err)
	}
	return awsAccount{ID: id.AccountId, Region: region, Partition: config.PartitionOf(region)}, nil
}

// arn is an ARN in this account and region.
func (a awsAccount) arn(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", a.Partition, service, a.Region, a.ID, resource)
}

// policyStatement is one statement of an IAM or resource policy.
type policyStatement struct {
	Sid       string         `json:"Sid,omitempty"`
	Effect    string         `json:"Effect"`
	Principal any            `json:"Principal,omitempty"`
	Action    any            `json:"Action"`
	Resource  any            `json:"Resource,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
}

// policyJSON is a policy document with these statements.
func policyJSON(statements ...policyStatement) (string, error) {
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	return string(b), err
}

// newStackRole creates one of the stack's IAM roles, trusted as trust says: under the
// stack's own path, /<project>/<stack>/, which the bootstrap's deploy policy names (no
// role of another stack or team matches it), and bounded by the account's permissions
// boundary when rolePermissionsBoundary is set. IAM cannot change a role's path: a role
// made before the path moves to it by replacement (CHANGELOG.md).
func newStackRole(ctx *pulumi.Context, name, trust string, account awsAccount) (*iam.Role, error) {
	args := &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(trust),
		Path:             pulumi.String(deploypolicy.RolePath(ctx.Project(), ctx.Stack())),
	}
	if account.RoleBoundary != "" {
		args.PermissionsBoundary = pulumi.String(account.RoleBoundary)
	}
	return iam.NewRole(ctx, name, args)
}
