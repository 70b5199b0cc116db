package account

// The release repository and the release role, in the one account that holds them
// (holdsReleaseRepository): the release job pushes each release once, tagged, to the
// repository, and every environment's tasks pull it by digest, from this account or
// another (releasePullAccounts). The repository and its policy are protected and
// retained on delete, like the state bucket: never replaced, and a refused destroy
// leaves every environment able to pull.
//
// What the lifecycle policy keeps (ECR cannot know what an environment runs):
//   - the newest releaseKeep tagged images, whatever their tags; an older tagged image
//     expires. An environment more than releaseKeep releases behind loses its image: its
//     running tasks go on, but a new task cannot start (the deploy's smoke check, and ECS's
//     "CannotPullContainerError", say so).
//   - every untagged image: a multi-platform release's per-platform images are untagged,
//     and so is an image pushed by digest alone, and either may be what an environment
//     runs. They are never expired; what a tag no longer leads to stays until removed by
//     hand.

import (
	"encoding/json"
	"fmt"

	"github.com/example/nlb-alb-fargate/internal/deploypolicy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// releaseKeep is how many tagged images (releases) the release repository keeps.
const releaseKeep = 100

// lifecycleRule is one rule of an ECR lifecycle policy.
type lifecycleRule struct {
	RulePriority int                `json:"rulePriority"`
	Description  string             `json:"description"`
	Selection    lifecycleSelection `json:"selection"`
	Action       lifecycleAction    `json:"action"`
}

type lifecycleSelection struct {
	TagStatus      string   `json:"tagStatus"`
	TagPatternList []string `json:"tagPatternList,omitempty"`
	CountType      string   `json:"countType"`
	CountNumber    int      `json:"countNumber"`
}

type lifecycleAction struct {
	Type string `json:"type"`
}

// releaseLifecyclePolicy is the release repository's lifecycle policy: the newest
// releaseKeep tagged images stay, older tagged ones expire, untagged ones are not touched.
func releaseLifecyclePolicy() (string, error) {
	b, err := json.Marshal(map[string][]lifecycleRule{"rules": {{
		RulePriority: 1,
		Description:  fmt.Sprintf("Keep the newest %d releases (tagged images, any tag); untagged images are never expired", releaseKeep),
		Selection:    lifecycleSelection{TagStatus: "tagged", TagPatternList: []string{"*"}, CountType: "imageCountMoreThan", CountNumber: releaseKeep},
		Action:       lifecycleAction{Type: "expire"},
	}}})
	return string(b), err
}

// release is what the account holding the release repository has.
type release struct {
	Repository *ecr.Repository
	Role       *iam.Role
}

// newRelease creates the release repository, its policy and lifecycle, and the release
// role.
func newRelease(ctx *pulumi.Context, cfg settings, account deploypolicy.Account, provider pulumi.StringOutput) (*release, error) {
	name := deploypolicy.ReleaseRepositoryName(cfg.Project)
	// Immutable tags: a release's tag names one image forever. Scan on push: ECR.1.
	repo, err := ecr.NewRepository(ctx, "release-repository", &ecr.RepositoryArgs{
		Name:                       pulumi.String(name),
		ImageTagMutability:         pulumi.String("IMMUTABLE"),
		ImageScanningConfiguration: &ecr.RepositoryImageScanningConfigurationArgs{ScanOnPush: pulumi.Bool(true)},
	}, keep())
	if err != nil {
		return nil, fmt.Errorf("creating the release repository: %w", err)
	}
	// The environments' accounts pull; this one is named too, so the policy is never empty
	// and every change of the list updates it in place.
	accounts := append([]string{account.ID}, cfg.ReleasePullAccounts...)
	policy, err := deploypolicy.ReleaseRepositoryPolicy(account.Partition, accounts).JSON()
	if err != nil {
		return nil, fmt.Errorf("writing the release repository's policy: %w", err)
	}
	if _, err := ecr.NewRepositoryPolicy(ctx, "release-repository-policy", &ecr.RepositoryPolicyArgs{
		Repository: repo.Name, Policy: pulumi.String(policy),
	}, keep()); err != nil {
		return nil, fmt.Errorf("giving the release repository its policy: %w", err)
	}
	lifecycle, err := releaseLifecyclePolicy()
	if err != nil {
		return nil, fmt.Errorf("writing the release repository's lifecycle policy: %w", err)
	}
	// Any change of its text replaces it (the provider has no update), and deleting the
	// old one would remove the repository's only lifecycle policy, the new one: retained
	// on delete, the old one's deletion is skipped. Not protected, so a later release of
	// this program can change the rule.
	if _, err := ecr.NewLifecyclePolicy(ctx, "release-repository-lifecycle", &ecr.LifecyclePolicyArgs{
		Repository: repo.Name, Policy: pulumi.String(lifecycle),
	}, pulumi.RetainOnDelete(true)); err != nil {
		return nil, fmt.Errorf("giving the release repository its lifecycle policy: %w", err)
	}
	releasePolicy, err := deploypolicy.Release(deploypolicy.ReleaseScope{RepositoryArn: account.RepositoryArn(name)}).JSON()
	if err != nil {
		return nil, fmt.Errorf("writing the release role's policy: %w", err)
	}
	role, err := newCIRole(ctx, "release", ciRole{
		Description: fmt.Sprintf("GitHub Actions of %s: the release job (environment %s) pushes releases to %s", cfg.Repository, deploypolicy.ReleaseEnvironment, name),
		Subject:     deploypolicy.EnvironmentSubject(cfg.Repository, deploypolicy.ReleaseEnvironment), Session: deploypolicy.ReleaseSessionSeconds,
		Provider: provider, Policy: pulumi.String(releasePolicy).ToStringOutput(),
	})
	if err != nil {
		return nil, err
	}
	return &release{Repository: repo, Role: role}, nil
}
