// Package account is the bootstrap program: what a team needs once per AWS account to run
// the main stack from CI. bootstrap/main.go runs it; its tests run with the module's.
package account

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Outputs are the stack's outputs, awaited by the tests.
type Outputs struct {
	BackendURL pulumi.StringOutput
	// Per environment: its stacks' secrets provider (awskms://alias/…) and its deploy role.
	SecretsProviderURLs, DeployRoleArns pulumi.StringMap
	PreviewRoleArn                      *pulumi.StringOutput // nil without previewStack
	DriftRoleArn                        pulumi.StringOutput
	RolePermissionsBoundaryArn          pulumi.StringOutput // the main stacks' rolePermissionsBoundary
	Release                             *ReleaseOutputs     // nil unless holdsReleaseRepository
}

// ReleaseOutputs are the release repository's and role's, in the account that holds them.
type ReleaseOutputs struct {
	// RepositoryURL is the repository's URI: the workflows' RELEASE_REPOSITORY and the
	// main stacks' releaseRepository.
	RepositoryURL pulumi.StringOutput
	// RepositoryArn is its ARN: releaseRepositoryArn of the other accounts' bootstraps.
	RepositoryArn pulumi.StringOutput
	RoleArn       pulumi.StringOutput // the release environment's AWS_RELEASE_ROLE_ARN
}

// Program is the Pulumi program: Bootstrap, and its outputs exported.
func Program(ctx *pulumi.Context) error {
	out, err := Bootstrap(ctx)
	if err != nil {
		return err
	}
	ctx.Export("backendUrl", out.BackendURL)
	ctx.Export("secretsProviderUrls", out.SecretsProviderURLs)
	ctx.Export("deployRoleArns", out.DeployRoleArns)
	if out.PreviewRoleArn != nil {
		ctx.Export("previewRoleArn", *out.PreviewRoleArn)
	}
	ctx.Export("driftRoleArn", out.DriftRoleArn)
	ctx.Export("rolePermissionsBoundaryArn", out.RolePermissionsBoundaryArn)
	if r := out.Release; r != nil {
		ctx.Export("releaseRepository", r.RepositoryURL)
		ctx.Export("releaseRepositoryArn", r.RepositoryArn)
		ctx.Export("releaseRoleArn", r.RoleArn)
	}
	return nil
}

// Bootstrap checks the config, then registers everything: the state bucket and its key,
// a secrets key per environment, the permissions boundary, GitHub's OIDC provider, a
// role per kind of job, and in the account holding it the release repository and the
// release role.
func Bootstrap(ctx *pulumi.Context) (*Outputs, error) {
	cfg, err := loadSettings(ctx)
	if err != nil {
		return nil, err
	}
	caller, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("looking up the AWS account: %w", err)
	}
	partition, err := aws.GetPartition(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("looking up the AWS partition: %w", err)
	}
	key, err := newSecretsKey(ctx, cfg)
	if err != nil {
		return nil, err
	}
	bucket, err := newStateBucket(ctx, cfg, key.Key)
	if err != nil {
		return nil, err
	}
	envKeys := map[string]*secretsKey{}
	out := &Outputs{SecretsProviderURLs: pulumi.StringMap{}, DeployRoleArns: pulumi.StringMap{}}
	for _, env := range cfg.Environments {
		k, err := newEnvironmentKey(ctx, cfg, env)
		if err != nil {
			return nil, err
		}
		envKeys[env] = k
		out.SecretsProviderURLs[env] = pulumi.Sprintf("awskms://%s?region=%s", k.Alias.Name, cfg.Region)
	}
	account := accountOf(caller.AccountId, partition.Partition, cfg.Region)
	boundary, err := newRoleBoundary(ctx, cfg, account)
	if err != nil {
		return nil, err
	}
	provider, err := oidcProviderArn(ctx, cfg)
	if err != nil {
		return nil, err
	}
	roles, err := newCIRoles(ctx, cfg, ciInputs{Account: account, Provider: provider, Bucket: bucket.Bucket, StateKey: key.Key.Arn,
		EnvironmentKeys: envKeys, Boundary: boundary.Arn})
	if err != nil {
		return nil, err
	}
	for env, r := range roles.Deploy {
		out.DeployRoleArns[env] = r.Arn
	}
	out.BackendURL = pulumi.Sprintf("s3://%s?region=%s", bucket.Bucket, cfg.Region)
	if roles.Preview != nil {
		out.PreviewRoleArn = &roles.Preview.Arn
	}
	out.DriftRoleArn = roles.Drift.Arn
	out.RolePermissionsBoundaryArn = boundary.Arn
	if cfg.HoldsReleaseRepository {
		r, err := newRelease(ctx, cfg, account, provider)
		if err != nil {
			return nil, err
		}
		out.Release = &ReleaseOutputs{RepositoryURL: r.Repository.RepositoryUrl, RepositoryArn: r.Repository.Arn, RoleArn: r.Role.Arn}
	}
	return out, nil
}
