package config

// The cross-checks: rules that span several settings, each named, in one list. A check
// reads only values whose paths have no type error (Problems.OK), and adds to the docs of
// the settings it constrains what it requires of them (Notes).

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// CrossCheck is one rule over several settings of the config C.
type CrossCheck[C any] struct {
	Name string
	// Notes is what the rule adds to the "Allowed" column of each setting it constrains.
	Notes map[string]string
	// Check reads only values whose paths have no type error (Problems.OK).
	Check func(c *C, p *Problems)
}

// CrossChecks are every rule that spans the main program's settings.
var CrossChecks = []CrossCheck[Stack]{
	{Name: "an existing VPC takes vpcId and both subnet lists, one public and one private subnet per AZ",
		Notes: map[string]string{"vpcId": "with both subnet lists", "privateSubnetIds": "as many as `publicSubnetIds`; no subnet twice"},
		Check: existingVpcTogether},
	{Name: "azCount follows an existing VPC's subnets",
		Notes: map[string]string{"azCount": "no more than the region has; with `vpcId`, the number of `publicSubnetIds`"},
		Check: azCountFollowsSubnets},
	{Name: "vpcId excludes the settings of a new VPC",
		Notes: map[string]string{"vpcId": "not with `vpcCidr`, `natGateways`, `vpcEndpoints`"},
		Check: existingVpcExcludesNewVpc},
	{Name: "without NAT gateways, tasks reach ECR and CloudWatch through VPC endpoints",
		Notes: map[string]string{"natGateways": "`none` needs `vpcEndpoints: true` and images in ECR"},
		Check: noNatNeedsEndpoints},
	{Name: "the ALB-type target group's port is the ALB listener's",
		Notes: map[string]string{"albTargetGroupPort": "equal to `albListenerPort` (AWS's rule for ALB-type target groups)"},
		Check: targetGroupPortIsListenerPort},
	{Name: "HTTPS: a certificate given or created, with its domain and zone",
		Notes: map[string]string{"createCertificate": "needs `domain` and a hosted zone; not with `certificateArn`"},
		Check: certificateSource},
	{Name: "mutual TLS needs the ALB's HTTPS listener",
		Notes: map[string]string{"mtls": "needs HTTPS (`certificateArn` or `createCertificate`)"},
		Check: mtlsNeedsHTTPS},
	{Name: "mutual TLS leaves plain HTTP nothing but the redirect and the NLB's probe",
		Notes: map[string]string{"mtls": "with `redirectHttp: true`, and an NLB probe path of its own (not `/`, no `*`)",
			"redirectHttp": "`true` with `mtls`"},
		Check: mtlsClosesPlainHTTP},
	{Name: "the client networks fit the security group's rules quota",
		Notes: map[string]string{"allowedCidrs": fmt.Sprintf("per IP family, entries × listener ports (2 with HTTPS) within the quota \"Inbound or outbound rules per security group\" (%s, %d by default; with `preflight`, the account's own)", SecurityGroupRulesQuotaCode, SecurityGroupRulesQuotaDefault)},
		Check: clientRulesWithinDefaultQuota},
	{Name: "the HTTPS port is not an HTTP port",
		Notes: map[string]string{"httpsListenerPort": "with HTTPS, not `listenerPort` or `albListenerPort`"},
		Check: httpsPortIsItsOwn},
	{Name: "a domain and the hosted zone that holds it",
		Notes: map[string]string{"domain": "inside the hosted zone", "hostedZoneName": "not with `hostedZoneId`"},
		Check: domainInItsZone},
	{Name: "one Elastic IP per AZ",
		Notes: map[string]string{"eipAllocationIds": "one per AZ; each in the stack's region, a VPC address, and free or already this stack's NLB's (looked up)"},
		Check: oneEIPPerAZ},
	{Name: "unique service names",
		Notes: map[string]string{"name": "unique"},
		Check: uniqueServiceNames},
	{Name: "unique listener rule priorities",
		Notes: map[string]string{"priority": "unique, not `nlbHealthCheckRulePriority`", "nlbHealthCheckRulePriority": "not a service's `priority`"},
		Check: uniquePriorities},
	{Name: "internal services have ALB listener ports of their own",
		Notes: map[string]string{"internalPort": "required with `internal`; unique; not an ALB listener port"},
		Check: internalPorts},
	{Name: "at least one public service",
		Notes: map[string]string{"internal": "at least one service stays public"},
		Check: onePublicService},
	{Name: "a public service's listener rule has 1 to 5 condition values",
		Notes: map[string]string{"pathPatterns": fmt.Sprintf("with `hostHeaders`, 1 to %d values", maxRuleValues), "hostHeaders": "as `pathPatterns`"},
		Check: ruleConditions},
	{Name: "a Fargate task size",
		Notes: map[string]string{"memory": "a Fargate pair with `cpu` (" + fargatePairs() + ")", "containerMemory": "6 to `memory`"},
		Check: fargateTaskSize},
	{Name: "the ALB health check times out before the next",
		Notes: map[string]string{"healthCheckTimeout": "less than `healthCheckInterval`"},
		Check: healthCheckTimeoutBelowInterval},
	{Name: "spot or a capacity provider strategy",
		Notes: map[string]string{"spot": "not with `capacityProviderStrategy`"},
		Check: spotOrStrategy},
	{Name: "autoscaling bounds hold desiredCount",
		Notes: map[string]string{"desiredCount": "within `autoscaling` bounds"},
		Check: desiredCountInBounds},
	{Name: "an image or a build",
		Notes: map[string]string{"build": "required without `image`"},
		Check: imageOrBuild},
	{Name: "registry credentials for a private registry's image",
		Notes: map[string]string{"imageCredentialsSecretArn": "only with an `image` outside ECR"},
		Check: credentialsForPrivateImage},
	{Name: "taskIdentity is the bundled app's",
		Notes: map[string]string{"taskIdentity": "only with the bundled app"},
		Check: taskIdentityNeedsBundledApp},
	{Name: "the stack's own variables and secrets are named once",
		Notes: map[string]string{"environment": "not `PORT`, `TASK_IDENTITY`, `MTLS_MODE`, `MTLS_PORT` or another service's `<NAME>_URL`", "secrets": "not also in `environment`"},
		Check: variableNames},
	{Name: "a release is of the release repository, run by the services that build app/",
		Notes: map[string]string{"releaseDigest": "with `releaseRepository`", "releaseRepository": "a service without `image` runs it, with `waitForSteadyState`; no `build` but `./app`"},
		Check: releasesReplaceTheBundledBuild},
	{Name: "images by digest where required",
		Notes: map[string]string{"requireImageDigest": "every `image` named `…@sha256:<digest>`"},
		Check: imagesByDigest},
	{Name: "a KMS key for secrets there are",
		Notes: map[string]string{"secretsKmsKeyArn": "with `secrets` or `imageCredentialsSecretArn`"},
		Check: kmsKeyForSecrets},
}

var existingVpcKeys = []string{"vpcId", "publicSubnetIds", "privateSubnetIds"}

// existingVpcSettings says which of the existing VPC's settings are set.
func existingVpcSettings(n Network) (set map[string]bool, any bool) {
	set = map[string]bool{"vpcId": n.VpcID != "", "publicSubnetIds": len(n.PublicSubnetIDs) > 0, "privateSubnetIds": len(n.PrivateSubnetIDs) > 0}
	return set, set["vpcId"] || set["publicSubnetIds"] || set["privateSubnetIds"]
}

func existingVpcTogether(c *Stack, p *Problems) {
	n := c.Network
	set, any := existingVpcSettings(n)
	if !any {
		return
	}
	for _, key := range existingVpcKeys {
		if !set[key] && p.OK(key) {
			p.Add(key, "missing value: an existing VPC takes vpcId, publicSubnetIds and privateSubnetIds together")
		}
	}
	seen := map[string]string{}
	for _, list := range []struct {
		key string
		ids []string
	}{{"publicSubnetIds", n.PublicSubnetIDs}, {"privateSubnetIds", n.PrivateSubnetIDs}} {
		for i, id := range list.ids {
			k := fmt.Sprintf("%s[%d]", list.key, i)
			if other, dup := seen[id]; dup && subnetID.MatchString(id) {
				p.Add(k, "duplicate value %q: already used by %s; each AZ needs a public and a private subnet of its own", id, other)
			}
			seen[id] = k
		}
	}
	pub, priv := len(n.PublicSubnetIDs), len(n.PrivateSubnetIDs)
	if pub > 0 && priv > 0 && pub != priv && p.OK("publicSubnetIds", "privateSubnetIds") {
		p.Add("privateSubnetIds", "invalid value: %d private subnets for %d public ones; give one public and one private subnet per AZ", priv, pub)
	}
}

// azCountFollowsSubnets refuses an azCount other than the existing subnets'. The CLI
// fills in Pulumi.yaml's defaults, so the default cannot be told from unset and passes.
func azCountFollowsSubnets(c *Stack, p *Problems) {
	n := c.Network
	pub := len(n.PublicSubnetIDs)
	if pub < MinAZs || pub > MaxAZs || !p.OK("publicSubnetIds", "azCount") {
		return
	}
	if n.AzCount != defaultOf[int]("azCount") && n.AzCount != pub {
		p.Add("azCount", "invalid value %d: the existing VPC's subnets are in %d AZs; azCount follows publicSubnetIds, so leave it unset", n.AzCount, pub)
	}
}

// existingVpcExcludesNewVpc reports the settings that shape a new VPC, set with the
// existing VPC's. They have no meaning there, so a value other than the default is a
// mistake (the CLI fills the defaults in, so a default cannot be told from unset).
func existingVpcExcludesNewVpc(c *Stack, p *Problems) {
	n := c.Network
	if _, any := existingVpcSettings(n); !any {
		return
	}
	if n.VpcCidr != defaultOf[string]("vpcCidr") && p.OK("vpcCidr") {
		p.Add("vpcCidr", "invalid value %q with vpcId: the existing VPC has its own CIDR; leave vpcCidr unset", n.VpcCidr)
	}
	if n.NatGateways != defaultOf[string]("natGateways") && p.OK("natGateways") {
		p.Add("natGateways", "invalid value %q with vpcId: the stack creates no NAT gateways in an existing VPC, whose private subnets' routes give the tasks their egress; leave natGateways unset", n.NatGateways)
	}
	if n.VpcEndpoints && p.OK("vpcEndpoints") {
		p.Add("vpcEndpoints", "invalid value true with vpcId: the stack creates no VPC endpoints in an existing VPC (they may exist already, and a second set with private DNS would clash); leave vpcEndpoints unset")
	}
}

// noNatNeedsEndpoints: without NAT, private subnets have no IPv4 route out; the ECS agent
// pulls images and ships logs over IPv4, so it needs VPC endpoints, and those only reach
// ECR.
func noNatNeedsEndpoints(c *Stack, p *Problems) {
	n := c.Network
	if n.Existing() || n.NatGateways != "none" || !p.OK("natGateways", "vpcEndpoints") {
		return
	}
	if !n.VpcEndpoints {
		p.Add("natGateways", `invalid value "none": tasks in private subnets must pull their image from ECR and send logs to CloudWatch over IPv4; set vpcEndpoints: true to reach them through VPC endpoints, or use natGateways "single"`)
		return
	}
	for _, s := range c.Services {
		if s.Image != "" && !ecrImage.MatchString(s.Image) && p.OK(s.Path+"image") {
			p.Add(s.Path+"image", `invalid value %q with natGateways "none": without a NAT gateway tasks can pull only from ECR (through the VPC endpoints); push the image to ECR or use natGateways "single"`, s.Image)
		}
	}
}

// releasesReplaceTheBundledBuild: the release workflow builds app/, so a release stands
// in for that build and no other; a digest names a release of the release repository.
func releasesReplaceTheBundledBuild(c *Stack, p *Problems) {
	r := c.Release
	if r.Digest != "" && r.Repository == "" && p.OK("releaseDigest", "releaseRepository") {
		p.Add("releaseDigest", "invalid value %q without releaseRepository: a digest names a release in the release repository; set releaseRepository (the bootstrap's releaseRepository output), or leave releaseDigest unset", r.Digest)
	}
	if r.Repository == "" || !p.OK("releaseRepository") {
		return
	}
	runs := 0 // services without an image of their own
	for _, s := range c.Services {
		if s.Image == "" {
			runs++
		}
		if s.Image == "" && !s.BuiltFromBundledApp() && p.OK(s.Path+"build") {
			p.Add(s.Path+"build", "invalid value %q with releaseRepository: the service would run the release, which the release workflow builds from ./app; move the Dockerfile to app/, or give this service an image of its own", s.Build)
		}
	}
	for _, s := range c.Services {
		if s.RunsRelease(r) && !s.WaitForSteadyState && p.OK(s.Path+"waitForSteadyState") {
			p.Add(s.Path+"waitForSteadyState", "invalid value false with releaseRepository: a release is recorded as the one to return to only once the service runs it, which up must wait for; and a stack moving off its own build deletes that image only after the wait. Leave waitForSteadyState true")
		}
	}
	if runs == 0 && len(c.Services) > 0 && p.OK("image") {
		p.Add("releaseRepository", "invalid value %q: no service runs a release, each has an image of its own (image %q); leave image unset for the services that run the release, or leave releaseRepository unset", r.Repository, c.Services[0].Image)
	}
}

// imagesByDigest: a tag is a name its registry can move to another image, so what a
// stack with requireImageDigest runs is named by digest. Releases and the bundled build
// always are.
func imagesByDigest(c *Stack, p *Problems) {
	if !c.Release.RequireImageDigest {
		return
	}
	for _, s := range c.Services {
		if s.Image != "" && !ImageByDigest(s.Image) && p.OK(s.Path+"image") {
			p.Add(s.Path+"image", "invalid value %q with requireImageDigest: a tag can be moved to another image; name the image by its digest, %s@sha256:<64 hex digits> (docker buildx imagetools inspect %s shows it), or set requireImageDigest: false, as dev stacks do, to allow a tag", s.Image, imageRepository(s.Image), s.Image)
		}
	}
}

func targetGroupPortIsListenerPort(c *Stack, p *Problems) {
	in := c.Ingress
	if in.AlbTargetGroupPort != in.AlbListenerPort && p.OK("albListenerPort", "albTargetGroupPort") {
		p.Add("albTargetGroupPort", "invalid value %d: an ALB-type target group's port must equal the port of the ALB listener it targets (albListenerPort is %d); set both to the same port",
			in.AlbTargetGroupPort, in.AlbListenerPort)
	}
}

func certificateSource(c *Stack, p *Problems) {
	in := c.Ingress
	if in.CertificateArn != "" && in.CreateCertificate {
		p.Add("createCertificate", "conflicts with certificateArn: use an existing certificate or create one, not both")
	}
	if in.CreateCertificate && (in.Domain == "" || (in.HostedZoneID == "" && in.HostedZoneName == "")) {
		p.Add("createCertificate", "missing value: a created certificate is for domain and is validated in its hosted zone; set domain and hostedZoneId (or hostedZoneName)")
	}
}

// mtlsNeedsHTTPS: client certificates are asked for in the TLS handshake, which the ALB
// does only on its HTTPS listener (the NLB passes TCP through to it).
func mtlsNeedsHTTPS(c *Stack, p *Problems) {
	if c.Ingress.MTLS != nil && !c.Ingress.HTTPS() && p.OK("mtls", "certificateArn", "createCertificate") {
		p.Add("mtls", "needs HTTPS: mutual TLS happens in the ALB's TLS handshake; set certificateArn, or createCertificate with domain and its hosted zone")
	}
}

// mtlsClosesPlainHTTP: the NLB forwards listenerPort to the ALB's HTTP listener, which
// asks for no certificate. With mutual TLS it may answer only what needs no certificate:
// the redirect to HTTPS, and the NLB's probe path, which the NLB's health check (which
// cannot present a certificate) must reach through it. So redirectHttp must stay on, and
// the probe path must not be a service's root or a wildcard that opens more than itself.
func mtlsClosesPlainHTTP(c *Stack, p *Problems) {
	in := c.Ingress
	if in.MTLS == nil || !in.HTTPS() || !p.OK("mtls", "redirectHttp") {
		return
	}
	if !in.RedirectHTTP {
		p.Add("redirectHttp", "invalid value false with mtls: the ALB's HTTP listener, which the NLB forwards listenerPort %d to, would serve every service to clients without a certificate; set redirectHttp: true (the default), so that plain HTTP answers only a redirect to HTTPS and the NLB's probe path", in.ListenerPort)
	}
	probe := c.NlbProbePath()
	if !p.OK("nlbHealthCheckPath", "healthCheckPath") || (probe != "/" && !strings.Contains(probe, "*")) {
		return
	}
	p.Add("mtls", "the NLB's probe path %q is answered over plain HTTP without a client certificate (the NLB's health check cannot present one), and %q opens more than a health check; set nlbHealthCheckPath to a health path of its own such as \"/healthz\"", probe, probe)
}

// clientRulesWithinDefaultQuota: without preflight, the rules allowedCidrs makes must fit
// AWS's default quota; with preflight, lookUpSite compares them with the account's.
func clientRulesWithinDefaultQuota(c *Stack, p *Problems) {
	if c.Preflight || !p.OK("allowedCidrs") {
		return
	}
	for family, n := range c.ClientRules() {
		if n > SecurityGroupRulesQuotaDefault {
			p.Add("allowedCidrs", "too many networks: %d %s entries × %d listener ports make %d inbound rules, above AWS's default quota of %d (Inbound or outbound rules per security group, %s); list fewer or wider networks, or raise the quota and set preflight: true so the account's own quota is checked",
				n/c.ListenerPorts(), family, c.ListenerPorts(), n, SecurityGroupRulesQuotaDefault, SecurityGroupRulesQuotaCode)
		}
	}
}

// httpsPortIsItsOwn: the NLB listens on both ports, and the ALB-type target groups' ports
// must equal the ALB listeners' ports, so the HTTPS port cannot be either HTTP port.
func httpsPortIsItsOwn(c *Stack, p *Problems) {
	in := c.Ingress
	if !in.HTTPS() || !p.OK("httpsListenerPort") {
		return
	}
	for _, key := range []string{"listenerPort", "albListenerPort"} {
		port := in.ListenerPort
		if key == "albListenerPort" {
			port = in.AlbListenerPort
		}
		if in.HTTPSListenerPort == port && p.OK(key) {
			p.Add("httpsListenerPort", "duplicate value %d: already used by %s; the NLB and the ALB need a separate port for HTTPS", port, key)
		}
	}
}

func domainInItsZone(c *Stack, p *Problems) {
	in := c.Ingress
	if in.Domain == "" {
		if in.HostedZoneID != "" || in.HostedZoneName != "" {
			p.Add("domain", "missing value: a hosted zone is set, so give the name to create records for, e.g. api.example.com or the zone apex")
		}
		return
	}
	switch {
	case in.HostedZoneID == "" && in.HostedZoneName == "":
		p.Add("hostedZoneId", "missing value: domain is set; give the Route 53 hosted zone that holds it (hostedZoneId or hostedZoneName)")
	case in.HostedZoneID != "" && in.HostedZoneName != "":
		p.Add("hostedZoneName", "conflicts with hostedZoneId: give one of them")
	case in.HostedZoneName != "" && validDomain(in.Domain) && validDomain(in.HostedZoneName) &&
		in.Domain != in.HostedZoneName && !strings.HasSuffix(in.Domain, "."+in.HostedZoneName):
		p.Add("domain", "invalid value %q: is not inside hostedZoneName %q", in.Domain, in.HostedZoneName)
	}
}

// oneEIPPerAZ: whether the Elastic IPs exist and are free is looked up later.
func oneEIPPerAZ(c *Stack, p *Problems) {
	ids := c.Ingress.EipAllocationIDs
	if len(ids) == 0 || !p.OK("eipAllocationIds", "azCount", "publicSubnetIds") {
		return
	}
	if azs := c.Network.AZCount(); len(ids) != azs {
		p.Add("eipAllocationIds", "invalid value: %d allocation ids for azCount %d: give one Elastic IP per AZ, in AZ order", len(ids), azs)
	}
}

func uniqueServiceNames(c *Stack, p *Problems) {
	names := map[string]string{}
	for _, s := range c.Services {
		if other, dup := names[s.Name]; dup && s.Name != "" && p.OK(s.Path+"name") {
			p.Add(s.Path+"name", "duplicate value %q: already used by %sname; service names must be unique", s.Name, other)
		}
		names[s.Name] = s.Path
	}
}

// taken records which setting took each value; a value of the wrong type takes nothing.
type taken map[int]string

func (t taken) take(p *Problems, v int, key string) {
	if p.OK(key) {
		t[v] = key
	}
}

// uniquePriorities: the NLB health-check rule shares the ALB listener with the public
// services' rules, so its priority is taken too.
func uniquePriorities(c *Stack, p *Problems) {
	priorities := taken{}
	priorities.take(p, c.Ingress.NlbHealthCheckRulePriority, "nlbHealthCheckRulePriority")
	for _, s := range c.Services {
		if s.Internal || !p.OK(s.Path+"internal") {
			continue
		}
		if other, dup := priorities[s.Priority]; dup && p.OK(s.Path+"priority") {
			p.Add(s.Path+"priority", "duplicate value %d: already used by %s; each ALB listener rule needs its own priority", s.Priority, other)
		}
		priorities.take(p, s.Priority, s.Path+"priority")
	}
}

// internalPorts: each internal service gets an ALB listener of its own, on a port the
// public listeners do not use.
func internalPorts(c *Stack, p *Problems) {
	ports := taken{}
	ports.take(p, c.Ingress.AlbListenerPort, "albListenerPort")
	if c.Ingress.HTTPS() {
		ports.take(p, c.Ingress.HTTPSListenerPort, "httpsListenerPort")
	}
	for _, s := range c.Services {
		key := s.Path + "internalPort"
		if !s.Internal || !p.OK(s.Path+"internal", key) {
			continue
		}
		if s.InternalPort == 0 {
			p.Add(key, "missing value: an internal service needs its own ALB listener port, e.g. 8081")
			continue
		}
		if other, dup := ports[s.InternalPort]; dup {
			p.Add(key, "duplicate value %d: already used by %s; each internal service needs its own ALB listener port", s.InternalPort, other)
		}
		ports.take(p, s.InternalPort, key)
	}
}

// onePublicService: the NLB's health check is routed to the first public service. A
// service whose internal has the wrong type counts as public: nothing to judge it by.
func onePublicService(c *Stack, p *Problems) {
	for _, s := range c.Services {
		if !s.Internal || !p.OK(s.Path+"internal") {
			return
		}
	}
	p.Add("services", "no public service: at least one service must have internal: false, because the NLB's health check is routed to the first public service")
}

func ruleConditions(c *Stack, p *Problems) {
	for _, s := range c.Services {
		if s.Internal {
			continue
		}
		key := s.Path + "pathPatterns"
		if !p.OK(key, s.Path+"hostHeaders") {
			continue
		}
		if len(s.PathPatterns) == 0 && len(s.HostHeaders) == 0 {
			p.Add(key, "missing value: a listener rule needs at least one path pattern or host header")
		}
		if n := len(s.PathPatterns) + len(s.HostHeaders); n > maxRuleValues {
			p.Add(key, "too many values: %d path patterns and host headers, an ALB listener rule allows at most %d condition values", n, maxRuleValues)
		}
	}
}

// fargateTaskSize checks the task size against Fargate's CPU and memory table, and the
// container's memory limit against the task's.
func fargateTaskSize(c *Stack, p *Problems) {
	for _, s := range c.Services {
		mems, ok := fargateMemory[s.Cpu]
		if !ok || !p.OK(s.Path+"cpu", s.Path+"memory") {
			continue // an unknown cpu is the cpu setting's own problem
		}
		if !slices.Contains(mems, s.Memory) {
			p.Add(s.Path+"memory", "invalid value %d for cpu %d: Fargate allows %s MiB", s.Memory, s.Cpu, describeSteps(mems))
			continue
		}
		if (s.ContainerMemory < 6 || s.ContainerMemory > s.Memory) && p.OK(s.Path+"containerMemory") {
			p.Add(s.Path+"containerMemory", "invalid value %d: must be between 6 MiB and the task memory (%d)", s.ContainerMemory, s.Memory)
		}
	}
}

// fargatePairs is Fargate's table in short: 256: 512/1024/2048; 512: 1024 to 4096 …
func fargatePairs() string {
	var parts []string
	for _, cpu := range fargateCPUs {
		parts = append(parts, fmt.Sprintf("%d: %s", cpu, describeSteps(fargateMemory[cpu])))
	}
	return strings.Join(parts, "; ")
}

func healthCheckTimeoutBelowInterval(c *Stack, p *Problems) {
	for _, s := range c.Services {
		if s.HealthCheckTimeout >= s.HealthCheckInterval && p.OK(s.Path+"healthCheckInterval", s.Path+"healthCheckTimeout") {
			p.Add(s.Path+"healthCheckTimeout", "invalid value %d: must be less than healthCheckInterval (%d)", s.HealthCheckTimeout, s.HealthCheckInterval)
		}
	}
}

func spotOrStrategy(c *Stack, p *Problems) {
	for _, s := range c.Services {
		if s.Spot && len(s.CapacityProviderStrategy) > 0 && p.OK(s.Path+"spot", s.Path+"capacityProviderStrategy") {
			p.Add(s.Path+"spot", "conflicts with capacityProviderStrategy: spot: true means all FARGATE_SPOT; set one or the other")
		}
	}
}

func desiredCountInBounds(c *Stack, p *Problems) {
	for _, s := range c.Services {
		a, key := s.Autoscaling, s.Path+"autoscaling"
		if a == nil || a.Min > a.Max || !p.OK(key+".min", key+".max", s.Path+"desiredCount") {
			continue
		}
		if s.DesiredCount < a.Min || s.DesiredCount > a.Max {
			p.Add(s.Path+"desiredCount", "invalid value %d: must be between autoscaling.min (%d) and autoscaling.max (%d)", s.DesiredCount, a.Min, a.Max)
		}
	}
}

func imageOrBuild(c *Stack, p *Problems) {
	for _, s := range c.Services {
		if s.Image == "" && strings.TrimSpace(s.Build) == "" && p.OK(s.Path+"image", s.Path+"build") {
			p.Add(s.Path+"build", `missing value: give a directory with a Dockerfile (default "./app"), or an image`)
		}
	}
}

// credentialsForPrivateImage: ECS pulls from ECR with the execution role; registry
// credentials are for an image in another private registry.
func credentialsForPrivateImage(c *Stack, p *Problems) {
	for _, s := range c.Services {
		a, key := s.ImageCredentialsSecretArn, s.Path+"imageCredentialsSecretArn"
		if a == "" || !secretArn.MatchString(a) || !p.OK(key, s.Path+"image", s.Path+"build") {
			continue
		}
		switch {
		case s.Image == "":
			p.Add(key, "invalid value %q: registry credentials are for image, from a private registry; set image, or leave this empty to build %s", a, s.Build)
		case ecrImage.MatchString(s.Image):
			p.Add(key, "invalid value %q: image %q is in ECR, which ECS pulls from with the execution role; leave this empty", a, s.Image)
		}
	}
}

func taskIdentityNeedsBundledApp(c *Stack, p *Problems) {
	for _, s := range c.Services {
		if s.TaskIdentity && !s.BuiltFromBundledApp() && p.OK(s.Path+"taskIdentity", s.Path+"image", s.Path+"build") {
			p.Add(s.Path+"taskIdentity", "invalid value true: only the bundled app (build ./app) serves /whoami; your image serves its own paths")
		}
	}
}

// variableNames refuses the names the stack sets itself in every container of a service,
// and a name that is both plain and secret.
func variableNames(c *Stack, p *Problems) {
	var internal []string // services whose address the others get as <NAME>_URL
	for _, s := range c.Services {
		if s.Internal && p.OK(s.Path+"internal") {
			internal = append(internal, s.Name)
		}
	}
	for _, s := range c.Services {
		reserved := s.reservedNames(internal)
		for _, setting := range []string{"environment", "secrets"} {
			vars := s.Environment
			if setting == "secrets" {
				vars = s.Secrets
			}
			for _, name := range sortedKeys(vars) {
				key := s.Path + setting + "." + name
				if why := reserved[name]; why != "" {
					p.Add(key, "reserved name %q: %s", name, why)
				}
				if _, dup := s.Environment[name]; dup && setting == "secrets" {
					p.Add(key, "duplicate name %q: also set in environment; a variable is either plain or secret", name)
				}
			}
		}
	}
}

// reservedNames are the variables the stack sets in every container of the service.
func (s Service) reservedNames(internalServices []string) map[string]string {
	reserved := map[string]string{
		"PORT":          "the stack sets it to containerPort",
		"TASK_IDENTITY": "the stack sets it for taskIdentity",
		"MTLS_MODE":     "the stack sets it for mtls",
		"MTLS_PORT":     "the stack sets it for mtls",
	}
	for _, name := range internalServices {
		if name != s.Name {
			reserved[InternalURLVar(name)] = fmt.Sprintf("the stack sets it to internal service %s's address", name)
		}
	}
	return reserved
}

func kmsKeyForSecrets(c *Stack, p *Problems) {
	for _, s := range c.Services {
		key := s.Path + "secretsKmsKeyArn"
		if a := s.SecretsKmsKeyArn; a != "" && kmsKeyArn.MatchString(a) && len(s.Secrets) == 0 && s.ImageCredentialsSecretArn == "" && p.OK(key) {
			p.Add(key, "invalid value %q: there are no secrets to decrypt; set secrets (or imageCredentialsSecretArn), or leave this empty", a)
		}
	}
}

// CheckRegion reports ARNs in the config that name another region or partition than the
// stack's: ECS, IAM and the ALB can use only those of their own region. It needs the
// region, so the program runs it once it knows it.
func (c *Stack) CheckRegion(region string) error {
	p := &Problems{}
	partition := PartitionOf(region)
	check := func(key, arn, what string) {
		parts := strings.SplitN(arn, ":", 5)
		if arn == "" || len(parts) < 5 {
			return
		}
		if parts[1] != partition || parts[3] != region {
			p.Add(key, "invalid value %q: is in %s/%s, the stack in %s/%s; %s must be in the stack's region", arn, parts[1], parts[3], partition, region, what)
		}
	}
	check("certificateArn", c.Ingress.CertificateArn, "an ALB's certificate")
	// Without NAT, tasks reach ECR only through the VPC's endpoints, which are regional.
	if repo, ok := c.Release.RepositoryRef(); ok && c.Network.NatGateways == "none" && !c.Network.Existing() && repo.Region != region {
		p.Add("releaseRepository", `invalid value %q: is in %s, the stack in %s; with natGateways "none" tasks reach ECR through the VPC endpoints of the stack's Region only; replicate the repository to %s (ECR replication) and use that one, or use natGateways "single"`, c.Release.Repository, repo.Region, region, region)
	}
	// IAM is global: a policy's ARN has no region, only the partition must match.
	if parts := strings.SplitN(c.Operations.RolePermissionsBoundary, ":", 5); len(parts) == 5 && parts[1] != partition {
		p.Add("rolePermissionsBoundary", "invalid value %q: is in partition %s, the stack in %s; a permissions boundary must be a policy of the stack's account", c.Operations.RolePermissionsBoundary, parts[1], partition)
	}
	for _, s := range c.Services {
		check(s.Path+"imageCredentialsSecretArn", s.ImageCredentialsSecretArn, "a task definition's registry credentials")
		for _, name := range sortedKeys(s.Secrets) {
			check(s.Path+"secrets."+name, s.Secrets[name], "a task definition's secrets")
		}
		check(s.Path+"secretsKmsKeyArn", s.SecretsKmsKeyArn, "the key of a task definition's secrets")
	}
	return p.Err("")
}

// CheckAccount reports ARNs in the config that must be of the stack's own account: a
// permissions boundary of another account bounds no role of this one (IAM refuses it).
// It needs the caller's account, so the look-up stage runs it once it knows it.
func (c *Stack) CheckAccount(account string) error {
	p := &Problems{}
	arn := c.Operations.RolePermissionsBoundary
	if parts := strings.SplitN(arn, ":", 6); len(parts) == 6 && parts[4] != account {
		p.Add("rolePermissionsBoundary", "invalid value %q: is a policy of account %s, the stack deploys into account %s; use the boundary the bootstrap made in this account (its rolePermissionsBoundaryArn output)", arn, parts[4], account)
	}
	return p.Err("")
}

// defaultOf is a main program setting's default, from the registry.
func defaultOf[T any](key string) T { return Default[T](stackSettings, key) }

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// describeSteps is a list of values in short: 512, 1024, 2048 or 1024 to 4096 in steps of 1024.
func describeSteps(v []int) string {
	if len(v) <= 3 {
		return JoinInts(v)
	}
	return fmt.Sprintf("%d to %d in steps of %d", v[0], v[len(v)-1], v[1]-v[0])
}
