package account

// The bootstrap's settings, declared through the main program's settings machinery
// (internal/config): one registry entry per key, beside the field it fills, with its
// default, its description and what it allows. bootstrap/Pulumi.yaml's config section and
// the table in docs/team.md are generated from the entries (go generate ./...), and the
// same reader refuses what the
// main program refuses: unknown keys with a suggestion, keys under another project's
// name, values of the wrong type, every problem at once in the same shape
// ("key: invalid value "x": must be …"), before any resource is registered.

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/config/stackconfig"
	"github.com/example/nlb-alb-fargate/internal/deploypolicy"
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
	// EnvironmentRegions are, per environment, its stack's Region where it is not Region.
	EnvironmentRegions map[string]string
	// HoldsReleaseRepository: this account holds the release repository, which the release
	// job pushes to and every environment pulls from, and the release role.
	HoldsReleaseRepository bool
	// ReleasePullAccounts are the accounts of the environments that live elsewhere, which
	// may pull from the release repository.
	ReleasePullAccounts []string
	// ReleaseRepositoryArn is the release repository of another account, which this
	// account's stacks' tasks pull from.
	ReleaseRepositoryArn string
}

// regionOf is the Region of an environment's stack.
func (s settings) regionOf(env string) string {
	if r := s.EnvironmentRegions[env]; r != "" {
		return r
	}
	return s.Region
}

// regions are the Regions of the environments' stacks, sorted, each once.
func (s settings) regions() []string {
	var out []string
	for _, env := range s.Environments {
		out = append(out, s.regionOf(env))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

type setting[T any] = config.Setting[settings, T]

// bootstrapSettings are the keys of the bootstrap's config, in the order of its
// Pulumi.yaml; aws:region, the provider's key, is read and checked here but declared by
// the provider.
var bootstrapSettings = config.NewRegistry(config.Options[settings]{
	Source:      "bootstrap/account/config.go",
	CrossChecks: crossChecks,
},
	&setting[string]{Key: "aws:region", Allowed: required(regionPattern, "a Region name such as `us-east-1`",
		`must be the Region of the state bucket and key, e.g. "us-east-1" (pulumi config set aws:region us-east-1)`,
		`must be a Region name such as "us-east-1"`),
		Doc:   "The Region of the state bucket, the keys and the release repository, and of every environment's stack not named in `environmentRegions`.",
		Stack: func(s *settings) *string { return &s.Region }},
	&setting[string]{Key: "githubRepository", Allowed: required(repositoryPattern, "`owner/name`",
		"must be owner/name of the repository whose workflows deploy (pulumi config set githubRepository octo-org/nlb-alb-fargate)",
		"must be owner/name"),
		Doc:   "The GitHub repository whose workflows deploy.",
		Stack: func(s *settings) *string { return &s.Repository }},
	&setting[string]{Key: "githubBranch", Default: "main", Allowed: branchName,
		Doc:   "The branch whose scheduled runs check drift with the drift role (deploys go through the environments).",
		Stack: func(s *settings) *string { return &s.Branch }},
	&setting[[]string]{Key: "githubEnvironments", Default: []string{"dev", "staging", "prod"}, Allowed: environments,
		Kind:  config.JSON[[]string]("array", "string", `must be a list of environment names, e.g. ["prod"]`),
		Doc:   "GitHub environments, each deploying the stack of its own name with a deploy role and secrets key of its own; in GitHub, each is limited to the main branch.",
		Stack: func(s *settings) *[]string { return &s.Environments }},
	&setting[string]{Key: "previewStack", Default: "dev",
		Doc:   "The stack pull requests preview with the read-only preview role, whose state and secrets that role reads; empty: no preview role in this account (an account of prod alone).",
		Stack: func(s *settings) *string { return &s.PreviewStack }},
	&setting[map[string]string]{Key: "environmentRegions", Default: map[string]string{}, Allowed: regionNames,
		Kind: config.JSON[map[string]string]("object", "",
			`must be an object of environment names to Regions, e.g. {"prod": "us-east-1"}`),
		Doc:   "Per environment, the Region of its stack (its `aws:region`) where it is not `aws:region`, e.g. `{\"prod\": \"us-east-1\"}`: its deploy role deploys there, the read-only roles read there, the boundary covers it.",
		Stack: func(s *settings) *map[string]string { return &s.EnvironmentRegions }},
	&setting[string]{Key: "keyAlias", Default: "alias/nlb-alb-fargate-secrets", Allowed: keyAlias,
		Doc:   "Alias of the KMS key that encrypts the state bucket; each environment's secrets key is `<keyAlias>-<environment>`.",
		Stack: func(s *settings) *string { return &s.KeyAlias }},
	&setting[int]{Key: "stateVersionRetentionDays", Default: 90, Allowed: config.Between(1, 3650),
		Doc:   "Days S3 keeps a state file's previous versions before expiring them.",
		Stack: func(s *settings) *int { return &s.VersionRetention }},
	&setting[string]{Key: "oidcProviderArn", Allowed: config.Matching(oidcArnPattern, "an IAM OIDC provider's ARN for `token.actions.githubusercontent.com`",
		"the ARN of an OIDC provider for token.actions.githubusercontent.com, or empty"),
		Doc:   "An existing IAM OIDC provider for `token.actions.githubusercontent.com` to trust; empty creates one (IAM allows one per account).",
		Stack: func(s *settings) *string { return &s.OIDCProviderArn }},
	&setting[string]{Key: "project", Default: "nlb-alb-fargate", Allowed: projectName,
		Doc:   "The main program's project name (its Pulumi.yaml name), which names its stacks' state, roles (`/<project>/<stack>/`) and buckets (`<project>-<stack>-…`).",
		Stack: func(s *settings) *string { return &s.Project }},
	&setting[map[string][]string]{Key: "existingBuckets", Default: map[string][]string{}, Allowed: bucketNames,
		Kind: config.JSON[map[string][]string]("object", "",
			`must be an object of environment names to lists of bucket names, e.g. {"dev": ["access-logs-1a2b3c4"]}`),
		Doc:   "Per environment, the exact names of buckets its stack made before buckets were named `<project>-<stack>-…` (they keep their names), e.g. `{\"dev\": [\"access-logs-1a2b3c4\"]}`.",
		Stack: func(s *settings) *map[string][]string { return &s.ExistingBuckets }},
	&setting[bool]{Key: "holdsReleaseRepository",
		Doc:   "This account holds the release repository (ECR, named after `project`), which the release job pushes each release to and every environment pulls from, and the release role, which may push to it and do nothing else. One account of a team's holds it.",
		Stack: func(s *settings) *bool { return &s.HoldsReleaseRepository }},
	&setting[[]string]{Key: "releasePullAccounts", Default: []string{}, Allowed: accountIDs,
		Kind:  config.JSON[[]string]("array", "string", `must be a list of account ids, each a quoted string, e.g. ["210987654321"]`),
		Doc:   "With `holdsReleaseRepository`: the accounts of the environments that live in other accounts, which may pull from the release repository (this account's may already).",
		Stack: func(s *settings) *[]string { return &s.ReleasePullAccounts }},
	&setting[string]{Key: "releaseRepositoryArn", Allowed: config.Matching(ecrRepositoryArnPattern,
		"an ECR repository's ARN (the `releaseRepositoryArn` output of the account that holds it)",
		"an ECR repository's ARN, e.g. arn:aws:ecr:us-east-1:111111111111:repository/nlb-alb-fargate (the releaseRepositoryArn output of the account that holds it), or empty"),
		Doc:   "In an account whose environments pull releases from another account's release repository: its ARN, which may be in another Region. The permissions boundary lets the stacks' tasks pull from it.",
		Stack: func(s *settings) *string { return &s.ReleaseRepositoryArn }},
	&setting[bool]{Key: "legacyRoleCleanup",
		Doc:   "Temporary, for one release, lets the deploy roles delete the roles stacks made before the permissions boundary (root path, `*-exec-role-*`, `*-task-role-*`, `flow-logs-role-*`). Deletion only; set it back to false once every stack has been deployed.",
		Stack: func(s *settings) *bool { return &s.LegacyRoleCleanup }},
)

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
	accountPattern     = regexp.MustCompile(`^[0-9]{12}$`)
	// ECR's repository names: lower-case letters and digits, separated by single . _ - or /.
	ecrNamePattern          = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)
	ecrRepositoryArnPattern = regexp.MustCompile(`^arn:aws[a-z-]*:ecr:[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]:[0-9]{12}:repository/` +
		`(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)
)

// The rules of the bootstrap's values alone.

// required allows a value re matches and refuses an empty one: missing says after
// "missing: " what to set, invalid after "invalid value "x": " what a value must be.
func required(re *regexp.Regexp, allows, missing, invalid string) config.Rule[string] {
	return config.NewRule(allows+"; required", func(p *config.Problems, path, v string) {
		switch {
		case v == "":
			p.Add(path, "missing: %s", missing)
		case !re.MatchString(v):
			p.Add(path, "invalid value %q: %s", v, invalid)
		}
	})
}

var branchName = config.NewRule("a branch name: letters, digits, `.` `_` `/` `-`; no wildcards", func(p *config.Problems, path, v string) {
	if !branchPattern.MatchString(v) || strings.Contains(v, "..") {
		p.Add(path, "invalid value %q: must be a branch name (letters, digits, . _ / -; no wildcards)", v)
	}
})

// environments are literal names: a wildcard would widen the role's trust to any
// environment.
var environments = config.NewRule("at least one; each a stack's name (letters, digits, `_` `.` `-`; no wildcards), once; not `release`", func(p *config.Problems, path string, envs []string) {
	if len(envs) == 0 {
		p.Add(path, `invalid value []: must name at least one environment, e.g. ["dev", "prod"]`)
	}
	for i, e := range envs {
		if !environmentPattern.MatchString(e) {
			p.Add(fmt.Sprintf("%s[%d]", path, i), "invalid value %q: must be the name of the stack it deploys (letters, digits, _ . -; no wildcards)", e)
		}
		if e == deploypolicy.ReleaseEnvironment {
			p.Add(fmt.Sprintf("%s[%d]", path, i), "invalid value %q: reserved for the release job's environment, whose role pushes releases and deploys nothing", e)
		}
		if slices.Index(envs, e) != i {
			p.Add(fmt.Sprintf("%s[%d]", path, i), "duplicate value %q: each environment has one deploy role and key", e)
		}
	}
})

var regionNames = config.NewRule("each a Region name such as `us-east-1`", func(p *config.Problems, path string, byEnv map[string]string) {
	for _, env := range slices.Sorted(maps.Keys(byEnv)) {
		if !regionPattern.MatchString(byEnv[env]) {
			p.Add(path+"."+env, "invalid value %q: must be a Region name such as \"us-east-1\"", byEnv[env])
		}
	}
})

var accountIDs = config.NewRule("each a 12-digit account id, once", func(p *config.Problems, path string, ids []string) {
	for i, id := range ids {
		if !accountPattern.MatchString(id) {
			p.Add(fmt.Sprintf("%s[%d]", path, i), "invalid value %q: must be a 12-digit AWS account id", id)
		} else if slices.Index(ids, id) != i {
			p.Add(fmt.Sprintf("%s[%d]", path, i), "duplicate value %q: each account is listed once", id)
		}
	}
})

var keyAlias = config.NewRule("`alias/<name>` (letters, digits, `/` `_` `-`), not under `alias/aws/`", func(p *config.Problems, path, v string) {
	if !aliasPattern.MatchString(v) || strings.HasPrefix(v, "alias/aws/") {
		p.Add(path, "invalid value %q: must be alias/<name> (letters, digits, / _ -), not under alias/aws/", v)
	}
})

var projectName = config.NewRule("letters, digits, `_` `.` `-`", func(p *config.Problems, path, v string) {
	if !projectPattern.MatchString(v) {
		p.Add(path, "invalid value %q: must be the main program's project name: letters, digits, _ . -", v)
	}
})

var bucketNames = config.NewRule("each an S3 bucket's name", func(p *config.Problems, path string, byEnv map[string][]string) {
	for _, env := range slices.Sorted(maps.Keys(byEnv)) {
		for i, b := range byEnv[env] {
			if !bucketPattern.MatchString(b) {
				p.Add(fmt.Sprintf("%s.%s[%d]", path, env, i), "invalid value %q: must be an S3 bucket's name (3 to 63 lower-case letters, digits, . -)", b)
			}
		}
	}
})

// crossChecks are the rules across the bootstrap's settings: what names an environment
// must name one of githubEnvironments.
var crossChecks = []config.CrossCheck[settings]{
	{Name: "pull requests preview one of the environments",
		Notes: map[string]string{"previewStack": "one of `githubEnvironments`, or empty"},
		Check: func(s *settings, p *config.Problems) {
			if p.OK("githubEnvironments", "previewStack") && s.PreviewStack != "" && !slices.Contains(s.Environments, s.PreviewStack) {
				p.Add("previewStack", "invalid value %q: must be one of githubEnvironments (%s), or empty for no preview role: pull requests preview a stack the bootstrap makes a key for", s.PreviewStack, strings.Join(s.Environments, ", "))
			}
		}},
	{Name: "each environment's secrets key alias fits KMS's 256 characters",
		Notes: map[string]string{"keyAlias": "with `-<environment>`, at most 256 characters"},
		Check: func(s *settings, p *config.Problems) {
			if !p.OK("githubEnvironments", "keyAlias") || !aliasPattern.MatchString(s.KeyAlias) {
				return
			}
			for _, env := range s.Environments {
				if alias := environmentAlias(s.KeyAlias, env); len(alias) > 256 {
					p.Add("keyAlias", "invalid value %q: with environment %q its secrets key's alias %s would be %d characters, KMS allows 256", s.KeyAlias, env, alias, len(alias))
				}
			}
		}},
	{Name: "existing buckets belong to environments",
		Notes: map[string]string{"existingBuckets": "keys: environments of `githubEnvironments`"},
		Check: func(s *settings, p *config.Problems) {
			if !p.OK("githubEnvironments", "existingBuckets") {
				return
			}
			for _, env := range slices.Sorted(maps.Keys(s.ExistingBuckets)) {
				if !slices.Contains(s.Environments, env) {
					p.Add("existingBuckets."+env, "unknown environment: must be one of githubEnvironments (%s)", strings.Join(s.Environments, ", "))
				}
			}
		}},
	{Name: "Regions belong to environments",
		Notes: map[string]string{"environmentRegions": "keys: environments of `githubEnvironments`"},
		Check: func(s *settings, p *config.Problems) {
			if !p.OK("githubEnvironments", "environmentRegions") {
				return
			}
			for _, env := range slices.Sorted(maps.Keys(s.EnvironmentRegions)) {
				if !slices.Contains(s.Environments, env) {
					p.Add("environmentRegions."+env, "unknown environment: must be one of githubEnvironments (%s)", strings.Join(s.Environments, ", "))
				}
			}
		}},
	{Name: "one account holds the release repository, the others name it",
		Notes: map[string]string{
			"releasePullAccounts":  "only with `holdsReleaseRepository`",
			"releaseRepositoryArn": "not with `holdsReleaseRepository`",
			"project":              "with `holdsReleaseRepository`, in lower case an ECR repository's name (letters and digits separated by single `.` `_` `-`)",
		},
		Check: func(s *settings, p *config.Problems) {
			if !p.OK("holdsReleaseRepository") {
				return
			}
			if !s.HoldsReleaseRepository && len(s.ReleasePullAccounts) > 0 && p.OK("releasePullAccounts") {
				p.Add("releasePullAccounts", "invalid value %s: only with holdsReleaseRepository: true, in the account that holds the release repository (pulumi config set holdsReleaseRepository true there)",
					config.CompactJSON(s.ReleasePullAccounts))
			}
			if s.HoldsReleaseRepository && s.ReleaseRepositoryArn != "" && p.OK("releaseRepositoryArn") {
				p.Add("releaseRepositoryArn", "invalid value %q: not with holdsReleaseRepository: true: this account's own release repository is the one its stacks pull from", s.ReleaseRepositoryArn)
			}
			if s.HoldsReleaseRepository && p.OK("project") && projectPattern.MatchString(s.Project) && !ecrNamePattern.MatchString(deploypolicy.ReleaseRepositoryName(s.Project)) {
				p.Add("project", "invalid value %q: with holdsReleaseRepository the release repository is named after it, in lower case, and ECR allows letters and digits separated by single . _ - only", s.Project)
			}
		}},
}

// GeneratePulumiYAML is bootstrap/Pulumi.yaml with its config section rewritten from the
// registry (go generate ./..., bootstrap/gendocs).
func GeneratePulumiYAML(pulumiYAML []byte) ([]byte, error) {
	return bootstrapSettings.GeneratePulumiYAML(pulumiYAML)
}

// SettingsTableTitle names the generated table of the bootstrap's settings in docs/team.md.
const SettingsTableTitle = "bootstrap"

// GenerateSettingsTable is docs/team.md with the table of the bootstrap's settings
// rewritten from the registry (go generate ./..., bootstrap/gendocs).
func GenerateSettingsTable(teamMD []byte) ([]byte, error) {
	return bootstrapSettings.GenerateTable(teamMD, SettingsTableTitle)
}

// loadSettings reads and checks the stack's config.
func loadSettings(ctx *pulumi.Context) (settings, error) {
	region, _ := pulumiconfig.New(ctx, "aws").Try("region")
	return parseSettings(stackconfig.Raw(ctx, bootstrapSettings.Keys()), region, ctx.Project())
}

// parseSettings checks every value, reporting all problems together; project is the
// bootstrap's own project name, which a key under another name is refused with.
func parseSettings(raw map[string]string, region, project string) (settings, error) {
	raw = maps.Clone(raw)
	if raw == nil {
		raw = map[string]string{}
	}
	if region != "" {
		raw["aws:region"] = region
	}
	s, err := bootstrapSettings.Parse(raw, config.Env{Project: project})
	if err != nil {
		return settings{}, err
	}
	return *s, nil
}

// environmentAlias is the alias of an environment's secrets key.
func environmentAlias(keyAlias, env string) string { return keyAlias + "-" + env }
