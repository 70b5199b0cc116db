package config

// The settings registry: every key of the stack config, once, with its type, default,
// description and what it allows, beside the field it fills. Pulumi.yaml's config section
// and the settings tables of the docs are generated from it (go generate ./...); rules that
// span several settings are the cross-checks in checks.go.

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Stack is the whole stack configuration.
type Stack struct {
	Network  Network
	Ingress  Ingress
	Services []Service
	// Logs, metrics, alarms and the web application firewall.
	Operations Operations
	// Release is where the services that build the bundled app take their image from
	// instead: a release the release workflow built once and pushed to ECR.
	Release Release
	// Preflight compares what the config needs with the account's quotas before anything
	// is created.
	Preflight bool
	// Warnings are settings Parse accepted but ignores, each with what to do instead; the
	// program shows them in the preview.
	Warnings []string
}

// Network is the VPC the stack creates, or an existing one it deploys into.
type Network struct {
	VpcCidr      string
	AzCount      int
	NatGateways  string // perAz | single | none
	VpcEndpoints bool   // interface endpoints for ECR and CloudWatch Logs, S3 gateway endpoint

	// An existing VPC: its public subnets take the NLB and its Elastic IPs, its private
	// subnets the ALB and the tasks.
	VpcID            string
	PublicSubnetIDs  []string
	PrivateSubnetIDs []string
}

// Ingress is the NLB, the internal ALB, TLS, DNS, PrivateLink and the static IPs.
type Ingress struct {
	ListenerPort               int    // NLB TCP listener, the port partners connect to
	ListenerProtocol           string // only TCP can forward to an ALB-type target group
	AlbListenerPort            int    // internal ALB HTTP listener
	AlbTargetGroupPort         int    // port of the NLB's ALB-type target group; equals AlbListenerPort
	NlbHealthCheckPath         string // "": the first public service's (Stack.NlbProbePath)
	NlbHealthCheckRulePriority int    // ALB rule that routes the NLB's probe to the first service
	DeletionProtection         bool

	// TLS ends on the ALB: a TLS listener on the NLB cannot forward to an ALB-type target
	// group, so the NLB passes TCP on HTTPSListenerPort through to the ALB's HTTPS listener.
	CertificateArn    string
	CreateCertificate bool // an ACM certificate for Domain, DNS-validated in the hosted zone
	HTTPSListenerPort int  // NLB TCP listener, ALB HTTPS listener and their target group
	SslPolicy         string
	RedirectHTTP      bool   // the HTTP listener answers 301 to HTTPS
	Domain            string // as Route 53 keeps it: lowercase, no final dot
	HostedZoneID      string
	HostedZoneName    string
	PrivateLink       *PrivateLink // nil: no endpoint service

	// AllowedCidrs are the client networks the NLB's security group admits on its
	// listener ports, IPv4 and IPv6 (the latter on a dual-stack NLB only).
	AllowedCidrs []string
	MTLS         *MTLS // nil: no client certificates asked for

	// The NLB's Elastic IPs: the user's own, one per AZ in AZ order (never released by the
	// stack), or, when empty, allocated by the stack and kept on destroy if RetainStaticIPs.
	EipAllocationIDs []string
	RetainStaticIPs  bool
}

// PrivateLink offers the NLB to partners as a VPC endpoint service.
type PrivateLink struct {
	AllowedPrincipals         []string
	AcceptanceRequired        bool
	EnforceSecurityGroupRules bool
}

// MTLS is mutual TLS on the ALB's HTTPS listener.
type MTLS struct {
	CABundle                      string // a PEM file of CA certificates, relative to the project directory
	Mode                          string // verify | passthrough
	IgnoreClientCertificateExpiry bool
	// Bundle is CABundle's content as Parse read and checked it: what the stack uploads.
	Bundle []byte
}

// Verify is whether the ALB checks client certificates against the trust store.
func (m *MTLS) Verify() bool { return m != nil && m.Mode == "verify" }

// TrustStore is whether the stack uploads the CA bundle and makes a trust store of it:
// in verify mode only, the one mode whose listener uses it.
func (m *MTLS) TrustStore() bool { return m.Verify() && m.CABundle != "" }

// Operations is the operations and security baseline: where the logs go, what is
// measured, who is told when it breaks, and what filters requests before the ALB.
type Operations struct {
	AccessLogs             bool
	AccessLogRetentionDays int
	ContainerInsights      string // enabled | enhanced | disabled

	AlarmEmail          string
	AlarmTarget5xxCount int
	AlarmP99LatencyMs   int
	AlarmCPUPercent     int
	AlarmMemoryPercent  int

	FlowLogs             bool
	FlowLogRetentionDays int
	Waf                  bool
	WafRateLimit         int

	// RollbackOnAlarm: each public service's deployment watches its own target group's
	// 5xx and p99 alarms, and ECS rolls it back when one fires.
	RollbackOnAlarm bool

	// RolePermissionsBoundary is the managed policy every IAM role of the stack is bounded
	// by; "" for none.
	RolePermissionsBoundary string
}

// Release is build once, promote by digest: the stack runs the release workflow's images
// from one ECR repository, each named by its digest, never a tag.
type Release struct {
	// Repository is the release repository's URI; "" builds app/ in the stack (or runs
	// image) as before.
	Repository string
	// Digest is the release to deploy now (`pulumi up --config releaseDigest=sha256:…`);
	// "" deploys the release the stack last recorded.
	Digest string
	// RequireImageDigest refuses an image named by a tag, which can be moved to another image.
	RequireImageDigest bool
}

// Service is one Fargate service behind the ALB.
type Service struct {
	Name                   string
	Image                  string
	Build                  string
	ContainerPort          int
	Cpu                    int
	Memory                 int
	ContainerMemory        int
	DesiredCount           int
	HealthCheckPath        string
	HealthCheckInterval    int
	HealthCheckTimeout     int
	HealthCheckGracePeriod int
	DeregistrationDelay    int
	StopTimeout            int
	// WaitForSteadyState: `pulumi up` waits for the service's rollout, and fails when the
	// service then runs another revision than the one it registered.
	WaitForSteadyState bool
	Priority           int
	PathPatterns       []string
	HostHeaders        []string
	LogRetentionDays   int
	// Internal services get their own ALB listener port, reachable from inside the VPC only.
	Internal                 bool
	InternalPort             int
	Spot                     bool
	CapacityProviderStrategy []CapacityProviderStrategy
	EnableExecuteCommand     bool
	Autoscaling              *Autoscaling // nil: fixed DesiredCount
	// The container's own health check (ECS's), for an image other than the bundled app;
	// nil: the bundled app's probe, or none.
	ContainerHealthCheck      *ContainerHealthCheck
	ImageCredentialsSecretArn string
	TaskIdentity              bool
	// Environment is plain text in the task definition; Secrets are variables whose values
	// ECS reads at task start from SSM Parameter Store or Secrets Manager (name → ARN).
	Environment      map[string]string
	Secrets          map[string]string
	SecretsKmsKeyArn string
	CpuArchitecture  string // X86_64 | ARM64

	// Path is where the service is configured, for messages: "" or "services[1]."
	Path string
}

// ContainerHealthCheck is ECS's container health check; a zero interval, timeout or
// retries is ECS's default.
type ContainerHealthCheck struct {
	Command     []string
	Interval    int
	Timeout     int
	Retries     int
	StartPeriod int
}

// CapacityProviderStrategy is one provider's share of a service's tasks.
type CapacityProviderStrategy struct {
	CapacityProvider string
	Base             int
	Weight           int
}

// Autoscaling is target tracking on a service's task count.
type Autoscaling struct {
	Min               int
	Max               int
	CpuTarget         int // average CPU %, 0: no CPU policy
	RequestsPerTarget int // ALB requests per task, 0: no request policy
}

// DefaultAllowedCidrs admits every client, over IPv4 and IPv6.
var DefaultAllowedCidrs = []string{"0.0.0.0/0", "::/0"}

// DefaultServiceName names the single service of a stack without `services`.
const DefaultServiceName = "web"

// registry is every setting, in the order of Pulumi.yaml; services comes last.
var registry = []Entry[Stack]{
	// network
	&Setting[Stack, string]{Key: "vpcCidr", Group: GroupNetwork, Default: "10.0.0.0/16", Allowed: vpcCidr,
		Doc:   "IPv4 CIDR of the VPC, split into 16 equal blocks (/20s in a /16) whatever `azCount` is: a public and a private subnet per AZ at fixed places, so adding an AZ never moves a subnet.",
		Stack: func(c *Stack) *string { return &c.Network.VpcCidr }},
	&Setting[Stack, int]{Key: "azCount", Group: GroupNetwork, Default: 2, Allowed: Between(MinAZs, MaxAZs),
		Doc:   "Availability Zones used, one static IP each. Raise it freely; lowering it replaces the NLB.",
		See:   "What a change does",
		Stack: func(c *Stack) *int { return &c.Network.AzCount }},
	&Setting[Stack, string]{Key: "natGateways", Group: GroupNetwork, Default: "perAz", Allowed: OneOf([]string{"perAz", "single", "none"}, "supported values %s"),
		Doc:   "IPv4 egress for the private subnets: a NAT gateway in each AZ, in the first only, or none.",
		Stack: func(c *Stack) *string { return &c.Network.NatGateways }},
	&Setting[Stack, bool]{Key: "vpcEndpoints", Group: GroupNetwork,
		Doc:   "Interface endpoints for ECR (api, dkr) and CloudWatch Logs and a gateway endpoint for S3, so tasks work without NAT.",
		Stack: func(c *Stack) *bool { return &c.Network.VpcEndpoints }},
	&Setting[Stack, string]{Key: "vpcId", Group: GroupNetwork, Allowed: Matching(vpcID, "`vpc-…`", "a VPC id such as vpc-0123456789abcdef0"),
		Doc:   "An existing VPC to deploy into: the stack then creates no VPC, subnets, gateways or NAT.",
		See:   "An existing VPC",
		Stack: func(c *Stack) *string { return &c.Network.VpcID }},
	&Setting[Stack, []string]{Key: "publicSubnetIds", Group: GroupNetwork, Allowed: All(Each(subnet), subnetsPerAZ),
		Doc:   "With `vpcId`, one public subnet per AZ (routed 0.0.0.0/0 to an internet gateway, /28 or larger) for the NLB and its Elastic IPs; their order is the AZ order.",
		Stack: func(c *Stack) *[]string { return &c.Network.PublicSubnetIDs }},
	&Setting[Stack, []string]{Key: "privateSubnetIds", Group: GroupNetwork, Allowed: Each(subnet),
		Doc:   "With `vpcId`, one private subnet per AZ of `publicSubnetIds` (not routed to an internet gateway, /27 or larger with 8 free addresses) for the internal ALB and the tasks.",
		Stack: func(c *Stack) *[]string { return &c.Network.PrivateSubnetIDs }},

	// ingress
	&Setting[Stack, int]{Key: "listenerPort", Group: GroupIngress, Default: 80, Allowed: port,
		Doc:   "Port of the NLB's TCP listener, the one clients and partners connect to.",
		Stack: func(c *Stack) *int { return &c.Ingress.ListenerPort }},
	&Setting[Stack, string]{Key: "listenerProtocol", Group: GroupIngress, Level: LevelAdvanced, Default: "TCP", Allowed: listenerProtocol,
		Doc:   "Protocol of the NLB listener.",
		Stack: func(c *Stack) *string { return &c.Ingress.ListenerProtocol }},
	&Setting[Stack, int]{Key: "albListenerPort", Group: GroupIngress, Default: 80, Allowed: port,
		Doc:   "Port of the internal ALB's HTTP listener.",
		Stack: func(c *Stack) *int { return &c.Ingress.AlbListenerPort }},
	&Setting[Stack, int]{Key: "albTargetGroupPort", Group: GroupIngress, Level: LevelAdvanced, Default: 80, Allowed: port,
		Doc:   "Port of the NLB's ALB-type target group.",
		Stack: func(c *Stack) *int { return &c.Ingress.AlbTargetGroupPort }},
	&Setting[Stack, string]{Key: "nlbHealthCheckPath", Group: GroupIngress, Allowed: UnsetOr("to follow the first public service", httpPath),
		Doc:   "Path the NLB probes through the ALB, routed by a rule to the first public service; empty follows that service: `/healthz` for the bundled app (503 while draining), else its `healthCheckPath`.",
		Stack: func(c *Stack) *string { return &c.Ingress.NlbHealthCheckPath }},
	&Setting[Stack, int]{Key: "nlbHealthCheckRulePriority", Group: GroupIngress, Level: LevelAdvanced, Default: maxPriority, Allowed: Between(1, maxPriority),
		Doc:   "Priority of the ALB listener rule that routes the NLB's probe.",
		Stack: func(c *Stack) *int { return &c.Ingress.NlbHealthCheckRulePriority }},
	&Setting[Stack, bool]{Key: "deletionProtection", Group: GroupIngress,
		Doc:   "Deletion protection on both load balancers.",
		Stack: func(c *Stack) *bool { return &c.Ingress.DeletionProtection }},
	&Setting[Stack, string]{Key: "certificateArn", Group: GroupIngress, Level: LevelCommon, Allowed: Matching(certificateArn, "an ACM certificate ARN",
		"an ACM certificate ARN such as arn:aws:acm:us-east-1:123456789012:certificate/0e6c3c2f-1234-4abc-9def-0123456789ab"),
		Doc:   "ACM certificate for an HTTPS listener on the ALB; the NLB then passes TCP on `httpsListenerPort` through.",
		Stack: func(c *Stack) *string { return &c.Ingress.CertificateArn }},
	&Setting[Stack, bool]{Key: "createCertificate", Group: GroupIngress,
		Doc:   "Create an ACM certificate for `domain`, DNS-validated in the hosted zone (instead of `certificateArn`).",
		Stack: func(c *Stack) *bool { return &c.Ingress.CreateCertificate }},
	&Setting[Stack, int]{Key: "httpsListenerPort", Group: GroupIngress, Default: 443, Allowed: port,
		Doc:   "Port of the NLB's TCP pass-through listener, of the ALB's HTTPS listener and of their target group.",
		Stack: func(c *Stack) *int { return &c.Ingress.HTTPSListenerPort }},
	&Setting[Stack, string]{Key: "sslPolicy", Group: GroupIngress, Default: sslPolicies[0], Allowed: OneOf(sslPolicies, "use a TLS 1.3 policy: %s"),
		Doc:   "TLS policy of the ALB's HTTPS listener.",
		Stack: func(c *Stack) *string { return &c.Ingress.SslPolicy }},
	&Setting[Stack, bool]{Key: "redirectHttp", Group: GroupIngress, Default: true,
		Doc:   "With HTTPS, answer plain HTTP with a 301 redirect to HTTPS; false serves both.",
		Stack: func(c *Stack) *bool { return &c.Ingress.RedirectHTTP }},
	&Setting[Stack, string]{Key: "domain", Group: GroupIngress, Level: LevelCommon, Kind: dnsNameKind, Allowed: dnsName("api.example.com"),
		Doc:   "Name for Route 53 alias A and AAAA records to the NLB (a zone apex works).",
		Stack: func(c *Stack) *string { return &c.Ingress.Domain }},
	&Setting[Stack, string]{Key: "hostedZoneId", Group: GroupIngress, Allowed: Matching(hostedZoneID, "a Route 53 zone id (`Z…`)", "a Route 53 zone id such as Z0123456789ABCDEFGHIJ"),
		Doc:   "Route 53 hosted zone that holds `domain`.",
		Stack: func(c *Stack) *string { return &c.Ingress.HostedZoneID }},
	&Setting[Stack, string]{Key: "hostedZoneName", Group: GroupIngress, Kind: dnsNameKind, Allowed: dnsName("example.com"),
		Doc:   "Public hosted zone that holds `domain`, looked up by name (instead of `hostedZoneId`).",
		Stack: func(c *Stack) *string { return &c.Ingress.HostedZoneName }},
	&Setting[Stack, *PrivateLink]{Key: "privateLink", Group: GroupIngress, Kind: privateLinkKind, Allowed: privateLinkAcceptance,
		Doc:   "A VPC endpoint service on the NLB for partners; empty means none.",
		See:   "For partners: allow-listing and DNS",
		Stack: func(c *Stack) **PrivateLink { return &c.Ingress.PrivateLink }},
	&Setting[Stack, []string]{Key: "allowedCidrs", Group: GroupIngress, Level: LevelCommon, Default: DefaultAllowedCidrs,
		Allowed: All(notEmpty("admit no client at all"), Each(clientCidr), noDuplicateNetworks),
		Doc:     "Client networks (IPv4 and IPv6 CIDRs) the NLB's security group admits on its listener ports; nothing else from outside. The default admits everyone. Changes in place.",
		See:     "For partners: allow-listing and DNS",
		Stack:   func(c *Stack) *[]string { return &c.Ingress.AllowedCidrs }},
	&Setting[Stack, *MTLS]{Key: "mtls", Group: GroupIngress, Kind: mtlsKind, Allowed: mtlsRule,
		Doc:   "Mutual TLS on the ALB's HTTPS listener: `verify` admits only clients whose certificate chains to `caBundle` (uploaded to S3 as the ALB trust store), `passthrough` hands the client's certificate to the services unverified. Empty means none. Changes in place.",
		See:   "Mutual TLS for partners",
		Stack: func(c *Stack) **MTLS { return &c.Ingress.MTLS }},

	// static IPs and the account check
	&Setting[Stack, []string]{Key: "eipAllocationIds", Group: GroupStaticIPs, Allowed: All(Each(eipAllocation), noDuplicates("each AZ needs an Elastic IP of its own")),
		Doc:   "Your own Elastic IPs for the NLB (BYOIP pools too), one allocation id per AZ in AZ order; the stack never releases them. Empty allocates new ones.",
		See:   "Static IPs that outlive the stack",
		Stack: func(c *Stack) *[]string { return &c.Ingress.EipAllocationIDs }},
	&Setting[Stack, bool]{Key: "retainStaticIps", Group: GroupStaticIPs, Level: LevelCommon,
		Doc:   "Keep the Elastic IPs the stack allocates for the NLB when it is destroyed or they are replaced, to reuse with `eipAllocationIds`.",
		See:   "Static IPs that outlive the stack",
		Stack: func(c *Stack) *bool { return &c.Ingress.RetainStaticIPs }},
	&Setting[Stack, bool]{Key: "preflight", Group: GroupStaticIPs, Default: true,
		Doc:   "Before creating anything, compare what the config needs with the account's quotas (Elastic IPs, VPCs, NAT gateways, load balancers, Fargate vCPU).",
		See:   "Preflight",
		Stack: func(c *Stack) *bool { return &c.Preflight }},

	// operations and the security baseline
	&Setting[Stack, bool]{Key: "accessLogs", Group: GroupOperations, Default: true,
		Doc:   "ALB access logs to an S3 bucket the stack creates (SSE-S3, public access blocked, TLS-only policy, ELB log delivery only); `pulumi destroy` deletes it with the logs. The NLB's logging is on too, but ELB logs only TLS listeners and the NLB's pass TCP, so it writes nothing.",
		Stack: func(c *Stack) *bool { return &c.Operations.AccessLogs }},
	&Setting[Stack, int]{Key: "accessLogRetentionDays", Group: GroupOperations, Default: 90, Allowed: Between(1, 3650),
		Doc:   "Days the access-log bucket keeps a log before its lifecycle rule deletes it.",
		Stack: func(c *Stack) *int { return &c.Operations.AccessLogRetentionDays }},
	&Setting[Stack, string]{Key: "containerInsights", Group: GroupOperations, Default: "enabled", Allowed: OneOf([]string{"enabled", "enhanced", "disabled"}, "supported values %s"),
		Doc:   "CloudWatch Container Insights on the ECS cluster (`enhanced`: per-task and per-container metrics too).",
		Stack: func(c *Stack) *string { return &c.Operations.ContainerInsights }},
	&Setting[Stack, string]{Key: "alarmEmail", Group: GroupOperations, Level: LevelCommon, Allowed: Matching(emailAddress, "one email address", "one email address such as ops@example.com"),
		Doc:   "An email address subscribed to the alarm topic (`alarmTopicArn`); AWS mails a confirmation link first.",
		Stack: func(c *Stack) *string { return &c.Operations.AlarmEmail }},
	&Setting[Stack, int]{Key: "alarmTarget5xxCount", Group: GroupOperations, Default: 10, Allowed: Between(1, 1000000),
		Doc:   "The ALB alarm fires when the services answer more 5xx responses than this in 5 minutes.",
		Stack: func(c *Stack) *int { return &c.Operations.AlarmTarget5xxCount }},
	&Setting[Stack, int]{Key: "alarmP99LatencyMs", Group: GroupOperations, Default: 2000, Allowed: Between(1, 4000000), // the ALB's longest idle timeout
		Doc:   "The ALB alarm fires when the p99 target response time over 5 minutes exceeds this many milliseconds.",
		Stack: func(c *Stack) *int { return &c.Operations.AlarmP99LatencyMs }},
	&Setting[Stack, int]{Key: "alarmCpuPercent", Group: GroupOperations, Default: 85, Allowed: Between(1, 100),
		Doc:   "A service's alarm fires when its average CPU utilisation stays above this for 15 minutes.",
		Stack: func(c *Stack) *int { return &c.Operations.AlarmCPUPercent }},
	&Setting[Stack, int]{Key: "alarmMemoryPercent", Group: GroupOperations, Default: 85, Allowed: Between(1, 100),
		Doc:   "A service's alarm fires when its average memory utilisation stays above this for 15 minutes.",
		Stack: func(c *Stack) *int { return &c.Operations.AlarmMemoryPercent }},
	&Setting[Stack, bool]{Key: "flowLogs", Group: GroupOperations,
		Doc:   "VPC flow logs (all traffic) to a CloudWatch Logs group (`flowLogGroup`), written through a role only VPC Flow Logs of this account may assume; in an existing VPC, a flow log of its own on that VPC.",
		Stack: func(c *Stack) *bool { return &c.Operations.FlowLogs }},
	&Setting[Stack, int]{Key: "flowLogRetentionDays", Group: GroupOperations, Default: 30, Allowed: logRetention,
		Doc:   "CloudWatch Logs retention of the flow logs, in days (0 keeps them forever).",
		Stack: func(c *Stack) *int { return &c.Operations.FlowLogRetentionDays }},
	&Setting[Stack, bool]{Key: "waf", Group: GroupOperations,
		Doc:   "A WAFv2 web ACL on the ALB: a per-client-IP rate-based rule, then the AWS managed rule groups IP reputation, known bad inputs and common.",
		See:   "WAF and the client's address",
		Stack: func(c *Stack) *bool { return &c.Operations.Waf }},
	&Setting[Stack, int]{Key: "wafRateLimit", Group: GroupOperations, Default: 2000, Allowed: Between(minWafRateLimit, maxWafRateLimit),
		Doc:   "Requests one client IPv4 address may make in 5 minutes before WAF blocks it (WAF itself allows 10, pulumi-aws v6 checks 100).",
		Stack: func(c *Stack) *int { return &c.Operations.WafRateLimit }},
	&Setting[Stack, bool]{Key: "rollbackOnAlarm", Group: GroupOperations, Default: true,
		Doc:   "ECS rolls a service's deployment back when its own target group's alarm fires during it: more 5xx than `alarmTarget5xxCount` in a minute, or p99 above `alarmP99LatencyMs` for two. The deployment circuit breaker stays on either way. Changes in place.",
		See:   "What a deploy does",
		Stack: func(c *Stack) *bool { return &c.Operations.RollbackOnAlarm }},
	&Setting[Stack, string]{Key: "rolePermissionsBoundary", Group: GroupOperations,
		Allowed: Matching(policyArn, "a customer managed policy's ARN in the stack's account",
			"the ARN of a customer managed policy such as arn:aws:iam::123456789012:policy/nlb-alb-fargate-role-boundary (the bootstrap's rolePermissionsBoundaryArn output)"),
		Doc:   "Permissions boundary of every IAM role the stack creates (the services' execution and task roles, the flow-log role): the most they may ever be allowed. Set it to the bootstrap's `rolePermissionsBoundaryArn`: its deploy roles create roles only under that boundary. Changes in place.",
		See:   "Team use",
		Stack: func(c *Stack) *string { return &c.Operations.RolePermissionsBoundary }},

	// releases: build once, promote by digest
	&Setting[Stack, string]{Key: "releaseRepository", Group: GroupRelease, Allowed: releaseRepository,
		Doc:   "The ECR repository of the release workflow's images (the bootstrap's `releaseRepository` output): the services that would build `app/` run a release from it instead, by digest. Not with `image` or a `build` of another directory.",
		See:   "Build once, promote by digest",
		Stack: func(c *Stack) *string { return &c.Release.Repository }},
	&Setting[Stack, string]{Key: "releaseDigest", Group: GroupRelease, Allowed: Matching(imageDigest, "`sha256:` and 64 hex digits", "an image digest such as sha256:0123…cdef (64 hex digits)"),
		Doc:   "The release to deploy now, passed by the workflow as `pulumi up --config releaseDigest=sha256:…` and never committed; empty deploys the release the stack recorded last (the SSM parameter `/<project>/<stack>/release-image`).",
		See:   "Build once, promote by digest",
		Stack: func(c *Stack) *string { return &c.Release.Digest }},
	&Setting[Stack, bool]{Key: "requireImageDigest", Group: GroupRelease,
		Doc:   "Refuse an `image` named by a tag, which its registry can move to another image: only `…@sha256:<digest>` runs. Staging and production stacks set it.",
		See:   "Build once, promote by digest",
		Stack: func(c *Stack) *bool { return &c.Release.RequireImageDigest }},

	// service: top-level values are the single service, and the defaults of `services`
	&Setting[Stack, string]{Key: "name", Group: GroupService, Default: DefaultServiceName, EntryOnly: true, Allowed: serviceNameRule,
		Doc:     "The service's name (in `services` entries only; unique).",
		Service: func(s *Service) *string { return &s.Name }},
	&Setting[Stack, string]{Key: "image", Group: GroupService, Level: LevelCommon, Allowed: imageRule,
		Doc:     "An existing image to run; empty builds `build` and pushes it to a private ECR repository.",
		See:     "Bring your own image",
		Service: func(s *Service) *string { return &s.Image }},
	&Setting[Stack, string]{Key: "build", Group: GroupService, Level: LevelCommon, Default: "./app",
		Doc:     "Directory with a Dockerfile, built for the `cpuArchitecture` (linux/amd64 or linux/arm64) when `image` is empty.",
		Service: func(s *Service) *string { return &s.Build }},
	&Setting[Stack, int]{Key: "containerPort", Group: GroupService, Level: LevelCommon, Default: 8080, Allowed: port,
		Doc:     "Port the container listens on, passed to it as `PORT`.",
		Service: func(s *Service) *int { return &s.ContainerPort }},
	&Setting[Stack, int]{Key: "cpu", Group: GroupService, Level: LevelCommon, Default: 256, Allowed: OneOf(fargateCPUs, "Fargate task CPU must be one of %s"),
		Doc:     "Task CPU units.",
		Service: func(s *Service) *int { return &s.Cpu }},
	&Setting[Stack, int]{Key: "memory", Group: GroupService, Level: LevelCommon, Default: 512,
		Doc:     "Task memory in MiB.",
		Service: func(s *Service) *int { return &s.Memory }},
	&Setting[Stack, int]{Key: "containerMemory", Group: GroupService, Default: 256,
		Doc:     "Hard memory limit of the container in MiB.",
		Service: func(s *Service) *int { return &s.ContainerMemory }},
	&Setting[Stack, int]{Key: "desiredCount", Group: GroupService, Level: LevelCommon, Default: 2, Allowed: Between(0, maxDesiredCount),
		Doc:     "Number of tasks (the ECS quota of tasks per service is 5000).",
		Service: func(s *Service) *int { return &s.DesiredCount }},
	&Setting[Stack, string]{Key: "healthCheckPath", Group: GroupService, Level: LevelCommon, Default: "/", Allowed: httpPath,
		Doc:     "Path of the ALB target group's health check.",
		Service: func(s *Service) *string { return &s.HealthCheckPath }},
	&Setting[Stack, int]{Key: "healthCheckInterval", Group: GroupService, Default: 10, Allowed: Between(5, 300),
		Doc:     "Seconds between the ALB's health checks.",
		Service: func(s *Service) *int { return &s.HealthCheckInterval }},
	&Setting[Stack, int]{Key: "healthCheckTimeout", Group: GroupService, Default: 5, Allowed: Between(2, 120),
		Doc:     "Seconds before an ALB health check fails.",
		Service: func(s *Service) *int { return &s.HealthCheckTimeout }},
	&Setting[Stack, int]{Key: "healthCheckGracePeriod", Group: GroupService, Default: 60, Allowed: Between(0, 2147483647),
		Doc:     "Seconds ECS ignores failing ALB health checks after a task starts.",
		Service: func(s *Service) *int { return &s.HealthCheckGracePeriod }},
	&Setting[Stack, int]{Key: "deregistrationDelay", Group: GroupService, Default: 10, Allowed: Between(0, 3600),
		Doc:     "Seconds the ALB drains a stopping task's connections before ECS stops it.",
		Service: func(s *Service) *int { return &s.DeregistrationDelay }},
	&Setting[Stack, int]{Key: "stopTimeout", Group: GroupService, Default: 30, Allowed: Between(2, 120), // Fargate's limits
		Doc:     "Seconds ECS waits after SIGTERM before it kills the container; the bundled app drains within 15.",
		Service: func(s *Service) *int { return &s.StopTimeout }},
	&Setting[Stack, bool]{Key: "waitForSteadyState", Group: GroupService, Default: true,
		Doc:     "`pulumi up` waits until the service's new tasks serve, then fails if ECS rolled the release back (the circuit breaker or a deployment alarm), naming the revision it went back to and the commands that show why. Off: `up` returns once AWS took the release. Changes in place; turning it on or off rolls every service.",
		See:     "What a deploy does",
		Service: func(s *Service) *bool { return &s.WaitForSteadyState }},
	&Setting[Stack, int]{Key: "priority", Group: GroupService, Default: 1, Allowed: Between(1, maxPriority),
		Doc:     "Priority of the service's ALB listener rule.",
		Service: func(s *Service) *int { return &s.Priority }},
	&Setting[Stack, []string]{Key: "pathPatterns", Group: GroupService, Default: []string{"*"}, Allowed: Each(conditionValue),
		Doc:     "Path patterns the service's listener rule matches.",
		Service: func(s *Service) *[]string { return &s.PathPatterns }},
	&Setting[Stack, []string]{Key: "hostHeaders", Group: GroupService, Allowed: Each(conditionValue),
		Doc:     "Host headers the service's listener rule matches.",
		Service: func(s *Service) *[]string { return &s.HostHeaders }},
	&Setting[Stack, int]{Key: "logRetentionDays", Group: GroupService, Default: 30, Allowed: logRetention,
		Doc:     "CloudWatch Logs retention of the service's logs, in days (0 keeps them forever).",
		Service: func(s *Service) *int { return &s.LogRetentionDays }},
	&Setting[Stack, bool]{Key: "internal", Group: GroupService,
		Doc:     "Reachable only from inside the VPC, on its own ALB listener port (`internalPort`); the NLB does not forward to it.",
		Service: func(s *Service) *bool { return &s.Internal }},
	&Setting[Stack, int]{Key: "internalPort", Group: GroupService, Allowed: UnsetOr("for a public service", port),
		Doc:     "ALB listener port of an internal service.",
		Service: func(s *Service) *int { return &s.InternalPort }},
	&Setting[Stack, bool]{Key: "spot", Group: GroupService,
		Doc:     "Run all tasks on FARGATE_SPOT (otherwise all on FARGATE); changes in place.",
		Service: func(s *Service) *bool { return &s.Spot }},
	&Setting[Stack, []CapacityProviderStrategy]{Key: "capacityProviderStrategy", Group: GroupService, Kind: capacityStrategyKind, Allowed: capacityStrategyRule,
		Doc:     "A mix of FARGATE and FARGATE_SPOT; changes in place.",
		Service: func(s *Service) *[]CapacityProviderStrategy { return &s.CapacityProviderStrategy }},
	&Setting[Stack, bool]{Key: "enableExecuteCommand", Group: GroupService,
		Doc:     "ECS Exec into running tasks: the root filesystem stays writable for the SSM agent, an init process reaps its children, and with `vpcEndpoints` an `ssmmessages` endpoint carries its sessions.",
		Service: func(s *Service) *bool { return &s.EnableExecuteCommand }},
	&Setting[Stack, *Autoscaling]{Key: "autoscaling", Group: GroupService, Kind: autoscalingKind, Allowed: autoscalingRule,
		Doc:     "Target tracking on the task count; `pulumi up` then leaves the desired count to scaling. Empty means a fixed `desiredCount`.",
		Service: func(s *Service) **Autoscaling { return &s.Autoscaling }},
	&Setting[Stack, *ContainerHealthCheck]{Key: "containerHealthCheck", Group: GroupService, Kind: containerHealthCheckKind,
		Doc:     "ECS container health check for your own image; empty means none (the bundled app has its own).",
		Service: func(s *Service) **ContainerHealthCheck { return &s.ContainerHealthCheck }},
	&Setting[Stack, string]{Key: "imageCredentialsSecretArn", Group: GroupService, Allowed: Matching(secretArn, "a Secrets Manager secret's full ARN in the stack's region",
		"a Secrets Manager secret's full ARN such as arn:aws:secretsmanager:us-east-1:123456789012:secret:registry/team-AbC123"),
		Doc:     "Credentials (user name and password) of the private registry outside ECR that holds `image`; the execution role may read that secret only.",
		Service: func(s *Service) *string { return &s.ImageCredentialsSecretArn }},
	&Setting[Stack, bool]{Key: "taskIdentity", Group: GroupService,
		Doc:     "The bundled app answers /whoami with the task's ARN (and so the account id), AZ and private IP; off keeps them to yourself.",
		See:     "The container (`app/`)",
		Service: func(s *Service) *bool { return &s.TaskIdentity }},
	&Setting[Stack, map[string]string]{Key: "environment", Group: GroupService, Plain: true, Allowed: environmentNames,
		Doc:     "Environment variables, name: value, plain text in the task definition; a `services` entry's map adds to the top-level one (its value wins).",
		See:     "Settings and secrets",
		Service: func(s *Service) *map[string]string { return &s.Environment }},
	&Setting[Stack, map[string]string]{Key: "secrets", Group: GroupService, Allowed: secretValues,
		Doc:     "Secret variables, name: ARN of an SSM parameter or Secrets Manager secret; ECS reads the values at task start, so only the ARNs are in the task definition and the state, and the execution role may read exactly these.",
		See:     "Settings and secrets",
		Service: func(s *Service) *map[string]string { return &s.Secrets }},
	&Setting[Stack, string]{Key: "secretsKmsKeyArn", Group: GroupService, Allowed: Matching(kmsKeyArn, "a KMS key ARN (not an alias) in the stack's region",
		"a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (an alias cannot be granted kms:Decrypt)"),
		Doc:     "The customer managed KMS key the secrets are encrypted with: the execution role gets `kms:Decrypt` on it alone. Empty for AWS managed keys.",
		Service: func(s *Service) *string { return &s.SecretsKmsKeyArn }},
	&Setting[Stack, string]{Key: "cpuArchitecture", Group: GroupService, Default: "X86_64", Allowed: cpuArchitecture,
		Doc:     "The task's runtime platform and the image's build platform (ARM64: Graviton, about 20% cheaper; also on Spot).",
		Service: func(s *Service) *string { return &s.CpuArchitecture }},
	&Setting[Stack, []Service]{Key: "services", Group: GroupService, Kind: serviceList, Allowed: NewRule[[]Service]("a list of objects with `name` and any key of this table", nil),
		Doc:   "Several services behind the one ALB; each entry has a name and any of the service settings.",
		Stack: func(c *Stack) *[]Service { return &c.Services }},
}

// The structured settings' fields.

var privateLinkKind = object(func() PrivateLink { return PrivateLink{AcceptanceRequired: true, EnforceSecurityGroupRules: true} },
	F[PrivateLink, []string]{Key: "allowedPrincipals", At: func(o *PrivateLink) *[]string { return &o.AllowedPrincipals },
		Allowed: Each(NewRule("IAM principal ARNs or `*`", func(p *Problems, path string, v string) {
			if v != "*" && !principalArn.MatchString(v) {
				p.Add(path, "invalid value %q: must be an IAM principal ARN such as arn:aws:iam::123456789012:root, or \"*\"", v)
			}
		}))},
	F[PrivateLink, bool]{Key: "acceptanceRequired", At: func(o *PrivateLink) *bool { return &o.AcceptanceRequired },
		Allowed: NewRule[bool]("default true", nil)},
	F[PrivateLink, bool]{Key: "enforceSecurityGroupRules", At: func(o *PrivateLink) *bool { return &o.EnforceSecurityGroupRules },
		Allowed: NewRule[bool]("default true", nil)},
)

var mtlsKind = object(func() MTLS { return MTLS{Mode: "verify"} },
	F[MTLS, string]{Key: "caBundle", At: func(o *MTLS) *string { return &o.CABundle },
		Allowed: NewRule[string]("a PEM file of up to 25 CA certificates (basicConstraints CA:TRUE, none expired), relative to the project directory", nil)},
	F[MTLS, string]{Key: "mode", At: func(o *MTLS) *string { return &o.Mode },
		Allowed: OneOf(mtlsModes, "supported values %s (Application Load Balancers also have off: leave mtls empty)")},
	F[MTLS, bool]{Key: "ignoreClientCertificateExpiry", At: func(o *MTLS) *bool { return &o.IgnoreClientCertificateExpiry },
		Allowed: NewRule[bool]("default false", nil)},
)

var capacityStrategyKind = objectList(
	F[CapacityProviderStrategy, string]{Key: "capacityProvider", At: func(o *CapacityProviderStrategy) *string { return &o.CapacityProvider },
		Allowed: OneOf(CapacityProviders, "supported values %s")},
	F[CapacityProviderStrategy, int]{Key: "base", At: func(o *CapacityProviderStrategy) *int { return &o.Base }, Allowed: Between(0, 100000)},
	F[CapacityProviderStrategy, int]{Key: "weight", At: func(o *CapacityProviderStrategy) *int { return &o.Weight }, Allowed: Between(0, 1000)},
)

var autoscalingKind = object(func() Autoscaling { return Autoscaling{} },
	F[Autoscaling, int]{Key: "min", At: func(o *Autoscaling) *int { return &o.Min }, Allowed: Between(0, maxDesiredCount)},
	F[Autoscaling, int]{Key: "max", At: func(o *Autoscaling) *int { return &o.Max }, Allowed: Between(1, maxDesiredCount)},
	F[Autoscaling, int]{Key: "cpuTarget", At: func(o *Autoscaling) *int { return &o.CpuTarget }, Allowed: UnsetOr("for none", Between(10, 90))},
	F[Autoscaling, int]{Key: "requestsPerTarget", At: func(o *Autoscaling) *int { return &o.RequestsPerTarget }, Allowed: UnsetOr("for none", Between(1, 1000000))},
)

var containerHealthCheckKind = object(func() ContainerHealthCheck { return ContainerHealthCheck{} },
	F[ContainerHealthCheck, []string]{Key: "command", At: func(o *ContainerHealthCheck) *[]string { return &o.Command }, Allowed: healthCheckCommand},
	F[ContainerHealthCheck, int]{Key: "interval", At: func(o *ContainerHealthCheck) *int { return &o.Interval }, Allowed: UnsetOr("for ECS's default 30", ecsHealthCheckInterval)},
	F[ContainerHealthCheck, int]{Key: "timeout", At: func(o *ContainerHealthCheck) *int { return &o.Timeout }, Allowed: UnsetOr("for ECS's default 5", ecsHealthCheckTimeout)},
	F[ContainerHealthCheck, int]{Key: "retries", At: func(o *ContainerHealthCheck) *int { return &o.Retries }, Allowed: UnsetOr("for ECS's default 3", ecsHealthCheckRetries)},
	F[ContainerHealthCheck, int]{Key: "startPeriod", At: func(o *ContainerHealthCheck) *int { return &o.StartPeriod }, Allowed: ecsHealthCheckStartPeriod},
)

// Rules of one setting each.

var vpcCidr = NewRule(fmt.Sprintf("IPv4 CIDR, /%d to /%d, host bits zero (each of the %d blocks must hold an ALB: /%d or larger)",
	minVpcPrefix, maxVpcPrefix, 1<<SubnetBlockBits, ALBSubnetMaxBits), func(p *Problems, path, v string) {
	prefix, err := netip.ParsePrefix(v)
	switch {
	case err != nil || !prefix.Addr().Is4():
		p.Add(path, "invalid value %q: must be an IPv4 CIDR block such as 10.0.0.0/16", v)
	case prefix != prefix.Masked():
		p.Add(path, "invalid value %q: host bits are set; did you mean %q?", v, prefix.Masked().String())
	case prefix.Bits() < minVpcPrefix || prefix.Bits() > maxVpcPrefix:
		p.Add(path, "invalid value %q: prefix length must be between /%d and /%d: the VPC is split into %d equal blocks (a public and a private subnet for each of up to %d AZs, at fixed places so that adding an AZ never moves a subnet), and each must be /%d or larger to hold an ALB",
			v, minVpcPrefix, maxVpcPrefix, 1<<SubnetBlockBits, MaxAZs, ALBSubnetMaxBits)
	}
})

var subnet = Matching(subnetID, "`subnet-…`", "a subnet id such as subnet-0123456789abcdef0")

var subnetsPerAZ = NewRule(fmt.Sprintf("one per AZ, %d to %d", MinAZs, MaxAZs), func(p *Problems, path string, v []string) {
	if n := len(v); n > 0 && (n < MinAZs || n > MaxAZs) {
		p.Add(path, "invalid value: %d subnets; give one per AZ, in %d to %d AZs (an ALB needs two)", n, MinAZs, MaxAZs)
	}
})

var listenerProtocol = NewRule("`TCP` only: a TLS listener cannot forward to an ALB-type target group", func(p *Problems, path, v string) {
	switch strings.ToUpper(v) {
	case "TCP":
		if v != "TCP" {
			p.Add(path, "unsupported value %q: write it as \"TCP\"", v)
		}
	case "TLS":
		p.Add(path, `unsupported value "TLS": a TLS listener on a Network Load Balancer cannot forward to an ALB-type target group; keep the NLB listener "TCP" and terminate TLS on the ALB (certificateArn)`)
	default:
		p.Add(path, `unsupported value %q: an ALB-type target group accepts only TCP; supported values "TCP"`, v)
	}
})

var httpPath = NewRule(fmt.Sprintf("a path starting with `/`, without spaces, query or fragment, at most %d characters", maxHealthPath), func(p *Problems, path, v string) {
	if !strings.HasPrefix(v, "/") || len(v) > maxHealthPath || strings.ContainsAny(v, " \t\r\n?#") {
		p.Add(path, "invalid value %q: must be a URL path starting with \"/\", without spaces, query or fragment, at most %d characters", v, maxHealthPath)
	}
})

// dnsNameKind reads a DNS name as Route 53 keeps it: lowercase, without the final dot.
var dnsNameKind = func() *Kind[string] {
	k := *basicKind[string]()
	decode := k.decode
	k.decode = func(r *reader, path string, v any) (string, bool) {
		s, ok := decode(r, path, v)
		return strings.TrimSuffix(strings.ToLower(s), "."), ok
	}
	return &k
}()

func dnsName(example string) Rule[string] {
	return NewRule("a DNS name of labels of letters, digits and hyphens, at most 253 characters", func(p *Problems, path, v string) {
		if v != "" && !validDomain(v) {
			p.Add(path, "invalid value %q: must be a DNS name such as %s (labels of letters, digits and hyphens, at most 253 characters)", v, example)
		}
	})
}

func validDomain(name string) bool {
	labels := strings.Split(name, ".")
	if len(name) > 253 || len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if !dnsLabel.MatchString(l) {
			return false
		}
	}
	return true
}

var privateLinkAcceptance = NewRule("`acceptanceRequired` not false with `*`", func(p *Problems, path string, pl *PrivateLink) {
	if pl != nil && !pl.AcceptanceRequired && slices.Contains(pl.AllowedPrincipals, "*") {
		p.Add(path+".acceptanceRequired", "invalid value false with allowedPrincipals \"*\": any AWS account could connect without approval; require acceptance or list the principals")
	}
})

// clientCidr is one network of allowedCidrs.
var clientCidr = NewRule("an IPv4 or IPv6 CIDR with its host bits zero", func(p *Problems, path, v string) {
	prefix, err := netip.ParsePrefix(v)
	switch {
	case err != nil:
		p.Add(path, "invalid value %q: must be an IPv4 or IPv6 CIDR such as 203.0.113.0/24 or 2001:db8::/32", v)
	case prefix != prefix.Masked():
		p.Add(path, "invalid value %q: host bits are set; did you mean %q?", v, prefix.Masked().String())
	}
})

// CanonicalCidr is a CIDR as AWS writes it back: IPv6 in lower case and its shortest
// form (RFC 5952), which net/netip also writes. AWS reads a rule's network in that form,
// and refuses a second rule for the same network however it is spelt. A value that does
// not parse is returned as it is (clientCidr reports it).
func CanonicalCidr(v string) string {
	prefix, err := netip.ParsePrefix(v)
	if err != nil {
		return v
	}
	return prefix.String()
}

// noDuplicateNetworks refuses a network listed twice, in any spelling: AWS compares the
// networks, not the text.
var noDuplicateNetworks = NewRule("each network once, however it is spelt", func(p *Problems, path string, v []string) {
	seen := map[string]int{}
	for i, cidr := range v {
		canonical := CanonicalCidr(cidr)
		j, dup := seen[canonical]
		switch {
		case !dup:
			seen[canonical] = i
		case v[j] == cidr:
			p.Add(fmt.Sprintf("%s[%d]", path, i), "duplicate value %q: already used by %s[%d]; each network needs one rule per listener port", cidr, path, j)
		default:
			p.Add(fmt.Sprintf("%s[%d]", path, i), "duplicate value %q: the same network as %s[%d] %q (AWS writes both as %s); each network needs one rule per listener port, so list it once", cidr, path, j, v[j], canonical)
		}
	}
})

// notEmpty refuses a list set to []: what it would mean is said plainly instead.
func notEmpty(means string) Rule[[]string] {
	return NewRule("not empty", func(p *Problems, path string, v []string) {
		if v != nil && len(v) == 0 {
			p.Add(path, "invalid value []: an empty list would %s, closing the stack silently; to take it off the internet, set desiredCount: 0 or list one address you control such as \"192.0.2.1/32\"", means)
		}
	})
}

// mtlsRule is what mtls's fields require of each other; the CA bundle's file is read and
// checked by Parse (checkCABundle).
var mtlsRule = NewRule("`caBundle` with `verify`; `ignoreClientCertificateExpiry` with `verify` only", func(p *Problems, path string, m *MTLS) {
	if m == nil || !p.OK(path+".mode") {
		return
	}
	if m.Mode == "verify" && m.CABundle == "" && p.OK(path+".caBundle") {
		p.Add(path+".caBundle", "missing value: mode verify checks client certificates against a CA bundle; give the path of a PEM file of your CA certificates, relative to the project directory")
	}
	if m.Mode != "verify" && m.IgnoreClientCertificateExpiry && p.OK(path+".ignoreClientCertificateExpiry") {
		p.Add(path+".ignoreClientCertificateExpiry", "invalid value true with mode %q: the ALB checks expiry only in mode verify", m.Mode)
	}
})

var eipAllocation = Matching(eipAllocationID, "`eipalloc-…`", "an Elastic IP allocation id such as eipalloc-0123456789abcdef0")

// noDuplicates refuses a value listed twice; why says what needs each its own.
func noDuplicates(why string) Rule[[]string] {
	return NewRule("each once", func(p *Problems, path string, v []string) {
		seen := map[string]int{}
		for i, s := range v {
			if j, dup := seen[s]; dup {
				p.Add(fmt.Sprintf("%s[%d]", path, i), "duplicate value %q: already used by %s[%d]; %s", s, path, j, why)
				continue
			}
			seen[s] = i
		}
	})
}

var logRetention = OneOf(logRetentionDays, "CloudWatch Logs allows %s (0 keeps logs forever)")

var serviceNameRule = NewRule(fmt.Sprintf("lowercase letters, digits, `-`, starting with a letter; at most %d characters", maxServiceName), func(p *Problems, path, v string) {
	switch {
	case v == "":
		p.Add(path, "missing value: every service needs a name")
	case len(v) > maxServiceName || !serviceName.MatchString(v):
		p.Add(path, "invalid value %q: must start with a lowercase letter, contain only lowercase letters, digits and hyphens, and be at most %d characters", v, maxServiceName)
	}
})

// releaseRepository is an ECR repository's URI, which has no tag or digest: those are
// the release's, and releaseDigest names it.
var releaseRepository = NewRule("an ECR repository URI: `<account>.dkr.ecr.<region>.amazonaws.com/<name>`, no tag or digest", func(p *Problems, path, v string) {
	switch {
	case v == "" || ecrRepositoryURI.MatchString(v):
	case ecrRepositoryURI.MatchString(imageRepository(v)):
		p.Add(path, "invalid value %q: give the repository only, %s; the release's digest goes in releaseDigest", v, imageRepository(v))
	default:
		p.Add(path, "invalid value %q: must be an ECR repository URI such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/nlb-alb-fargate (the bootstrap's releaseRepository output)", v)
	}
})

var imageRule = NewRule("an image reference: `registry/repository[:tag][@sha256:digest]`", func(p *Problems, path, v string) {
	if v != "" && (len(v) > maxImageLength || !imageReference.MatchString(v)) {
		p.Add(path, "invalid value %q: must be an image reference such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.2.3 or public.ecr.aws/nginx/nginx:1.27 (registry/repository[:tag][@sha256:digest])", v)
	}
})

var conditionValue = NewRule(fmt.Sprintf("1 to %d characters", maxPatternLength), func(p *Problems, path, v string) {
	switch {
	case strings.TrimSpace(v) == "":
		p.Add(path, "missing value: must not be empty")
	case len(v) > maxPatternLength:
		p.Add(path, "invalid value %q: is %d characters, at most %d are allowed", v, len(v), maxPatternLength)
	}
})

var capacityStrategyRule = NewRule("each provider once; a base on one provider at most; a weight above 0", func(p *Problems, path string, list []CapacityProviderStrategy) {
	seen, weights, bases := map[string]bool{}, 0, 0
	for i, c := range list {
		if seen[c.CapacityProvider] && slices.Contains(CapacityProviders, c.CapacityProvider) {
			p.Add(fmt.Sprintf("%s[%d].capacityProvider", path, i), "duplicate value %q: each provider may appear once", c.CapacityProvider)
		}
		seen[c.CapacityProvider] = true
		weights += c.Weight
		if c.Base > 0 {
			bases++
		}
	}
	if len(list) > 0 && weights == 0 {
		p.Add(path, "invalid value: every weight is 0; at least one provider needs a weight above 0")
	}
	if bases > 1 {
		p.Add(path, "invalid value: %d providers have a base; ECS allows a base on one provider only", bases)
	}
})

var autoscalingRule = NewRule("`min` ≤ `max`; `cpuTarget` and/or `requestsPerTarget`", func(p *Problems, path string, a *Autoscaling) {
	if a == nil {
		return
	}
	if a.Min > a.Max && p.OK(path+".min", path+".max") {
		p.Add(path+".min", "invalid value %d: must not exceed autoscaling.max (%d)", a.Min, a.Max)
	}
	if a.CpuTarget == 0 && a.RequestsPerTarget == 0 {
		p.Add(path, "missing value: give cpuTarget (percent) and/or requestsPerTarget (ALB requests per task)")
	}
})

var healthCheckCommand = NewRule(`["CMD", …] or ["CMD-SHELL", "…"]`, func(p *Problems, path string, cmd []string) {
	switch {
	case len(cmd) == 0:
		p.Add(path, `missing value: give the command as ECS takes it, e.g. ["CMD-SHELL", "curl -f http://localhost/ || exit 1"] or ["CMD", "/bin/probe"]`)
	case cmd[0] == "CMD-SHELL" && len(cmd) != 2:
		p.Add(path, `invalid value %s: "CMD-SHELL" takes one shell command string after it`, CompactJSON(cmd))
	case cmd[0] == "CMD" && len(cmd) < 2:
		p.Add(path, `invalid value %s: "CMD" takes the program and its arguments after it`, CompactJSON(cmd))
	case cmd[0] != "CMD" && cmd[0] != "CMD-SHELL":
		p.Add(path, `invalid value %s: must start with "CMD" (run the arguments) or "CMD-SHELL" (run in the image's shell)`, CompactJSON(cmd))
	}
})

var environmentNames = NewRule("names of letters, digits, `_` (not starting with a digit), not AWS credentials; not a Pulumi secret", func(p *Problems, path string, env map[string]string) {
	for _, name := range sortedKeys(env) {
		switch {
		case !envName.MatchString(name):
			p.Add(path+"."+name, "invalid name %q: must be letters, digits and underscores, not starting with a digit", name)
		case slices.Contains(plainCredentials, name):
			p.Add(path+"."+name, "invalid name %q: credentials must not be plain environment variables (Security Hub ECS.8); the task role gives the app AWS credentials, and other credentials belong in secrets", name)
		}
	}
})

var secretValues = NewRule("names as `environment`; values an SSM parameter ARN or a Secrets Manager secret's full ARN (optionally `:json-key:version-stage:version-id`), in the stack's region", func(p *Problems, path string, secrets map[string]string) {
	for _, name := range sortedKeys(secrets) {
		key := path + "." + name
		if !envName.MatchString(name) {
			p.Add(key, "invalid name %q: must be letters, digits and underscores, not starting with a digit", name)
		}
		arn := secrets[name]
		if ssmParameterArn.MatchString(arn) {
			continue
		}
		m := secretValueFrom.FindStringSubmatch(arn)
		switch {
		case m == nil:
			p.Add(key, "invalid value %q: must be an SSM parameter ARN (arn:aws:ssm:us-east-1:123456789012:parameter/app/db-password) or a Secrets Manager secret's full ARN (arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbC123), optionally with :json-key:version-stage:version-id", arn)
		case m[3] != "" && m[4] != "":
			p.Add(key, "invalid value %q: give a version stage or a version id, not both", arn)
		}
	}
})

var cpuArchitecture = NewRule(docList(cpuArchitectures), func(p *Problems, path, v string) {
	switch {
	case slices.Contains(cpuArchitectures, v):
	case slices.ContainsFunc(cpuArchitectures, func(a string) bool { return strings.EqualFold(a, v) }):
		p.Add(path, "unsupported value %q: write it as %q", v, strings.ToUpper(v))
	default:
		p.Add(path, "unsupported value %q: Fargate runs Linux tasks on %s", v, QuoteAll(cpuArchitectures))
	}
})
