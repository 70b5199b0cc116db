package main

// Mutual TLS at the ALB (mtls): the CA bundle in an S3 bucket of its own, the ELB trust
// store made from it, and the HTTPS listener's mutual authentication. The NLB passes TCP
// through, so the ALB holds the client's TLS session and can ask for its certificate
// behind the static IPs.

import (
	"fmt"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// caBundleKey is the bundle's object key. It never changes: a new bundle is a new version
// of the same object, which updates the trust store in place.
const caBundleKey = "ca-bundle.pem"

// newTrustStore uploads the CA bundle and makes the trust store the HTTPS listener checks
// client certificates against. The bucket is private, encrypted, TLS-only and versioned:
// the trust store names the object's version, so the version it was made from stays
// readable, and a rollback is a previous version. forceDestroy: the bucket holds only the
// bundle, which the stack config has.
func newTrustStore(ctx *pulumi.Context, cfg *config.MTLS) (*lb.TrustStore, error) {
	b, err := newStackBucket(ctx, "mtls-ca-bundle", func(arn string) (string, error) { return policyJSON(denyInsecureTransport(arn)) })
	if err != nil {
		return nil, err
	}
	bucket := b.Bucket
	versioning, err := s3.NewBucketVersioningV2(ctx, "mtls-ca-bundle-versioning", &s3.BucketVersioningV2Args{
		Bucket:                  bucket.Bucket,
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, pulumi.DependsOn([]pulumi.Resource{b.Policy, b.Encryption}))
	if err != nil {
		return nil, fmt.Errorf("versioning the CA bundle bucket: %w", err)
	}
	// The content the config check read, not the file again: what was checked is what is
	// uploaded. CA certificates are public, so the state may hold them.
	object, err := s3.NewBucketObjectv2(ctx, "mtls-ca-bundle-object", &s3.BucketObjectv2Args{
		Bucket:      bucket.Bucket,
		Key:         pulumi.String(caBundleKey),
		Content:     pulumi.String(string(cfg.Bundle)),
		ContentType: pulumi.String("application/x-pem-file"),
		Tags:        nameTag(ctx, "mtls-ca-bundle-object"),
	}, pulumi.DependsOn([]pulumi.Resource{versioning}))
	if err != nil {
		return nil, fmt.Errorf("uploading the CA bundle: %w", err)
	}
	store, err := lb.NewTrustStore(ctx, "mtls-trust-store", &lb.TrustStoreArgs{
		CaCertificatesBundleS3Bucket:        bucket.Bucket,
		CaCertificatesBundleS3Key:           object.Key,
		CaCertificatesBundleS3ObjectVersion: object.VersionId,
		Tags:                                nameTag(ctx, "mtls-trust-store"),
	})
	if err != nil {
		return nil, fmt.Errorf("creating the ALB trust store: %w", err)
	}
	return store, nil
}

// mutualAuthentication is the HTTPS listener's mutual_authentication block: verify
// against the trust store, passthrough, or, without mtls, off. Off is sent rather than
// left out, so that removing mtls turns it off on a running listener.
func mutualAuthentication(cfg *config.MTLS, store *lb.TrustStore) *lb.ListenerMutualAuthenticationArgs {
	switch {
	case cfg == nil:
		return &lb.ListenerMutualAuthenticationArgs{Mode: pulumi.String("off")}
	case cfg.Verify():
		return &lb.ListenerMutualAuthenticationArgs{
			Mode:                          pulumi.String("verify"),
			TrustStoreArn:                 store.Arn,
			IgnoreClientCertificateExpiry: pulumi.Bool(cfg.IgnoreClientCertificateExpiry),
		}
	}
	return &lb.ListenerMutualAuthenticationArgs{Mode: pulumi.String("passthrough")}
}
