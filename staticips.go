package main

import (
	"fmt"
	"github.com/example/nlb-alb-fargate/internal/config"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ownEIP is an Elastic IP the user brings for one AZ of the NLB (eipAllocationIds).
type ownEIP struct {
	AllocationID string
	PublicIP     string
}

// lookupOwnEIPs checks each of the user's Elastic IPs in the account: it must exist in the
// stack's region, be a VPC address, and be free, or already this stack's NLB's (on a
// running stack). It registers nothing, and reports every problem at once.
func lookupOwnEIPs(ctx *pulumi.Context, ids []string) ([]ownEIP, error) {
	p := &config.Problems{}
	var out []ownEIP
	for i, id := range ids {
		key := fmt.Sprintf("eipAllocationIds[%d]", i)
		eip, err := ec2.GetElasticIp(ctx, &ec2.GetElasticIpArgs{Id: pulumi.StringRef(id)})
		if err != nil {
			p.Add(key, "invalid value %q: %s", id, lookUpProblem(id, "ec2:DescribeAddresses", err))
			continue
		}
		if eip.Domain != "vpc" {
			p.Add(key, "invalid value %q: %s is an EC2-Classic address; an NLB takes VPC Elastic IPs", id, eip.PublicIp)
			continue
		}
		if eip.AssociationId != "" {
			if holder, ours := eipHolder(ctx, eip); !ours {
				p.Add(key, "invalid value %q: %s is associated with %s; disassociate it first, or give another", id, eip.PublicIp, holder)
				continue
			}
		}
		out = append(out, ownEIP{AllocationID: id, PublicIP: eip.PublicIp})
	}
	return out, p.Err("")
}

// eipHolder says what holds an associated Elastic IP, and whether that is this stack's
// NLB: a network interface "ELB net/<name>/<id>" of a load balancer with this stack's tag.
func eipHolder(ctx *pulumi.Context, eip *ec2.GetElasticIpResult) (string, bool) {
	if eip.InstanceId != "" {
		return "instance " + eip.InstanceId, false
	}
	if eip.NetworkInterfaceId == "" {
		return "association " + eip.AssociationId, false
	}
	eni, err := ec2.LookupNetworkInterface(ctx, &ec2.LookupNetworkInterfaceArgs{Id: pulumi.StringRef(eip.NetworkInterfaceId)})
	if err != nil {
		return "network interface " + eip.NetworkInterfaceId, false
	}
	rest, isNLB := strings.CutPrefix(eni.Description, "ELB net/")
	name, _, _ := strings.Cut(rest, "/")
	if !isNLB || name == "" {
		return fmt.Sprintf("network interface %s (%s)", eip.NetworkInterfaceId, eni.Description), false
	}
	nlb, err := lb.LookupLoadBalancer(ctx, &lb.LookupLoadBalancerArgs{Name: pulumi.StringRef(name)})
	if err != nil || nlb.Tags[stackTagKey] != stackTagValue(ctx) {
		return "network load balancer " + name + ", not this stack's", false
	}
	return "this stack's NLB", true
}
