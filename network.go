package main

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/site"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// network is what the ingress and service layers need from the VPC.
type network struct {
	VpcID                pulumi.StringOutput
	VpcCidr              string
	VpcCidrs             []string           // every IPv4 block of the VPC: where traffic from inside it comes from
	PublicSubnetIDs      pulumi.StringArray // one per AZ, in AZ order: NLB (and NAT) placement
	PrivateSubnetIDs     pulumi.StringArray // one per AZ, in AZ order: ALB and tasks
	privateRouteTableIDs pulumi.StringArray
	// Every public subnet has an IPv6 block, so the NLB is dual stack; an existing VPC
	// without IPv6 gets an IPv4-only NLB.
	IPv6 bool
	// The internet gateway the stack attaches (nil in an existing VPC): ELB refuses an
	// internet-facing NLB in a VPC without one, so the NLB waits for it.
	internetGateway pulumi.Resource
}

// The subnet layout. The VPC block is split into 16 equal blocks whatever azCount is:
// the public subnet of AZ i takes block i and its private subnet block 8+i, and the /64s
// of the VPC's IPv6 /56 are numbered the same way. Adding an AZ takes new blocks and never
// moves an existing subnet: a subnet's IPv4 block cannot change, EC2 replaces the subnet
// (and with it the NLB's mapping, the NAT gateway and every task in it). Blocks 6, 7, 14
// and 15 stay free (azCount is at most 6). The config checks the VPC block against the
// same layout (config.SubnetBlockBits: 16 blocks, so a /16 VPC gives /20 subnets).
const privateBlocks = 8 // the second half of the VPC holds the private subnets

func publicBlock(az int) int  { return az }
func privateBlock(az int) int { return privateBlocks + az }

// placeNetwork is the network the stack builds on: an existing VPC's, as the look-ups
// found it, or a new one in the AZs they picked.
func placeNetwork(ctx *pulumi.Context, cfg *config.Stack, where *site.Site) (*network, error) {
	if e := where.Network; e != nil {
		return &network{
			VpcID: pulumi.String(e.VpcID).ToStringOutput(), VpcCidr: e.VpcCidr, VpcCidrs: e.VpcCidrs,
			PublicSubnetIDs: pulumi.ToStringArray(e.PublicSubnetIDs), PrivateSubnetIDs: pulumi.ToStringArray(e.PrivateSubnetIDs),
			IPv6: e.IPv6,
		}, nil
	}
	return newNetwork(ctx, cfg.Network, cfg.ExecEndpoint(), where.Zones, where.Account.Region)
}

// newNetwork builds a dual-stack VPC with one public and one private subnet per AZ, and
// with vpcEndpoints the endpoints tasks need (ssmmessages too for execEndpoint: ECS Exec).
// awsx v2's ec2.Vpc cannot give subnets IPv6 blocks, so this uses plain ec2 resources.
func newNetwork(ctx *pulumi.Context, cfg config.Network, execEndpoint bool, zones []string, region string) (*network, error) {
	// The VPC, with an Amazon-provided /56 so every subnet gets a /64 (the NLB is dual stack).
	v, err := ec2.NewVpc(ctx, "vpc", &ec2.VpcArgs{
		CidrBlock:                    pulumi.String(cfg.VpcCidr),
		EnableDnsSupport:             pulumi.Bool(true),
		EnableDnsHostnames:           pulumi.Bool(true),
		AssignGeneratedIpv6CidrBlock: pulumi.Bool(true),
		Tags:                         site.OwnedTags(ctx, "vpc"),
	})
	if err != nil {
		return nil, fmt.Errorf("creating VPC: %w", err)
	}
	net := &network{VpcID: v.ID().ToStringOutput(), VpcCidr: cfg.VpcCidr, VpcCidrs: []string{cfg.VpcCidr}, IPv6: true}
	// The VPC's default security group, which EC2 creates with rules that admit all
	// traffic between its members, is stripped of every rule (FSBP EC2.2): a resource
	// launched without a group of its own then gets no traffic at all. Nothing here uses it.
	if _, err := ec2.NewDefaultSecurityGroup(ctx, "vpc-default-sg", &ec2.DefaultSecurityGroupArgs{
		VpcId: v.ID(),
		Tags:  site.NameTag(ctx, "vpc-default-sg"),
	}); err != nil {
		return nil, fmt.Errorf("emptying the VPC's default security group: %w", err)
	}

	// Internet gateway: public subnets' IPv4 and IPv6 route to the internet.
	// The provider would move it to a new VPC in place, which EC2 refuses while the old
	// VPC's NAT gateways and NLB still map public addresses: a new VPC gets a new gateway.
	igw, err := ec2.NewInternetGateway(ctx, "igw", &ec2.InternetGatewayArgs{VpcId: v.ID(), Tags: site.NameTag(ctx, "igw")},
		pulumi.ReplaceOnChanges([]string{"vpcId"}))
	if err != nil {
		return nil, fmt.Errorf("creating internet gateway: %w", err)
	}
	// Egress-only internet gateway: private subnets may open IPv6 connections out, never in.
	net.internetGateway = igw
	eigw, err := ec2.NewEgressOnlyInternetGateway(ctx, "eigw", &ec2.EgressOnlyInternetGatewayArgs{VpcId: v.ID(), Tags: site.NameTag(ctx, "eigw")})
	if err != nil {
		return nil, fmt.Errorf("creating egress-only internet gateway: %w", err)
	}

	publicRT, err := newRouteTable(ctx, "public-rt", v.ID(), []route{
		{"default-ipv4", "0.0.0.0/0", func(a *ec2.RouteArgs) { a.GatewayId = igw.ID() }},
		{"default-ipv6", "::/0", func(a *ec2.RouteArgs) { a.GatewayId = igw.ID() }},
	})
	if err != nil {
		return nil, err
	}

	var natIDs []pulumi.IDOutput
	for i, az := range zones {
		public, err := newSubnet(ctx, fmt.Sprintf("public-%d", i), v, az, cfg.VpcCidr, publicBlock(i))
		if err != nil {
			return nil, err
		}
		private, err := newSubnet(ctx, fmt.Sprintf("private-%d", i), v, az, cfg.VpcCidr, privateBlock(i))
		if err != nil {
			return nil, err
		}
		net.PublicSubnetIDs = append(net.PublicSubnetIDs, public.ID())
		net.PrivateSubnetIDs = append(net.PrivateSubnetIDs, private.ID())

		if err := associate(ctx, fmt.Sprintf("public-%d-rta", i), public, publicRT); err != nil {
			return nil, err
		}
		if cfg.NatGatewayIn(i) {
			nat, err := newNatGateway(ctx, fmt.Sprintf("nat-%d", i), public)
			if err != nil {
				return nil, err
			}
			natIDs = append(natIDs, nat.ID())
		}

		// One private route table per AZ, so each AZ's IPv4 egress uses its own NAT
		// (no cross-AZ data charges, no shared failure) when natGateways is perAz.
		routes := []route{{"default-ipv6", "::/0", func(a *ec2.RouteArgs) { a.EgressOnlyGatewayId = eigw.ID() }}}
		if len(natIDs) > 0 {
			natID := natIDs[len(natIDs)-1]
			routes = append(routes, route{"default-ipv4", "0.0.0.0/0", func(a *ec2.RouteArgs) { a.NatGatewayId = natID }})
		}
		privateRT, err := newRouteTable(ctx, fmt.Sprintf("private-%d-rt", i), v.ID(), routes)
		if err != nil {
			return nil, err
		}
		if err := associate(ctx, fmt.Sprintf("private-%d-rta", i), private, privateRT); err != nil {
			return nil, err
		}
		net.privateRouteTableIDs = append(net.privateRouteTableIDs, privateRT.ID())
	}
	if cfg.VpcEndpoints {
		if err := newVpcEndpoints(ctx, net, region, execEndpoint); err != nil {
			return nil, err
		}
	}
	return net, nil
}

// newVpcEndpoints lets tasks in private subnets pull from ECR and write logs without a
// NAT gateway: interface endpoints for the ECR API, the registry and CloudWatch Logs (and
// Systems Manager's ssmmessages when a service has ECS Exec), and a gateway endpoint for
// S3, where ECR keeps image layers.
func newVpcEndpoints(ctx *pulumi.Context, net *network, region string, execCommand bool) error {
	sg, err := newSecurityGroup(ctx, "endpoints-sg", "VPC interface endpoints: HTTPS from inside the VPC", net.VpcID)
	if err != nil {
		return err
	}
	if err := addIngress(ctx, sg, securityGroupRule{name: "endpoints-https-from-vpc", description: "HTTPS from the VPC", port: 443, cidrIPv4: net.VpcCidr}); err != nil {
		return err
	}
	services := []string{"ecr.api", "ecr.dkr", "logs"}
	if execCommand {
		// ECS Exec's agent opens its session channels to Systems Manager's ssmmessages.
		services = append(services, "ssmmessages")
	}
	for _, svc := range services {
		name := "endpoint-" + strings.ReplaceAll(svc, ".", "-")
		_, err := ec2.NewVpcEndpoint(ctx, name, &ec2.VpcEndpointArgs{
			VpcId:             net.VpcID,
			ServiceName:       pulumi.Sprintf("com.amazonaws.%s.%s", region, svc),
			VpcEndpointType:   pulumi.String("Interface"),
			SubnetIds:         net.PrivateSubnetIDs,
			SecurityGroupIds:  pulumi.StringArray{sg.ID()},
			PrivateDnsEnabled: pulumi.Bool(true),
			Tags:              site.NameTag(ctx, name),
		})
		if err != nil {
			return fmt.Errorf("creating VPC endpoint %s: %w", svc, err)
		}
	}
	_, err = ec2.NewVpcEndpoint(ctx, "endpoint-s3", &ec2.VpcEndpointArgs{
		VpcId:           net.VpcID,
		ServiceName:     pulumi.Sprintf("com.amazonaws.%s.s3", region),
		VpcEndpointType: pulumi.String("Gateway"),
		RouteTableIds:   net.privateRouteTableIDs,
		Tags:            site.NameTag(ctx, "endpoint-s3"),
	})
	if err != nil {
		return fmt.Errorf("creating VPC endpoint s3: %w", err)
	}
	return nil
}

// newSubnet creates the subnet in block number block of the VPC: that block of the VPC's
// IPv4 range and that /64 of its IPv6 /56, with IPv6 assigned on creation.
func newSubnet(ctx *pulumi.Context, name string, v *ec2.Vpc, az, vpcCidr string, block int) (*ec2.Subnet, error) {
	ipv4, err := subnetCidr(vpcCidr, config.SubnetBlockBits, block)
	if err != nil {
		return nil, fmt.Errorf("subnet %s: %w", name, err)
	}
	ipv6 := v.Ipv6CidrBlock.ApplyT(func(vpcBlock string) (string, error) { return ipv6Subnet(vpcBlock, block) }).(pulumi.StringOutput)
	s, err := ec2.NewSubnet(ctx, name, &ec2.SubnetArgs{
		VpcId:                       v.ID(),
		AvailabilityZone:            pulumi.String(az),
		CidrBlock:                   pulumi.String(ipv4),
		Ipv6CidrBlock:               ipv6,
		AssignIpv6AddressOnCreation: pulumi.Bool(true),
		MapPublicIpOnLaunch:         pulumi.Bool(false), // public IPv4s are the EIPs only
		Tags:                        site.NameTag(ctx, name),
	})
	if err != nil {
		return nil, fmt.Errorf("creating subnet %s: %w", name, err)
	}
	return s, nil
}

// subnetCidr returns the index-th block of newBits more bits inside vpcCidr
// (10.0.0.0/16, 4 bits, index 8 → 10.0.128.0/20).
func subnetCidr(vpcCidr string, newBits, index int) (string, error) {
	vpcPrefix, err := netip.ParsePrefix(vpcCidr)
	if err != nil {
		return "", err
	}
	bits := vpcPrefix.Bits() + newBits
	if index >= 1<<newBits || bits > 32 {
		return "", fmt.Errorf("index %d does not fit in %s with %d new bits", index, vpcCidr, newBits)
	}
	base := vpcPrefix.Addr().As4()
	n := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	n |= uint32(index) << (32 - bits)
	addr := netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
	return netip.PrefixFrom(addr, bits).String(), nil
}

// ipv6Subnet returns the index-th /64 of a /56 (the 8 bits after the /56 are byte 7).
func ipv6Subnet(vpcBlock string, index int) (string, error) {
	p, err := netip.ParsePrefix(vpcBlock)
	if err != nil {
		return "", fmt.Errorf("parsing the VPC's IPv6 block %q: %w", vpcBlock, err)
	}
	if p.Bits() != 56 || index > 255 {
		return "", fmt.Errorf("cannot take /64 number %d of %q: want a /56", index, vpcBlock)
	}
	b := p.Masked().Addr().As16()
	b[7] = byte(index)
	return netip.PrefixFrom(netip.AddrFrom16(b), 64).String(), nil
}

// route is one route of a route table: a name suffix, a destination and its target.
type route struct {
	name, destination string
	target            func(*ec2.RouteArgs)
}

func newRouteTable(ctx *pulumi.Context, name string, vpcID pulumi.IDOutput, routes []route) (*ec2.RouteTable, error) {
	rt, err := ec2.NewRouteTable(ctx, name, &ec2.RouteTableArgs{VpcId: vpcID, Tags: site.NameTag(ctx, name)})
	if err != nil {
		return nil, fmt.Errorf("creating route table %s: %w", name, err)
	}
	for _, r := range routes {
		args := &ec2.RouteArgs{RouteTableId: rt.ID()}
		if prefix := netip.MustParsePrefix(r.destination); prefix.Addr().Is4() {
			args.DestinationCidrBlock = pulumi.String(r.destination)
		} else {
			args.DestinationIpv6CidrBlock = pulumi.String(r.destination)
		}
		r.target(args)
		if _, err := ec2.NewRoute(ctx, name+"-"+r.name, args); err != nil {
			return nil, fmt.Errorf("creating route %s-%s: %w", name, r.name, err)
		}
	}
	return rt, nil
}

func associate(ctx *pulumi.Context, name string, s *ec2.Subnet, rt *ec2.RouteTable) error {
	_, err := ec2.NewRouteTableAssociation(ctx, name, &ec2.RouteTableAssociationArgs{SubnetId: s.ID(), RouteTableId: rt.ID()})
	if err != nil {
		return fmt.Errorf("associating %s: %w", name, err)
	}
	return nil
}

// newNatGateway gives private subnets IPv4 egress (image pulls, logs) through a public subnet.
func newNatGateway(ctx *pulumi.Context, name string, public *ec2.Subnet) (*ec2.NatGateway, error) {
	eip, err := ec2.NewEip(ctx, name+"-eip", &ec2.EipArgs{Domain: pulumi.String("vpc"), Tags: site.OwnedTags(ctx, name+"-eip")})
	if err != nil {
		return nil, fmt.Errorf("creating EIP for %s: %w", name, err)
	}
	nat, err := ec2.NewNatGateway(ctx, name, &ec2.NatGatewayArgs{
		SubnetId:     public.ID(),
		AllocationId: eip.AllocationId,
		Tags:         site.OwnedTags(ctx, name),
		// A replacement (its subnet replaced) keeps the EIP, which AWS lets only one NAT
		// gateway hold: the old one must go first.
	}, pulumi.DeleteBeforeReplace(true))
	if err != nil {
		return nil, fmt.Errorf("creating NAT gateway %s: %w", name, err)
	}
	return nat, nil
}
