// Command bootstrap creates, once per AWS account, what a team needs to run the main
// stack from CI: the state bucket of Pulumi's S3 backend and its key, a secrets key per
// environment, the permissions boundary of the stacks' roles, GitHub's OIDC provider and
// a role per kind of CI job (preview, drift, a deploy role per environment); and, in the
// one account that holds it, the release repository every environment pulls from and the
// release role that pushes to it. Its outputs are what `pulumi login`, `pulumi stack
// select --create --secrets-provider`, the stacks' rolePermissionsBoundary and
// releaseRepository, and the workflows need.
// The program is package account, whose tests run with the module's.
package main

//go:generate go run ./gendocs

import (
	"github.com/example/nlb-alb-fargate/bootstrap/account"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() { pulumi.Run(account.Program) }
