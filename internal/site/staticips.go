package site

import (
	"fmt"
	"strings"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// RetainTagKey marks an Elastic IP the stack allocated with retainStaticIps, once an up
// has applied it: the stack's state then keeps the address on delete. The look-ups read
// it, because the state (what a delete follows) is not visible to the program.
const RetainTagKey = "pulumi-retain-on-delete"

// OwnEIP is an Elastic IP the user brings for one AZ of the NLB (eipAllocationIds).
type OwnEIP struct {
	AllocationID string
	PublicIP     string
}

// lookUpOwnEIPs checks each of the user's Elastic IPs in the account: it must exist in the
// stack's region, be a VPC address, and be free, or already this stack's NLB's (on a
// running stack). One the stack allocated itself and still holds must be kept on delete
// first (retainStaticIps, applied by an up), or letting go of its nlb-eip resource would
// release it while the NLB holds it. It registers nothing, and reports every problem at
// once.
func lookUpOwnEIPs(ctx *pulumi.Context, ids []string) ([]OwnEIP, error) {
	p := &config.Problems{}
	var out []OwnEIP
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
		h := holderOf(ctx, eip)
		switch {
		case h.Held && !h.StackNLB:
			p.Add(key, "invalid value %q: %s is associated with %s; disassociate it first, or give another", id, eip.PublicIp, h.What)
			continue
		case h.StackNLB && allocatedByStack(ctx, eip.Tags) && eip.Tags[RetainTagKey] != "true":
			p.Add(key, "invalid value %q: %s is this stack's own Elastic IP %s, which the stack releases when it stops allocating it, while the NLB still holds it; keep it first: set retainStaticIps: true and run pulumi up, then set eipAllocationIds",
				id, eip.PublicIp, strings.TrimPrefix(eip.Tags["Name"], ctx.Stack()+"-"))
			continue
		}
		out = append(out, OwnEIP{AllocationID: id, PublicIP: eip.PublicIp})
	}
	return out, p.Err("")
}

// allocatedByStack reports whether tags are those of an Elastic IP this stack allocated
// for its NLB (nlb-eip-N, with the stack's tag).
func allocatedByStack(ctx *pulumi.Context, tags map[string]string) bool {
	return tags[StackTagKey] == StackTagValue(ctx) && strings.HasPrefix(tags["Name"], ctx.Stack()+"-nlb-eip-")
}

// eipHolding is what holds an Elastic IP.
type eipHolding struct {
	Held     bool   // associated with something
	What     string // what, for messages
	StackNLB bool   // this stack's NLB
	StackNAT bool   // one of this stack's NAT gateways
}

// holderOf says what holds an Elastic IP: nothing, this stack's NLB ("ELB net/<name>/<id>"
// network interface of a load balancer with this stack's tag) or NAT gateway ("Interface
// for NAT Gateway nat-…" of a gateway with this stack's tag), or something else.
func holderOf(ctx *pulumi.Context, eip *ec2.GetElasticIpResult) eipHolding {
	switch {
	case eip.AssociationId == "":
		return eipHolding{}
	case eip.InstanceId != "":
		return eipHolding{Held: true, What: "instance " + eip.InstanceId}
	case eip.NetworkInterfaceId == "":
		return eipHolding{Held: true, What: "association " + eip.AssociationId}
	}
	eni, err := ec2.LookupNetworkInterface(ctx, &ec2.LookupNetworkInterfaceArgs{Id: pulumi.StringRef(eip.NetworkInterfaceId)})
	if err != nil {
		return eipHolding{Held: true, What: "network interface " + eip.NetworkInterfaceId}
	}
	ours := StackTagValue(ctx)
	if rest, isNLB := strings.CutPrefix(eni.Description, "ELB net/"); isNLB {
		name, _, _ := strings.Cut(rest, "/")
		nlb, err := lb.LookupLoadBalancer(ctx, &lb.LookupLoadBalancerArgs{Name: pulumi.StringRef(name)})
		if err == nil && nlb.Tags[StackTagKey] == ours {
			return eipHolding{Held: true, What: "this stack's NLB", StackNLB: true}
		}
		return eipHolding{Held: true, What: "network load balancer " + name + ", not this stack's"}
	}
	if natID, isNAT := strings.CutPrefix(eni.Description, "Interface for NAT Gateway "); isNAT {
		nat, err := ec2.LookupNatGateway(ctx, &ec2.LookupNatGatewayArgs{Id: pulumi.StringRef(natID)})
		if err == nil && nat.Tags[StackTagKey] == ours {
			return eipHolding{Held: true, What: "this stack's NAT gateway " + natID, StackNAT: true}
		}
		return eipHolding{Held: true, What: "NAT gateway " + natID + ", not this stack's"}
	}
	return eipHolding{Held: true, What: fmt.Sprintf("network interface %s (%s)", eip.NetworkInterfaceId, eni.Description)}
}
