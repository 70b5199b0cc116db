package main

import (
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Limits the stack enforces, from AWS's documented quotas where one exists.
const (
	minAzCount       = 2  // an ALB needs subnets in at least two AZs
	maxAzCount       = 6  // the most AZs any commercial region offers
	minVpcPrefix     = 16 // AWS allows VPC CIDRs from /16 ...
	maxAlbSubnetBits = 27 // an ALB subnet must be /27 or larger (with 8 free addresses)
	// ... and we stop where the 16 subnet blocks (see network.go) are still /27s: a /23.
	maxVpcPrefix     = maxAlbSubnetBits - subnetBlockBits
	maxPriority      = 50000
	maxRuleValues    = 5    // condition values per ALB listener rule
	maxPatternLength = 128  // characters per path pattern or host header
	maxDesiredCount  = 5000 // ECS quota: tasks per service
	maxHealthPath    = 1024
	maxServiceName   = 20 // leaves room for Pulumi's suffix in 32-character target group names
)

// Valid task CPU (units) and memory (MiB) pairs for Fargate.
var fargateMemory = map[int][]int{
	256:   {512, 1024, 2048},
	512:   steps(1024, 4096, 1024),
	1024:  steps(2048, 8192, 1024),
	2048:  steps(4096, 16384, 1024),
	4096:  steps(8192, 30720, 1024),
	8192:  steps(16384, 61440, 4096),
	16384: steps(32768, 122880, 8192),
}

// CloudWatch Logs' allowed retention periods in days; 0 keeps logs forever.
var logRetentionDays = []int{0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
	1096, 1827, 2192, 2557, 2922, 3288, 3653}

var natGatewayModes = []string{"perAz", "single", "none"}

// imageReference is a practical subset of the OCI reference grammar:
// [registry[:port]/]repository[:tag][@sha256:digest].
var imageReference = regexp.MustCompile(`^(?:(?:[a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+(?::[0-9]+)?/)?` +
	`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*` +
	`(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`)

var ecrImage = regexp.MustCompile(`^[0-9]{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/`)

var serviceName = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

var (
	certificateArnPattern = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}$`)
	hostedZoneIDPattern   = regexp.MustCompile(`^Z[A-Z0-9]{1,32}$`)
	dnsLabel              = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	principalArn          = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:(root|role/[\w+=,.@/-]+|user/[\w+=,.@/-]+)$`)
)

// ALB security policies with TLS 1.3 (the TLS13 family).
var sslPolicies = []string{
	"ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
	"ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
	"ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
	"ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
}

// validate checks every rule and records each broken one; it never stops at the first.
func (c *stackConfig) validate(p *problems) {
	c.Network.validateExisting(p)
	c.Network.validate(p, c.Services)
	c.Ingress.validate(p)
	c.Ingress.validateStaticIPs(p, c.Network.AzCount)
	c.validateServices(p)
	c.Operations.validate(p)
}

// containerInsightsModes are the values of the ECS cluster setting containerInsights.
var containerInsightsModes = []string{"enabled", "enhanced", "disabled"}

// emailAddress is what SNS takes as an email endpoint: one address, no display name.
var emailAddress = regexp.MustCompile(`^[^@\s<>,;"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)

// WAF's bounds of a rate-based rule's limit (requests per evaluation window).
const (
	minWafRateLimit = 100 // WAF allows 10; pulumi-aws v6 still checks 100 (pulumi-aws issue 5841)
	maxWafRateLimit = 2000000000
)

// validate checks the operations settings; thresholds are checked even while what uses
// them is off, so turning it on later cannot fail.
func (o operationsConfig) validate(p *problems) {
	checkRange(p, "accessLogRetentionDays", o.AccessLogRetentionDays, 1, 3650)
	if !slices.Contains(containerInsightsModes, o.ContainerInsights) {
		p.add("containerInsights", "unsupported value %q: supported values %s", o.ContainerInsights, quoteAll(containerInsightsModes))
	}
	if o.AlarmEmail != "" && !emailAddress.MatchString(o.AlarmEmail) {
		p.add("alarmEmail", "invalid value %q: must be one email address such as ops@example.com", o.AlarmEmail)
	}
	checkRange(p, "alarmTarget5xxCount", o.AlarmTarget5xxCount, 1, 1000000)
	checkRange(p, "alarmP99LatencyMs", o.AlarmP99LatencyMs, 1, 4000000) // the ALB's longest idle timeout
	checkRange(p, "alarmCpuPercent", o.AlarmCPUPercent, 1, 100)
	checkRange(p, "alarmMemoryPercent", o.AlarmMemoryPercent, 1, 100)
	if !slices.Contains(logRetentionDays, o.FlowLogRetentionDays) {
		p.add("flowLogRetentionDays", "unsupported value %d: CloudWatch Logs allows %s (0 keeps logs forever)", o.FlowLogRetentionDays, joinInts(logRetentionDays))
	}
	checkRange(p, "wafRateLimit", o.WafRateLimit, minWafRateLimit, maxWafRateLimit)
}

// ec2IDPattern matches an EC2 id with its prefix: "eipalloc-", "vpc-", "subnet-" and 8
// or 17 hex digits.
func ec2IDPattern(prefix string) *regexp.Regexp {
	return regexp.MustCompile(`^` + prefix + `-([0-9a-f]{8}|[0-9a-f]{17})$`)
}

// eipAllocationID is an Elastic IP's allocation id.
var eipAllocationID = ec2IDPattern("eipalloc")

// validateStaticIPs checks the user's own Elastic IPs: one per AZ, well formed, each once.
// Whether they exist and are free is looked up later (lookupOwnEIPs).
func (in ingressConfig) validateStaticIPs(p *problems, azCount int) {
	ids := in.EipAllocationIDs
	if len(ids) == 0 {
		return
	}
	if len(ids) != azCount && p.ok("azCount") {
		p.add("eipAllocationIds", "invalid value: %d allocation ids for azCount %d: give one Elastic IP per AZ, in AZ order", len(ids), azCount)
	}
	seen := map[string]int{}
	for i, id := range ids {
		key := fmt.Sprintf("eipAllocationIds[%d]", i)
		if !eipAllocationID.MatchString(id) {
			p.add(key, "invalid value %q: must be an Elastic IP allocation id such as eipalloc-0123456789abcdef0", id)
		} else if j, dup := seen[id]; dup {
			p.add(key, "duplicate value %q: already used by eipAllocationIds[%d]; each AZ needs an Elastic IP of its own", id, j)
		}
		seen[id] = i
	}
}

func (n networkConfig) validate(p *problems, services []serviceConfig) {
	checkRange(p, "azCount", n.AzCount, minAzCount, maxAzCount)
	n.validateCidr(p)
	if !slices.Contains(natGatewayModes, n.NatGateways) {
		p.add("natGateways", "unsupported value %q: supported values %s", n.NatGateways, quoteAll(natGatewayModes))
	}
	if n.existing() || n.NatGateways != "none" || !p.ok("vpcEndpoints") {
		return
	}
	// Without NAT, private subnets have no IPv4 route out; the ECS agent pulls images
	// and ships logs over IPv4, so it needs VPC endpoints, and those only reach ECR.
	if !n.VpcEndpoints {
		p.add("natGateways", `invalid value "none": tasks in private subnets must pull their image from ECR and send logs to CloudWatch over IPv4; set vpcEndpoints: true to reach them through VPC endpoints, or use natGateways "single"`)
		return
	}
	for _, s := range services {
		if s.Image != "" && !ecrImage.MatchString(s.Image) && p.ok(s.path+"image") {
			p.add(s.path+"image", `invalid value %q with natGateways "none": without a NAT gateway tasks can pull only from ECR (through the VPC endpoints); push the image to ECR or use natGateways "single"`, s.Image)
		}
	}
}

// validateCidr checks the VPC block: IPv4, host bits clear, and room for the 16 equal
// subnet blocks of the layout (network.go), each large enough for an ALB.
func (n networkConfig) validateCidr(p *problems) {
	prefix, err := netip.ParsePrefix(n.VpcCidr)
	if err != nil || !prefix.Addr().Is4() {
		p.add("vpcCidr", "invalid value %q: must be an IPv4 CIDR block such as 10.0.0.0/16", n.VpcCidr)
		return
	}
	if prefix != prefix.Masked() {
		p.add("vpcCidr", "invalid value %q: host bits are set; did you mean %q?", n.VpcCidr, prefix.Masked().String())
		return
	}
	if prefix.Bits() < minVpcPrefix || prefix.Bits() > maxVpcPrefix {
		p.add("vpcCidr", "invalid value %q: prefix length must be between /%d and /%d: the VPC is split into %d equal blocks (a public and a private subnet for each of up to %d AZs, at fixed places so that adding an AZ never moves a subnet), and each must be /%d or larger to hold an ALB",
			n.VpcCidr, minVpcPrefix, maxVpcPrefix, 1<<subnetBlockBits, maxAzCount, maxAlbSubnetBits)
	}
}

func (in ingressConfig) validate(p *problems) {
	checkPort(p, "listenerPort", in.ListenerPort)
	checkPort(p, "albListenerPort", in.AlbListenerPort)
	checkPort(p, "albTargetGroupPort", in.AlbTargetGroupPort)
	switch strings.ToUpper(in.ListenerProtocol) {
	case "TCP":
		if in.ListenerProtocol != "TCP" {
			p.add("listenerProtocol", "unsupported value %q: write it as \"TCP\"", in.ListenerProtocol)
		}
	case "TLS":
		p.add("listenerProtocol", `unsupported value "TLS": a TLS listener on a Network Load Balancer cannot forward to an ALB-type target group; keep the NLB listener "TCP" and terminate TLS on the ALB (certificateArn)`)
	default:
		p.add("listenerProtocol", `unsupported value %q: an ALB-type target group accepts only TCP; supported values "TCP"`, in.ListenerProtocol)
	}
	if in.AlbTargetGroupPort != in.AlbListenerPort && p.ok("albListenerPort") {
		p.add("albTargetGroupPort", "invalid value %d: an ALB-type target group's port must equal the port of the ALB listener it targets (albListenerPort is %d); set both to the same port",
			in.AlbTargetGroupPort, in.AlbListenerPort)
	}
	if in.NlbHealthCheckPath != "" { // unset follows the first public service
		checkHTTPPath(p, "nlbHealthCheckPath", in.NlbHealthCheckPath)
	}
	checkRange(p, "nlbHealthCheckRulePriority", in.NlbHealthCheckRulePriority, 1, maxPriority)
	in.validateHTTPS(p)
	in.validateDNS(p)
	in.validatePrivateLink(p)
}

func (in ingressConfig) validateHTTPS(p *problems) {
	if in.CertificateArn != "" && !certificateArnPattern.MatchString(in.CertificateArn) {
		p.add("certificateArn", "invalid value %q: must be an ACM certificate ARN such as arn:aws:acm:us-east-1:123456789012:certificate/0e6c3c2f-1234-4abc-9def-0123456789ab", in.CertificateArn)
	}
	if in.CertificateArn != "" && in.CreateCertificate {
		p.add("createCertificate", "conflicts with certificateArn: use an existing certificate or create one, not both")
	}
	if in.CreateCertificate && (in.Domain == "" || (in.HostedZoneID == "" && in.HostedZoneName == "")) {
		p.add("createCertificate", "missing value: a created certificate is for domain and is validated in its hosted zone; set domain and hostedZoneId (or hostedZoneName)")
	}
	if !in.https() {
		return
	}
	checkPort(p, "httpsListenerPort", in.HTTPSListenerPort)
	// The NLB listens on both ports, and the ALB-type target groups' ports must equal
	// the ALB listeners' ports, so the HTTPS port cannot be either HTTP port.
	for key, port := range map[string]int{"listenerPort": in.ListenerPort, "albListenerPort": in.AlbListenerPort} {
		if in.HTTPSListenerPort == port && p.ok(key) {
			p.add("httpsListenerPort", "duplicate value %d: already used by %s; the NLB and the ALB need a separate port for HTTPS", port, key)
		}
	}
	if !slices.Contains(sslPolicies, in.SslPolicy) {
		p.add("sslPolicy", "unsupported value %q: use a TLS 1.3 policy: %s", in.SslPolicy, quoteAll(sslPolicies))
	}
}

func (in ingressConfig) validateDNS(p *problems) {
	if in.Domain == "" {
		if in.HostedZoneID != "" || in.HostedZoneName != "" {
			p.add("domain", "missing value: a hosted zone is set, so give the name to create records for, e.g. api.example.com or the zone apex")
		}
		return
	}
	if !validDomain(in.Domain) {
		p.add("domain", "invalid value %q: must be a DNS name such as api.example.com (labels of letters, digits and hyphens, at most 253 characters)", in.Domain)
	}
	switch {
	case in.HostedZoneID == "" && in.HostedZoneName == "":
		p.add("hostedZoneId", "missing value: domain is set; give the Route 53 hosted zone that holds it (hostedZoneId or hostedZoneName)")
	case in.HostedZoneID != "" && in.HostedZoneName != "":
		p.add("hostedZoneName", "conflicts with hostedZoneId: give one of them")
	case in.HostedZoneID != "" && !hostedZoneIDPattern.MatchString(in.HostedZoneID):
		p.add("hostedZoneId", "invalid value %q: must be a Route 53 zone id such as Z0123456789ABCDEFGHIJ", in.HostedZoneID)
	case in.HostedZoneName != "" && !validDomain(in.HostedZoneName):
		p.add("hostedZoneName", "invalid value %q: must be a DNS name such as example.com", in.HostedZoneName)
	case in.HostedZoneName != "" && in.Domain != in.HostedZoneName && !strings.HasSuffix(in.Domain, "."+in.HostedZoneName):
		p.add("domain", "invalid value %q: is not inside hostedZoneName %q", in.Domain, in.HostedZoneName)
	}
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

func (in ingressConfig) validatePrivateLink(p *problems) {
	if in.PrivateLink == nil {
		return
	}
	for i, principal := range in.PrivateLink.AllowedPrincipals {
		if principal != "*" && !principalArn.MatchString(principal) {
			p.add(fmt.Sprintf("privateLink.allowedPrincipals[%d]", i), "invalid value %q: must be an IAM principal ARN such as arn:aws:iam::123456789012:root, or \"*\"", principal)
		}
	}
	if !in.PrivateLink.AcceptanceRequired && slices.Contains(in.PrivateLink.AllowedPrincipals, "*") {
		p.add("privateLink.acceptanceRequired", "invalid value false with allowedPrincipals \"*\": any AWS account could connect without approval; require acceptance or list the principals")
	}
}

func (c *stackConfig) validateServices(p *problems) {
	// Each value taken, by who took it; a value of the wrong type takes nothing.
	names, priorities, ports := map[string]string{}, map[int]string{}, map[int]string{}
	take := func(taken map[int]string, v int, key string) {
		if p.ok(key) {
			taken[v] = key
		}
	}
	// The NLB health-check rule shares the ALB listener, so its priority is taken too.
	take(priorities, c.Ingress.NlbHealthCheckRulePriority, "nlbHealthCheckRulePriority")
	// Internal services each get an ALB listener; the public listeners' ports are taken.
	take(ports, c.Ingress.AlbListenerPort, "albListenerPort")
	if c.Ingress.https() {
		take(ports, c.Ingress.HTTPSListenerPort, "httpsListenerPort")
	}
	var internal []string // services whose address the others get as <NAME>_URL
	for _, s := range c.Services {
		if s.Internal && p.ok(s.path+"internal") {
			internal = append(internal, s.Name)
		}
	}
	public := 0
	for _, s := range c.Services {
		s.validate(p)
		s.validateWorkload(p, internal)
		if other, dup := names[s.Name]; dup && s.Name != "" && p.ok(s.path+"name") {
			p.add(s.path+"name", "duplicate value %q: already used by %sname; service names must be unique", s.Name, other)
		}
		names[s.Name] = s.path
		switch {
		case !p.ok(s.path + "internal"):
			public++ // unknown: no uniqueness to check, and no "no public service" on its account
		case s.Internal:
			if other, dup := ports[s.InternalPort]; dup && s.InternalPort != 0 && p.ok(s.path+"internalPort") {
				p.add(s.path+"internalPort", "duplicate value %d: already used by %s; each internal service needs its own ALB listener port", s.InternalPort, other)
			}
			take(ports, s.InternalPort, s.path+"internalPort")
		default:
			public++
			if other, dup := priorities[s.Priority]; dup && p.ok(s.path+"priority") {
				p.add(s.path+"priority", "duplicate value %d: already used by %s; each ALB listener rule needs its own priority", s.Priority, other)
			}
			take(priorities, s.Priority, s.path+"priority")
		}
	}
	if public == 0 {
		p.add("services", "no public service: at least one service must have internal: false, because the NLB's health check is routed to the first public service")
	}
}

func (s serviceConfig) validate(p *problems) {
	key := func(k string) string { return s.path + k }
	if s.path != "" {
		switch {
		case s.Name == "":
			p.add(key("name"), "missing value: every service needs a name")
		case len(s.Name) > maxServiceName || !serviceName.MatchString(s.Name):
			p.add(key("name"), "invalid value %q: must start with a lowercase letter, contain only lowercase letters, digits and hyphens, and be at most %d characters", s.Name, maxServiceName)
		}
	}
	if s.Image != "" && (len(s.Image) > 255 || !imageReference.MatchString(s.Image)) {
		p.add(key("image"), "invalid value %q: must be an image reference such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.2.3 or public.ecr.aws/nginx/nginx:1.27 (registry/repository[:tag][@sha256:digest])", s.Image)
	}
	if s.Image == "" && strings.TrimSpace(s.Build) == "" {
		p.add(key("build"), `missing value: give a directory with a Dockerfile (default "./app"), or an image`)
	}
	checkPort(p, key("containerPort"), s.ContainerPort)
	s.validateSize(p)
	checkRange(p, key("desiredCount"), s.DesiredCount, 0, maxDesiredCount)
	checkHTTPPath(p, key("healthCheckPath"), s.HealthCheckPath)
	checkRange(p, key("healthCheckInterval"), s.HealthCheckInterval, 5, 300)
	checkRange(p, key("healthCheckTimeout"), s.HealthCheckTimeout, 2, 120)
	if s.HealthCheckTimeout >= s.HealthCheckInterval && p.ok(key("healthCheckInterval")) {
		p.add(key("healthCheckTimeout"), "invalid value %d: must be less than healthCheckInterval (%d)", s.HealthCheckTimeout, s.HealthCheckInterval)
	}
	checkRange(p, key("healthCheckGracePeriod"), s.HealthCheckGracePeriod, 0, 2147483647)
	checkRange(p, key("deregistrationDelay"), s.DeregistrationDelay, 0, 3600)
	if s.Internal {
		if s.InternalPort == 0 {
			p.add(key("internalPort"), "missing value: an internal service needs its own ALB listener port, e.g. 8081")
		} else {
			checkPort(p, key("internalPort"), s.InternalPort)
		}
	} else {
		checkRange(p, key("priority"), s.Priority, 1, maxPriority)
		s.validateConditions(p)
	}
	s.validateCapacity(p)
	s.validateAutoscaling(p)
	s.validateImageOptions(p)
	if !slices.Contains(logRetentionDays, s.LogRetentionDays) {
		p.add(key("logRetentionDays"), "unsupported value %d: CloudWatch Logs allows %s (0 keeps logs forever)", s.LogRetentionDays, joinInts(logRetentionDays))
	}
}

// validateSize checks the task size against Fargate's CPU/memory table and the container
// memory limit against the task.
func (s serviceConfig) validateSize(p *problems) {
	if !p.ok(s.path + "cpu") {
		return
	}
	mems, ok := fargateMemory[s.Cpu]
	if !ok {
		p.add(s.path+"cpu", "unsupported value %d: Fargate task CPU must be one of %s", s.Cpu, joinInts(sortedInts(fargateMemory)))
		return
	}
	if !p.ok(s.path + "memory") {
		return
	}
	if !slices.Contains(mems, s.Memory) {
		p.add(s.path+"memory", "invalid value %d for cpu %d: Fargate allows %s MiB", s.Memory, s.Cpu, describeSteps(mems))
		return
	}
	if s.ContainerMemory < 6 || s.ContainerMemory > s.Memory {
		p.add(s.path+"containerMemory", "invalid value %d: must be between 6 MiB and the task memory (%d)", s.ContainerMemory, s.Memory)
	}
}

// validateCapacity checks the capacity provider strategy against ECS's rules.
func (s serviceConfig) validateCapacity(p *problems) {
	key := s.path + "capacityProviderStrategy"
	if s.Spot && len(s.CapacityProviderStrategy) > 0 && p.ok(s.path+"spot") {
		p.add(s.path+"spot", "conflicts with capacityProviderStrategy: spot: true means all FARGATE_SPOT; set one or the other")
		return
	}
	seen, weights, bases := map[string]bool{}, 0, 0
	for i, c := range s.CapacityProviderStrategy {
		item := fmt.Sprintf("%s[%d]", key, i)
		if !slices.Contains(capacityProviders, c.CapacityProvider) {
			p.add(item+".capacityProvider", "unsupported value %q: supported values %s", c.CapacityProvider, quoteAll(capacityProviders))
		} else if seen[c.CapacityProvider] {
			p.add(item+".capacityProvider", "duplicate value %q: each provider may appear once", c.CapacityProvider)
		}
		seen[c.CapacityProvider] = true
		checkRange(p, item+".base", c.Base, 0, 100000)
		checkRange(p, item+".weight", c.Weight, 0, 1000)
		weights += c.Weight
		if c.Base > 0 {
			bases++
		}
	}
	if len(s.CapacityProviderStrategy) > 0 && weights == 0 {
		p.add(key, "invalid value: every weight is 0; at least one provider needs a weight above 0")
	}
	if bases > 1 {
		p.add(key, "invalid value: %d providers have a base; ECS allows a base on one provider only", bases)
	}
}

// validateAutoscaling checks the scaling bounds and targets.
func (s serviceConfig) validateAutoscaling(p *problems) {
	a := s.Autoscaling
	if a == nil {
		return
	}
	key := s.path + "autoscaling"
	checkRange(p, key+".min", a.Min, 0, maxDesiredCount)
	checkRange(p, key+".max", a.Max, 1, maxDesiredCount)
	switch {
	case !p.ok(key+".min", key+".max"):
	case a.Min > a.Max:
		p.add(key+".min", "invalid value %d: must not exceed autoscaling.max (%d)", a.Min, a.Max)
	case (s.DesiredCount < a.Min || s.DesiredCount > a.Max) && p.ok(s.path+"desiredCount"):
		p.add(s.path+"desiredCount", "invalid value %d: must be between autoscaling.min (%d) and autoscaling.max (%d)", s.DesiredCount, a.Min, a.Max)
	}
	if a.CpuTarget == 0 && a.RequestsPerTarget == 0 {
		p.add(key, "missing value: give cpuTarget (percent) and/or requestsPerTarget (ALB requests per task)")
	}
	if a.CpuTarget != 0 {
		checkRange(p, key+".cpuTarget", a.CpuTarget, 10, 90)
	}
	if a.RequestsPerTarget != 0 {
		checkRange(p, key+".requestsPerTarget", a.RequestsPerTarget, 1, 1000000)
	}
}

// ECS's limits on a container health check (HealthCheck in the ECS API reference).
var (
	healthCheckIntervalRange    = [2]int{5, 300}
	healthCheckTimeoutRange     = [2]int{2, 60}
	healthCheckRetriesRange     = [2]int{1, 10}
	healthCheckStartPeriodRange = [2]int{0, 300}
)

// secretArn is a Secrets Manager secret's full ARN: its name ends in a hyphen and the six
// characters Secrets Manager adds, which IAM needs to match the exact secret.
var secretArn = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):secretsmanager:([a-z0-9-]+):[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$`)

// validateImageOptions checks the settings for images other than the bundled app: the
// container health check, registry credentials, and the app's identity endpoint.
func (s serviceConfig) validateImageOptions(p *problems) {
	key := func(k string) string { return s.path + k }
	if hc := s.ContainerHealthCheck; hc != nil {
		hk := key("containerHealthCheck")
		switch {
		case len(hc.Command) == 0:
			p.add(hk+".command", `missing value: give the command as ECS takes it, e.g. ["CMD-SHELL", "curl -f http://localhost/ || exit 1"] or ["CMD", "/bin/probe"]`)
		case hc.Command[0] == "CMD-SHELL" && len(hc.Command) != 2:
			p.add(hk+".command", `invalid value %s: "CMD-SHELL" takes one shell command string after it`, compactJSON(hc.Command))
		case hc.Command[0] == "CMD" && len(hc.Command) < 2:
			p.add(hk+".command", `invalid value %s: "CMD" takes the program and its arguments after it`, compactJSON(hc.Command))
		case hc.Command[0] != "CMD" && hc.Command[0] != "CMD-SHELL":
			p.add(hk+".command", `invalid value %s: must start with "CMD" (run the arguments) or "CMD-SHELL" (run in the image's shell)`, compactJSON(hc.Command))
		}
		for _, f := range []struct {
			name  string
			value int
			r     [2]int
		}{{"interval", hc.Interval, healthCheckIntervalRange}, {"timeout", hc.Timeout, healthCheckTimeoutRange}, {"retries", hc.Retries, healthCheckRetriesRange}, {"startPeriod", hc.StartPeriod, healthCheckStartPeriodRange}} {
			if f.value != 0 || f.name == "startPeriod" {
				checkRange(p, hk+"."+f.name, f.value, f.r[0], f.r[1])
			}
		}
	}
	if a := s.ImageCredentialsSecretArn; a != "" {
		switch {
		case !secretArn.MatchString(a):
			p.add(key("imageCredentialsSecretArn"), "invalid value %q: must be a Secrets Manager secret's full ARN such as arn:aws:secretsmanager:us-east-1:123456789012:secret:registry/team-AbC123", a)
		case !p.ok(key("image"), key("build")):
		case s.Image == "":
			p.add(key("imageCredentialsSecretArn"), "invalid value %q: registry credentials are for image, from a private registry; set image, or leave this empty to build %s", a, s.Build)
		case ecrImage.MatchString(s.Image):
			p.add(key("imageCredentialsSecretArn"), "invalid value %q: image %q is in ECR, which ECS pulls from with the execution role; leave this empty", a, s.Image)
		}
	}
	if s.TaskIdentity && !s.builtFromBundledApp() && p.ok(key("image"), key("build")) {
		p.add(key("taskIdentity"), "invalid value true: only the bundled app (build ./app) serves /whoami; your image serves its own paths")
	}
}

// regionProblems reports ARNs in the config that name another region or partition than
// the stack's: ECS, IAM and the ALB can use only those of their own region.
func (c *stackConfig) regionProblems(region string) error {
	p := &problems{}
	partition := partitionOf(region)
	check := func(key, arn, what string) {
		parts := strings.SplitN(arn, ":", 5)
		if arn == "" || len(parts) < 5 {
			return
		}
		if parts[1] != partition || parts[3] != region {
			p.add(key, "invalid value %q: is in %s/%s, the stack in %s/%s; %s must be in the stack's region", arn, parts[1], parts[3], partition, region, what)
		}
	}
	check("certificateArn", c.Ingress.CertificateArn, "an ALB's certificate")
	for _, s := range c.Services {
		check(s.path+"imageCredentialsSecretArn", s.ImageCredentialsSecretArn, "a task definition's registry credentials")
		for _, name := range slices.Sorted(maps.Keys(s.Secrets)) {
			check(s.path+"secrets."+name, s.Secrets[name], "a task definition's secrets")
		}
		check(s.path+"secretsKmsKeyArn", s.SecretsKmsKeyArn, "the key of a task definition's secrets")
	}
	return p.err()
}

// partitionOf is the AWS partition of a region.
func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// validateConditions checks the ALB listener rule's path and host conditions.
func (s serviceConfig) validateConditions(p *problems) {
	if len(s.PathPatterns) == 0 && len(s.HostHeaders) == 0 {
		p.add(s.path+"pathPatterns", "missing value: a listener rule needs at least one path pattern or host header")
	}
	if n := len(s.PathPatterns) + len(s.HostHeaders); n > maxRuleValues {
		p.add(s.path+"pathPatterns", "too many values: %d path patterns and host headers, an ALB listener rule allows at most %d condition values", n, maxRuleValues)
	}
	for i, v := range s.PathPatterns {
		checkPattern(p, fmt.Sprintf("%spathPatterns[%d]", s.path, i), v)
	}
	for i, v := range s.HostHeaders {
		checkPattern(p, fmt.Sprintf("%shostHeaders[%d]", s.path, i), v)
	}
}

func checkPattern(p *problems, key, v string) {
	switch {
	case strings.TrimSpace(v) == "":
		p.add(key, "missing value: must not be empty")
	case len(v) > maxPatternLength:
		p.add(key, "invalid value %q: is %d characters, at most %d are allowed", v, len(v), maxPatternLength)
	}
}

func checkRange(p *problems, key string, v, lo, hi int) {
	if v < lo || v > hi {
		p.add(key, "invalid value %d: must be between %d and %d", v, lo, hi)
	}
}

func checkPort(p *problems, key string, v int) { checkRange(p, key, v, 1, 65535) }

func checkHTTPPath(p *problems, key, v string) {
	if !strings.HasPrefix(v, "/") || len(v) > maxHealthPath || strings.ContainsAny(v, " \t\r\n?#") {
		p.add(key, "invalid value %q: must be a URL path starting with \"/\", without spaces, query or fragment, at most %d characters", v, maxHealthPath)
	}
}

func steps(from, to, step int) []int {
	var out []int
	for v := from; v <= to; v += step {
		out = append(out, v)
	}
	return out
}

func describeSteps(v []int) string {
	if len(v) <= 3 {
		return joinInts(v)
	}
	return fmt.Sprintf("%d to %d in steps of %d", v[0], v[len(v)-1], v[1]-v[0])
}

func sortedInts[V any](m map[int]V) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func joinInts(v []int) string {
	parts := make([]string, len(v))
	for i, n := range v {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ", ")
}

func quoteAll(v []string) string {
	parts := make([]string, len(v))
	for i, s := range v {
		parts[i] = strconv.Quote(s)
	}
	return strings.Join(parts, ", ")
}
