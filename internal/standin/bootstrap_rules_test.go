package standin

// Scenarios for the models the bootstrap program needs (kms.go, iam_oidc.go,
// s3_versioning.go), joined to TestEveryRuleBites's, and what KMS and IAM refuse.

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func init() {
	namedScenarios = append(namedScenarios,
		scenario{rule: "aws_iam_openid_connect_provider resourceOpenIDConnectProviderRead: url", typ: TypeIamOpenIDConnectProvider,
			create: map[string]any{"url": "https://token.actions.githubusercontent.com", "clientIdLists": []any{"sts.amazonaws.com"}},
			stored: func(s resource.PropertyMap) bool { return str(s, "url") == "token.actions.githubusercontent.com" }},
		scenario{rule: "aws_iam_openid_connect_provider suppressOpenIDURL", typ: TypeIamOpenIDConnectProvider,
			create: map[string]any{"url": "https://token.actions.githubusercontent.com", "clientIdLists": []any{"sts.amazonaws.com"}},
			want:   none},
	)
}

// kmsKey makes a key for an alias's target.
func kmsKey(t *testing.T, c *Cloud) map[string]any {
	id, _ := made(t, c, TypeKmsKey, "key", map[string]any{})
	return map[string]any{"targetKeyId": id}
}

func TestKmsAndIamRefuseWhatAWSRefuses(t *testing.T) {
	c := NewCloud()
	create := func(name string, in map[string]any) error {
		urn := resource.NewURN("test", "standin", "", TypeKmsAlias, name)
		if strings.HasPrefix(name, "oidc") {
			urn = resource.NewURN("test", "standin", "", TypeIamOpenIDConnectProvider, name)
		}
		checked, _, err := c.Check(urn, nil, resource.NewPropertyMapFromMap(in))
		if err == nil {
			_, _, err = c.Create(urn, checked, false)
		}
		return err
	}
	key := kmsKey(t, c)
	// In order: the second of a name or URL is refused only once the first exists.
	steps := []struct {
		name string
		in   map[string]any
		want string
	}{
		{"alias-ok", map[string]any{"name": "alias/pulumi", "targetKeyId": key["targetKeyId"]}, ""},
		{"alias-no-key", map[string]any{"name": "alias/other", "targetKeyId": "1234abcd-0000-0000-0000-000000000000"}, "NotFoundException"},
		{"alias-taken", map[string]any{"name": "alias/pulumi", "targetKeyId": key["targetKeyId"]}, "AlreadyExistsException"},
		{"oidc-first", map[string]any{"url": "https://token.actions.githubusercontent.com", "clientIdLists": []any{"sts.amazonaws.com"}}, ""},
		{"oidc-again", map[string]any{"url": "https://token.actions.githubusercontent.com", "clientIdLists": []any{"sts.amazonaws.com"}}, "EntityAlreadyExists"},
	}
	for _, s := range steps {
		err := create(s.name, s.in)
		switch {
		case s.want == "" && err != nil:
			t.Errorf("%s: %v", s.name, err)
		case s.want != "" && (err == nil || !strings.Contains(err.Error(), s.want)):
			t.Errorf("%s: got %v, want %s", s.name, err, s.want)
		}
	}
}
