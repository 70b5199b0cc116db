package main

// The stack's configuration: one registry of settings (names, types, defaults), read once
// into typed structs, then checked as a whole (validate.go). Every problem is reported at
// once, type errors and broken rules together, each as "path: detail".

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// kind is the type of a setting, as Pulumi.yaml's config schema names it.
type kind string

const (
	kindString  kind = "string"
	kindInt     kind = "integer"
	kindBool    kind = "boolean"
	kindStrings kind = "array"  // array of strings
	kindObjects kind = "object" // structured value: an object, or a list of them (list)
	// A map of names to strings (Pulumi.yaml: object). Inside `services`, an entry's map
	// adds to the top-level one, its own value winning for a name in both.
	kindStringMap kind = "map"
)

// setting is one key of the project's stack config. The registry below is the single
// source of truth for names, types and defaults: the program reads with it, unknown
// keys are detected with it, and a test checks Pulumi.yaml and the README against it.
type setting struct {
	name string
	kind kind
	def  any // the default, of the kind's Go type; objects: map[string]any{} or []any{}
	// For kindObjects: the fields of the object, or of each item when list is set.
	fields []field
	list   bool
	// Where the decoded value goes: a stack setting, or a service setting, which may also
	// be set on each entry of `services` (the top-level value is their default).
	stack   func(c *stackConfig, v any)
	service func(s *serviceConfig, v any)
}

func (s setting) perService() bool { return s.service != nil }

// field is one key inside a structured setting.
type field struct {
	name string
	kind kind
}

// settings lists every key the program reads, in the order of Pulumi.yaml. A decoded
// value has its kind's Go type (string, int, bool, []string), a structured one is an
// object (nil when unset) or []object.
var settings = []setting{
	// network
	{name: "vpcCidr", kind: kindString, def: "10.0.0.0/16", stack: func(c *stackConfig, v any) { c.Network.VpcCidr = as[string](v) }},
	{name: "azCount", kind: kindInt, def: 2, stack: func(c *stackConfig, v any) { c.Network.AzCount = as[int](v) }},
	{name: "natGateways", kind: kindString, def: "perAz", stack: func(c *stackConfig, v any) { c.Network.NatGateways = as[string](v) }},
	{name: "vpcEndpoints", kind: kindBool, def: false, stack: func(c *stackConfig, v any) { c.Network.VpcEndpoints = as[bool](v) }},
	// an existing VPC instead of a new one (all three together)
	{name: "vpcId", kind: kindString, def: "", stack: func(c *stackConfig, v any) { c.Network.VpcID = as[string](v) }},
	{name: "publicSubnetIds", kind: kindStrings, def: []string{}, stack: func(c *stackConfig, v any) { c.Network.PublicSubnetIDs = as[[]string](v) }},
	{name: "privateSubnetIds", kind: kindStrings, def: []string{}, stack: func(c *stackConfig, v any) { c.Network.PrivateSubnetIDs = as[[]string](v) }},
	// ingress
	{name: "listenerPort", kind: kindInt, def: 80, stack: func(c *stackConfig, v any) { c.Ingress.ListenerPort = as[int](v) }},
	{name: "listenerProtocol", kind: kindString, def: "TCP", stack: func(c *stackConfig, v any) { c.Ingress.ListenerProtocol = as[string](v) }},
	{name: "albListenerPort", kind: kindInt, def: 80, stack: func(c *stackConfig, v any) { c.Ingress.AlbListenerPort = as[int](v) }},
	{name: "albTargetGroupPort", kind: kindInt, def: 80, stack: func(c *stackConfig, v any) { c.Ingress.AlbTargetGroupPort = as[int](v) }},
	{name: "nlbHealthCheckPath", kind: kindString, def: "", // "": the first public service's (nlbProbePath)
		stack: func(c *stackConfig, v any) { c.Ingress.NlbHealthCheckPath = as[string](v) }},
	{name: "nlbHealthCheckRulePriority", kind: kindInt, def: 50000, stack: func(c *stackConfig, v any) { c.Ingress.NlbHealthCheckRulePriority = as[int](v) }},
	{name: "deletionProtection", kind: kindBool, def: false, stack: func(c *stackConfig, v any) { c.Ingress.DeletionProtection = as[bool](v) }},
	// HTTPS, DNS and PrivateLink (all off by default)
	{name: "certificateArn", kind: kindString, def: "", stack: func(c *stackConfig, v any) { c.Ingress.CertificateArn = as[string](v) }},
	{name: "createCertificate", kind: kindBool, def: false, stack: func(c *stackConfig, v any) { c.Ingress.CreateCertificate = as[bool](v) }},
	{name: "httpsListenerPort", kind: kindInt, def: 443, stack: func(c *stackConfig, v any) { c.Ingress.HTTPSListenerPort = as[int](v) }},
	{name: "sslPolicy", kind: kindString, def: "ELBSecurityPolicy-TLS13-1-2-2021-06", stack: func(c *stackConfig, v any) { c.Ingress.SslPolicy = as[string](v) }},
	{name: "redirectHttp", kind: kindBool, def: true, stack: func(c *stackConfig, v any) { c.Ingress.RedirectHTTP = as[bool](v) }},
	{name: "domain", kind: kindString, def: "", stack: func(c *stackConfig, v any) { c.Ingress.Domain = dnsName(as[string](v)) }},
	{name: "hostedZoneId", kind: kindString, def: "", stack: func(c *stackConfig, v any) { c.Ingress.HostedZoneID = as[string](v) }},
	{name: "hostedZoneName", kind: kindString, def: "", stack: func(c *stackConfig, v any) { c.Ingress.HostedZoneName = dnsName(as[string](v)) }},
	{name: "privateLink", kind: kindObjects, def: map[string]any{},
		fields: []field{{"allowedPrincipals", kindStrings}, {"acceptanceRequired", kindBool}, {"enforceSecurityGroupRules", kindBool}},
		stack:  func(c *stackConfig, v any) { c.Ingress.PrivateLink = toPrivateLink(as[object](v)) }},
	// static IPs and the account check
	{name: "eipAllocationIds", kind: kindStrings, def: []string{}, stack: func(c *stackConfig, v any) { c.Ingress.EipAllocationIDs = as[[]string](v) }},
	{name: "retainStaticIps", kind: kindBool, def: false, stack: func(c *stackConfig, v any) { c.Ingress.RetainStaticIPs = as[bool](v) }},
	{name: "preflight", kind: kindBool, def: true, stack: func(c *stackConfig, v any) { c.Preflight = as[bool](v) }},
	// operations and the security baseline: logs, metrics, alarms, WAF
	{name: "accessLogs", kind: kindBool, def: true, stack: func(c *stackConfig, v any) { c.Operations.AccessLogs = as[bool](v) }},
	{name: "accessLogRetentionDays", kind: kindInt, def: 90, stack: func(c *stackConfig, v any) { c.Operations.AccessLogRetentionDays = as[int](v) }},
	{name: "containerInsights", kind: kindString, def: "enabled", stack: func(c *stackConfig, v any) { c.Operations.ContainerInsights = as[string](v) }},
	{name: "alarmEmail", kind: kindString, def: "", stack: func(c *stackConfig, v any) { c.Operations.AlarmEmail = as[string](v) }},
	{name: "alarmTarget5xxCount", kind: kindInt, def: 10, stack: func(c *stackConfig, v any) { c.Operations.AlarmTarget5xxCount = as[int](v) }},
	{name: "alarmP99LatencyMs", kind: kindInt, def: 2000, stack: func(c *stackConfig, v any) { c.Operations.AlarmP99LatencyMs = as[int](v) }},
	{name: "alarmCpuPercent", kind: kindInt, def: 85, stack: func(c *stackConfig, v any) { c.Operations.AlarmCPUPercent = as[int](v) }},
	{name: "alarmMemoryPercent", kind: kindInt, def: 85, stack: func(c *stackConfig, v any) { c.Operations.AlarmMemoryPercent = as[int](v) }},
	{name: "flowLogs", kind: kindBool, def: false, stack: func(c *stackConfig, v any) { c.Operations.FlowLogs = as[bool](v) }},
	{name: "flowLogRetentionDays", kind: kindInt, def: 30, stack: func(c *stackConfig, v any) { c.Operations.FlowLogRetentionDays = as[int](v) }},
	{name: "waf", kind: kindBool, def: false, stack: func(c *stackConfig, v any) { c.Operations.Waf = as[bool](v) }},
	{name: "wafRateLimit", kind: kindInt, def: 2000, stack: func(c *stackConfig, v any) { c.Operations.WafRateLimit = as[int](v) }},
	// service (top-level values are the single service, and defaults for `services`)
	{name: "image", kind: kindString, def: "", service: func(s *serviceConfig, v any) { s.Image = as[string](v) }},
	{name: "build", kind: kindString, def: "./app", service: func(s *serviceConfig, v any) { s.Build = as[string](v) }},
	{name: "containerPort", kind: kindInt, def: 8080, service: func(s *serviceConfig, v any) { s.ContainerPort = as[int](v) }},
	{name: "cpu", kind: kindInt, def: 256, service: func(s *serviceConfig, v any) { s.Cpu = as[int](v) }},
	{name: "memory", kind: kindInt, def: 512, service: func(s *serviceConfig, v any) { s.Memory = as[int](v) }},
	{name: "containerMemory", kind: kindInt, def: 256, service: func(s *serviceConfig, v any) { s.ContainerMemory = as[int](v) }},
	{name: "desiredCount", kind: kindInt, def: 2, service: func(s *serviceConfig, v any) { s.DesiredCount = as[int](v) }},
	{name: "healthCheckPath", kind: kindString, def: "/", service: func(s *serviceConfig, v any) { s.HealthCheckPath = as[string](v) }},
	{name: "healthCheckInterval", kind: kindInt, def: 10, service: func(s *serviceConfig, v any) { s.HealthCheckInterval = as[int](v) }},
	{name: "healthCheckTimeout", kind: kindInt, def: 5, service: func(s *serviceConfig, v any) { s.HealthCheckTimeout = as[int](v) }},
	{name: "healthCheckGracePeriod", kind: kindInt, def: 60, service: func(s *serviceConfig, v any) { s.HealthCheckGracePeriod = as[int](v) }},
	{name: "deregistrationDelay", kind: kindInt, def: 10, service: func(s *serviceConfig, v any) { s.DeregistrationDelay = as[int](v) }},
	{name: "priority", kind: kindInt, def: 1, service: func(s *serviceConfig, v any) { s.Priority = as[int](v) }},
	{name: "pathPatterns", kind: kindStrings, def: []string{"*"}, service: func(s *serviceConfig, v any) { s.PathPatterns = as[[]string](v) }},
	{name: "hostHeaders", kind: kindStrings, def: []string{}, service: func(s *serviceConfig, v any) { s.HostHeaders = as[[]string](v) }},
	{name: "logRetentionDays", kind: kindInt, def: 30, service: func(s *serviceConfig, v any) { s.LogRetentionDays = as[int](v) }},
	{name: "internal", kind: kindBool, def: false, service: func(s *serviceConfig, v any) { s.Internal = as[bool](v) }},
	{name: "internalPort", kind: kindInt, def: 0, service: func(s *serviceConfig, v any) { s.InternalPort = as[int](v) }},
	{name: "spot", kind: kindBool, def: false, service: func(s *serviceConfig, v any) { s.Spot = as[bool](v) }},
	{name: "capacityProviderStrategy", kind: kindObjects, def: []any{}, list: true,
		fields:  []field{{"capacityProvider", kindString}, {"base", kindInt}, {"weight", kindInt}},
		service: func(s *serviceConfig, v any) { s.CapacityProviderStrategy = toStrategy(as[[]object](v)) }},
	{name: "enableExecuteCommand", kind: kindBool, def: false, service: func(s *serviceConfig, v any) { s.EnableExecuteCommand = as[bool](v) }},
	{name: "autoscaling", kind: kindObjects, def: map[string]any{},
		fields:  []field{{"min", kindInt}, {"max", kindInt}, {"cpuTarget", kindInt}, {"requestsPerTarget", kindInt}},
		service: func(s *serviceConfig, v any) { s.Autoscaling = toAutoscaling(as[object](v)) }},
	{name: "containerHealthCheck", kind: kindObjects, def: map[string]any{},
		fields:  []field{{"command", kindStrings}, {"interval", kindInt}, {"timeout", kindInt}, {"retries", kindInt}, {"startPeriod", kindInt}},
		service: func(s *serviceConfig, v any) { s.ContainerHealthCheck = toContainerHealthCheck(as[object](v)) }},
	{name: "imageCredentialsSecretArn", kind: kindString, def: "", service: func(s *serviceConfig, v any) { s.ImageCredentialsSecretArn = as[string](v) }},
	{name: "taskIdentity", kind: kindBool, def: false, service: func(s *serviceConfig, v any) { s.TaskIdentity = as[bool](v) }},
	// the workload: its settings, its secrets, its CPU
	{name: "environment", kind: kindStringMap, def: map[string]string{}, service: func(s *serviceConfig, v any) { s.Environment = mergeMaps(s.Environment, as[map[string]string](v)) }},
	{name: "secrets", kind: kindStringMap, def: map[string]string{}, service: func(s *serviceConfig, v any) { s.Secrets = mergeMaps(s.Secrets, as[map[string]string](v)) }},
	{name: "secretsKmsKeyArn", kind: kindString, def: "", service: func(s *serviceConfig, v any) { s.SecretsKmsKeyArn = as[string](v) }},
	{name: "cpuArchitecture", kind: kindString, def: "X86_64", service: func(s *serviceConfig, v any) { s.CpuArchitecture = as[string](v) }},
}

// lookupSetting returns the registry entry for a key.
func lookupSetting(name string) (setting, bool) {
	for _, s := range settings {
		if s.name == name {
			return s, true
		}
	}
	return setting{}, false
}

// settingDefault is a setting's default, from the registry.
func settingDefault[T any](name string) T {
	s, _ := lookupSetting(name)
	return as[T](s.def)
}

// stackConfig is the whole, validated stack configuration.
type stackConfig struct {
	Network  networkConfig
	Ingress  ingressConfig
	Services []serviceConfig
	// Logs, metrics, alarms and the web application firewall (logging.go, alarms.go, waf.go).
	Operations operationsConfig
	// Preflight compares what the config needs with the account's quotas before anything
	// is created (preflight.go).
	Preflight bool
}

type networkConfig struct {
	VpcCidr      string
	AzCount      int
	NatGateways  string // perAz | single | none
	VpcEndpoints bool   // interface endpoints for ECR and CloudWatch Logs, S3 gateway endpoint
	ExecEndpoint bool   // some service has ECS Exec: with VpcEndpoints, an ssmmessages endpoint too

	// An existing VPC the stack deploys into instead of creating one: its public subnets
	// take the NLB and its Elastic IPs, its private subnets the ALB and the tasks. The
	// subnets are looked up and checked before anything is registered (existingvpc.go).
	VpcID            string
	PublicSubnetIDs  []string
	PrivateSubnetIDs []string
}

// existing reports whether the stack deploys into an existing VPC.
func (n networkConfig) existing() bool { return n.VpcID != "" }

// natGatewayIn reports whether the stack creates a NAT gateway in the az-th AZ: in each
// (perAz), in the first (single), or none, and never in an existing VPC.
func (n networkConfig) natGatewayIn(az int) bool {
	return !n.existing() && (n.NatGateways == "perAz" || (n.NatGateways == "single" && az == 0))
}

type ingressConfig struct {
	ListenerPort               int    // NLB TCP listener, the port partners connect to
	ListenerProtocol           string // only TCP can forward to an ALB-type target group
	AlbListenerPort            int    // internal ALB HTTP listener
	AlbTargetGroupPort         int    // port of the NLB's ALB-type target group; must equal AlbListenerPort
	NlbHealthCheckPath         string // HTTP path the NLB probes through the ALB to a task (resolved: never "")
	NlbHealthCheckRulePriority int    // ALB rule that routes NlbHealthCheckPath to the first service
	DeletionProtection         bool

	// TLS ends on the ALB: a TLS listener on the NLB cannot forward to an ALB-type target
	// group, so the NLB passes TCP on HTTPSListenerPort through to the ALB's HTTPS listener.
	CertificateArn    string
	CreateCertificate bool // an ACM certificate for Domain, DNS-validated in the hosted zone
	HTTPSListenerPort int  // NLB TCP listener, ALB HTTPS listener and their target group
	SslPolicy         string
	RedirectHTTP      bool // the HTTP listener answers 301 to HTTPS
	Domain            string
	HostedZoneID      string
	HostedZoneName    string
	PrivateLink       *privateLinkConfig // nil: no endpoint service

	// The NLB's Elastic IPs: the user's own, one per AZ in AZ order (never released by the
	// stack), or, when empty, allocated by the stack and kept on destroy if RetainStaticIPs.
	EipAllocationIDs []string
	RetainStaticIPs  bool
}

// operationsConfig is the operations and security baseline: where the logs go, what is
// measured, who is told when it breaks, and what filters requests before the ALB.
type operationsConfig struct {
	AccessLogs             bool   // ALB and NLB access logs to an S3 bucket the stack creates
	AccessLogRetentionDays int    // the bucket's lifecycle expires logs after this many days
	ContainerInsights      string // the cluster's setting: enabled | enhanced | disabled

	// Alarms notify an SNS topic the stack creates; AlarmEmail subscribes an address.
	AlarmEmail          string
	AlarmTarget5xxCount int // ALB target 5xx responses in 5 minutes
	AlarmP99LatencyMs   int // ALB p99 target response time, over 5 minutes
	AlarmCPUPercent     int // a service's average CPU utilisation, over 5 minutes
	AlarmMemoryPercent  int // and memory utilisation

	FlowLogs             bool // VPC flow logs to CloudWatch Logs
	FlowLogRetentionDays int
	Waf                  bool // a WAFv2 web ACL on the ALB
	WafRateLimit         int  // requests per client IPv4 address in 5 minutes
}

// privateLinkConfig offers the NLB to partners as a VPC endpoint service.
type privateLinkConfig struct {
	AllowedPrincipals         []string
	AcceptanceRequired        bool
	EnforceSecurityGroupRules bool
}

// https reports whether the ALB terminates TLS.
func (in ingressConfig) https() bool { return in.CertificateArn != "" || in.CreateCertificate }

type serviceConfig struct {
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
	Priority               int
	PathPatterns           []string
	HostHeaders            []string
	LogRetentionDays       int
	// Internal services get their own ALB listener port, reachable from inside the VPC only.
	Internal                 bool
	InternalPort             int
	Spot                     bool
	CapacityProviderStrategy []capacityProviderStrategy
	EnableExecuteCommand     bool
	Autoscaling              *autoscalingConfig // nil: fixed desiredCount
	// The container's own health check (ECS's), for an image other than the bundled app;
	// nil: the bundled app's probe, or none.
	ContainerHealthCheck *containerHealthCheck
	// A Secrets Manager secret with the user name and password of a private registry
	// outside ECR, for image.
	ImageCredentialsSecretArn string
	// The bundled app's /whoami: the task's ARN (with the account id), AZ and private IP.
	TaskIdentity bool
	// Environment variables, plain text in the task definition; Secrets are variables
	// whose values ECS reads at task start from SSM Parameter Store or Secrets Manager
	// (name → ARN), so only the ARNs are in the definition and the state.
	Environment map[string]string
	Secrets     map[string]string
	// The customer managed KMS key the secrets are encrypted with, which the execution
	// role may then use to decrypt; "" for AWS managed keys.
	SecretsKmsKeyArn string
	CpuArchitecture  string // X86_64 | ARM64: the task's runtime platform and the image's

	path string // where the service is configured, for error messages: "" or "services[1]."
}

// containerHealthCheck is ECS's container health check; a zero number means ECS's default.
type containerHealthCheck struct {
	Command     []string
	Interval    int
	Timeout     int
	Retries     int
	StartPeriod int
}

type capacityProviderStrategy struct {
	CapacityProvider string
	Base             int
	Weight           int
}

type autoscalingConfig struct {
	Min               int
	Max               int
	CpuTarget         int // average CPU %, 0: no CPU policy
	RequestsPerTarget int // ALB requests per task, 0: no request policy
}

// object is a decoded structured value: its known fields, each of its kind's Go type.
type object map[string]any

// toPrivateLink is the privateLink object's config; both safety switches default to on.
func toPrivateLink(o object) *privateLinkConfig {
	if o == nil {
		return nil
	}
	pl := &privateLinkConfig{AllowedPrincipals: as[[]string](o["allowedPrincipals"]), AcceptanceRequired: true, EnforceSecurityGroupRules: true}
	if b, ok := o["acceptanceRequired"].(bool); ok {
		pl.AcceptanceRequired = b
	}
	if b, ok := o["enforceSecurityGroupRules"].(bool); ok {
		pl.EnforceSecurityGroupRules = b
	}
	return pl
}

func toAutoscaling(o object) *autoscalingConfig {
	if o == nil {
		return nil
	}
	return &autoscalingConfig{Min: as[int](o["min"]), Max: as[int](o["max"]), CpuTarget: as[int](o["cpuTarget"]), RequestsPerTarget: as[int](o["requestsPerTarget"])}
}

func toContainerHealthCheck(o object) *containerHealthCheck {
	if o == nil {
		return nil
	}
	return &containerHealthCheck{Command: as[[]string](o["command"]), Interval: as[int](o["interval"]),
		Timeout: as[int](o["timeout"]), Retries: as[int](o["retries"]), StartPeriod: as[int](o["startPeriod"])}
}

func toStrategy(items []object) []capacityProviderStrategy {
	var out []capacityProviderStrategy
	for _, o := range items {
		out = append(out, capacityProviderStrategy{CapacityProvider: as[string](o["capacityProvider"]), Base: as[int](o["base"]), Weight: as[int](o["weight"])})
	}
	return out
}

// mergeMaps is base with over's entries added, over winning on a name in both. It never
// changes base, which the top-level settings share with every service entry.
func mergeMaps(base, over map[string]string) map[string]string {
	out := maps.Clone(base)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, over)
	return out
}

// dnsName is a DNS name as Route 53 keeps it: lowercase, without the final dot.
func dnsName(s string) string { return strings.TrimSuffix(strings.ToLower(s), ".") }

// as is v as a T, or T's zero value: decoded values have their kind's type, so a
// mismatch is a registry bug, which the config tests catch, not a crash.
func as[T any](v any) T {
	t, _ := v.(T)
	return t
}

// capacityStrategy is the service's capacity provider strategy: `spot` is shorthand for
// all FARGATE_SPOT, and without either setting all tasks run on FARGATE. A service always
// has a strategy, never a launch type: the provider replaces a service whose strategy goes
// from none to some or back, but changes one strategy to another in place.
func (s serviceConfig) capacityStrategy() []capacityProviderStrategy {
	switch {
	case s.Spot:
		return []capacityProviderStrategy{{CapacityProvider: "FARGATE_SPOT", Weight: 1}}
	case len(s.CapacityProviderStrategy) > 0:
		return s.CapacityProviderStrategy
	}
	return []capacityProviderStrategy{{CapacityProvider: "FARGATE", Weight: 1}}
}

// builtFromBundledApp reports whether the image is built from this repository's app/,
// whose binary supports the `-healthcheck` probe and a read-only root filesystem.
func (s serviceConfig) builtFromBundledApp() bool {
	return s.Image == "" && strings.TrimSuffix(strings.TrimPrefix(s.Build, "./"), "/") == "app"
}

// defaultServiceName names the single service of a stack without `services`.
const defaultServiceName = "web"

// loadConfig reads the project's stack config once into typed values, checks every rule,
// and returns all problems together. It registers nothing, so a bad config stops
// `pulumi preview` before any resource exists.
func loadConfig(ctx *pulumi.Context) (*stackConfig, error) {
	r := &configReader{cfg: config.New(ctx, ""), problems: &problems{},
		secret: func(key string) bool { return ctx.IsConfigSecret(ctx.Project() + ":" + key) }}
	r.reportUnknownKeys(ctx.Project(), os.Getenv("PULUMI_CONFIG"))

	c := &stackConfig{}
	base := serviceConfig{Name: defaultServiceName}
	for _, s := range settings {
		v := r.read(s)
		if s.perService() {
			s.service(&base, v)
		} else {
			s.stack(c, v)
		}
	}
	if r.secret("environment") {
		r.refusePlainSecret("environment")
	}
	c.Services = r.services(base)
	for _, svc := range c.Services {
		c.Network.ExecEndpoint = c.Network.ExecEndpoint || svc.EnableExecuteCommand
	}
	c.validate(r.problems)
	if err := r.problems.err(); err != nil {
		return nil, err
	}
	c.Ingress.NlbHealthCheckPath = c.nlbProbePath()
	return c, nil
}

// nlbProbePath is the path the NLB's health check asks for through the ALB:
// nlbHealthCheckPath when set, else the first public service's own. That is /healthz for
// the bundled app, which turns it 503 while draining, and otherwise the service's ALB
// health-check path, which the ALB already shows the service answers.
func (c *stackConfig) nlbProbePath() string {
	if c.Ingress.NlbHealthCheckPath != "" {
		return c.Ingress.NlbHealthCheckPath
	}
	for _, s := range c.Services {
		if s.Internal {
			continue
		}
		if s.builtFromBundledApp() {
			return bundledAppHealthPath
		}
		return s.HealthCheckPath
	}
	return bundledAppHealthPath // validation guarantees a public service
}

// bundledAppHealthPath is the bundled app's health endpoint.
const bundledAppHealthPath = "/healthz"

// configReader reads raw config values and decodes them into typed ones, recording a
// problem for each value of the wrong type.
type configReader struct {
	cfg      *config.Config
	problems *problems
	secret   func(key string) bool // the key is a Pulumi secret (set with --secret)
}

// refusePlainSecret reports an environment that is a Pulumi secret: its values would
// still be plain text in the task definition, the console and the API, where Pulumi's
// encryption does not reach. Secret values belong in SSM or Secrets Manager (secrets).
func (r *configReader) refusePlainSecret(path string) {
	r.problems.add(path, "is a Pulumi secret (set with --secret), but environment values are plain text in the task definition; put the value in SSM Parameter Store or Secrets Manager and name its ARN under secrets")
}

func (r *configReader) raw(name string) (string, bool) {
	v, err := r.cfg.Try(name)
	return v, err == nil
}

// read is a setting's decoded value: what the stack sets, or its default, which also
// stands in for a value of the wrong type.
func (r *configReader) read(s setting) any {
	raw, set := r.raw(s.name)
	if set {
		if v, ok := r.decode(s, s.name, raw); ok {
			return v
		}
	}
	v, _ := r.decode(s, s.name, s.def)
	return v
}

// decode type-checks v for s: a raw string from the stack config, a JSON value inside a
// `services` entry, or a default. It reports a wrong type at path and returns false.
func (r *configReader) decode(s setting, path string, v any) (any, bool) {
	if s.kind == kindObjects {
		return r.structured(s, path, v)
	}
	typed, msg := coerce(s.kind, v)
	if msg != "" {
		r.problems.typeError(path, "invalid value %s: %s", describe(v), msg)
		return nil, false
	}
	return typed, true
}

// structured type-checks an object (or list of objects) setting field by field, reporting
// unknown fields with a suggestion and wrong types with the field's path; the fields that
// check out are kept.
func (r *configReader) structured(s setting, path string, v any) (any, bool) {
	if text, ok := v.(string); ok { // top-level structured values arrive as JSON text
		if err := json.Unmarshal([]byte(text), &v); err != nil {
			r.problems.typeError(path, "invalid value %s: must be JSON/YAML structured config", quote(text))
			return nil, false
		}
	}
	if !s.list {
		o, ok := r.object(s.fields, path, v)
		return o, ok
	}
	items, ok := v.([]any)
	if !ok {
		r.problems.typeError(path, "invalid value %s: must be a list of objects", compactJSON(v))
		return nil, false
	}
	out := make([]object, 0, len(items))
	for i, it := range items {
		if o, _ := r.object(s.fields, fmt.Sprintf("%s[%d]", path, i), it); o != nil {
			out = append(out, o)
		}
	}
	return out, true
}

// object type-checks the fields of one structured value; an empty object is nil (unset).
func (r *configReader) object(fields []field, path string, v any) (object, bool) {
	obj, ok := v.(map[string]any)
	if !ok {
		r.problems.typeError(path, "invalid value %s: must be an object", compactJSON(v))
		return nil, false
	}
	if len(obj) == 0 {
		return nil, true
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	out := object{}
	for _, key := range slices.Sorted(maps.Keys(obj)) {
		i := slices.Index(names, key)
		if i < 0 {
			r.problems.typeError(path+"."+key, "unknown setting%s", suggestion(key, names))
			continue
		}
		typed, msg := coerce(fields[i].kind, obj[key])
		if msg != "" {
			r.problems.typeError(path+"."+key, "invalid value %s: %s", compactJSON(obj[key]), msg)
			continue
		}
		out[key] = typed
	}
	return out, true
}

// services returns the services to deploy: the entries of `services`, each starting from
// base (the top-level service settings), or base alone as the service "web".
func (r *configReader) services(base serviceConfig) []serviceConfig {
	raw, set := r.raw("services")
	if !set || strings.TrimSpace(raw) == "" || strings.TrimSpace(raw) == "[]" {
		return []serviceConfig{base}
	}
	var entries []any
	if err := json.Unmarshal([]byte(raw), &entries); err != nil {
		r.problems.typeError("services", "invalid value %s: must be a list of service objects", quote(raw))
		return []serviceConfig{base}
	}
	out := make([]serviceConfig, 0, len(entries))
	for i, e := range entries {
		path := fmt.Sprintf("services[%d].", i)
		entry, ok := e.(map[string]any)
		if !ok {
			r.problems.typeError(strings.TrimSuffix(path, "."), "invalid value %s: must be an object with at least a name", compactJSON(e))
			continue
		}
		svc := base
		svc.Name, svc.path = "", path
		for _, key := range slices.Sorted(maps.Keys(entry)) {
			if key == "environment" && r.secret("services") {
				r.refusePlainSecret(path + key)
			}
			r.serviceField(&svc, path, key, entry[key])
		}
		out = append(out, svc)
	}
	return out
}

// serviceField decodes one key of a `services` entry into svc; a value of the wrong type
// leaves the inherited one.
func (r *configReader) serviceField(svc *serviceConfig, path, key string, v any) {
	if key == "name" {
		name, ok := v.(string)
		if !ok {
			r.problems.typeError(path+key, "invalid value %s: must be a string", compactJSON(v))
			return
		}
		svc.Name = name
		return
	}
	s, ok := lookupSetting(key)
	if !ok || !s.perService() {
		r.problems.typeError(path+key, "unknown setting%s", suggestion(key, serviceKeys()))
		return
	}
	if typed, ok := r.decode(s, path+key, v); ok {
		s.service(svc, typed)
	}
}

// coerce converts a config value (a raw string from the stack config, or a JSON value
// inside a structured setting) to the setting's Go type. It returns a reason when the
// value has the wrong type.
func coerce(k kind, v any) (any, string) {
	switch k {
	case kindString:
		if s, ok := v.(string); ok {
			return s, ""
		}
		return nil, "must be a string"
	case kindInt:
		switch x := v.(type) {
		case int:
			return x, ""
		case float64:
			if x == float64(int(x)) {
				return int(x), ""
			}
		case string:
			if n, err := strconv.Atoi(strings.TrimSpace(x)); err == nil {
				return n, ""
			}
		}
		return nil, "must be a whole number"
	case kindBool:
		switch x := v.(type) {
		case bool:
			return x, ""
		case string:
			if b, err := strconv.ParseBool(x); err == nil {
				return b, ""
			}
		}
		return nil, "must be true or false"
	case kindStrings:
		if s, ok := v.([]string); ok {
			return s, ""
		}
		if s, ok := v.(string); ok { // top-level arrays arrive as JSON text
			var decoded any
			if err := json.Unmarshal([]byte(s), &decoded); err != nil {
				return nil, "must be a list of strings"
			}
			v = decoded
		}
		items, ok := v.([]any)
		if !ok {
			return nil, "must be a list of strings"
		}
		out := make([]string, 0, len(items))
		for _, it := range items {
			s, ok := it.(string)
			if !ok {
				return nil, "must be a list of strings"
			}
			out = append(out, s)
		}
		return out, ""
	case kindStringMap:
		return coerceStringMap(v)
	}
	return nil, fmt.Sprintf("has kind %q, which the program cannot read", k)
}

// coerceStringMap reads a map of names to values. A scalar value is taken as its text
// (YAML writes WORKERS: 4 as a number; ECS holds every value as a string); a list, an
// object or null is refused.
func coerceStringMap(v any) (any, string) {
	const want = "must be a map of names to strings, e.g. {LOG_LEVEL: info}"
	if s, ok := v.(string); ok { // top-level maps arrive as JSON text
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return nil, want
		}
	}
	if m, ok := v.(map[string]string); ok {
		return m, ""
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, want
	}
	out := make(map[string]string, len(obj))
	for name, x := range obj {
		switch x := x.(type) {
		case string:
			out[name] = x
		case float64:
			out[name] = strconv.FormatFloat(x, 'f', -1, 64)
		case bool:
			out[name] = strconv.FormatBool(x)
		default:
			return nil, fmt.Sprintf("%s; the value of %s is %s", want, name, compactJSON(x))
		}
	}
	return out, ""
}

// reportUnknownKeys flags keys in the project's namespace that no setting reads: a typo
// such as `desiredcount` must not be silently ignored. The Go SDK hands the program its
// whole config through PULUMI_CONFIG, in real runs and under mocks alike.
func (r *configReader) reportUnknownKeys(project, pulumiConfig string) {
	if pulumiConfig == "" {
		return
	}
	var all map[string]any
	if err := json.Unmarshal([]byte(pulumiConfig), &all); err != nil {
		return // the SDK itself rejects malformed PULUMI_CONFIG
	}
	known := topLevelKeys()
	for _, full := range slices.Sorted(maps.Keys(all)) {
		key, ok := strings.CutPrefix(full, project+":")
		if !ok {
			continue // another namespace, e.g. aws:region
		}
		if !slices.Contains(known, key) {
			r.problems.typeError(key, "unknown setting%s", suggestion(key, known))
		}
	}
}

func topLevelKeys() []string {
	keys := []string{"services"}
	for _, s := range settings {
		keys = append(keys, s.name)
	}
	return keys
}

func serviceKeys() []string {
	keys := []string{"name"}
	for _, s := range settings {
		if s.perService() {
			keys = append(keys, s.name)
		}
	}
	return keys
}

// suggestion names the closest valid key, matched case-insensitively or within a small
// edit distance, e.g. `; did you mean "desiredCount"?`.
func suggestion(key string, valid []string) string {
	best, bestDist := "", 4
	for _, v := range valid {
		if strings.EqualFold(v, key) {
			return fmt.Sprintf("; did you mean %q?", v)
		}
		if d := editDistance(strings.ToLower(key), strings.ToLower(v)); d < bestDist {
			best, bestDist = v, d
		}
	}
	if best == "" {
		return fmt.Sprintf("; valid settings: %s", strings.Join(valid, ", "))
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// problems collects every configuration problem, so one preview shows all mistakes. A
// value of the wrong type is reported once: the rules on it (and on others with it) are
// skipped, as they would only judge the default standing in for it.
type problems struct {
	list []string
	bad  map[string]bool // paths with a type error
}

// add records "path: message", the shape users know from Kubernetes and Copilot, unless
// the path already has a type error.
func (p *problems) add(path, format string, args ...any) {
	if p.bad[path] {
		return
	}
	p.list = append(p.list, path+": "+fmt.Sprintf(format, args...))
}

// typeError records a value of the wrong type (or an unknown key) at path.
func (p *problems) typeError(path, format string, args ...any) {
	p.add(path, format, args...)
	if p.bad == nil {
		p.bad = map[string]bool{}
	}
	p.bad[path] = true
}

// ok reports whether none of the paths has a type error, so a rule may read them.
func (p *problems) ok(paths ...string) bool {
	for _, path := range paths {
		if p.bad[path] {
			return false
		}
	}
	return true
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return &configError{Problems: p.list}
}

// configError lists every problem found in the stack config (or, with a Title, by the
// preflight), all of them at once.
type configError struct {
	Title    string // "" is "invalid stack config"
	Problems []string
}

func (e *configError) Error() string {
	title, noun := e.Title, "problem"
	if title == "" {
		title = "invalid stack config"
	}
	if len(e.Problems) > 1 {
		noun = "problems"
	}
	return fmt.Sprintf("%s (%d %s; nothing was deployed):\n  - %s",
		title, len(e.Problems), noun, strings.Join(e.Problems, "\n  - "))
}

func quote(s string) string { return strconv.Quote(s) }

// describe shows a value as the user wrote it: a string quoted, anything else as JSON.
func describe(v any) string {
	if s, ok := v.(string); ok {
		return quote(s)
	}
	return compactJSON(v)
}

func compactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
