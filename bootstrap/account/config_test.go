package account

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// Bad config is refused with every problem at once, each naming the key, the value and
// what is allowed.
func TestParseSettingsRefusesBadConfig(t *testing.T) {
	tests := map[string]struct {
		raw    map[string]string
		region string
		want   []string
	}{
		"error if the repository is not owner/name": {
			raw: map[string]string{"githubRepository": "nlb-alb-fargate"}, region: "eu-west-1",
			want: []string{`githubRepository: invalid value "nlb-alb-fargate": must be owner/name`},
		},
		"error if the repository is a URL": {
			raw: map[string]string{"githubRepository": "https://github.com/octo-org/nlb-alb-fargate"}, region: "eu-west-1",
			want: []string{`githubRepository: invalid value "https://github.com/octo-org/nlb-alb-fargate": must be owner/name`},
		},
		"error if the region and the repository are missing, both reported": {
			raw: map[string]string{},
			want: []string{
				`aws:region: missing: must be the Region of the state bucket and key, e.g. "us-east-1" (pulumi config set aws:region us-east-1)`,
				`githubRepository: missing: must be owner/name of the repository whose workflows deploy (pulumi config set githubRepository octo-org/nlb-alb-fargate)`,
			},
		},
		"error if the region is not a Region name": {
			raw: map[string]string{"githubRepository": "octo-org/app"}, region: "Ireland",
			want: []string{`aws:region: invalid value "Ireland": must be a Region name such as "us-east-1"`},
		},
		"error if an environment or the branch is a wildcard, and for an unknown key": {
			raw:    map[string]string{"githubRepository": "octo-org/app", "githubBranch": "*", "githubEnvironments": `["prod","*"]`, "githubrepository": "x"},
			region: "eu-west-1",
			want: []string{
				`githubrepository: unknown setting; valid settings: githubRepository, githubBranch, githubEnvironments, keyAlias, stateVersionRetentionDays, oidcProviderArn`,
				`githubBranch: invalid value "*": must be a branch name (letters, digits, . _ / -; no wildcards)`,
				`githubEnvironments[1]: invalid value "*": must be an environment name (letters, digits, space . _ -; no wildcards)`,
			},
		},
		"error if the alias, the retention or the provider ARN is malformed": {
			raw: map[string]string{"githubRepository": "octo-org/app", "keyAlias": "alias/aws/secrets", "stateVersionRetentionDays": "0",
				"oidcProviderArn": "arn:aws:iam::123456789012:oidc-provider/accounts.google.com"},
			region: "eu-west-1",
			want: []string{
				`keyAlias: invalid value "alias/aws/secrets": must be alias/<name> (letters, digits, / _ -), not under alias/aws/`,
				`stateVersionRetentionDays: invalid value "0": must be a whole number of days between 1 and 3650`,
				`oidcProviderArn: invalid value "arn:aws:iam::123456789012:oidc-provider/accounts.google.com": must be the ARN of an OIDC provider for token.actions.githubusercontent.com, or empty`,
			},
		},
		"error if the environments are not a list": {
			raw: map[string]string{"githubRepository": "octo-org/app", "githubEnvironments": "prod"}, region: "eu-west-1",
			want: []string{`githubEnvironments: invalid value prod: must be a list of environment names, e.g. ["prod"]`},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := parseSettings(tc.raw, tc.region)
			var e *config.Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want the problems %q", err, tc.want)
			}
			if !reflect.DeepEqual(e.Problems, tc.want) {
				t.Errorf("got problems\n  %s\nwant\n  %s", strings.Join(e.Problems, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

// The defaults are what Pulumi.yaml says they are.
func TestParseSettingsDefaults(t *testing.T) {
	s, err := parseSettings(map[string]string{"githubRepository": "octo-org/app"}, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	want := settings{Region: "eu-west-1", Repository: "octo-org/app", Branch: "main", Environments: []string{"prod"},
		KeyAlias: "alias/nlb-alb-fargate-secrets", VersionRetention: 90, StackBuckets: mainStackBuckets}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got %+v, want %+v", s, want)
	}
}

// bootstrap/Pulumi.yaml declares exactly the settings config.go reads, with their types
// and defaults (it passes Pulumi's own schema check).
func TestPulumiYAMLDeclaresTheSettings(t *testing.T) {
	project, err := workspace.LoadProject(filepath.Join("..", "Pulumi.yaml"))
	if err != nil {
		t.Fatalf("loading Pulumi.yaml: %v", err)
	}
	if project.Name.String() != testProject {
		t.Fatalf("Pulumi.yaml name %q, the tests use %q", project.Name, testProject)
	}
	if len(project.Config) != len(bootstrapSettings) {
		t.Errorf("Pulumi.yaml declares %d keys, config.go reads %d", len(project.Config), len(bootstrapSettings))
	}
	for _, s := range bootstrapSettings {
		decl, ok := project.Config[s.Key]
		if !ok {
			t.Errorf("%s: not declared in Pulumi.yaml", s.Key)
			continue
		}
		if decl.TypeName() != s.Type {
			t.Errorf("%s: Pulumi.yaml type %s, config.go %s", s.Key, decl.TypeName(), s.Type)
		}
		got, _ := json.Marshal(decl.Default)
		want, _ := json.Marshal(s.Default)
		if string(got) != string(want) {
			t.Errorf("%s: Pulumi.yaml default %s, config.go %s", s.Key, got, want)
		}
		if decl.Description != s.Doc {
			t.Errorf("%s: Pulumi.yaml description %q, config.go %q", s.Key, decl.Description, s.Doc)
		}
	}
}
