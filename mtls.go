package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/operations"
	"github.com/example/nlb-alb-fargate/internal/site"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// caBundleKey is the bundle's object key, named after its content: a new bundle is a new
// key, which updates the trust store in place (ModifyTrustStore, the provider's
// resourceTrustStoreUpdate), and the object the trust store was made from stays as it is
// until the update is done. So the bucket needs no versioning: S3 asks for 15 minutes
// between first enabling versioning on a bucket and writing to it (User Guide, "Enabling
// versioning on buckets"), which a first deploy that writes the bundle right away cannot
// give.
func caBundleKey(bundle []byte) string {
	sum := sha256.Sum256(bundle)
	return "ca-bundle-" + hex.EncodeToString(sum[:]) + ".pem"
}

// newTrustStore uploads the CA bundle and makes the trust store the HTTPS listener checks
// client certificates against: mutual TLS at the ALB (mtls). The NLB passes TCP through,
// so the ALB holds the client's TLS session and can ask for its certificate behind the
// static IPs. The bucket is private, encrypted and TLS-only, and not
// versioned (caBundleKey). forceDestroy: the bucket holds only the bundle, which the stack
// config has. A stack made before content-named keys keeps its versioned bucket: the
// versioning resource leaves the program, and the provider's delete of it suspends
// versioning, which S3 allows at any time; the old object goes once the trust store reads
// the new one.
func newTrustStore(ctx *pulumi.Context, cfg *config.MTLS) (*lb.TrustStore, error) {
	b, err := operations.NewStackBucket(ctx, "mtls-ca-bundle", func(arn string) (string, error) { return site.PolicyJSON(operations.DenyInsecureTransport(arn)) })
	if err != nil {
		return nil, err
	}
	// The content the config check read, not the file again: what was checked is what is
	// uploaded. CA certificates are public, so the state may hold them.
	object, err := s3.NewBucketObjectv2(ctx, "mtls-ca-bundle-object", &s3.BucketObjectv2Args{
		Bucket:      b.Bucket.Bucket,
		Key:         pulumi.String(caBundleKey(cfg.Bundle)),
		Content:     pulumi.String(string(cfg.Bundle)),
		ContentType: pulumi.String("application/x-pem-file"),
		Tags:        site.NameTag(ctx, "mtls-ca-bundle-object"),
	}, pulumi.DependsOn([]pulumi.Resource{b.Policy, b.Encryption}))
	if err != nil {
		return nil, fmt.Errorf("uploading the CA bundle: %w", err)
	}
	store, err := lb.NewTrustStore(ctx, "mtls-trust-store", &lb.TrustStoreArgs{
		CaCertificatesBundleS3Bucket: b.Bucket.Bucket,
		CaCertificatesBundleS3Key:    object.Key,
		Tags:                         site.NameTag(ctx, "mtls-trust-store"),
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
