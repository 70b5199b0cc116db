package main

// A service's workload settings: its environment, its secrets and the execution-role
// policy that lets ECS read exactly those, and its CPU architecture.

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// cpuArchitectures are the Fargate runtime platforms for Linux tasks. Both run on
// FARGATE_SPOT too: AWS added Spot for ARM64 on 2024-09-06 (platform version 1.4.0,
// the only Linux one today), so no combination with spot needs refusing.
var cpuArchitectures = []string{"X86_64", "ARM64"}

// imagePlatform is the platform an image is built for, as Docker names it.
func imagePlatform(cpuArchitecture string) string {
	if cpuArchitecture == "ARM64" {
		return "linux/arm64"
	}
	return "linux/amd64"
}

// envName is a variable name every shell and runtime can read: letters, digits and
// underscores, not starting with a digit.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// plainCredentials may not be plain environment variables: they are credentials
// (Security Hub control ECS.8), and a task gets AWS credentials from its task role.
var plainCredentials = []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "ECS_ENGINE_AUTH_DATA"}

var (
	// An SSM parameter's ARN: parameter/ then its name without the leading slash.
	ssmParameterArn = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):ssm:[a-z0-9-]+:[0-9]{12}:parameter/[A-Za-z0-9_.\-/]+$`)
	// A Secrets Manager secret's full ARN, optionally followed by ECS's
	// :json-key:version-stage:version-id (each may be empty; at most one of the last two).
	secretValueFrom = regexp.MustCompile(`^(arn:(?:aws|aws-cn|aws-us-gov):secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6})(?::([^:]*):([^:]*):([^:]*))?$`)
	kmsKeyArn       = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):kms:[a-z0-9-]+:[0-9]{12}:key/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`)
)

// reservedNames are the variables the stack sets in every container of the service.
func (s serviceConfig) reservedNames(internalServices []string) map[string]string {
	reserved := map[string]string{
		"PORT":          "the stack sets it to containerPort",
		"TASK_IDENTITY": "the stack sets it for taskIdentity",
	}
	for _, name := range internalServices {
		if name != s.Name {
			reserved[internalURLVar(name)] = fmt.Sprintf("the stack sets it to internal service %s's address", name)
		}
	}
	return reserved
}

// internalURLVar is the variable that tells other services where an internal one is:
// API_URL for "api".
func internalURLVar(service string) string {
	return strings.ToUpper(strings.ReplaceAll(service, "-", "_")) + "_URL"
}

// validateWorkload checks the service's environment, secrets and CPU architecture.
func (s serviceConfig) validateWorkload(p *problems, internalServices []string) {
	key := func(k string) string { return s.path + k }
	reserved := s.reservedNames(internalServices)
	for _, which := range []struct {
		setting string
		vars    map[string]string
	}{{"environment", s.Environment}, {"secrets", s.Secrets}} {
		for _, name := range slices.Sorted(maps.Keys(which.vars)) {
			k := key(which.setting) + "." + name
			switch {
			case !envName.MatchString(name):
				p.add(k, "invalid name %q: must be letters, digits and underscores, not starting with a digit", name)
			case reserved[name] != "":
				p.add(k, "reserved name %q: %s", name, reserved[name])
			case which.setting == "environment" && slices.Contains(plainCredentials, name):
				p.add(k, "invalid name %q: credentials must not be plain environment variables (Security Hub ECS.8); the task role gives the app AWS credentials, and other credentials belong in secrets", name)
			}
			if which.setting != "secrets" {
				continue
			}
			if _, dup := s.Environment[name]; dup {
				p.add(k, "duplicate name %q: also set in environment; a variable is either plain or secret", name)
			}
			checkSecretValueFrom(p, k, which.vars[name])
		}
	}
	if a := s.SecretsKmsKeyArn; a != "" {
		switch {
		case !kmsKeyArn.MatchString(a):
			p.add(key("secretsKmsKeyArn"), "invalid value %q: must be a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (an alias cannot be granted kms:Decrypt)", a)
		case len(s.Secrets) == 0 && s.ImageCredentialsSecretArn == "":
			p.add(key("secretsKmsKeyArn"), "invalid value %q: there are no secrets to decrypt; set secrets (or imageCredentialsSecretArn), or leave this empty", a)
		}
	}
	switch {
	case slices.Contains(cpuArchitectures, s.CpuArchitecture):
	case slices.ContainsFunc(cpuArchitectures, func(a string) bool { return strings.EqualFold(a, s.CpuArchitecture) }):
		p.add(key("cpuArchitecture"), "unsupported value %q: write it as %q", s.CpuArchitecture, strings.ToUpper(s.CpuArchitecture))
	default:
		p.add(key("cpuArchitecture"), "unsupported value %q: Fargate runs Linux tasks on %s", s.CpuArchitecture, quoteAll(cpuArchitectures))
	}
}

// checkSecretValueFrom checks a secret's ARN as ECS takes it in valueFrom.
func checkSecretValueFrom(p *problems, key, arn string) {
	if ssmParameterArn.MatchString(arn) {
		return
	}
	m := secretValueFrom.FindStringSubmatch(arn)
	if m == nil {
		p.add(key, "invalid value %q: must be an SSM parameter ARN (arn:aws:ssm:us-east-1:123456789012:parameter/app/db-password) or a Secrets Manager secret's full ARN (arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbC123), optionally with :json-key:version-stage:version-id", arn)
		return
	}
	if m[3] != "" && m[4] != "" {
		p.add(key, "invalid value %q: give a version stage or a version id, not both", arn)
	}
}

// secretResources are the ARNs a policy must name for the given valueFroms: an SSM
// parameter's ARN, and a Secrets Manager secret's ARN without ECS's JSON key and version
// suffix (IAM matches the secret, not the part of it).
func secretResources(valueFroms []string) (parameters, secrets []string) {
	for _, v := range valueFroms {
		if m := secretValueFrom.FindStringSubmatch(v); m != nil {
			secrets = append(secrets, m[1])
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
func secretsPolicy(cfg serviceConfig) (string, error) {
	parameters, secrets := secretResources(slices.Collect(maps.Values(cfg.Secrets)))
	var statements []policyStatement
	if len(parameters) > 0 {
		statements = append(statements, policyStatement{Sid: "ReadParameters", Effect: "Allow", Action: "ssm:GetParameters", Resource: parameters})
	}
	if len(secrets) > 0 {
		statements = append(statements, policyStatement{Sid: "ReadSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secrets})
	}
	if cfg.SecretsKmsKeyArn != "" {
		statements = append(statements, policyStatement{Sid: "DecryptSecrets", Effect: "Allow", Action: "kms:Decrypt", Resource: cfg.SecretsKmsKeyArn})
	}
	return policyJSON(statements...)
}

// newSecretsPolicy lets the execution role read the service's secrets when a task starts.
func newSecretsPolicy(ctx *pulumi.Context, cfg serviceConfig, execRole *iam.Role) error {
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
