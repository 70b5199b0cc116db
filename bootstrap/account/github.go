package account

// GitHub Actions' way in: the account trusts GitHub's OIDC tokens, and each CI role
// trusts only the tokens of its own kind of job (roles.go). No static keys exist anywhere.

import (
	"fmt"

	"github.com/example/nlb-alb-fargate/internal/deploypolicy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// oidcProviderArn is the configured provider, or a new one.
func oidcProviderArn(ctx *pulumi.Context, cfg settings) (pulumi.StringOutput, error) {
	if cfg.OIDCProviderArn != "" {
		return pulumi.String(cfg.OIDCProviderArn).ToStringOutput(), nil
	}
	p, err := iam.NewOpenIdConnectProvider(ctx, "github-oidc", &iam.OpenIdConnectProviderArgs{
		Url:           pulumi.String("https://" + deploypolicy.GitHubIssuer),
		ClientIdLists: pulumi.StringArray{pulumi.String(deploypolicy.GitHubAudience)},
	})
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("creating GitHub's OIDC provider: %w", err)
	}
	return p.Arn, nil
}
