package standin

// S3 bucket versioning (terraform-provider-aws
// internal/service/s3/bucket_versioning.go): the state bucket keeps every version of a
// stack's checkpoint, so a bad update can be rolled back by hand.

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// The Pulumi type token of the bucket versioning model.
const TypeS3BucketVersioningV2 tokens.Type = "aws:s3/bucketVersioningV2:BucketVersioningV2"

func init() {
	register(map[tokens.Type]*model{
		TypeS3BucketVersioningV2: {
			tf: "aws_s3_bucket_versioning", source: "internal/service/s3/bucket_versioning.go",
			forceNew: []string{"bucket", "expectedBucketOwner"},
			create: func(o *op) (string, map[string]any, error) {
				id, _, err := bucketConfig(o)
				if err != nil {
					return "", nil, err
				}
				// PutBucketVersioning takes Enabled or Suspended; the provider's
				// "Disabled" only means "never enabled" at creation.
				switch status := str(obj(o.in, "versioningConfiguration"), "status"); status {
				case "Enabled", "Suspended", "Disabled", "":
				default:
					return "", nil, fmt.Errorf("MalformedXML: versioning status %q", status)
				}
				return id, map[string]any{}, nil
			},
		},
	})
}
