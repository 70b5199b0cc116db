// Command nlb-alb-fargate is a Pulumi program: a container on AWS Fargate behind an
// internet-facing Network Load Balancer with one static Elastic IP per Availability Zone,
// forwarding TCP to an internal Application Load Balancer that routes HTTP to the tasks.
package main

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(program)
}

// program is the whole stack: config, layers in order, then the stack outputs.
func program(ctx *pulumi.Context) error {
	out, err := deploy(ctx)
	if err != nil {
		return err
	}
	out.export(ctx)
	return nil
}

// stackOutputs holds what the stack exports; tests await these same values.
type stackOutputs struct {
	DNS       pulumi.StringOutput
	URL       pulumi.StringOutput
	StaticIPs pulumi.StringArrayOutput
	// The NLB's Elastic IPs' allocation ids, for eipAllocationIds in another stack.
	AllocationIDs pulumi.StringArrayOutput
	StaticIPv6s   pulumi.StringArrayOutput
	// dualstack, or ipv4 in an existing VPC whose public subnets have no IPv6 block.
	NlbIPAddressType string
	AlbDNS           pulumi.StringOutput
	ClusterName      pulumi.StringOutput
	ServiceName      pulumi.StringOutput
	LogGroup         pulumi.StringOutput
	Services         []*fargateService
	InternalURLs     pulumi.StringMap // internal services, reachable from inside the VPC only
	// The PrivateLink service partners create endpoints for; unset without privateLink.
	EndpointServiceName pulumi.StringOutput
}

// deploy reads and checks the config, does the look-ups and the preflight (registering
// nothing if any of it is wrong), then builds the network, the internal ALB, the
// static-IP NLB, the Fargate services, and the optional DNS records and PrivateLink service.
func deploy(ctx *pulumi.Context) (*stackOutputs, error) {
	cfg, err := loadConfig(ctx)
	if err != nil {
		return nil, err
	}
	region, err := aws.GetRegion(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("looking up the AWS region: %w", err)
	}
	if err := cfg.regionProblems(region.Name); err != nil {
		return nil, err
	}
	existing, zones, err := placement(ctx, cfg.Network)
	if err != nil {
		return nil, err
	}
	own, err := lookupOwnEIPs(ctx, cfg.Ingress.EipAllocationIDs)
	if err != nil {
		return nil, err
	}
	if cfg.Preflight {
		if err := runPreflight(ctx, cfg, zones, region.Name); err != nil {
			return nil, err
		}
	}
	zoneID, err := hostedZoneID(ctx, cfg.Ingress)
	if err != nil {
		return nil, err
	}

	net := existing
	if net == nil {
		if net, err = newNetwork(ctx, cfg.Network, zones, region.Name); err != nil {
			return nil, err
		}
	}
	var cert pulumi.StringInput
	if cfg.Ingress.https() {
		if cert, err = certificateArn(ctx, cfg.Ingress, zoneID); err != nil {
			return nil, err
		}
	}
	alb, err := newInternalAlb(ctx, cfg.Ingress, net, cert)
	if err != nil {
		return nil, err
	}
	nlb, err := newStaticIPNlb(ctx, cfg.Ingress, net, alb, own)
	if err != nil {
		return nil, err
	}
	services, cluster, err := newServices(ctx, cfg.Services, net, alb, region.Name)
	if err != nil {
		return nil, err
	}
	first := firstPublic(services) // validation guarantees one
	if err := newNlbHealthCheckRules(ctx, cfg.Ingress, alb, first.TargetGroup); err != nil {
		return nil, err
	}

	out := &stackOutputs{
		DNS:              nlb.LoadBalancer.DnsName,
		URL:              serviceURL(cfg.Ingress, nlb.LoadBalancer.DnsName),
		StaticIPs:        nlb.StaticIPs,
		AllocationIDs:    nlb.AllocationIDs,
		StaticIPv6s:      nlb.StaticIPv6s,
		NlbIPAddressType: nlb.IPAddressType,
		AlbDNS:           alb.LoadBalancer.DnsName,
		ClusterName:      cluster.Name,
		ServiceName:      first.Service.Name,
		LogGroup:         first.LogGroup.Name,
		Services:         services,
		InternalURLs:     internalURLs(alb, services),
	}
	if cfg.Ingress.Domain != "" {
		if err := newAliasRecords(ctx, cfg.Ingress, zoneID, nlb); err != nil {
			return nil, err
		}
	}
	if cfg.Ingress.PrivateLink != nil {
		svc, err := newEndpointService(ctx, cfg.Ingress.PrivateLink, nlb)
		if err != nil {
			return nil, err
		}
		out.EndpointServiceName = svc.ServiceName
	}
	return out, nil
}

// placement is where the stack goes: the AZs of a new VPC, or an existing VPC's network
// (looked up and checked) and its AZs. It registers nothing.
func placement(ctx *pulumi.Context, cfg networkConfig) (*network, []string, error) {
	if cfg.existing() {
		return lookupExistingNetwork(ctx, cfg)
	}
	zones, err := availabilityZones(ctx, cfg.AzCount)
	return nil, zones, err
}

// serviceURL is the address a user curls: HTTPS when the ALB has a certificate, the
// domain when one is set (else the NLB's name), and the port unless it is the default.
func serviceURL(cfg ingressConfig, nlbDNS pulumi.StringOutput) pulumi.StringOutput {
	scheme, port, defaultPort := "http", cfg.ListenerPort, 80
	if cfg.https() {
		scheme, port, defaultPort = "https", cfg.HTTPSListenerPort, 443
	}
	host := nlbDNS
	if cfg.Domain != "" {
		host = pulumi.String(cfg.Domain).ToStringOutput()
	}
	if port == defaultPort {
		return pulumi.Sprintf("%s://%s/", scheme, host)
	}
	return pulumi.Sprintf("%s://%s:%d/", scheme, host, port)
}

func (o *stackOutputs) export(ctx *pulumi.Context) {
	ctx.Export("dns", o.DNS)
	ctx.Export("url", o.URL)
	ctx.Export("staticIps", o.StaticIPs)
	ctx.Export("staticIpAllocationIds", o.AllocationIDs)
	ctx.Export("staticIpv6s", o.StaticIPv6s)
	ctx.Export("nlbIpAddressType", pulumi.String(o.NlbIPAddressType))
	ctx.Export("albDns", o.AlbDNS)
	ctx.Export("clusterName", o.ClusterName)
	ctx.Export("serviceName", o.ServiceName)
	ctx.Export("logGroup", o.LogGroup)
	if o.EndpointServiceName.OutputState != nil {
		ctx.Export("endpointServiceName", o.EndpointServiceName)
	}
	if len(o.InternalURLs) > 0 {
		ctx.Export("internalUrls", o.InternalURLs)
	}
	if len(o.Services) > 1 {
		services := pulumi.Map{}
		for _, s := range o.Services {
			services[s.Name] = pulumi.Map{"serviceName": s.Service.Name, "logGroup": s.LogGroup.Name}
		}
		ctx.Export("services", services)
	}
}
