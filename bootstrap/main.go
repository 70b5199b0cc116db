// Command bootstrap creates, once per AWS account, what a team needs to run the main
// stack from CI: the state bucket of Pulumi's S3 backend, the KMS key of its secrets
// provider, GitHub's OIDC provider and the deploy role the workflows assume. Its outputs
// are what `pulumi login`, `pulumi stack init --secrets-provider` and the workflows need.
// The program is package account, whose tests run with the module's.
package main

import (
	"github.com/example/nlb-alb-fargate/bootstrap/account"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() { pulumi.Run(account.Program) }
