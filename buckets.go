package main

// What every bucket the stack creates has (Security Hub FSBP S3.5, S3.8): SSE-S3
// encryption, all public access blocked, and a policy that refuses plain HTTP.

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// hardenedBucket is a bucket's encryption and public access block.
type hardenedBucket struct {
	Encryption        *s3.BucketServerSideEncryptionConfigurationV2
	PublicAccessBlock *s3.BucketPublicAccessBlock
}

// hardenBucket encrypts the bucket with SSE-S3 (the only kind ALB log delivery accepts)
// and blocks all public access. name is the bucket's logical name.
func hardenBucket(ctx *pulumi.Context, name string, bucket *s3.BucketV2) (*hardenedBucket, error) {
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
	return &hardenedBucket{Encryption: encryption, PublicAccessBlock: block}, nil
}

// denyInsecureTransport is the policy statement that refuses any request to the bucket
// without TLS (S3.5).
func denyInsecureTransport(bucketArn string) policyStatement {
	return policyStatement{
		Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*",
		Resource:  []string{bucketArn, bucketArn + "/*"},
		Condition: map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
	}
}
