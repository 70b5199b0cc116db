package account

// GitHub Actions' way in: the account trusts GitHub's OIDC tokens, and the deploy role
// trusts only this repository's main branch, its pull requests and its named
// environments. No static keys exist anywhere.

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	githubIssuer   = "token.actions.githubusercontent.com"
	githubAudience = "sts.amazonaws.com" // what aws-actions/configure-aws-credentials asks for
)

// oidcProviderArn is the configured provider, or a new one.
func oidcProviderArn(ctx *pulumi.Context, cfg settings) (pulumi.StringOutput, error) {
	if cfg.OIDCProviderArn != "" {
		return pulumi.String(cfg.OIDCProviderArn).ToStringOutput(), nil
	}
	p, err := iam.NewOpenIdConnectProvider(ctx, "github-oidc", &iam.OpenIdConnectProviderArgs{
		Url:           pulumi.String("https://" + githubIssuer),
		ClientIdLists: pulumi.StringArray{pulumi.String(githubAudience)},
	})
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return p.Arn, nil
}

// trustedSubjects are the token subjects that may assume the role: pushes to (and
// schedules on) the branch, pull requests, and jobs in each named environment. GitHub
// writes a job's environment into its subject instead of the branch.
func trustedSubjects(cfg settings) []string {
	repo := "repo:" + cfg.Repository
	subjects := []string{repo + ":ref:refs/heads/" + cfg.Branch, repo + ":pull_request"}
	for _, env := range cfg.Environments {
		subjects = append(subjects, repo+":environment:"+env)
	}
	return subjects
}

// trustPolicy lets GitHub's tokens for those subjects, and for STS only, assume the role.
func trustPolicy(providerArn string, cfg settings) (string, error) {
	return jsonString(policyDoc{Version: "2012-10-17", Statement: []statement{{
		Effect: "Allow", Principal: map[string]string{"Federated": providerArn},
		Action: []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: map[string]map[string][]string{"StringEquals": {
			githubIssuer + ":aud": {githubAudience},
			githubIssuer + ":sub": trustedSubjects(cfg),
		}},
	}}})
}

// newDeployRole is the role the workflows assume, with its policy.
func newDeployRole(ctx *pulumi.Context, cfg settings, providerArn pulumi.StringOutput, scope pulumi.Output) (*iam.Role, error) {
	role, err := iam.NewRole(ctx, "deploy-role", &iam.RoleArgs{
		Description:        pulumi.String(fmt.Sprintf("GitHub Actions of %s deploy the stacks", cfg.Repository)),
		AssumeRolePolicy:   providerArn.ApplyT(func(arn string) (string, error) { return trustPolicy(arn, cfg) }).(pulumi.StringOutput),
		MaxSessionDuration: pulumi.Int(3600),
	})
	if err != nil {
		return nil, err
	}
	_, err = iam.NewRolePolicy(ctx, "deploy-policy", &iam.RolePolicyArgs{
		Role:   role.Name,
		Policy: scope.ApplyT(func(s any) (string, error) { return jsonString(deployPolicy(s.(policyScope))) }).(pulumi.StringOutput),
	})
	return role, err
}
