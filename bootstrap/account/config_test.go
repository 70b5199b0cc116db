package account

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
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
				`githubrepository: unknown setting; did you mean "githubRepository"?`,
				`githubBranch: invalid value "*": must be a branch name (letters, digits, . _ / -; no wildcards)`,
				`githubEnvironments[1]: invalid value "*": must be the name of the stack it deploys (letters, digits, _ . -; no wildcards)`,
				`previewStack: invalid value "dev": must be one of githubEnvironments (prod, *), or empty for no preview role: pull requests preview a stack the bootstrap makes a key for`,
			},
		},
		"error if the alias, the retention or the provider ARN is malformed": {
			raw: map[string]string{"githubRepository": "octo-org/app", "keyAlias": "alias/aws/secrets", "stateVersionRetentionDays": "0",
				"oidcProviderArn": "arn:aws:iam::123456789012:oidc-provider/accounts.google.com"},
			region: "eu-west-1",
			want: []string{
				`keyAlias: invalid value "alias/aws/secrets": must be alias/<name> (letters, digits, / _ -), not under alias/aws/`,
				`stateVersionRetentionDays: invalid value 0: must be between 1 and 3650`,
				`oidcProviderArn: invalid value "arn:aws:iam::123456789012:oidc-provider/accounts.google.com": must be the ARN of an OIDC provider for token.actions.githubusercontent.com, or empty`,
			},
		},
		"error if the environments are not a list": {
			raw: map[string]string{"githubRepository": "octo-org/app", "githubEnvironments": "prod"}, region: "eu-west-1",
			want: []string{`githubEnvironments: invalid value "prod": must be a list of environment names, e.g. ["prod"]`},
		},
		"error if an environment is listed twice, or none is": {
			raw: map[string]string{"githubRepository": "octo-org/app", "githubEnvironments": `["dev","prod","dev"]`}, region: "eu-west-1",
			want: []string{`githubEnvironments[2]: duplicate value "dev": each environment has one deploy role and key`},
		},
		"error if no environment is listed": {
			raw: map[string]string{"githubRepository": "octo-org/app", "githubEnvironments": `[]`}, region: "eu-west-1",
			want: []string{`githubEnvironments: invalid value []: must name at least one environment, e.g. ["dev", "prod"]`,
				`previewStack: invalid value "dev": must be one of githubEnvironments (), or empty for no preview role: pull requests preview a stack the bootstrap makes a key for`},
		},
		"error if the project, the existing buckets or the cleanup flag are malformed": {
			raw: map[string]string{"githubRepository": "octo-org/app", "project": "nlb alb", "legacyRoleCleanup": "yes",
				"existingBuckets": `{"dev":["access-logs-a1b2c3d","Access_Logs"],"qa":["access-logs-0f0f0f0"]}`},
			region: "eu-west-1",
			want: []string{
				`legacyRoleCleanup: invalid value "yes": must be true or false`,
				`project: invalid value "nlb alb": must be the main program's project name: letters, digits, _ . -`,
				`existingBuckets.dev[1]: invalid value "Access_Logs": must be an S3 bucket's name (3 to 63 lower-case letters, digits, . -)`,
				`existingBuckets.qa: unknown environment: must be one of githubEnvironments (dev, staging, prod)`,
			},
		},
		"error if a key is under another project's name, or of the wrong type": {
			raw: map[string]string{"githubRepository": "octo-org/app", "nlb-alb-fargate:githubBranch": "main", "stateVersionRetentionDays": "ninety",
				"nlb-alb-fargate:rolePermissionsBoundary": "arn:aws:iam::123456789012:policy/b"},
			region: "eu-west-1",
			want: []string{
				`nlb-alb-fargate:githubBranch: this project is named "nlb-alb-fargate-bootstrap" in Pulumi.yaml; did you mean nlb-alb-fargate-bootstrap:githubBranch?`,
				`stateVersionRetentionDays: invalid value "ninety": must be a whole number`,
			},
		},
		"error if an environment's account is not 12 digits, or listed twice, or a number": {
			raw: map[string]string{"githubRepository": "octo-org/app", "holdsReleaseRepository": "true",
				"releasePullAccounts": `["210987654321","21098765432","acct-prod","210987654321"]`},
			region: "eu-west-1",
			want: []string{
				`releasePullAccounts[1]: invalid value "21098765432": must be a 12-digit AWS account id`,
				`releasePullAccounts[2]: invalid value "acct-prod": must be a 12-digit AWS account id`,
				`releasePullAccounts[3]: duplicate value "210987654321": each account is listed once`,
			},
		},
		"error if an account id is written as a number": {
			raw:    map[string]string{"githubRepository": "octo-org/app", "holdsReleaseRepository": "true", "releasePullAccounts": `[210987654321]`},
			region: "eu-west-1",
			want:   []string{`releasePullAccounts: invalid value [210987654321]: must be a list of account ids, each a quoted string, e.g. ["210987654321"]`},
		},
		"error if the release repository ARN is not an ECR repository's": {
			raw:    map[string]string{"githubRepository": "octo-org/app", "releaseRepositoryArn": "111111111111.dkr.ecr.us-east-1.amazonaws.com/nlb-alb-fargate"},
			region: "eu-west-1",
			want: []string{`releaseRepositoryArn: invalid value "111111111111.dkr.ecr.us-east-1.amazonaws.com/nlb-alb-fargate": must be an ECR repository's ARN, ` +
				`e.g. arn:aws:ecr:us-east-1:111111111111:repository/nlb-alb-fargate (the releaseRepositoryArn output of the account that holds it), or empty`},
		},
		"error if the release repository ARN names another service, or a repository in no Region": {
			raw:    map[string]string{"githubRepository": "octo-org/app", "releaseRepositoryArn": "arn:aws:ecr::111111111111:repository/nlb-alb-fargate"},
			region: "eu-west-1",
			want: []string{`releaseRepositoryArn: invalid value "arn:aws:ecr::111111111111:repository/nlb-alb-fargate": must be an ECR repository's ARN, ` +
				`e.g. arn:aws:ecr:us-east-1:111111111111:repository/nlb-alb-fargate (the releaseRepositoryArn output of the account that holds it), or empty`},
		},
		"error if a Region is not a Region, or its environment is not one of the environments": {
			raw: map[string]string{"githubRepository": "octo-org/app", "githubEnvironments": `["dev","prod"]`,
				"environmentRegions": `{"prod":"Virginia","qa":"us-east-1","dev":"eu-west-1"}`},
			region: "eu-west-1",
			want: []string{
				`environmentRegions.prod: invalid value "Virginia": must be a Region name such as "us-east-1"`,
				`environmentRegions.qa: unknown environment: must be one of githubEnvironments (dev, prod)`,
			},
		},
		"error if the Regions are not an object": {
			raw: map[string]string{"githubRepository": "octo-org/app", "environmentRegions": `["us-east-1"]`}, region: "eu-west-1",
			want: []string{`environmentRegions: invalid value ["us-east-1"]: must be an object of environment names to Regions, e.g. {"prod": "us-east-1"}`},
		},
		"error if an account both holds the release repository and names one, or lists accounts without holding it": {
			raw: map[string]string{"githubRepository": "octo-org/app", "holdsReleaseRepository": "true",
				"releaseRepositoryArn": "arn:aws:ecr:us-east-1:111111111111:repository/nlb-alb-fargate"},
			region: "eu-west-1",
			want:   []string{`releaseRepositoryArn: invalid value "arn:aws:ecr:us-east-1:111111111111:repository/nlb-alb-fargate": not with holdsReleaseRepository: true: this account's own release repository is the one its stacks pull from`},
		},
		"error if accounts may pull from a repository this account does not hold": {
			raw:    map[string]string{"githubRepository": "octo-org/app", "releasePullAccounts": `["210987654321"]`},
			region: "eu-west-1",
			want: []string{`releasePullAccounts: invalid value ["210987654321"]: only with holdsReleaseRepository: true, in the account that holds the release repository ` +
				`(pulumi config set holdsReleaseRepository true there)`},
		},
		"error if the project cannot name the release repository, or an environment is named release": {
			raw:    map[string]string{"githubRepository": "octo-org/app", "holdsReleaseRepository": "true", "project": "Partner--API", "githubEnvironments": `["release","prod"]`, "previewStack": "prod"},
			region: "eu-west-1",
			want: []string{
				`githubEnvironments[0]: invalid value "release": reserved for the release job's environment, whose role pushes releases and deploys nothing`,
				`project: invalid value "Partner--API": with holdsReleaseRepository the release repository is named after it, in lower case, and ECR allows letters and digits separated by single . _ - only`,
			},
		},
		"error if the existing buckets are not an object": {
			raw: map[string]string{"githubRepository": "octo-org/app", "existingBuckets": `["access-logs-a1b2c3d"]`}, region: "eu-west-1",
			want: []string{`existingBuckets: invalid value ["access-logs-a1b2c3d"]: must be an object of environment names to lists of bucket names, e.g. {"dev": ["access-logs-1a2b3c4"]}`},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := parseSettings(tc.raw, tc.region, testProject)
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

// An account of prod alone has no preview role (previewStack empty); an account holding
// the release repository lists the other accounts; environments may run elsewhere.
func TestParseSettingsAccounts(t *testing.T) {
	s, err := parseSettings(map[string]string{"githubRepository": "octo-org/app", "githubEnvironments": `["prod"]`, "previewStack": "",
		"environmentRegions": `{"prod":"us-east-1"}`, "releaseRepositoryArn": "arn:aws:ecr:eu-west-1:111111111111:repository/nlb-alb-fargate"}, "eu-west-1", testProject)
	if err != nil {
		t.Fatal(err)
	}
	if s.PreviewStack != "" || s.regionOf("prod") != "us-east-1" || !slices.Equal(s.regions(), []string{"us-east-1"}) {
		t.Errorf("prod's account: %+v", s)
	}
	s, err = parseSettings(map[string]string{"githubRepository": "octo-org/app", "holdsReleaseRepository": "true",
		"releasePullAccounts": `["210987654321","012345678901"]`, "environmentRegions": `{"dev":"eu-central-1"}`}, "eu-west-1", testProject)
	if err != nil {
		t.Fatal(err)
	}
	if !s.HoldsReleaseRepository || !slices.Equal(s.ReleasePullAccounts, []string{"210987654321", "012345678901"}) ||
		s.regionOf("staging") != "eu-west-1" || !slices.Equal(s.regions(), []string{"eu-central-1", "eu-west-1"}) {
		t.Errorf("the release repository's account: %+v", s)
	}
}

// The defaults are what Pulumi.yaml says they are.
func TestParseSettingsDefaults(t *testing.T) {
	s, err := parseSettings(map[string]string{"githubRepository": "octo-org/app"}, "eu-west-1", testProject)
	if err != nil {
		t.Fatal(err)
	}
	want := settings{Region: "eu-west-1", Repository: "octo-org/app", Branch: "main", Environments: []string{"dev", "staging", "prod"}, PreviewStack: "dev",
		KeyAlias: "alias/nlb-alb-fargate-secrets", VersionRetention: 90, Project: "nlb-alb-fargate", ExistingBuckets: map[string][]string{},
		EnvironmentRegions: map[string]string{}, ReleasePullAccounts: []string{}}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got %+v, want %+v", s, want)
	}
}

// bootstrap/Pulumi.yaml's config section and the table of the settings in docs/team.md
// are what the registry generates: a change to a setting that skipped `go generate ./...`
// fails here.
func TestGeneratedDocsAreCurrent(t *testing.T) {
	for _, f := range []struct {
		path     string
		generate func([]byte) ([]byte, error)
	}{
		{filepath.Join("..", "Pulumi.yaml"), GeneratePulumiYAML},
		{filepath.Join("..", "..", "docs", "team.md"), GenerateSettingsTable},
	} {
		got, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		want, err := f.generate(got)
		if err != nil {
			t.Fatalf("%s: %v", f.path, err)
		}
		if string(got) != string(want) {
			t.Errorf("%s is stale: run go generate ./...; it should read:\n%s", f.path, want)
		}
	}
}

// bootstrap/Pulumi.yaml, as Pulumi itself loads it (its schema check), declares exactly
// the registry's settings with their types and defaults, and the defaults an existing
// team's bootstrap stack was made with: regenerating it changes no stack, but for
// githubEnvironments, whose default gained staging on purpose (a team that left it unset
// gets staging's key and deploy role, and nothing else changes), and settings added since,
// whose defaults add nothing.
func TestPulumiYAMLDeclaresTheSettings(t *testing.T) {
	project, err := workspace.LoadProject(filepath.Join("..", "Pulumi.yaml"))
	if err != nil {
		t.Fatalf("loading Pulumi.yaml: %v", err)
	}
	if project.Name.String() != testProject {
		t.Fatalf("Pulumi.yaml name %q, the tests use %q", project.Name, testProject)
	}
	released := map[string]string{ // key: type and default, as released before the registry
		"githubRepository": `string ""`, "githubBranch": `string "main"`, "githubEnvironments": `array ["dev","prod"]`,
		"previewStack": `string "dev"`, "keyAlias": `string "alias/nlb-alb-fargate-secrets"`, "stateVersionRetentionDays": `integer 90`,
		"oidcProviderArn": `string ""`, "project": `string "nlb-alb-fargate"`, "existingBuckets": `object {}`, "legacyRoleCleanup": `boolean false`,
	}
	changed := map[string]string{"githubEnvironments": `array ["dev","staging","prod"]`} // on purpose: staging joins
	added := map[string]string{                                                          // since: off by default
		"environmentRegions": `object {}`, "holdsReleaseRepository": `boolean false`, "releasePullAccounts": `array []`, "releaseRepositoryArn": `string ""`,
	}
	for k, v := range changed {
		released[k] = v
	}
	for k, v := range added {
		released[k] = v
	}
	keys := bootstrapSettings.Keys()
	if len(project.Config) != len(keys) || len(keys) != len(released) {
		t.Errorf("Pulumi.yaml declares %d keys, the registry %d, the released bootstrap and the settings added since %d", len(project.Config), len(keys), len(released))
	}
	for _, s := range bootstrapSettings.Settings() {
		if s.Qualified() {
			if _, ok := project.Config[s.Key]; ok {
				t.Errorf("%s: declared in Pulumi.yaml, but it is the provider's", s.Key)
			}
			continue
		}
		decl, ok := project.Config[s.Key]
		if !ok {
			t.Errorf("%s: not declared in Pulumi.yaml", s.Key)
			continue
		}
		got, _ := json.Marshal(decl.Default)
		want, _ := json.Marshal(s.Default)
		if decl.TypeName() != s.Schema || string(got) != string(want) {
			t.Errorf("%s: Pulumi.yaml %s %s, the registry %s %s", s.Key, decl.TypeName(), got, s.Schema, want)
		}
		if r := decl.TypeName() + " " + string(got); r != released[s.Key] {
			t.Errorf("%s: %s, released as %s: an existing team's bootstrap stack would change", s.Key, r, released[s.Key])
		}
	}
}
