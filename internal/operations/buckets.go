package operations

import (
	"fmt"

	"github.com/example/nlb-alb-fargate/internal/deploypolicy"
	"github.com/example/nlb-alb-fargate/internal/site"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// StackBucket is a bucket the stack creates and what makes it safe, as every bucket of
// the stack has it (Security Hub FSBP S3.5, S3.8): SSE-S3 encryption, all public access
// blocked, and a policy that refuses plain HTTP.
type StackBucket struct {
	Bucket     *s3.BucketV2
	Encryption *s3.BucketServerSideEncryptionConfigurationV2
	Policy     *s3.BucketPolicy
}

// NewStackBucket creates a bucket named after name, encrypted with SSE-S3 (the only kind
// ALB log delivery accepts), with all public access blocked, and with the policy policyOf
// writes for its ARN (DenyInsecureTransport first). forceDestroy: what it holds goes with
// the stack. Later configuration of the bucket should depend on Policy: S3 refuses
// concurrent configuration calls on one bucket (OperationAborted).
//
// Its name starts with <project>-<stack>- (deploypolicy.BucketNamePrefix; S3 appends a
// unique suffix), which the bootstrap's deploy policy names, so the policy reaches this
// stack's buckets and no other team's. A bucket's name cannot change in place, and a
// stack's buckets are never replaced: the name is ignored once the bucket exists, so a
// bucket made before this naming keeps its name (the bootstrap's existingBuckets lists
// those for the policy) and only a new one gets the prefix.
func NewStackBucket(ctx *pulumi.Context, name string, policyOf func(bucketArn string) (string, error)) (*StackBucket, error) {
	bucket, err := s3.NewBucketV2(ctx, name, &s3.BucketV2Args{
		BucketPrefix: pulumi.String(deploypolicy.BucketNamePrefix(ctx.Project(), ctx.Stack(), name)),
		ForceDestroy: pulumi.Bool(true),
		Tags:         site.NameTag(ctx, name),
	}, pulumi.IgnoreChanges([]string{"bucket", "bucketPrefix"}))
	if err != nil {
		return nil, fmt.Errorf("creating bucket %s: %w", name, err)
	}
	encryption, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name+"-encryption", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.Bucket,
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("AES256"),
			},
		}},
	})
	if err != nil {
		return nil, fmt.Errorf("encrypting bucket %s: %w", name, err)
	}
	block, err := s3.NewBucketPublicAccessBlock(ctx, name+"-public-access-block", &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket.Bucket,
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("blocking public access to bucket %s: %w", name, err)
	}
	policy, err := s3.NewBucketPolicy(ctx, name+"-policy", &s3.BucketPolicyArgs{
		Bucket: bucket.Bucket,
		Policy: bucket.Arn.ApplyT(policyOf).(pulumi.StringOutput),
	}, pulumi.DependsOn([]pulumi.Resource{block}))
	if err != nil {
		return nil, fmt.Errorf("setting the policy of bucket %s: %w", name, err)
	}
	return &StackBucket{Bucket: bucket, Encryption: encryption, Policy: policy}, nil
}

// DenyInsecureTransport is the policy statement that refuses any request to the bucket
// without TLS (S3.5).
func DenyInsecureTransport(bucketArn string) site.PolicyStatement {
	return site.PolicyStatement{
		Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*",
		Resource:  []string{bucketArn, bucketArn + "/*"},
		Condition: map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
	}
}
