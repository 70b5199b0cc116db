package operations

import (
	"fmt"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/site"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Logs is where the logs go: the load balancers' access logs in an S3 bucket the stack
// creates (Security Hub FSBP ELB.5, S3.5, S3.8), and the VPC's flow logs in CloudWatch
// Logs (EC2.6), each nil when its setting is off.
type Logs struct {
	AccessLogs *AccessLogBucket
	FlowLogs   *FlowLogs
}

// NewLogs creates what accessLogs and flowLogs turn on.
func NewLogs(ctx *pulumi.Context, cfg config.Operations, vpcID pulumi.StringInput, account site.Account) (*Logs, error) {
	var out Logs
	var err error
	if cfg.FlowLogs {
		if out.FlowLogs, err = newFlowLogs(ctx, cfg, vpcID, account); err != nil {
			return nil, err
		}
	}
	if cfg.AccessLogs {
		if out.AccessLogs, err = newAccessLogBucket(ctx, cfg, account); err != nil {
			return nil, err
		}
	}
	return &out, nil
}

// elbLogAccounts are the Elastic Load Balancing accounts that write ALB access logs in the
// Regions opened before August 2022 under the legacy bucket policy. From "Enable access
// logs for your Application Load Balancer" (Elastic Load Balancing User Guide).
var elbLogAccounts = map[string]string{
	"us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980", "us-west-2": "797873946194",
	"af-south-1": "098369216593", "ap-east-1": "754344448648", "ap-southeast-3": "589379963580", "ap-south-1": "718504428378",
	"ap-northeast-3": "383597477331", "ap-northeast-2": "600734575887", "ap-southeast-1": "114774131450",
	"ap-southeast-2": "783225319266", "ap-northeast-1": "582318560864", "ca-central-1": "985666609251",
	"eu-central-1": "054676820928", "eu-west-1": "156460612806", "eu-west-2": "652711504416", "eu-south-1": "635631232127",
	"eu-west-3": "009996457667", "eu-north-1": "897822967062", "me-south-1": "076674570225", "sa-east-1": "507241528517",
	"us-gov-west-1": "048591011584", "us-gov-east-1": "190560391635", "cn-north-1": "638102146993", "cn-northwest-1": "037604701340",
}

// Where each load balancer writes in the bucket: <prefix>/AWSLogs/<account>/…
const (
	AlbLogPrefix = "alb"
	NlbLogPrefix = "nlb"
)

// AccessLogBucket is the S3 bucket both load balancers write their access logs to.
type AccessLogBucket struct {
	Bucket *s3.BucketV2
	// ELB checks that it may write when access logs are turned on, so a load balancer
	// that logs waits for the bucket's policy (and its encryption).
	Ready []pulumi.Resource
}

// LoadBalancerArgs is a load balancer's access_logs block for its prefix. Without a
// bucket it is an explicit disabled block: the provider plans no change for a block left
// out (SuppressMissingOptionalConfigurationBlock), so turning accessLogs off would leave
// the load balancer logging to the deleted bucket, whose name anyone could then claim.
func (b *AccessLogBucket) LoadBalancerArgs(prefix string) lb.LoadBalancerAccessLogsPtrInput {
	if b == nil {
		return &lb.LoadBalancerAccessLogsArgs{Bucket: pulumi.String(""), Enabled: pulumi.Bool(false)}
	}
	return &lb.LoadBalancerAccessLogsArgs{Bucket: b.Bucket.Bucket, Prefix: pulumi.String(prefix), Enabled: pulumi.Bool(true)}
}

// DependsOn are the dependencies of a load balancer that logs to the bucket.
func (b *AccessLogBucket) DependsOn() []pulumi.Resource {
	if b == nil {
		return nil
	}
	return b.Ready
}

// newAccessLogBucket creates the access-log bucket: SSE-S3 encryption (the only kind ALB
// log delivery accepts), all public access blocked, a policy that refuses plain HTTP and
// lets ELB log delivery write under each load balancer's prefix, and a lifecycle rule that
// expires logs. forceDestroy: `pulumi destroy` deletes the logs with the bucket.
func newAccessLogBucket(ctx *pulumi.Context, cfg config.Operations, account site.Account) (*AccessLogBucket, error) {
	b, err := NewStackBucket(ctx, "access-logs", func(arn string) (string, error) { return accessLogPolicy(arn, account) })
	if err != nil {
		return nil, err
	}
	bucket := b.Bucket
	_, err = s3.NewBucketLifecycleConfigurationV2(ctx, "access-logs-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.Bucket,
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:         pulumi.String("expire-access-logs"),
			Status:     pulumi.String("Enabled"),
			Filter:     &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")}, // every object
			Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(cfg.AccessLogRetentionDays)},
		}},
	}, pulumi.DependsOn([]pulumi.Resource{b.Policy}))
	if err != nil {
		return nil, fmt.Errorf("setting the access-log bucket's lifecycle: %w", err)
	}
	return &AccessLogBucket{Bucket: bucket, Ready: []pulumi.Resource{b.Policy, b.Encryption}}, nil
}

// accessLogPolicy is the bucket policy: no request without TLS (S3.5), and log delivery
// for each load balancer under its own prefix, as the ELB guide documents it. The ALB's
// writer is the ELB log delivery service, which AWS now documents for every Region, and
// in the Regions opened before August 2022 also the Region's ELB account (the legacy
// policy, still what some of them use);
// the NLB's is the CloudWatch Logs delivery service, which sets the bucket-owner ACL and
// is held to this account's log deliveries (aws:SourceAccount, aws:SourceArn).
func accessLogPolicy(bucketArn string, account site.Account) (string, error) {
	logs := func(prefix string) string { return fmt.Sprintf("%s/%s/AWSLogs/%s/*", bucketArn, prefix, account.ID) }
	albWriter := map[string]string{"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}
	if id, ok := elbLogAccounts[account.Region]; ok {
		albWriter["AWS"] = fmt.Sprintf("arn:%s:iam::%s:root", account.Partition, id)
	}
	delivery := map[string]string{"Service": "delivery.logs.amazonaws.com"}
	fromThisAccount := map[string]any{
		"StringEquals": map[string]any{"aws:SourceAccount": account.ID},
		"ArnLike":      map[string]any{"aws:SourceArn": account.ARN("logs", "*")},
	}
	return site.PolicyJSON(
		DenyInsecureTransport(bucketArn),
		site.PolicyStatement{Sid: "AlbLogDelivery", Effect: "Allow", Principal: albWriter, Action: "s3:PutObject", Resource: logs(AlbLogPrefix)},
		site.PolicyStatement{
			Sid: "NlbLogDelivery", Effect: "Allow", Principal: delivery, Action: "s3:PutObject", Resource: logs(NlbLogPrefix),
			Condition: map[string]any{
				"StringEquals": map[string]any{"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": account.ID},
				"ArnLike":      fromThisAccount["ArnLike"],
			},
		},
		site.PolicyStatement{Sid: "NlbLogDeliveryAclCheck", Effect: "Allow", Principal: delivery, Action: "s3:GetBucketAcl", Resource: bucketArn, Condition: fromThisAccount},
	)
}

// FlowLogs is the VPC flow log and where it goes.
type FlowLogs struct {
	LogGroup *cloudwatch.LogGroup
}

// newFlowLogs records every flow in the VPC (accepted and rejected) to a CloudWatch Logs
// group with its own retention, through a role only VPC Flow Logs of this account may
// assume.
func newFlowLogs(ctx *pulumi.Context, cfg config.Operations, vpcID pulumi.StringInput, account site.Account) (*FlowLogs, error) {
	group, err := cloudwatch.NewLogGroup(ctx, "flow-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.Sprintf("/vpc/%s/%s/flow-logs", ctx.Project(), ctx.Stack()),
		RetentionInDays: pulumi.Int(cfg.FlowLogRetentionDays),
	})
	if err != nil {
		return nil, fmt.Errorf("creating the flow-log group: %w", err)
	}
	trust, err := site.PolicyJSON(site.PolicyStatement{
		Effect: "Allow", Principal: map[string]string{"Service": "vpc-flow-logs.amazonaws.com"}, Action: "sts:AssumeRole",
		Condition: map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": account.ID},
			"ArnLike":      map[string]any{"aws:SourceArn": account.ARN("ec2", "vpc-flow-log/*")},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("writing the flow-log role's trust policy: %w", err)
	}
	role, err := iam.NewRole(ctx, "flow-logs-role", account.RoleArgs(ctx, trust))
	if err != nil {
		return nil, fmt.Errorf("creating the flow-log role: %w", err)
	}
	delivery, err := iam.NewRolePolicy(ctx, "flow-logs-delivery", &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: group.Arn.ApplyT(func(arn string) (string, error) {
			return site.PolicyJSON(site.PolicyStatement{
				Effect:   "Allow",
				Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"},
				Resource: []string{arn, arn + ":*"},
			})
		}).(pulumi.StringOutput),
	})
	if err != nil {
		return nil, fmt.Errorf("letting the flow-log role write: %w", err)
	}
	_, err = ec2.NewFlowLog(ctx, "flow-log", &ec2.FlowLogArgs{
		VpcId:              vpcID,
		TrafficType:        pulumi.String("ALL"),
		LogDestinationType: pulumi.String("cloud-watch-logs"),
		LogDestination:     group.Arn,
		IamRoleArn:         role.Arn,
		Tags:               site.NameTag(ctx, "flow-log"),
		// EC2 checks at creation that the role may write to the group, and refuses the
		// flow log ("Access Denied for LogDestination") while the role has no policy yet.
	}, pulumi.DependsOn([]pulumi.Resource{delivery}))
	if err != nil {
		return nil, fmt.Errorf("creating the VPC flow log: %w", err)
	}
	return &FlowLogs{LogGroup: group}, nil
}
