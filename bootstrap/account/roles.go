package account

// A role per kind of CI job, each trusted by its own job's GitHub tokens only, and the
// permissions boundary of every role the stacks create:
//   - preview-role: pull requests (repo:<r>:pull_request); reads previewStack's state and
//     key, describes; writes nothing. None when previewStack is empty.
//   - drift-role: the branch's scheduled runs (repo:<r>:ref:refs/heads/<branch>); reads
//     every environment's state and key, describes; writes nothing.
//   - deploy-role-<env>: jobs in the GitHub environment <env> only
//     (repo:<r>:environment:<env>); deploys the stack <env>, in its Region
//     (environmentRegions), and nothing else.
//   - release-role (release.go), in the account holding the release repository: jobs in
//     the GitHub environment release only; pushes to the release repository.
// Their documents are internal/deploypolicy's, for this account's bucket and keys.

import (
	"fmt"
	"slices"

	"github.com/example/nlb-alb-fargate/internal/deploypolicy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// accountOf is where the stacks run, as the policies name it.
func accountOf(id, partition, region string) deploypolicy.Account {
	return deploypolicy.Account{Partition: partition, ID: id, Region: region}
}

// newRoleBoundary is the permissions boundary of every role the main program's stacks
// create: the main stacks' rolePermissionsBoundary (the rolePermissionsBoundaryArn
// output). The deploy roles cannot change it (deploypolicy.Deploy denies it).
func newRoleBoundary(ctx *pulumi.Context, cfg settings, account deploypolicy.Account) (*iam.Policy, error) {
	doc, err := deploypolicy.Boundary(boundaryScope(cfg, account)).JSON()
	if err != nil {
		return nil, fmt.Errorf("writing the permissions boundary: %w", err)
	}
	p, err := iam.NewPolicy(ctx, "role-boundary", &iam.PolicyArgs{
		Name:        pulumi.String(deploypolicy.BoundaryPolicyName(cfg.Project)),
		Description: pulumi.String(fmt.Sprintf("The most any role of the %s stacks may do: their permissions boundary", cfg.Project)),
		Policy:      pulumi.String(doc),
	})
	if err != nil {
		return nil, fmt.Errorf("creating the permissions boundary: %w", err)
	}
	return p, nil
}

// boundaryScope is what the boundary bounds: the stacks of the environments, in their
// Regions, whose tasks pull releases from the release repository, this account's or the
// one releaseRepositoryArn names.
func boundaryScope(cfg settings, account deploypolicy.Account) deploypolicy.BoundaryScope {
	return deploypolicy.BoundaryScope{Account: account, Project: cfg.Project, Regions: cfg.regions(), ReleaseRepositoryArn: releaseRepositoryArn(cfg, account)}
}

// releaseRepositoryArn is the release repository the stacks pull from: this account's,
// the one named, or none ("").
func releaseRepositoryArn(cfg settings, account deploypolicy.Account) string {
	if cfg.HoldsReleaseRepository {
		return account.RepositoryArn(deploypolicy.ReleaseRepositoryName(cfg.Project))
	}
	return cfg.ReleaseRepositoryArn
}

// ciInputs are what the roles' policies name.
type ciInputs struct {
	Account         deploypolicy.Account
	Provider        pulumi.StringOutput // the GitHub OIDC provider's ARN
	Bucket          pulumi.StringOutput // the state bucket's name
	StateKey        pulumi.StringOutput // its key's ARN
	EnvironmentKeys map[string]*secretsKey
	Boundary        pulumi.StringOutput // the boundary policy's ARN
}

// resolved is ciInputs' outputs, known.
type resolved struct {
	Backend  deploypolicy.Backend
	Keys     map[string]string // environment → its secrets key's ARN
	Boundary string
}

// ciRoles are the roles, by kind of job.
type ciRoles struct {
	Preview *iam.Role // nil without previewStack
	Drift   *iam.Role
	Deploy  map[string]*iam.Role // by environment
}

// newCIRoles creates the preview and drift roles and a deploy role per environment.
func newCIRoles(ctx *pulumi.Context, cfg settings, in ciInputs) (*ciRoles, error) {
	// Each policy waits for the keys it names only: a new environment's key, unknown in
	// a preview, leaves the other environments' policies planned as they are.
	policy := func(envs []string, doc func(r resolved) (string, error)) pulumi.StringOutput {
		keys := pulumi.StringMap{}
		for _, env := range envs {
			keys[env] = in.EnvironmentKeys[env].Key.Arn
		}
		return pulumi.All(in.Bucket, in.StateKey, in.Boundary, keys.ToStringMapOutput()).ApplyT(func(v []any) (string, error) {
			return doc(resolved{Backend: deploypolicy.Backend{Bucket: v[0].(string), KeyArn: v[1].(string)}, Boundary: v[2].(string), Keys: v[3].(map[string]string)})
		}).(pulumi.StringOutput)
	}
	stack := func(r resolved, env string) deploypolicy.Stack {
		return deploypolicy.Stack{Project: cfg.Project, Name: env, SecretsKeyArn: r.Keys[env], ExistingBuckets: cfg.ExistingBuckets[env],
			Region: cfg.regionOf(env)}
	}
	repo := cfg.Repository
	out := &ciRoles{Deploy: map[string]*iam.Role{}}
	var err error
	if cfg.PreviewStack != "" {
		out.Preview, err = newCIRole(ctx, "preview", ciRole{
			Description: fmt.Sprintf("GitHub Actions of %s: pull requests preview %s, read only", repo, cfg.PreviewStack),
			Subject:     deploypolicy.PullRequestSubject(repo), Session: deploypolicy.PreviewSessionSeconds, Provider: in.Provider,
			Policy: policy([]string{cfg.PreviewStack}, func(r resolved) (string, error) {
				return deploypolicy.Preview(deploypolicy.ReadScope{Account: in.Account, Backend: r.Backend, Stacks: []deploypolicy.Stack{stack(r, cfg.PreviewStack)},
					LegacyRoleCleanup: cfg.LegacyRoleCleanup}).JSON()
			}),
		})
		if err != nil {
			return nil, err
		}
	}
	out.Drift, err = newCIRole(ctx, "drift", ciRole{
		Description: fmt.Sprintf("GitHub Actions of %s: the drift check of every stack from %s, read only", repo, cfg.Branch),
		Subject:     deploypolicy.BranchSubject(repo, cfg.Branch), Session: deploypolicy.DriftSessionSeconds, Provider: in.Provider,
		Policy: policy(cfg.Environments, func(r resolved) (string, error) {
			var stacks []deploypolicy.Stack
			for _, env := range cfg.Environments {
				stacks = append(stacks, stack(r, env))
			}
			return deploypolicy.Drift(deploypolicy.ReadScope{Account: in.Account, Backend: r.Backend, Stacks: stacks, LegacyRoleCleanup: cfg.LegacyRoleCleanup}).JSON()
		}),
	})
	if err != nil {
		return nil, err
	}
	// In the account holding the release repository, the deploy roles are kept from
	// changing it.
	var heldRepository string
	if cfg.HoldsReleaseRepository {
		heldRepository = releaseRepositoryArn(cfg, in.Account)
	}
	for _, env := range slices.Sorted(slices.Values(cfg.Environments)) {
		out.Deploy[env], err = newCIRole(ctx, "deploy-"+env, ciRole{
			Description: fmt.Sprintf("GitHub Actions of %s: jobs in the environment %s deploy the %s stack", repo, env, env),
			Subject:     deploypolicy.EnvironmentSubject(repo, env), Session: deploypolicy.DeploySessionSeconds, Provider: in.Provider,
			Policy: policy([]string{env}, func(r resolved) (string, error) {
				return deploypolicy.Deploy(deploypolicy.DeployScope{Account: in.Account, Backend: r.Backend, Stack: stack(r, env),
					BoundaryArn: r.Boundary, LegacyRoleCleanup: cfg.LegacyRoleCleanup, ReleaseRepositoryArn: heldRepository}).JSON()
			}),
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ciRole is one CI role: whom it trusts, for how long, with what policy.
type ciRole struct {
	Description string
	Subject     string // the one token subject it trusts
	Session     int    // MaxSessionDuration, seconds
	Provider    pulumi.StringOutput
	Policy      pulumi.StringOutput
}

// newCIRole creates <kind>-role and its inline policy <kind>-policy.
func newCIRole(ctx *pulumi.Context, kind string, r ciRole) (*iam.Role, error) {
	role, err := iam.NewRole(ctx, kind+"-role", &iam.RoleArgs{
		Description: pulumi.String(r.Description),
		AssumeRolePolicy: r.Provider.ApplyT(func(arn string) (string, error) {
			return deploypolicy.Trust(arn, r.Subject).JSON()
		}).(pulumi.StringOutput),
		MaxSessionDuration: pulumi.Int(r.Session),
	})
	if err != nil {
		return nil, fmt.Errorf("creating the %s role: %w", kind, err)
	}
	if _, err := iam.NewRolePolicy(ctx, kind+"-policy", &iam.RolePolicyArgs{Role: role.Name, Policy: r.Policy}); err != nil {
		return nil, fmt.Errorf("giving the %s role its policy: %w", kind, err)
	}
	return role, nil
}
