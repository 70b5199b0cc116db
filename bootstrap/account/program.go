// Package account is the bootstrap program: what a team needs once per AWS account to run
// the main stack from CI. bootstrap/main.go runs it; its tests run with the module's.
package account

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Outputs are the stack's outputs, awaited by the tests.
type Outputs struct {
	BackendURL, SecretsProviderURL, DeployRoleArn pulumi.StringOutput
}

// Program is the Pulumi program: Bootstrap, and its outputs exported.
func Program(ctx *pulumi.Context) error {
	out, err := Bootstrap(ctx)
	if err != nil {
		return err
	}
	ctx.Export("backendUrl", out.BackendURL)
	ctx.Export("secretsProviderUrl", out.SecretsProviderURL)
	ctx.Export("deployRoleArn", out.DeployRoleArn)
	return nil
}

// Bootstrap checks the config, then registers everything.
func Bootstrap(ctx *pulumi.Context) (*Outputs, error) {
	cfg, err := loadSettings(ctx)
	if err != nil {
		return nil, err
	}
	caller, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return nil, err
	}
	key, err := newSecretsKey(ctx, cfg)
	if err != nil {
		return nil, err
	}
	bucket, err := newStateBucket(ctx, cfg, key.Key)
	if err != nil {
		return nil, err
	}
	provider, err := oidcProviderArn(ctx, cfg)
	if err != nil {
		return nil, err
	}
	scope := pulumi.All(bucket.Bucket, key.Key.Arn).ApplyT(func(v []any) policyScope {
		return policyScope{Account: caller.AccountId, Region: cfg.Region, StateBucket: v[0].(string), KeyArn: v[1].(string),
			StackBuckets: cfg.StackBuckets}
	})
	role, err := newDeployRole(ctx, cfg, provider, scope)
	if err != nil {
		return nil, err
	}
	return &Outputs{
		BackendURL:         pulumi.Sprintf("s3://%s?region=%s", bucket.Bucket, cfg.Region),
		SecretsProviderURL: pulumi.Sprintf("awskms://%s?region=%s", key.Alias.Name, cfg.Region),
		DeployRoleArn:      role.Arn,
	}, nil
}
