package site

import (
	"fmt"
	"slices"
	"strings"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Site is where the stack goes, as the look-ups found it.
type Site struct {
	Account Account
	Network *ExistingNetwork // an existing VPC's network; nil: the stack builds a new one
	Zones   []string         // the AZs, in order
	OwnEIPs []OwnEIP         // the user's own Elastic IPs for the NLB (eipAllocationIds)
	ZoneID  string           // the Route 53 hosted zone that holds domain; "" without one
	// ReleaseImage is the release the services that build app/ run instead, by digest;
	// "" without releaseRepository.
	ReleaseImage string
}

// LookUp checks the config against the account: the Region of every ARN, the account of
// the permissions boundary, an existing VPC and its subnets, the user's own Elastic IPs,
// the quotas (with preflight), the hosted zone and the release to deploy. Every problem of one look-up is
// reported at once, and nothing is registered.
func LookUp(ctx *pulumi.Context, cfg *config.Stack) (*Site, error) {
	region, err := aws.GetRegion(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("looking up the AWS region: %w", err)
	}
	if err := cfg.CheckRegion(region.Name); err != nil {
		return nil, err
	}
	s := &Site{}
	if s.Account, err = lookupAccount(ctx, region.Name); err != nil {
		return nil, err
	}
	if err := cfg.CheckAccount(s.Account.ID); err != nil {
		return nil, err
	}
	s.Account.RoleBoundary = cfg.Operations.RolePermissionsBoundary
	if s.Network, s.Zones, err = placement(ctx, cfg.Network); err != nil {
		return nil, err
	}
	if err := checkClientFamilies(cfg.Ingress, s.Network); err != nil {
		return nil, err
	}
	if s.OwnEIPs, err = lookUpOwnEIPs(ctx, cfg.Ingress.EipAllocationIDs); err != nil {
		return nil, err
	}
	if cfg.Preflight {
		if err := runPreflight(ctx, cfg, s.Zones, region.Name); err != nil {
			return nil, err
		}
	}
	if s.ZoneID, err = hostedZoneID(ctx, cfg.Ingress); err != nil {
		return nil, err
	}
	if s.ReleaseImage, err = lookUpRelease(ctx, cfg.Release); err != nil {
		return nil, err
	}
	return s, nil
}

// checkClientFamilies refuses IPv6 networks in allowedCidrs for an IPv4-only NLB (an
// existing VPC whose public subnets have no IPv6 block): they would admit nobody. The
// default, everyone, means everyone the NLB can hear.
func checkClientFamilies(cfg config.Ingress, net *ExistingNetwork) error {
	if net == nil || net.IPv6 || slices.Equal(cfg.AllowedCidrs, config.DefaultAllowedCidrs) {
		return nil
	}
	p := &config.Problems{}
	for i, cidr := range cfg.AllowedCidrs {
		if strings.Contains(cidr, ":") {
			p.Add(fmt.Sprintf("allowedCidrs[%d]", i), "invalid value %q: the NLB is IPv4 only, because the public subnets of vpcId have no IPv6 block; list IPv4 networks, or give every public subnet an IPv6 block", cidr)
		}
	}
	return p.Err("allowedCidrs does not fit the NLB")
}

// placement is where the stack goes: the AZs of a new VPC, or an existing VPC's network
// (looked up and checked) and its AZs.
func placement(ctx *pulumi.Context, cfg config.Network) (*ExistingNetwork, []string, error) {
	if cfg.Existing() {
		return lookUpExistingNetwork(ctx, cfg)
	}
	zones, err := availabilityZones(ctx, cfg.AzCount)
	return nil, zones, err
}

// lookUpProblem says why the look-up of id failed. The provider's singular data sources
// report an object that is not there as "no matching … found"
// (tfresource.SingularDataSourceFindError); any other failure is the API's own error
// (access denied, throttling), which is told as it came, with the permission the look-up
// needs: a refused look-up is not a missing object.
func lookUpProblem(id, action string, err error) string {
	if strings.Contains(err.Error(), "no matching ") {
		return id + " was not found in the stack's account and region"
	}
	return fmt.Sprintf("looking up %s failed (it needs %s): %v", id, action, err)
}

// availabilityZones picks the first azCount available AZs of the region.
func availabilityZones(ctx *pulumi.Context, azCount int) ([]string, error) {
	zones, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{
		State: pulumi.StringRef("available"),
		// Local Zones and Wavelength Zones lack NLB/Fargate support; keep regular AZs.
		Filters: []aws.GetAvailabilityZonesFilter{{Name: "opt-in-status", Values: []string{"opt-in-not-required"}}},
	})
	if err != nil {
		return nil, fmt.Errorf("looking up the region's Availability Zones: %w", err)
	}
	return availabilityZonesFrom(zones.Names, azCount)
}

// availabilityZonesFrom takes the first azCount of the region's AZs, or explains why not.
func availabilityZonesFrom(names []string, azCount int) ([]string, error) {
	if len(names) < azCount {
		return nil, &config.Error{Problems: []string{fmt.Sprintf(
			"azCount: invalid value %d: the region has only %d available Availability Zones (%v)",
			azCount, len(names), names)}}
	}
	return names[:azCount], nil
}

// hostedZoneID returns the Route 53 zone for the domain: the configured id, or the public
// zone looked up by name.
func hostedZoneID(ctx *pulumi.Context, cfg config.Ingress) (string, error) {
	if cfg.Domain == "" || cfg.HostedZoneID != "" {
		return cfg.HostedZoneID, nil
	}
	zone, err := route53.LookupZone(ctx, &route53.LookupZoneArgs{Name: pulumi.StringRef(cfg.HostedZoneName), PrivateZone: pulumi.BoolRef(false)})
	if err != nil {
		return "", fmt.Errorf("hostedZoneName: looking up the public hosted zone %q: %w", cfg.HostedZoneName, err)
	}
	return zone.ZoneId, nil
}
