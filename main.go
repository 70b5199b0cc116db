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
	deps := serviceDeps{Network: net, Alb: alb, Cluster: cluster, Region: region.Name}
	var services []*fargateService
	for _, sc := range cfg.Services {
		svc, err := newFargateService(ctx, sc, deps)
		if err != nil {
			return nil, err
		}
		services = append(services, svc)
	}
	if err := newNlbHealthCheckRule(ctx, cfg.Ingress, alb, services[0].TargetGroup); err != nil {
		return nil, err
	}

	return &stackOutputs{
		DNS:         nlb.LoadBalancer.DnsName,
		URL:         serviceURL(nlb.LoadBalancer.DnsName, cfg.Ingress.ListenerPort),
		StaticIPs:   nlb.StaticIPs,
		AlbDNS:      alb.LoadBalancer.DnsName,
		ClusterName: cluster.Name,
		ServiceName: services[0].Service.Name,
		LogGroup:    services[0].LogGroup.Name,
		Services:    services,
	}, nil
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
}
