package config

// AWS's limits and formats the settings are checked against, from AWS's documented quotas
// and API references where one exists.

import (
	"regexp"
	"strings"
)

const (
	MinAZs = 2 // an ALB needs subnets in at least two AZs
	MaxAZs = 6 // the most AZs any commercial region offers

	// SubnetBlockBits: the VPC is split into 2^4 = 16 equal blocks, a public and a private
	// subnet for each of up to MaxAZs AZs, at fixed places so that adding an AZ never
	// moves a subnet (network.go).
	SubnetBlockBits = 4
	// ALBSubnetMaxBits: an ALB subnet must be a /27 or larger (with 8 free addresses);
	// NLBSubnetMaxBits: an NLB subnet a /28 (Elastic Load Balancing user guides).
	ALBSubnetMaxBits = 27
	NLBSubnetMaxBits = 28
	minVpcPrefix     = 16 // AWS allows VPC CIDRs from /16 ...
	// ... and we stop where the 16 subnet blocks are still /27s: a /23.
	maxVpcPrefix = ALBSubnetMaxBits - SubnetBlockBits

	maxPriority      = 50000
	maxRuleValues    = 5    // condition values per ALB listener rule
	maxPatternLength = 128  // characters per path pattern or host header
	maxDesiredCount  = 5000 // ECS quota: tasks per service
	maxHealthPath    = 1024
	maxServiceName   = 20 // leaves room for Pulumi's suffix in 32-character target group names
	maxImageLength   = 255
)

// fargateMemory is the task memory (MiB) Fargate allows for each task CPU (units).
var fargateMemory = map[int][]int{
	256:   {512, 1024, 2048},
	512:   steps(1024, 4096, 1024),
	1024:  steps(2048, 8192, 1024),
	2048:  steps(4096, 16384, 1024),
	4096:  steps(8192, 30720, 1024),
	8192:  steps(16384, 61440, 4096),
	16384: steps(32768, 122880, 8192),
}

// fargateCPUs are the task CPU values, in order.
var fargateCPUs = []int{256, 512, 1024, 2048, 4096, 8192, 16384}

// logRetentionDays are CloudWatch Logs' allowed retention periods; 0 keeps logs forever.
var logRetentionDays = []int{0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
	1096, 1827, 2192, 2557, 2922, 3288, 3653}

// CapacityProviders are the Fargate capacity providers a cluster offers.
var CapacityProviders = []string{"FARGATE", "FARGATE_SPOT"}

// cpuArchitectures are the Fargate runtime platforms for Linux tasks. Both run on
// FARGATE_SPOT too: AWS added Spot for ARM64 on 2024-09-06 (platform version 1.4.0, the
// only Linux one today), so no combination with spot needs refusing.
var cpuArchitectures = []string{"X86_64", "ARM64"}

// sslPolicies are the ALB security policies with TLS 1.3 (the TLS13 family).
var sslPolicies = []string{
	"ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
	"ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
	"ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
	"ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
}

// ECS's limits on a container health check (HealthCheck in the ECS API reference).
var (
	ecsHealthCheckInterval    = Between(5, 300)
	ecsHealthCheckTimeout     = Between(2, 60)
	ecsHealthCheckRetries     = Between(1, 10)
	ecsHealthCheckStartPeriod = Between(0, 300)
)

// WAF's bounds of a rate-based rule's limit (requests per evaluation window).
const (
	minWafRateLimit = 100 // WAF allows 10; pulumi-aws v6 still checks 100 (pulumi-aws issue 5841)
	maxWafRateLimit = 2000000000
)

// EC2IDPattern matches an EC2 id with its prefix: "eipalloc-", "vpc-", "subnet-" and 8 or
// 17 hex digits.
func EC2IDPattern(prefix string) *regexp.Regexp {
	return regexp.MustCompile(`^` + prefix + `-([0-9a-f]{8}|[0-9a-f]{17})$`)
}

var (
	vpcID           = EC2IDPattern("vpc")
	subnetID        = EC2IDPattern("subnet")
	eipAllocationID = EC2IDPattern("eipalloc")

	// imageReference is a practical subset of the OCI reference grammar:
	// [registry[:port]/]repository[:tag][@sha256:digest].
	imageReference = regexp.MustCompile(`^(?:(?:[a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+(?::[0-9]+)?/)?` +
		`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*` +
		`(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`)
	ecrImage = regexp.MustCompile(`^[0-9]{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/`)
	// ecrRepositoryURI is an ECR repository's URI: registry (account, Region) and the
	// repository's name (ECR's CreateRepository pattern), nothing after it.
	ecrRepositoryURI = regexp.MustCompile(`^([0-9]{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/` +
		`((?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)$`)
	imageDigest = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)
	serviceName = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

	certificateArn = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}$`)
	hostedZoneID   = regexp.MustCompile(`^Z[A-Z0-9]{1,32}$`)
	dnsLabel       = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	// policyArn is a customer managed policy's ARN: an account's, under an optional path
	// (IAM's path and name characters, IAM API reference, CreatePolicy).
	policyArn    = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:policy/(?:[\x21-\x7E]*/)?[\w+=,.@-]{1,128}$`)
	principalArn = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:(root|role/[\w+=,.@/-]+|user/[\w+=,.@/-]+)$`)
	// emailAddress is what SNS takes as an email endpoint: one address, no display name.
	emailAddress = regexp.MustCompile(`^[^@\s<>,;"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)

	// secretArn is a Secrets Manager secret's full ARN: its name ends in a hyphen and the
	// six characters Secrets Manager adds, which IAM needs to match the exact secret.
	secretArn = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):secretsmanager:([a-z0-9-]+):[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$`)
	// An SSM parameter's ARN: parameter/ then its name without the leading slash.
	ssmParameterArn = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):ssm:[a-z0-9-]+:[0-9]{12}:parameter/[A-Za-z0-9_.\-/]+$`)
	// A Secrets Manager secret's full ARN, optionally followed by ECS's
	// :json-key:version-stage:version-id (each may be empty; at most one of the last two).
	secretValueFrom = regexp.MustCompile(`^(arn:(?:aws|aws-cn|aws-us-gov):secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6})(?::([^:]*):([^:]*):([^:]*))?$`)
	kmsKeyArn       = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):kms:[a-z0-9-]+:[0-9]{12}:key/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`)

	// envName is a variable name every shell and runtime can read: letters, digits and
	// underscores, not starting with a digit.
	envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// plainCredentials may not be plain environment variables: they are credentials
// (Security Hub control ECS.8), and a task gets AWS credentials from its task role.
var plainCredentials = []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "ECS_ENGINE_AUTH_DATA"}

// SecretsManagerARN is the secret's ARN in a valueFrom that names a Secrets Manager secret
// (without ECS's JSON key and version suffix: IAM matches the secret, not the part of it),
// and false for an SSM parameter.
func SecretsManagerARN(valueFrom string) (string, bool) {
	if m := secretValueFrom.FindStringSubmatch(valueFrom); m != nil {
		return m[1], true
	}
	return "", false
}

// PartitionOf is the AWS partition of a region.
func PartitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// InternalURLVar is the variable that tells other services where an internal one is:
// API_URL for "api".
func InternalURLVar(service string) string {
	return strings.ToUpper(strings.ReplaceAll(service, "-", "_")) + "_URL"
}

func steps(from, to, step int) []int {
	var out []int
	for v := from; v <= to; v += step {
		out = append(out, v)
	}
	return out
}

// mtlsModes are the ALB's mutual TLS modes a stack can ask for ("off" is mtls unset).
var mtlsModes = []string{"verify", "passthrough"}

// Security group rules: AWS counts a group's inbound IPv4 and IPv6 rules separately
// against the quota "Inbound or outbound rules per security group" (Service Quotas code
// L-0EA8095F), 60 of each by default; preflight reads the account's own value.
const (
	SecurityGroupRulesQuotaCode    = "L-0EA8095F"
	SecurityGroupRulesQuotaDefault = 60
)

// ALB trust stores ("Quotas for your Application Load Balancers", Certificates): at most
// 25 CA certificates per trust store, each at most 16 KB. Neither can be raised.
const (
	maxTrustStoreCAs   = 25
	maxCACertificateKB = 16
)
