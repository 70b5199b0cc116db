package account

// The bootstrap's settings: read raw from the stack config, parsed and checked once into
// a typed struct before any resource is registered, with every problem reported at once
// in the main program's shape ("key: invalid value "x": must be …").

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumiconfig "github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// settings is what the bootstrap deploys with.
type settings struct {
	Region           string   // aws:region: the state bucket's and the key's
	Repository       string   // owner/name of the GitHub repository whose workflows deploy
	Branch           string   // the branch whose pushes deploy dev and whose schedule checks drift
	Environments     []string // GitHub environments whose jobs may deploy (prod)
	KeyAlias         string   // alias/… of the secrets key
	VersionRetention int      // days S3 keeps a state file's old versions
	OIDCProviderArn  string   // an existing GitHub OIDC provider to trust; "": create one
	StackBuckets     []string // logical names of the main stack's buckets (auto-named <name>-<suffix>)
}

// setting is one key of the bootstrap's config: bootstrap/Pulumi.yaml declares the same
// (TestPulumiYAMLDeclaresTheSettings), with this type and default.
type setting struct {
	Key, Type string // Pulumi.yaml's type: string, integer, array
	Default   any
	Doc       string
}

// bootstrapSettings are the keys of the bootstrap's config, besides aws:region.
var bootstrapSettings = []setting{
	{"githubRepository", "string", "", "The GitHub repository whose workflows deploy, as owner/name (required)."},
	{"githubBranch", "string", "main", "The branch whose pushes run `pulumi up` of dev and whose schedule checks drift."},
	{"githubEnvironments", "array", []string{"prod"}, "GitHub environments whose jobs may deploy (each protected by required reviewers in GitHub)."},
	{"keyAlias", "string", "alias/nlb-alb-fargate-secrets", "Alias of the KMS key that encrypts the stacks' secrets and the state bucket."},
	{"stateVersionRetentionDays", "integer", 90, "Days S3 keeps a state file's previous versions before expiring them."},
	{"oidcProviderArn", "string", "", "An existing IAM OIDC provider for token.actions.githubusercontent.com to trust; empty creates one (IAM allows one per account)."},
}

var (
	repositoryPattern  = regexp.MustCompile(`^[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}$`)
	regionPattern      = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$`)
	branchPattern      = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)
	environmentPattern = regexp.MustCompile(`^[A-Za-z0-9 ._-]{1,255}$`)
	aliasPattern       = regexp.MustCompile(`^alias/[A-Za-z0-9/_-]{1,250}$`)
	oidcArnPattern     = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\.actions\.githubusercontent\.com$`)
)

// loadSettings reads and checks the stack's config.
func loadSettings(ctx *pulumi.Context) (settings, error) {
	region, _ := pulumiconfig.New(ctx, "aws").Try("region")
	return parseSettings(rawConfig(ctx), region)
}

// rawConfig is the project's keys as Pulumi hands them, with any other key of the
// project's namespace in PULUMI_CONFIG (the CLI's whole config for a Go program), so a
// misspelt key is reported rather than ignored.
func rawConfig(ctx *pulumi.Context) map[string]string {
	raw := map[string]string{}
	cfg := pulumiconfig.New(ctx, "")
	for _, s := range bootstrapSettings {
		if v, err := cfg.Try(s.Key); err == nil {
			raw[s.Key] = v
		}
	}
	var all map[string]any
	if json.Unmarshal([]byte(os.Getenv("PULUMI_CONFIG")), &all) != nil {
		return raw
	}
	for full, v := range all {
		if key, ok := strings.CutPrefix(full, ctx.Project()+":"); ok {
			if _, known := raw[key]; !known {
				raw[key], _ = v.(string)
			}
		}
	}
	return raw
}

// mainStackBuckets are the logical names of the main program's buckets (logging.go's
// access logs, mtls.go's CA bundle); TestPolicyCoversTheStack fails when one is missing.
var mainStackBuckets = []string{"access-logs", "mtls-ca-bundle"}

// parseSettings checks every value, reporting all problems together.
func parseSettings(raw map[string]string, region string) (settings, error) {
	var p config.Problems
	s := settings{
		Region: region, Repository: raw["githubRepository"], Branch: orDefault(raw, "githubBranch"),
		KeyAlias: orDefault(raw, "keyAlias"), OIDCProviderArn: raw["oidcProviderArn"],
		StackBuckets: mainStackBuckets,
	}
	for _, key := range unknownKeys(raw) {
		p.Add(key, "unknown setting; valid settings: %s", strings.Join(settingKeys(), ", "))
	}
	switch {
	case region == "":
		p.Add("aws:region", "missing: must be the Region of the state bucket and key, e.g. \"us-east-1\" (pulumi config set aws:region us-east-1)")
	case !regionPattern.MatchString(region):
		p.Add("aws:region", "invalid value %q: must be a Region name such as \"us-east-1\"", region)
	}
	switch {
	case s.Repository == "":
		p.Add("githubRepository", "missing: must be owner/name of the repository whose workflows deploy (pulumi config set githubRepository octo-org/nlb-alb-fargate)")
	case !repositoryPattern.MatchString(s.Repository):
		p.Add("githubRepository", "invalid value %q: must be owner/name", s.Repository)
	}
	if !branchPattern.MatchString(s.Branch) || strings.Contains(s.Branch, "..") {
		p.Add("githubBranch", "invalid value %q: must be a branch name (letters, digits, . _ / -; no wildcards)", s.Branch)
	}
	s.Environments = parseEnvironments(&p, raw)
	if !aliasPattern.MatchString(s.KeyAlias) || strings.HasPrefix(s.KeyAlias, "alias/aws/") {
		p.Add("keyAlias", "invalid value %q: must be alias/<name> (letters, digits, / _ -), not under alias/aws/", s.KeyAlias)
	}
	s.VersionRetention = parseRetention(&p, raw)
	if s.OIDCProviderArn != "" && !oidcArnPattern.MatchString(s.OIDCProviderArn) {
		p.Add("oidcProviderArn", "invalid value %q: must be the ARN of an OIDC provider for token.actions.githubusercontent.com, or empty", s.OIDCProviderArn)
	}
	return s, p.Err("")
}

// parseEnvironments reads githubEnvironments, a JSON list; a wildcard would widen the
// role's trust to any environment, so names are literal.
func parseEnvironments(p *config.Problems, raw map[string]string) []string {
	v, ok := raw["githubEnvironments"]
	if !ok {
		return slices.Clone(defaultOf("githubEnvironments").([]string))
	}
	var envs []string
	if err := json.Unmarshal([]byte(v), &envs); err != nil {
		p.Add("githubEnvironments", "invalid value %s: must be a list of environment names, e.g. [\"prod\"]", v)
		return nil
	}
	for i, e := range envs {
		if !environmentPattern.MatchString(e) {
			p.Add(fmt.Sprintf("githubEnvironments[%d]", i), "invalid value %q: must be an environment name (letters, digits, space . _ -; no wildcards)", e)
		}
	}
	return envs
}

// parseRetention reads stateVersionRetentionDays.
func parseRetention(p *config.Problems, raw map[string]string) int {
	v, ok := raw["stateVersionRetentionDays"]
	if !ok {
		return defaultOf("stateVersionRetentionDays").(int)
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 3650 {
		p.Add("stateVersionRetentionDays", "invalid value %q: must be a whole number of days between 1 and 3650", v)
	}
	return n
}

func orDefault(raw map[string]string, key string) string {
	if v, ok := raw[key]; ok {
		return v
	}
	return defaultOf(key).(string)
}

func defaultOf(key string) any {
	for _, s := range bootstrapSettings {
		if s.Key == key {
			return s.Default
		}
	}
	panic("bootstrap: no setting " + key)
}

func settingKeys() []string {
	var keys []string
	for _, s := range bootstrapSettings {
		keys = append(keys, s.Key)
	}
	return keys
}

func unknownKeys(raw map[string]string) []string {
	var out []string
	for k := range raw {
		if !slices.Contains(settingKeys(), k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
