package standin

// S3 (terraform-provider-aws internal/service/s3): the access-log bucket and its
// configuration resources, and what S3 refuses: a configuration of a bucket that does not
// exist, a policy naming another bucket, deleting a bucket that holds objects.

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// The Pulumi type tokens of the S3 models.
const (
	TypeS3BucketV2                                  tokens.Type = "aws:s3/bucketV2:BucketV2"
	TypeS3BucketServerSideEncryptionConfigurationV2 tokens.Type = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	TypeS3BucketPublicAccessBlock                   tokens.Type = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	TypeS3BucketPolicy                              tokens.Type = "aws:s3/bucketPolicy:BucketPolicy"
	TypeS3BucketLifecycleConfigurationV2            tokens.Type = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
)

func init() {
	register(map[tokens.Type]*model{
		TypeS3BucketV2: {
			tf: "aws_s3_bucket", source: "internal/service/s3/bucket.go",
			forceNew: []string{"bucket", "bucketPrefix", "objectLockEnabled"},
			computed: []string{"bucket", "bucketPrefix", "objectLockEnabled", "accelerationStatus", "acl", "corsRules", "grants",
				"lifecycleRules", "loggings", "objectLockConfiguration", "policy", "replicationConfigurations", "requestPayer",
				"serverSideEncryptionConfigurations", "versionings", "websites"},
			autoname: 63, lower: true, nameAttr: "bucket",
			tagged: true,
			create: func(o *op) (string, map[string]any, error) {
				name := str(o.in, "bucket")
				if !o.preview && o.c.taken(TypeS3BucketV2, "bucket", name) {
					return "", nil, fmt.Errorf("BucketAlreadyOwnedByYou: %s", name)
				}
				return name, map[string]any{
					"arn": "arn:aws:s3:::" + name, "bucketDomainName": name + ".s3.amazonaws.com",
					"bucketRegionalDomainName": fmt.Sprintf("%s.s3.%s.amazonaws.com", name, o.region()),
					"hostedZoneId":             "Z3AQBSTGFYJSTF", "region": o.region(), "bucketPrefix": "", "objectLockEnabled": false,
					// S3 encrypts every new bucket with SSE-S3 by default (January 2023).
					"serverSideEncryptionConfigurations": []any{map[string]any{"rules": []any{map[string]any{
						"applyServerSideEncryptionByDefaults": []any{map[string]any{"sseAlgorithm": "AES256", "kmsMasterKeyId": ""}},
						"bucketKeyEnabled":                    false,
					}}}},
					"versionings": []any{map[string]any{"enabled": false, "mfaDelete": false}},
				}, nil
			},
		},
		TypeS3BucketServerSideEncryptionConfigurationV2: {
			tf: "aws_s3_bucket_server_side_encryption_configuration", source: "internal/service/s3/bucket_server_side_encryption_configuration.go",
			forceNew: []string{"bucket", "expectedBucketOwner"},
			sets:     []string{"rules"},
			create:   bucketConfig,
		},
		TypeS3BucketPublicAccessBlock: {
			tf: "aws_s3_bucket_public_access_block", source: "internal/service/s3/bucket_public_access_block.go",
			forceNew: []string{"bucket"},
			create:   bucketConfig,
		},
		TypeS3BucketLifecycleConfigurationV2: {
			tf: "aws_s3_bucket_lifecycle_configuration", source: "internal/service/s3/bucket_lifecycle_configuration.go",
			forceNew: []string{"bucket", "expectedBucketOwner"},
			computed: []string{"transitionDefaultMinimumObjectSize"},
			create: func(o *op) (string, map[string]any, error) {
				id, _, err := bucketConfig(o)
				for _, r := range objs(o.in, "rules") {
					if e := obj(r, "expiration"); e != nil && number(e, "days") < 1 {
						return "", nil, fmt.Errorf("InvalidArgument: 'Days' for Expiration action must be a positive integer")
					}
				}
				return id, map[string]any{"transitionDefaultMinimumObjectSize": "all_storage_classes_128K"}, err
			},
		},
		TypeS3BucketPolicy: {
			tf: "aws_s3_bucket_policy", source: "internal/service/s3/bucket_policy.go",
			forceNew: []string{"bucket"},
			create: func(o *op) (string, map[string]any, error) {
				id, _, err := bucketConfig(o)
				if err == nil && !o.preview {
					err = checkBucketPolicy(str(o.in, "bucket"), str(o.in, "policy"))
				}
				return id, map[string]any{}, err
			},
			rules: []rule{policyRule("policy"), normalizeJSONRule("policy", "structure.NormalizeJsonString")},
		},
	})
	hooks[TypeS3BucketV2] = objectHook{deleting: bucketDeleting}
}

// bucketConfig is the create of a bucket's sub-resource (encryption, public access
// block, policy, lifecycle); S3 answers NoSuchBucket without the bucket. The provider's
// id is the bucket's name; the Cloud holds objects of every type by id, so the stand-in
// adds the type to keep them apart (nothing reads these ids).
func bucketConfig(o *op) (string, map[string]any, error) {
	name := str(o.in, "bucket")
	if !o.preview && !o.c.taken(TypeS3BucketV2, "bucket", name) {
		return "", nil, fmt.Errorf("NoSuchBucket: The specified bucket does not exist: %s", name)
	}
	return name + "#" + string(o.urn.Type().Name()), map[string]any{}, nil
}

// bucketDeleting is DeleteBucket: S3 refuses a bucket that holds objects; the provider
// empties it first only with force_destroy.
func bucketDeleting(c *Cloud, id string, state resource.PropertyMap) error {
	c.mu.Lock()
	n := c.bucketObjects[id]
	c.mu.Unlock()
	if n > 0 && !boolean(state, "forceDestroy") {
		return fmt.Errorf("deleting S3 Bucket (%s): BucketNotEmpty: The bucket you tried to delete is not empty (%d objects)", id, n)
	}
	c.mu.Lock()
	delete(c.bucketObjects, id)
	c.mu.Unlock()
	return nil
}

// checkBucketPolicy is PutBucketPolicy's own check: every statement's resources are this
// bucket or its objects (MalformedPolicy: Policy has invalid resource).
func checkBucketPolicy(bucket, doc string) error {
	stmts, err := policyStatements(doc)
	if err != nil {
		return fmt.Errorf("MalformedPolicy: %v", err)
	}
	for _, st := range stmts {
		for _, r := range policyList(st["Resource"]) {
			if r != "arn:aws:s3:::"+bucket && !strings.HasPrefix(r, "arn:aws:s3:::"+bucket+"/") {
				return fmt.Errorf("MalformedPolicy: Policy has invalid resource %s", r)
			}
		}
	}
	return nil
}
