package site

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Load balancer subnet needs (Elastic Load Balancing user guides): at least 8 free
// addresses in each subnet.
const minFreeLbIPs = 8

// foundSubnet is what the look-ups tell about one subnet.
type foundSubnet struct {
	ID, VpcID, AZ, CIDR string
	IPv6                bool
	FreeIPs             int
	// The route table's IPv4 default route target ("" for none): igw-… is an internet
	// gateway, which makes the subnet public.
	DefaultRoute string
	RouteTableID string
	// Failed is why the look-ups could not tell ("" when they could): the subnet is not
	// there, or the API refused (lookUpProblem).
	Failed string
}

// ExistingNetwork is an existing VPC (vpcId): the stack creates no VPC, subnets, gateways
// or NAT, and deploys into the subnets the user names, after looking each one up and
// checking it can take what goes there.
type ExistingNetwork struct {
	VpcID    string
	VpcCidr  string   // the primary IPv4 block
	VpcCidrs []string // every IPv4 block of the VPC
	// One per AZ, in the AZ order of publicSubnetIds: the NLB's, and the ALB's and tasks'.
	PublicSubnetIDs, PrivateSubnetIDs []string
	// Every public subnet has an IPv6 block, so the NLB can be dual stack.
	IPv6 bool
}

// lookUpExistingNetwork looks up the VPC and every subnet, checks they fit (every problem
// at once), and returns the network the other layers build on and its AZs in the order
// of publicSubnetIds.
func lookUpExistingNetwork(ctx *pulumi.Context, cfg config.Network) (*ExistingNetwork, []string, error) {
	vpc, err := ec2.LookupVpc(ctx, &ec2.LookupVpcArgs{Id: pulumi.StringRef(cfg.VpcID)})
	if err != nil {
		return nil, nil, &config.Error{Title: "the existing VPC cannot take the stack",
			Problems: []string{"vpcId: " + lookUpProblem(cfg.VpcID, "ec2:DescribeVpcs", err)}}
	}
	public, private := lookupSubnets(ctx, cfg.PublicSubnetIDs), lookupSubnets(ctx, cfg.PrivateSubnetIDs)
	if err := checkExistingSubnets(cfg.VpcID, public, private); err != nil {
		return nil, nil, err
	}
	return existingNetwork(vpc, public, private)
}

// existingNetwork is the network of checked subnets: the public ones in their order, the
// private ones in the same AZ order.
func existingNetwork(vpc *ec2.LookupVpcResult, public, private []foundSubnet) (*ExistingNetwork, []string, error) {
	net := &ExistingNetwork{VpcID: vpc.Id, VpcCidr: vpc.CidrBlock, IPv6: true}
	for _, a := range vpc.CidrBlockAssociations { // the primary block and any secondary ones
		net.VpcCidrs = append(net.VpcCidrs, a.CidrBlock)
	}
	var zones []string
	for _, s := range public {
		i := slices.IndexFunc(private, func(p foundSubnet) bool { return p.AZ == s.AZ })
		if i < 0 {
			return nil, nil, fmt.Errorf("no private subnet in %s after the checks passed", s.AZ) // checkExistingSubnets prevents this
		}
		zones = append(zones, s.AZ)
		net.PublicSubnetIDs = append(net.PublicSubnetIDs, s.ID)
		net.PrivateSubnetIDs = append(net.PrivateSubnetIDs, private[i].ID)
		// The NLB can be dual stack only when every subnet it maps has an IPv6 block.
		net.IPv6 = net.IPv6 && s.IPv6
	}
	return net, zones, nil
}

// lookupSubnets looks up each subnet and its route table. A subnet the look-ups cannot
// tell about (not there, or the API refused) is reported with the others' problems.
func lookupSubnets(ctx *pulumi.Context, ids []string) []foundSubnet {
	out := make([]foundSubnet, 0, len(ids))
	for _, id := range ids {
		s, err := ec2.LookupSubnet(ctx, &ec2.LookupSubnetArgs{Id: pulumi.StringRef(id)})
		if err != nil {
			out = append(out, foundSubnet{ID: id, Failed: lookUpProblem(id, "ec2:DescribeSubnets", err)})
			continue
		}
		found := foundSubnet{ID: id, VpcID: s.VpcId, AZ: s.AvailabilityZone, CIDR: s.CidrBlock,
			IPv6: s.Ipv6CidrBlock != "", FreeIPs: s.AvailableIpAddressCount}
		if found.RouteTableID, found.DefaultRoute, err = defaultRoute(ctx, s.VpcId, id); err != nil {
			found.Failed = lookUpProblem("the route table of "+id, "ec2:DescribeRouteTables", err)
		}
		out = append(out, found)
	}
	return out
}

// defaultRoute finds the route table a subnet uses (its own association, else the VPC's
// main route table, as EC2 routes it) and the target of its IPv4 default route.
func defaultRoute(ctx *pulumi.Context, vpcID, subnetID string) (routeTableID, target string, err error) {
	for _, filter := range []ec2.GetRouteTablesFilter{
		{Name: "association.subnet-id", Values: []string{subnetID}},
		{Name: "association.main", Values: []string{"true"}},
	} {
		tables, err := ec2.GetRouteTables(ctx, &ec2.GetRouteTablesArgs{VpcId: pulumi.StringRef(vpcID), Filters: []ec2.GetRouteTablesFilter{filter}})
		if err != nil {
			return "", "", err
		}
		if len(tables.Ids) == 0 {
			continue
		}
		rt, err := ec2.LookupRouteTable(ctx, &ec2.LookupRouteTableArgs{RouteTableId: pulumi.StringRef(tables.Ids[0])})
		if err != nil {
			return "", "", err
		}
		for _, r := range rt.Routes {
			if r.CidrBlock == "0.0.0.0/0" {
				return rt.Id, cmp.Or(r.GatewayId, r.NatGatewayId, r.TransitGatewayId, r.NetworkInterfaceId, r.VpcPeeringConnectionId, r.VpcEndpointId), nil
			}
		}
		return rt.Id, "", nil
	}
	return "", "", nil // a VPC always has a main route table; the stand-in must say so too
}

// checkExistingSubnets reports every reason the subnets cannot take the stack: not
// found (or not to be looked up), in another VPC, two in one AZ, AZs that differ between the lists, a public
// subnet without an internet gateway, a private one with it, or too small a subnet.
func checkExistingSubnets(vpcID string, public, private []foundSubnet) error {
	p := &config.Problems{}
	azs := map[string][]string{}
	for _, list := range []struct {
		key     string
		subnets []foundSubnet
		public  bool
	}{{"publicSubnetIds", public, true}, {"privateSubnetIds", private, false}} {
		seenAZ := map[string]string{}
		for i, s := range list.subnets {
			k := fmt.Sprintf("%s[%d]", list.key, i)
			if s.Failed != "" {
				p.Add(k, "%s", s.Failed)
				continue
			}
			if s.VpcID != vpcID {
				p.Add(k, "%s is in %s, not in vpcId %s", s.ID, s.VpcID, vpcID)
				continue
			}
			if other, dup := seenAZ[s.AZ]; dup {
				p.Add(k, "%s is in %s, like %s; give one subnet per AZ", s.ID, s.AZ, other)
			} else {
				seenAZ[s.AZ] = k
				azs[list.key] = append(azs[list.key], s.AZ)
			}
			checkSubnetRole(p, k, s, list.public)
		}
	}
	for _, pair := range [][2]string{{"privateSubnetIds", "publicSubnetIds"}, {"publicSubnetIds", "privateSubnetIds"}} {
		for _, az := range azs[pair[0]] {
			if !slices.Contains(azs[pair[1]], az) {
				p.Add(pair[1], "no subnet in %s, where %s has one; the NLB's AZ and the ALB's and tasks' AZ must pair up, one public and one private subnet per AZ", az, pair[0])
			}
		}
	}
	return p.Err("the existing VPC cannot take the stack")
}

// checkSubnetRole checks a subnet can do its job: a public one routes to an internet
// gateway and can hold an NLB; a private one does not, and can hold an ALB.
func checkSubnetRole(p *config.Problems, key string, s foundSubnet, public bool) {
	viaIGW := strings.HasPrefix(s.DefaultRoute, "igw-")
	route := "no IPv4 default route"
	if s.DefaultRoute != "" {
		route = "0.0.0.0/0 → " + s.DefaultRoute
	}
	switch {
	case public && !viaIGW:
		p.Add(key, "%s is not public (route table %s has %s): the internet-facing NLB and its Elastic IPs need a subnet whose 0.0.0.0/0 route goes to an internet gateway", s.ID, s.RouteTableID, route)
	case !public && viaIGW:
		p.Add(key, "%s is public (route table %s has %s): tasks and the internal ALB belong in private subnets, whose egress goes through NAT or VPC endpoints", s.ID, s.RouteTableID, route)
	}
	maxBits, what := config.NLBSubnetMaxBits, "the NLB"
	if !public {
		maxBits, what = config.ALBSubnetMaxBits, "the internal ALB"
	}
	if prefix, err := netip.ParsePrefix(s.CIDR); err == nil && prefix.Bits() > maxBits {
		p.Add(key, "%s is a /%d (%s): %s needs a /%d or larger", s.ID, prefix.Bits(), s.CIDR, what, maxBits)
	}
	if s.FreeIPs < minFreeLbIPs {
		p.Add(key, "%s has %d free IP addresses: %s needs at least %d", s.ID, s.FreeIPs, what, minFreeLbIPs)
	}
}
