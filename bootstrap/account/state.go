package account

// The state bucket, its settings, its key and each environment's secrets key: what every
// stack's state and secrets depend on. All are protected: an update that would replace or
// delete one fails, and so does `pulumi destroy` (which first deletes what is not
// protected: the roles and the OIDC provider, which the next `up` recreates). The bucket's
// settings are protected too, as a destroy would otherwise strip its encryption,
// versioning and public access block before stopping at the bucket. All are retained on
// delete: once unprotected on purpose, a destroy leaves them, and the stacks' state, in
// the account.
//
// The first key (secrets-key, keyAlias) was once every stack's secrets key too. It stays
// what it is, the bucket's key, never replaced: the CI roles use it through S3 only, so
// what was encrypted with it directly (a stack's secrets before it moved to its
// environment's key) is out of their reach.

import (
	"fmt"

	"github.com/example/nlb-alb-fargate/internal/iampolicy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// keep are the options of what must outlive mistakes.
func keep() pulumi.ResourceOption {
	return pulumi.Composite(pulumi.Protect(true), pulumi.RetainOnDelete(true))
}

// secretsKey is the KMS key behind awskms://<alias> and the bucket's encryption.
type secretsKey struct {
	Key   *kms.Key
	Alias *kms.Alias
}

func newSecretsKey(ctx *pulumi.Context, cfg settings) (*secretsKey, error) {
	// Rotation keeps old key material for decryption, so stacks' secrets stay readable.
	key, err := kms.NewKey(ctx, "secrets-key", &kms.KeyArgs{
		Description:          pulumi.String("Pulumi secrets and state of " + cfg.Repository),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(30), // the longest: time to notice a mistaken deletion
	}, keep())
	if err != nil {
		return nil, err
	}
	// Stacks name the key by alias, so it can be re-pointed without editing stack files.
	alias, err := kms.NewAlias(ctx, "secrets-key-alias", &kms.AliasArgs{
		Name: pulumi.String(cfg.KeyAlias), TargetKeyId: key.KeyId,
	}, keep())
	if err != nil {
		return nil, err
	}
	return &secretsKey{Key: key, Alias: alias}, nil
}

// newEnvironmentKey is one environment's secrets key, behind awskms://<keyAlias>-<env>:
// only that environment's deploy role, and the roles that read its stack (the preview
// role for the previewed stack, the drift role), may decrypt with it, so a pull request's
// preview of dev cannot read prod's secrets.
func newEnvironmentKey(ctx *pulumi.Context, cfg settings, env string) (*secretsKey, error) {
	key, err := kms.NewKey(ctx, "secrets-key-"+env, &kms.KeyArgs{
		Description:          pulumi.String(fmt.Sprintf("Pulumi secrets of the %s stack of %s", env, cfg.Repository)),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(30),
	}, keep())
	if err != nil {
		return nil, fmt.Errorf("creating the secrets key of %s: %w", env, err)
	}
	alias, err := kms.NewAlias(ctx, "secrets-key-alias-"+env, &kms.AliasArgs{
		Name: pulumi.String(environmentAlias(cfg.KeyAlias, env)), TargetKeyId: key.KeyId,
	}, keep())
	if err != nil {
		return nil, fmt.Errorf("naming the secrets key of %s: %w", env, err)
	}
	return &secretsKey{Key: key, Alias: alias}, nil
}

// newStateBucket is the S3 backend's bucket: versioned, encrypted with the key, private,
// TLS only, old versions expired.
func newStateBucket(ctx *pulumi.Context, cfg settings, key *kms.Key) (*s3.BucketV2, error) {
	bucket, err := s3.NewBucketV2(ctx, "state", &s3.BucketV2Args{}, keep())
	if err != nil {
		return nil, err
	}
	// Versions let a team restore a checkpoint an update broke.
	if _, err := s3.NewBucketVersioningV2(ctx, "state-versioning", &s3.BucketVersioningV2Args{
		Bucket:                  bucket.Bucket,
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, keep()); err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, "state-encryption", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.Bucket,
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("aws:kms"), KmsMasterKeyId: key.Arn,
			},
			BucketKeyEnabled: pulumi.Bool(true), // fewer KMS calls per checkpoint write
		}},
	}, keep()); err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketPublicAccessBlock(ctx, "state-public-access-block", &s3.BucketPublicAccessBlockArgs{
		Bucket: bucket.Bucket, BlockPublicAcls: pulumi.Bool(true), BlockPublicPolicy: pulumi.Bool(true),
		IgnorePublicAcls: pulumi.Bool(true), RestrictPublicBuckets: pulumi.Bool(true),
	}, keep()); err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketPolicy(ctx, "state-policy", &s3.BucketPolicyArgs{
		Bucket: bucket.Bucket,
		Policy: bucket.Arn.ApplyT(tlsOnlyPolicy).(pulumi.StringOutput),
	}, keep()); err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, "state-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.Bucket,
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id: pulumi.String("expire-old-versions"), Status: pulumi.String("Enabled"),
			Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
			// Every checkpoint write makes a version; without this they pile up forever.
			NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
				NoncurrentDays: pulumi.Int(cfg.VersionRetention),
			},
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
				DaysAfterInitiation: pulumi.Int(7),
			},
		}},
	}, keep()); err != nil {
		return nil, err
	}
	return bucket, nil
}

// tlsOnlyPolicy denies every request to the bucket that does not use TLS.
func tlsOnlyPolicy(bucketArn string) (string, error) {
	return iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{{
		Sid: "TLSOnly", Effect: iampolicy.Deny, Principal: iampolicy.Everyone, Action: iampolicy.List{"s3:*"},
		Resource:  iampolicy.List{bucketArn, bucketArn + "/*"},
		Condition: iampolicy.Conditions{"Bool": {"aws:SecureTransport": {"false"}}},
	}}}.JSON()
}
