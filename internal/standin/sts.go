package standin

// STS and the provider's own facts: who the caller is (aws_caller_identity, STS
// GetCallerIdentity), and the region and partition the provider is configured for
// (aws_region, aws_partition, which call no AWS service).

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func init() {
	registerInvokes(map[string]invokeFunc{
		"aws:index/getRegion:getRegion": func(c *Cloud, _ resource.PropertyMap) (resource.PropertyMap, error) {
			r := c.Region()
			return resource.NewPropertyMapFromMap(map[string]any{
				"name": r, "id": r, "description": r, "endpoint": "ec2." + r + ".amazonaws.com",
			}), nil
		},
		"aws:index/getCallerIdentity:getCallerIdentity": func(*Cloud, resource.PropertyMap) (resource.PropertyMap, error) {
			return resource.NewPropertyMapFromMap(map[string]any{
				"accountId": Account, "id": Account, "userId": "AIDASTANDIN0000000000",
				"arn": Caller,
			}), nil
		},
		"aws:index/getPartition:getPartition": func(*Cloud, resource.PropertyMap) (resource.PropertyMap, error) {
			return resource.NewPropertyMapFromMap(map[string]any{
				"partition": "aws", "id": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws",
			}), nil
		},
	})
}
