package account

// The deploy role's permissions: what `pulumi preview`, `up` and `refresh` of the main
// stack need, scoped wherever AWS lets a statement name resources. TestPolicyCoversTheStack
// derives the services from every example's registered resource types
// (testdata/snapshots), so a new kind of resource in the stack fails until it is here.

import (
	"encoding/json"
	"fmt"
)

// policyDoc is an IAM policy document.
type policyDoc struct {
	Version   string
	Statement []statement
}

// statement is one IAM policy statement; Action and Resource are always lists.
type statement struct {
	Sid       string
	Effect    string
	Principal any `json:",omitempty"`
	Action    []string
	Resource  []string
	Condition map[string]map[string][]string `json:",omitempty"`
}

// policyScope is what the statements name: the account, Region and the bootstrap's own
// bucket and key.
type policyScope struct {
	Account, Region string
	StateBucket     string // the state bucket's name
	KeyArn          string // the secrets key's ARN
	StackBuckets    []string
}

// stackRolePatterns are the names of the IAM roles the main stack creates, auto-named
// <logical name>-<suffix>: each service's execution and task role, and the flow logs'.
var stackRolePatterns = []string{"*-exec-role-*", "*-task-role-*", "flow-logs-role-*"}

// passedToServices are the services the stack hands its roles to.
var passedToServices = []string{"ecs-tasks.amazonaws.com", "vpc-flow-logs.amazonaws.com"}

// attachablePolicies are the managed policies the stack attaches to its roles; any other
// (AdministratorAccess, say) is refused.
var attachablePolicies = []string{"arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"}

// regionalServices are the services whose resources the stack creates in its Region
// and whose create calls take no resource ARN worth naming (a VPC's id is not known before
// it exists): the whole service, in the configured Region only.
var regionalServices = []string{"ec2", "elasticloadbalancing", "ecs", "cloudwatch", "application-autoscaling", "wafv2", "acm"}

// serviceLinkedRoles are the service-linked roles AWS creates on a service's first use in
// an account, which the deploying caller must be allowed to create.
var serviceLinkedRoles = []string{"ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com", "ecs.application-autoscaling.amazonaws.com"}

// deployPolicy is the deploy role's policy.
func deployPolicy(s policyScope) policyDoc {
	arn := func(service, region, rest string) string {
		return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, region, s.Account, rest)
	}
	var roles []string
	for _, p := range stackRolePatterns {
		roles = append(roles, arn("iam", "", "role/"+p))
	}
	var buckets []string
	for _, b := range s.StackBuckets {
		buckets = append(buckets, "arn:aws:s3:::"+b+"-*", "arn:aws:s3:::"+b+"-*/*")
	}
	var regional []string
	for _, svc := range regionalServices {
		regional = append(regional, svc+":*")
	}
	inRegion := map[string]map[string][]string{"StringEquals": {"aws:RequestedRegion": {s.Region}}}
	return policyDoc{Version: "2012-10-17", Statement: []statement{
		// The backend: list the stacks, read and write checkpoints, history and locks.
		{Sid: "StateBucket", Effect: "Allow", Action: []string{"s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketVersioning"},
			Resource: []string{"arn:aws:s3:::" + s.StateBucket}},
		{Sid: "StateObjects", Effect: "Allow", Action: []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"},
			Resource: []string{"arn:aws:s3:::" + s.StateBucket + "/*"}},
		// The secrets provider (awskms://) and the state bucket's SSE-KMS.
		{Sid: "SecretsKey", Effect: "Allow", Action: []string{"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"},
			Resource: []string{s.KeyArn}},
		// The stack's own buckets (access logs), by name prefix.
		{Sid: "StackBuckets", Effect: "Allow", Action: []string{"s3:*"}, Resource: buckets},
		// The stack's roles: made, changed and deleted by name pattern.
		{Sid: "StackRoles", Effect: "Allow", Action: []string{
			"iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy",
			"iam:TagRole", "iam:UntagRole", "iam:ListRoleTags", "iam:PutRolePolicy", "iam:GetRolePolicy",
			"iam:DeleteRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole",
			"iam:DetachRolePolicy"}, Resource: roles},
		{Sid: "AttachOnlyTheStacksManagedPolicies", Effect: "Allow", Action: []string{"iam:AttachRolePolicy"}, Resource: roles,
			Condition: map[string]map[string][]string{"ArnEquals": {"iam:PolicyARN": attachablePolicies}}},
		// Passing a role: only the stack's, only to ECS tasks and flow-log delivery.
		{Sid: "PassStackRoles", Effect: "Allow", Action: []string{"iam:PassRole"}, Resource: roles,
			Condition: map[string]map[string][]string{"StringEquals": {"iam:PassedToService": passedToServices}}},
		{Sid: "ServiceLinkedRoles", Effect: "Allow", Action: []string{"iam:CreateServiceLinkedRole"},
			Resource:  []string{arn("iam", "", "role/aws-service-role/*")},
			Condition: map[string]map[string][]string{"StringEquals": {"iam:AWSServiceName": serviceLinkedRoles}}},
		// The image: log in to ECR (an action AWS grants on * only), then push to the
		// stack's repositories (auto-named <service>-repo-<suffix>).
		{Sid: "EcrLogin", Effect: "Allow", Action: []string{"ecr:GetAuthorizationToken"}, Resource: []string{"*"}},
		{Sid: "StackRepositories", Effect: "Allow", Action: []string{"ecr:*"}, Resource: []string{arn("ecr", s.Region, "repository/*-repo-*")}},
		{Sid: "LogGroups", Effect: "Allow", Action: []string{"logs:*"}, Resource: []string{arn("logs", s.Region, "log-group:*")}},
		{Sid: "AlarmTopic", Effect: "Allow", Action: []string{"sns:*"}, Resource: []string{arn("sns", s.Region, "*")}},
		// Route 53 is global: alias records and certificate validation records.
		{Sid: "Dns", Effect: "Allow", Action: []string{"route53:ChangeResourceRecordSets", "route53:GetChange", "route53:GetHostedZone",
			"route53:ListHostedZones", "route53:ListHostedZonesByName", "route53:ListResourceRecordSets", "route53:ListTagsForResource"},
			Resource: []string{"*"}},
		// The preflight's quota checks (preflight.go).
		{Sid: "Quotas", Effect: "Allow", Action: []string{"servicequotas:GetServiceQuota", "servicequotas:GetAWSDefaultServiceQuota"}, Resource: []string{"*"}},
		{Sid: "RegionalServices", Effect: "Allow", Action: regional, Resource: []string{"*"}, Condition: inRegion},
	}}
}

// jsonString is a policy document as IAM and S3 take it.
func jsonString(doc policyDoc) (string, error) {
	b, err := json.Marshal(doc)
	return string(b), err
}
