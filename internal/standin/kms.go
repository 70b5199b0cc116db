package standin

// KMS (terraform-provider-aws internal/service/kms): a customer managed key and its alias,
// as the bootstrap program makes them for the stacks' secrets provider, and what KMS
// refuses: an alias to a key that does not exist, an alias name taken.

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// The Pulumi type tokens of the KMS models.
const (
	TypeKmsKey   tokens.Type = "aws:kms/key:Key"
	TypeKmsAlias tokens.Type = "aws:kms/alias:Alias"
)

func init() {
	register(map[tokens.Type]*model{
		TypeKmsKey: {
			tf: "aws_kms_key", source: "internal/service/kms/key.go",
			forceNew: []string{"customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"},
			// policy: without one, KMS attaches its default key policy, which Read stores;
			// rotation_period_in_days: KMS answers 365 once rotation is on.
			computed: []string{"description", "policy", "multiRegion", "rotationPeriodInDays"},
			defaults: map[string]any{"customerMasterKeySpec": "SYMMETRIC_DEFAULT", "keyUsage": "ENCRYPT_DECRYPT", "isEnabled": true},
			tagged:   true,
			create: func(o *op) (string, map[string]any, error) {
				id := uuid(o.hex("key", 32))
				rotation := 0.0
				if boolean(o.in, "enableKeyRotation") {
					rotation = 365
				}
				return id, map[string]any{
					"arn": o.arn("kms", "key/"+id), "keyId": id, "description": "", "multiRegion": false,
					"rotationPeriodInDays": rotation, "policy": defaultKeyPolicy(),
				}, nil
			},
		},
		TypeKmsAlias: {
			tf: "aws_kms_alias", source: "internal/service/kms/alias.go",
			forceNew: []string{"name", "namePrefix"},
			computed: []string{"name", "namePrefix"},
			create: func(o *op) (string, map[string]any, error) {
				name, target := str(o.in, "name"), str(o.in, "targetKeyId")
				key := o.lookup(target)
				if key == nil {
					key = o.c.keyByArn(target)
				}
				if o.preview {
					return name, map[string]any{"arn": "", "targetKeyArn": "", "namePrefix": ""}, nil
				}
				if key == nil {
					return "", nil, fmt.Errorf("creating KMS Alias (%s): NotFoundException: Key '%s' does not exist", name, target)
				}
				if o.c.taken(TypeKmsAlias, "name", name) {
					return "", nil, fmt.Errorf("creating KMS Alias (%s): AlreadyExistsException: An alias with the name %s already exists", name, o.arn("kms", name))
				}
				return name, map[string]any{"arn": o.arn("kms", name), "targetKeyArn": str(key, "arn"), "namePrefix": ""}, nil
			},
		},
	})
}

// keyByArn is a live key by its ARN, or nil.
func (c *Cloud) keyByArn(arn string) resource.PropertyMap {
	for _, k := range c.liveOfType(TypeKmsKey) {
		if str(k, "arn") == arn {
			return k
		}
	}
	return nil
}

// defaultKeyPolicy is the key policy KMS attaches when CreateKey gets none: the account's
// IAM policies decide who may use the key.
func defaultKeyPolicy() string {
	return canonicalJSON(map[string]any{"Version": "2012-10-17", "Id": "key-default-1", "Statement": []any{map[string]any{
		"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Action": "kms:*", "Resource": "*",
		"Principal": map[string]any{"AWS": "arn:aws:iam::" + Account + ":root"},
	}}})
}
