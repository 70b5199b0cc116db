package standin

// Scenarios for the models the bootstrap program needs (kms.go, iam_oidc.go,
// s3_versioning.go, ecr.go's policies), joined to TestEveryRuleBites's, and what KMS,
// IAM and ECR refuse.

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

func init() {
	namedScenarios = append(namedScenarios,
		scenario{rule: "aws_iam_openid_connect_provider resourceOpenIDConnectProviderRead: url", typ: TypeIamOpenIDConnectProvider,
			create: map[string]any{"url": "https://token.actions.githubusercontent.com", "clientIdLists": []any{"sts.amazonaws.com"}},
			stored: func(s resource.PropertyMap) bool { return str(s, "url") == "token.actions.githubusercontent.com" }},
		scenario{rule: "aws_iam_openid_connect_provider suppressOpenIDURL", typ: TypeIamOpenIDConnectProvider,
			create: map[string]any{"url": "https://token.actions.githubusercontent.com", "clientIdLists": []any{"sts.amazonaws.com"}},
			want:   none},
		scenario{rule: "aws_ecr_repository_policy structure.NormalizeJsonString", typ: TypeEcrRepositoryPolicy, setup: repository,
			create: map[string]any{"policy": repositoryPolicy},
			stored: func(s resource.PropertyMap) bool {
				return !strings.Contains(str(s, "policy"), `"Version":"2012-10-17","Statement"`)
			}},
		scenario{rule: "aws_ecr_repository_policy verify.SuppressEquivalentPolicyDiffs", typ: TypeEcrRepositoryPolicy, setup: repository,
			create: map[string]any{"policy": repositoryPolicy},
			change: func(next map[string]any) {
				next["policy"] = strings.Replace(next["policy"].(string), `["arn:aws:iam::111111111111:root","arn:aws:iam::222222222222:root"]`,
					`["arn:aws:iam::222222222222:root","arn:aws:iam::111111111111:root"]`, 1)
			}, want: none},
		scenario{rule: "aws_ecr_lifecycle_policy sdkv2.NormalizeJsonStringSchemaStateFunc", typ: TypeEcrLifecyclePolicy, setup: repository,
			create: map[string]any{"policy": lifecyclePolicy},
			stored: func(s resource.PropertyMap) bool { return strings.HasPrefix(str(s, "policy"), `{"rules":[{"action"`) }},
		// ECR answers the rules sorted by rulePriority: written in another order they plan
		// no change (and no replacement, which a change of the policy is).
		scenario{rule: "aws_ecr_lifecycle_policy equivalentLifecyclePolicyJSON", typ: TypeEcrLifecyclePolicy, setup: repository,
			create: map[string]any{"policy": lifecyclePolicy},
			change: func(next map[string]any) {
				next["policy"] = `{"rules":[` + lifecycleRule2 + "," + lifecycleRule1 + "]}"
			}, want: none},
	)
}

// repository makes the repository "r" for its policies.
func repository(t *testing.T, c *Cloud) map[string]any {
	made(t, c, TypeEcrRepository, "r", map[string]any{"name": "r"})
	return map[string]any{"repository": "r"}
}

// repositoryPolicy lets two accounts pull from a repository.
const repositoryPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111111111111:root","arn:aws:iam::222222222222:root"]},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}`

// lifecyclePolicy is two rules, in the order of their priorities.
const (
	lifecycleRule1  = `{"rulePriority":1,"description":"untagged","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":1},"action":{"type":"expire"}}`
	lifecycleRule2  = `{"rulePriority":2,"description":"keep 100","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":100},"action":{"type":"expire"}}`
	lifecyclePolicy = `{"rules":[` + lifecycleRule1 + "," + lifecycleRule2 + "]}"
)

// ECR refuses a second repository of one name, and a policy of a repository that does
// not exist.
func TestEcrRefusesWhatAWSRefuses(t *testing.T) {
	c := NewCloud()
	repository(t, c)
	create := func(typ tokens.Type, name string, in map[string]any) error {
		urn := resource.NewURN("test", "standin", "", typ, name)
		checked, _, err := c.Check(urn, nil, resource.NewPropertyMapFromMap(in))
		if err == nil {
			_, _, err = c.Create(urn, checked, false)
		}
		return err
	}
	for _, s := range []struct {
		typ  tokens.Type
		name string
		in   map[string]any
		want string
	}{
		{TypeEcrRepository, "again", map[string]any{"name": "r"}, "RepositoryAlreadyExistsException"},
		{TypeEcrRepositoryPolicy, "policy", map[string]any{"repository": "nowhere", "policy": repositoryPolicy}, "RepositoryNotFoundException"},
		{TypeEcrLifecyclePolicy, "lifecycle", map[string]any{"repository": "nowhere", "policy": lifecyclePolicy}, "RepositoryNotFoundException"},
		{TypeEcrLifecyclePolicy, "lifecycle-ok", map[string]any{"repository": "r", "policy": lifecyclePolicy}, ""},
	} {
		err := create(s.typ, s.name, s.in)
		switch {
		case s.want == "" && err != nil:
			t.Errorf("%s: %v", s.name, err)
		case s.want != "" && (err == nil || !strings.Contains(err.Error(), s.want)):
			t.Errorf("%s: got %v, want %s", s.name, err, s.want)
		}
	}
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

// A repository's policies live beside it: creating them leaves the repository there.
func TestEcrRepositoryKeepsItsPolicies(t *testing.T) {
	c := NewCloud()
	repository(t, c)
	made(t, c, TypeEcrRepositoryPolicy, "policy", map[string]any{"repository": "r", "policy": repositoryPolicy})
	made(t, c, TypeEcrLifecyclePolicy, "lifecycle", map[string]any{"repository": "r", "policy": lifecyclePolicy})
	for typ, want := range map[tokens.Type]int{TypeEcrRepository: 1, TypeEcrRepositoryPolicy: 1, TypeEcrLifecyclePolicy: 1} {
		if got := len(c.liveOfType(typ)); got != want {
			t.Errorf("%s: %d live, want %d", typ, got, want)
		}
	}
}
