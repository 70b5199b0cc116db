package main

import (
	"fmt"
	"maps"
	"slices"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/site"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// imagePlatform is the platform an image is built for, as Docker names it.
func imagePlatform(cpuArchitecture string) string {
	if cpuArchitecture == "ARM64" {
		return "linux/arm64"
	}
	return "linux/amd64"
}

// secretResources are the ARNs a policy must name for the given valueFroms: an SSM
// parameter's ARN, and a Secrets Manager secret's ARN without ECS's JSON key and version
// suffix (IAM matches the secret, not the part of it).
func secretResources(valueFroms []string) (parameters, secrets []string) {
	for _, v := range valueFroms {
		if arn, ok := config.SecretsManagerARN(v); ok {
			secrets = append(secrets, arn)
		} else {
			parameters = append(parameters, v)
		}
	}
	slices.Sort(parameters)
	slices.Sort(secrets)
	return slices.Compact(parameters), slices.Compact(secrets)
}

// secretsPolicy is the execution role's policy for the service's secrets: read exactly
// those parameters and secrets, and decrypt with the named key only. ECS reads them with
// the execution role when a task starts; the application never holds this permission.
func secretsPolicy(cfg config.Service) (string, error) {
	parameters, secrets := secretResources(slices.Collect(maps.Values(cfg.Secrets)))
	var statements []site.PolicyStatement
	if len(parameters) > 0 {
		statements = append(statements, site.PolicyStatement{Sid: "ReadParameters", Effect: "Allow", Action: "ssm:GetParameters", Resource: parameters})
	}
	if len(secrets) > 0 {
		statements = append(statements, site.PolicyStatement{Sid: "ReadSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secrets})
	}
	if cfg.SecretsKmsKeyArn != "" {
		statements = append(statements, site.PolicyStatement{Sid: "DecryptSecrets", Effect: "Allow", Action: "kms:Decrypt", Resource: cfg.SecretsKmsKeyArn})
	}
	return site.PolicyJSON(statements...)
}

// newSecretsPolicy lets the execution role read the service's secrets when a task starts.
func newSecretsPolicy(ctx *pulumi.Context, cfg config.Service, execRole *iam.Role) error {
	if len(cfg.Secrets) == 0 && cfg.SecretsKmsKeyArn == "" {
		return nil
	}
	policy, err := secretsPolicy(cfg)
	if err != nil {
		return fmt.Errorf("service %s: encoding the secrets policy: %w", cfg.Name, err)
	}
	_, err = iam.NewRolePolicy(ctx, cfg.Name+"-secrets", &iam.RolePolicyArgs{Role: execRole.Name, Policy: pulumi.String(policy)})
	if err != nil {
		return fmt.Errorf("service %s: granting the secrets: %w", cfg.Name, err)
	}
	return nil
}

// containerSecrets is the container's secrets as ECS takes them, sorted by name as the
// provider stores them (it sorts them on read: orderSecrets in terraform-provider-aws).
func containerSecrets(secrets map[string]string) pulumi.Array {
	var out pulumi.Array
	for _, name := range slices.Sorted(maps.Keys(secrets)) {
		out = append(out, pulumi.Map{"name": pulumi.String(name), "valueFrom": pulumi.String(secrets[name])})
	}
	return out
}
