package config

// What follows from the settings, derived on demand so that the config is never changed
// after it was read and checked.

import "strings"

// Existing reports whether the stack deploys into an existing VPC.
func (n Network) Existing() bool { return n.VpcID != "" }

// AZCount is the number of AZs: azCount, or in an existing VPC its public subnets'.
func (n Network) AZCount() int {
	if n.Existing() {
		return len(n.PublicSubnetIDs)
	}
	return n.AzCount
}

// NatGatewayIn reports whether the stack creates a NAT gateway in the az-th AZ: in each
// (perAz), in the first (single), or none, and never in an existing VPC.
func (n Network) NatGatewayIn(az int) bool {
	return !n.Existing() && (n.NatGateways == "perAz" || (n.NatGateways == "single" && az == 0))
}

// HTTPS reports whether the ALB terminates TLS.
func (in Ingress) HTTPS() bool { return in.CertificateArn != "" || in.CreateCertificate }

// ExecEndpoint reports whether some service has ECS Exec: with vpcEndpoints, its sessions
// then need an ssmmessages endpoint too.
func (c *Stack) ExecEndpoint() bool {
	for _, s := range c.Services {
		if s.EnableExecuteCommand {
			return true
		}
	}
	return false
}

// BundledAppHealthPath is the bundled app's health endpoint.
const BundledAppHealthPath = "/healthz"

// NlbProbePath is the path the NLB's health check asks for through the ALB:
// nlbHealthCheckPath when set, else the first public service's own. That is /healthz for
// the bundled app, which turns it 503 while draining, and otherwise the service's ALB
// health-check path, which the ALB already shows the service answers.
func (c *Stack) NlbProbePath() string {
	if c.Ingress.NlbHealthCheckPath != "" {
		return c.Ingress.NlbHealthCheckPath
	}
	for _, s := range c.Services {
		if s.Internal {
			continue
		}
		if s.BuiltFromBundledApp() {
			return BundledAppHealthPath
		}
		return s.HealthCheckPath
	}
	return BundledAppHealthPath // the checks guarantee a public service
}

// CapacityStrategy is the service's capacity provider strategy: `spot` is shorthand for
// all FARGATE_SPOT, and without either setting all tasks run on FARGATE. A service always
// has a strategy, never a launch type: the provider replaces a service whose strategy goes
// from none to some or back, but changes one strategy to another in place.
func (s Service) CapacityStrategy() []CapacityProviderStrategy {
	switch {
	case s.Spot:
		return []CapacityProviderStrategy{{CapacityProvider: "FARGATE_SPOT", Weight: 1}}
	case len(s.CapacityProviderStrategy) > 0:
		return s.CapacityProviderStrategy
	}
	return []CapacityProviderStrategy{{CapacityProvider: "FARGATE", Weight: 1}}
}

// BuiltFromBundledApp reports whether the image is built from this repository's app/,
// whose binary supports the `-healthcheck` probe and a read-only root filesystem.
func (s Service) BuiltFromBundledApp() bool {
	return s.Image == "" && strings.TrimSuffix(strings.TrimPrefix(s.Build, "./"), "/") == "app"
}

// RunsRelease reports whether the service runs the release (releaseRepository) instead of
// building app/.
func (s Service) RunsRelease(r Release) bool { return r.Repository != "" && s.BuiltFromBundledApp() }

// RepositoryRef is the release repository's account, Region and name; false without one.
func (r Release) RepositoryRef() (RepositoryRef, bool) {
	m := ecrRepositoryURI.FindStringSubmatch(r.Repository)
	if m == nil {
		return RepositoryRef{}, false
	}
	return RepositoryRef{Account: m[1], Region: m[2], Name: m[3]}, true
}

// RepositoryRef is where an ECR repository is.
type RepositoryRef struct{ Account, Region, Name string }

// Image is the release of digest in the release repository, as ECS pulls it.
func (r Release) Image(digest string) string { return r.Repository + "@" + digest }

// ParseReleaseImage splits a recorded release image, repository@sha256:…, into its
// repository and digest; false for anything else.
func ParseReleaseImage(image string) (repository, digest string, ok bool) {
	repository, digest, found := strings.Cut(image, "@")
	if !found || !ecrRepositoryURI.MatchString(repository) || !imageDigest.MatchString(digest) {
		return "", "", false
	}
	return repository, digest, true
}

// ImageByDigest reports whether an image reference names its image by digest.
func ImageByDigest(ref string) bool {
	_, digest, found := strings.Cut(ref, "@")
	return found && imageDigest.MatchString(digest)
}

// imageRepository is an image reference without its tag and digest.
func imageRepository(ref string) string {
	ref, _, _ = strings.Cut(ref, "@")
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		ref = ref[:i]
	}
	return ref
}

// ListenerPorts is how many NLB listeners clients reach: HTTP, and HTTPS when on.
func (c *Stack) ListenerPorts() int {
	if c.Ingress.HTTPS() {
		return 2
	}
	return 1
}

// ClientRules is how many inbound rules allowedCidrs puts in the NLB's security group, per
// IP family ("IPv4", "IPv6"), as AWS counts them against the rules quota.
func (c *Stack) ClientRules() map[string]int {
	in := c.Ingress
	return map[string]int{"IPv4": len(in.ClientCidrs(false)) * c.ListenerPorts(), "IPv6": len(in.ClientCidrs(true)) * c.ListenerPorts()}
}

// ClientCidrs are allowedCidrs of one IP family (IPv6 or not) in AWS's own spelling
// (CanonicalCidr), the form the security group's rules are written in.
func (in Ingress) ClientCidrs(ipv6 bool) []string {
	var out []string
	for _, n := range in.ClientNetworks() {
		if n.IPv6 == ipv6 {
			out = append(out, n.Cidr)
		}
	}
	return out
}

// ClientNetwork is one network of allowedCidrs.
type ClientNetwork struct {
	Cidr    string // in AWS's spelling (CanonicalCidr)
	Written string // as the stack config spells it
	IPv6    bool
}

// ClientNetworks are allowedCidrs in order, each in AWS's spelling and as written.
func (in Ingress) ClientNetworks() []ClientNetwork {
	out := make([]ClientNetwork, len(in.AllowedCidrs))
	for i, cidr := range in.AllowedCidrs {
		out[i] = ClientNetwork{Cidr: CanonicalCidr(cidr), Written: cidr, IPv6: strings.Contains(cidr, ":")}
	}
	return out
}

// ClientAuth is what the services are told of the ALB's mutual TLS (MTLS_MODE, MTLS_PORT):
// the mode, and the port of the HTTPS listener that does it, the only one whose requests
// carry certificate headers the ALB wrote.
type ClientAuth struct {
	Mode string
	Port int
}

// ClientAuth is nil without mtls.
func (in Ingress) ClientAuth() *ClientAuth {
	if in.MTLS == nil {
		return nil
	}
	return &ClientAuth{Mode: in.MTLS.Mode, Port: in.HTTPSListenerPort}
}
