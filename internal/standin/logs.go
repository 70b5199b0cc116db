package standin

// CloudWatch Logs (terraform-provider-aws internal/service/logs): log groups.

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// The Pulumi type token of the CloudWatch Logs model.
const TypeCloudwatchLogGroup tokens.Type = "aws:cloudwatch/logGroup:LogGroup"

func init() {
	register(map[tokens.Type]*model{
		TypeCloudwatchLogGroup: {
			tf: "aws_cloudwatch_log_group", source: "internal/service/logs/group.go",
			forceNew: []string{"name", "namePrefix", "logGroupClass"},
			computed: []string{"name", "namePrefix", "logGroupClass"},
			autoname: 512,
			tagged:   true,
			create: func(o *op) (string, map[string]any, error) {
				name := str(o.in, "name")
				if !o.preview && o.c.taken(TypeCloudwatchLogGroup, "name", name) {
					return "", nil, fmt.Errorf("ResourceAlreadyExistsException: The specified log group already exists: %s", name)
				}
				return name, map[string]any{"arn": o.arn("logs", "log-group:"+name), "logGroupClass": "STANDARD", "kmsKeyId": "", "namePrefix": ""}, nil
			},
		},
	})
}
