package account

// The bootstrap's settings: read raw from the stack config, parsed and checked once into
// a typed struct before any resource is registered, with every problem reported at once
// in the main program's shape ("key: invalid value "x": must be …").

import (
	"encoding/json"
	"fmt"
	"maps"
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
	Region           string   // aws:region: the state bucket's and the keys'
	Repository       string   // owner/name of the GitHub repository whose workflows deploy
	Branch           string   // the branch whose schedule checks drift
	Environments     []string // GitHub environments, each deploying the stack of its name (dev, prod)
	PreviewStack     string   // the stack pull requests preview: one of Environments
	KeyAlias         string   // alias/… of the state key; each environment's is KeyAlias-<environment>
	VersionRetention int      // days S3 keeps a state file's old versions
	OIDCProviderArn  string   // an existing GitHub OIDC provider to trust; "": create one
	Project          string   // the main program's Pulumi project name
	// ExistingBuckets are, per environment, the exact names of buckets its stack made
	// before buckets were named <project>-<stack>-…
	ExistingBuckets map[string][]string
	// LegacyRoleCleanup keeps the deletion of the roles stacks made before the boundary
	// for one release (deploypolicy.DeployScope).
	LegacyRoleCleanup bool
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
	{"githubBranch", "string", "main", "The branch whose scheduled runs check drift with the drift role (deploys go through the environments)."},
	{"githubEnvironments", "array", []string{"dev", "prod"}, "GitHub environments, each deploying the stack of its own name with a deploy role and secrets key of its own; in GitHub, each is limited to the main branch."},
	{"previewStack", "string", "dev", "The stack pull requests preview with the read-only preview role; one of githubEnvironments, whose state and secrets that role reads."},
	{"keyAlias", "string", "alias/nlb-alb-fargate-secrets", "Alias of the KMS key that encrypts the state bucket; each environment's secrets key is <keyAlias>-<environment>."},
	{"stateVersionRetentionDays", "integer", 90, "Days S3 keeps a state file's previous versions before expiring them."},
	{"oidcProviderArn", "string", "", "An existing IAM OIDC provider for token.actions.githubusercontent.com to trust; empty creates one (IAM allows one per account)."},
	{"project", "string", "nlb-alb-fargate", "The main program's project name (its Pulumi.yaml name), which names its stacks' state, roles (/<project>/<stack>/) and buckets (<project>-<stack>-…)."},
	{"existingBuckets", "object", map[string][]string{}, "Per environment, the exact names of buckets its stack made before buckets were named <project>-<stack>-… (they keep their names), e.g. {\"dev\": [\"access-logs-1a2b3c4\"]}."},
	{"legacyRoleCleanup", "boolean", false, "Temporary, for one release, lets the deploy roles delete the roles stacks made before the permissions boundary (root path, *-exec-role-*, *-task-role-*, flow-logs-role-*). Deletion only; set it back to false once every stack has been deployed."},
}

var (
	repositoryPattern  = regexp.MustCompile(`^[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}$`)
	regionPattern      = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$`)
	branchPattern      = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)
	environmentPattern = stackPattern // an environment is named like the stack it deploys
	aliasPattern       = regexp.MustCompile(`^alias/[A-Za-z0-9/_-]{1,250}$`)
	projectPattern     = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)
	stackPattern       = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`) // Pulumi's stack names
	bucketPattern      = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
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

// parseSettings checks every value, reporting all problems together.
func parseSettings(raw map[string]string, region string) (settings, error) {
	var p config.Problems
	s := settings{
		Region: region, Repository: raw["githubRepository"], Branch: orDefault(raw, "githubBranch"),
		PreviewStack: orDefault(raw, "previewStack"), KeyAlias: orDefault(raw, "keyAlias"),
		OIDCProviderArn: raw["oidcProviderArn"], Project: orDefault(raw, "project"),
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
	if s.Environments != nil && !slices.Contains(s.Environments, s.PreviewStack) {
		p.Add("previewStack", "invalid value %q: must be one of githubEnvironments (%s): pull requests preview a stack the bootstrap makes a key for", s.PreviewStack, strings.Join(s.Environments, ", "))
	}
	if !aliasPattern.MatchString(s.KeyAlias) || strings.HasPrefix(s.KeyAlias, "alias/aws/") {
		p.Add("keyAlias", "invalid value %q: must be alias/<name> (letters, digits, / _ -), not under alias/aws/", s.KeyAlias)
	}
	for _, env := range s.Environments {
		if alias := environmentAlias(s.KeyAlias, env); len(alias) > 256 && aliasPattern.MatchString(s.KeyAlias) {
			p.Add("keyAlias", "invalid value %q: with environment %q its secrets key's alias %s would be %d characters, KMS allows 256", s.KeyAlias, env, alias, len(alias))
		}
	}
	s.VersionRetention = parseRetention(&p, raw)
	if s.OIDCProviderArn != "" && !oidcArnPattern.MatchString(s.OIDCProviderArn) {
		p.Add("oidcProviderArn", "invalid value %q: must be the ARN of an OIDC provider for token.actions.githubusercontent.com, or empty", s.OIDCProviderArn)
	}
	if !projectPattern.MatchString(s.Project) {
		p.Add("project", "invalid value %q: must be the main program's project name: letters, digits, _ . -", s.Project)
	}
	s.ExistingBuckets = parseExistingBuckets(&p, raw, s.Environments)
	s.LegacyRoleCleanup = parseBool(&p, raw, "legacyRoleCleanup")
	return s, p.Err("")
}

// environmentAlias is the alias of an environment's secrets key.
func environmentAlias(keyAlias, env string) string { return keyAlias + "-" + env }

// parseExistingBuckets reads existingBuckets, an object of environment → bucket names.
func parseExistingBuckets(p *config.Problems, raw map[string]string, envs []string) map[string][]string {
	v, ok := raw["existingBuckets"]
	if !ok {
		return map[string][]string{}
	}
	var byEnv map[string][]string
	if err := json.Unmarshal([]byte(v), &byEnv); err != nil {
		p.Add("existingBuckets", "invalid value %s: must be an object of environment names to lists of bucket names, e.g. {\"dev\": [\"access-logs-1a2b3c4\"]}", v)
		return map[string][]string{}
	}
	for _, env := range slices.Sorted(maps.Keys(byEnv)) {
		if envs != nil && !slices.Contains(envs, env) {
			p.Add("existingBuckets."+env, "unknown environment: must be one of githubEnvironments (%s)", strings.Join(envs, ", "))
		}
		for i, b := range byEnv[env] {
			if !bucketPattern.MatchString(b) {
				p.Add(fmt.Sprintf("existingBuckets.%s[%d]", env, i), "invalid value %q: must be an S3 bucket's name (3 to 63 lower-case letters, digits, . -)", b)
			}
		}
	}
	return byEnv
}

// parseBool reads a boolean setting.
func parseBool(p *config.Problems, raw map[string]string, key string) bool {
	v, ok := raw[key]
	if !ok {
		return defaultOf(key).(bool)
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.Add(key, "invalid value %q: must be true or false", v)
	}
	return b
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
	if len(envs) == 0 {
		p.Add("githubEnvironments", "invalid value []: must name at least one environment, e.g. [\"dev\", \"prod\"]")
	}
	for i, e := range envs {
		if !environmentPattern.MatchString(e) {
			p.Add(fmt.Sprintf("githubEnvironments[%d]", i), "invalid value %q: must be the name of the stack it deploys (letters, digits, _ . -; no wildcards)", e)
		}
		if slices.Index(envs, e) != i {
			p.Add(fmt.Sprintf("githubEnvironments[%d]", i), "duplicate value %q: each environment has one deploy role and key", e)
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
