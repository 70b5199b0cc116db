package main

// Where the stack runs, and the IAM and resource policies it writes about it.

import (
	"encoding/json"
	"fmt"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// awsAccount is where the stack runs, as ARNs and policy conditions name it.
type awsAccount struct {
	ID, Region, Partition string
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
