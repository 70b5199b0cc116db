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
	DNS         pulumi.StringOutput
	URL         pulumi.StringOutput
	StaticIPs   pulumi.StringArrayOutput
	AlbDNS      pulumi.StringOutput
	ClusterName pulumi.StringOutput
	ServiceName pulumi.StringOutput
	LogGroup    pulumi.StringOutput
	Services    []*fargateService
	// Internal services' URLs, reachable from inside the VPC only.
	InternalURLs pulumi.StringMap
}

// deploy reads and checks the config (registering nothing if it is wrong), then builds
// the network, the internal ALB, the static-IP NLB and the Fargate services.
func deploy(ctx *pulumi.Context) (*stackOutputs, error) {
	cfg, err := loadConfig(ctx)
	if err != nil {
		return nil, err
	}
	zones, err := availabilityZones(ctx, cfg.Network.AzCount)
	if err != nil {
		return nil, err
	}
	region, err := aws.GetRegion(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("looking up the AWS region: %w", err)
	}

	net, err := newNetwork(ctx, cfg.Network, zones, region.Name)
	if err != nil {
		return nil, err
	}
	alb, err := newInternalAlb(ctx, cfg.Ingress, net)
	if err != nil {
		return nil, err
	}
	nlb, err := newStaticIPNlb(ctx, cfg.Ingress, net, alb)
	if err != nil {
		return nil, err
	}
	cluster, err := newCluster(ctx)
	if err != nil {
		return nil, err
	}
	deps := serviceDeps{Network: net, Alb: alb, Cluster: cluster, Region: region.Name, InternalPorts: map[string]int{}}
	for _, sc := range cfg.Services {
		if sc.Internal {
			deps.InternalPorts[sc.Name] = sc.InternalPort
		}
		if len(sc.capacityStrategy()) > 0 && deps.CapacityProviders == nil {
			if deps.CapacityProviders, err = newCapacityProviders(ctx, cluster); err != nil {
				return nil, err
			}
		}
	}
	var services []*fargateService
	for _, sc := range cfg.Services {
		svc, err := newFargateService(ctx, sc, deps)
		if err != nil {
			return nil, err
		}
		services = append(services, svc)
	}
	first := firstPublic(services) // validation guarantees one
	if err := newNlbHealthCheckRule(ctx, cfg.Ingress, alb, first.TargetGroup); err != nil {
		return nil, err
	}

	return &stackOutputs{
		DNS:          nlb.LoadBalancer.DnsName,
		URL:          serviceURL(nlb.LoadBalancer.DnsName, cfg.Ingress.ListenerPort),
		StaticIPs:    nlb.StaticIPs,
		AlbDNS:       alb.LoadBalancer.DnsName,
		ClusterName:  cluster.Name,
		ServiceName:  first.Service.Name,
		LogGroup:     first.LogGroup.Name,
		Services:     services,
		InternalURLs: internalURLs(alb, services),
	}, nil
}

func firstPublic(services []*fargateService) *fargateService {
	for _, s := range services {
		if !s.Internal {
			return s
		}
	}
	return nil
}

// internalURLs maps each internal service to its address inside the VPC.
func internalURLs(alb *internalAlb, services []*fargateService) pulumi.StringMap {
	urls := pulumi.StringMap{}
	for _, s := range services {
		if s.Internal {
			urls[s.Name] = pulumi.Sprintf("http://%s:%d/", alb.LoadBalancer.DnsName, s.InternalPort)
		}
	}
	return urls
}

// serviceURL is the address a user curls: the NLB's name, with the port unless it is 80.
func serviceURL(dns pulumi.StringOutput, port int) pulumi.StringOutput {
	if port == 80 {
		return pulumi.Sprintf("http://%s/", dns)
	}
	return pulumi.Sprintf("http://%s:%d/", dns, port)
}

func (o *stackOutputs) export(ctx *pulumi.Context) {
	ctx.Export("dns", o.DNS)
	ctx.Export("url", o.URL)
	ctx.Export("staticIps", o.StaticIPs)
	ctx.Export("albDns", o.AlbDNS)
	ctx.Export("clusterName", o.ClusterName)
	ctx.Export("serviceName", o.ServiceName)
	ctx.Export("logGroup", o.LogGroup)
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
