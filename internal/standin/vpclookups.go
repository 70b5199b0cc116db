package standin

// The look-ups of an existing VPC (aws_vpc, aws_subnet, aws_route_tables and
// aws_route_table data sources), answered from the Cloud's objects: what another stack or
// team created, seeded with Seed or SeedNetwork, or this stack's own.

import (
	"errors"
	"fmt"
	"net/netip"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

const (
	tVpc              = "aws:ec2/vpc:Vpc"
	tSubnet           = "aws:ec2/subnet:Subnet"
	tRouteTable       = "aws:ec2/routeTable:RouteTable"
	tRoute            = "aws:ec2/route:Route"
	tRouteAssociation = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	tInternetGateway  = "aws:ec2/internetGateway:InternetGateway"
	tNatGateway       = "aws:ec2/natGateway:NatGateway"
)

func init() {
	invokes["aws:ec2/getVpc:getVpc"] = getVpc
	invokes["aws:ec2/getSubnet:getSubnet"] = getSubnet
	invokes["aws:ec2/getRouteTables:getRouteTables"] = getRouteTables
	invokes["aws:ec2/getRouteTable:getRouteTable"] = getRouteTable
}

// lookupArgs refuses the arguments the stand-in does not model, so a look-up it would
// answer wrongly fails instead.
func lookupArgs(args resource.PropertyMap, modelled ...string) error {
	for k, v := range args {
		if !v.IsNull() && !contains(modelled, string(k)) {
			return fmt.Errorf("argument %q is not modelled by the stand-in", k)
		}
	}
	return nil
}

// byID finds the live object of typ a look-up names by id, or fails as the data source
// does when nothing matches.
func byID(c *Cloud, typ string, args resource.PropertyMap, notFound string) (string, resource.PropertyMap, error) {
	if err := lookupArgs(args, "id"); err != nil {
		return "", nil, err
	}
	id := str(args, "id")
	found, ok := c.liveOfType(typ)[id]
	if !ok {
		return "", nil, errors.New(notFound)
	}
	return id, found, nil
}

// getVpc is dataSourceVPCRead by id: exactly one VPC, or "no matching EC2 VPC found".
func getVpc(c *Cloud, args resource.PropertyMap) (resource.PropertyMap, error) {
	id, vpc, err := byID(c, tVpc, args, "no matching EC2 VPC found")
	if err != nil {
		return nil, err
	}
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": id, "arn": str(vpc, "arn"), "cidrBlock": str(vpc, "cidrBlock"), "ipv6CidrBlock": str(vpc, "ipv6CidrBlock"),
		"ipv6AssociationId": str(vpc, "ipv6AssociationId"), "mainRouteTableId": str(vpc, "mainRouteTableId"),
		"dhcpOptionsId": str(vpc, "dhcpOptionsId"), "instanceTenancy": str(vpc, "instanceTenancy"),
		"enableDnsSupport": boolean(vpc, "enableDnsSupport"), "enableDnsHostnames": boolean(vpc, "enableDnsHostnames"),
		"default": false, "state": "available", "ownerId": Account, "tags": tagsOf(vpc),
		"cidrBlockAssociations": []any{map[string]any{"associationId": "vpc-cidr-assoc-0" + hexOf(16, id), "cidrBlock": str(vpc, "cidrBlock"), "state": "associated"}},
	}), nil
}

// getSubnet is dataSourceSubnetRead by id. available_ip_address_count is what EC2
// reports: the block's addresses less the five AWS reserves and the network interfaces
// in it (load balancers' and NAT gateways').
func getSubnet(c *Cloud, args resource.PropertyMap) (resource.PropertyMap, error) {
	id, s, err := byID(c, tSubnet, args, "no matching EC2 Subnet found")
	if err != nil {
		return nil, err
	}
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": id, "arn": str(s, "arn"), "vpcId": str(s, "vpcId"), "availabilityZone": str(s, "availabilityZone"),
		"availabilityZoneId": str(s, "availabilityZoneId"), "cidrBlock": str(s, "cidrBlock"),
		"ipv6CidrBlock": str(s, "ipv6CidrBlock"), "ipv6CidrBlockAssociationId": str(s, "ipv6CidrBlockAssociationId"),
		"availableIpAddressCount": c.freeIPs(id, str(s, "cidrBlock")), "mapPublicIpOnLaunch": boolean(s, "mapPublicIpOnLaunch"),
		"assignIpv6AddressOnCreation": boolean(s, "assignIpv6AddressOnCreation"), "defaultForAz": false,
		"state": "available", "ownerId": Account, "tags": tagsOf(s),
	}), nil
}

// freeIPs is a subnet's available IPv4 addresses.
func (c *Cloud) freeIPs(subnetID, cidr string) int {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || !p.Addr().Is4() {
		return 0
	}
	used := 5 // the network address, the VPC router, DNS, one reserved, broadcast
	c.mu.Lock()
	for _, e := range c.enis {
		if e.subnetID == subnetID {
			used++
		}
	}
	c.mu.Unlock()
	for _, nat := range c.liveOfType(tNatGateway) {
		if str(nat, "subnetId") == subnetID {
			used++
		}
	}
	return max(0, 1<<(32-p.Bits())-used)
}

// routeTable is a route table as the look-ups see it: one the program created, or a
// VPC's main route table, which EC2 makes with the VPC.
type routeTable struct {
	id, vpcID string
	main      bool
	subnets   []string // explicitly associated subnets
	tags      map[string]any
}

// routeTables lists every route table of the account, with its associations.
func (c *Cloud) routeTables() []routeTable {
	var out []routeTable
	for vpcID, vpc := range c.liveOfType(tVpc) {
		out = append(out, routeTable{id: str(vpc, "mainRouteTableId"), vpcID: vpcID, main: true, tags: map[string]any{}})
	}
	for id, rt := range c.liveOfType(tRouteTable) {
		out = append(out, routeTable{id: id, vpcID: str(rt, "vpcId"), tags: tagsOf(rt)})
	}
	assocs := c.liveOfType(tRouteAssociation)
	for i := range out {
		for _, a := range assocs {
			if str(a, "routeTableId") == out[i].id && str(a, "subnetId") != "" {
				out[i].subnets = append(out[i].subnets, str(a, "subnetId"))
			}
		}
		sort.Strings(out[i].subnets)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// getRouteTables is dataSourceRouteTablesRead: the ids of the tables matching vpc_id and
// the filters; none is an empty list, not an error.
func getRouteTables(c *Cloud, args resource.PropertyMap) (resource.PropertyMap, error) {
	if err := lookupArgs(args, "vpcId", "filters"); err != nil {
		return nil, err
	}
	vpcID := str(args, "vpcId")
	filters := filtersOf(args)
	ids := []any{}
	for _, rt := range c.routeTables() {
		if vpcID != "" && rt.vpcID != vpcID {
			continue
		}
		ok, err := rt.matches(filters)
		if err != nil {
			return nil, err
		}
		if ok {
			ids = append(ids, rt.id)
		}
	}
	return resource.NewPropertyMapFromMap(map[string]any{"id": c.Region(), "ids": ids}), nil
}

// matches applies the route-table filters the stand-in models; association.subnet-id
// matches any of the table's associations, as EC2's does.
func (rt routeTable) matches(filters []filter) (bool, error) {
	for _, f := range filters {
		var have []string
		switch f.name {
		case "association.subnet-id":
			have = rt.subnets
		case "association.main":
			have = []string{fmt.Sprint(rt.main)}
		case "vpc-id":
			have = []string{rt.vpcID}
		case "route-table-id":
			have = []string{rt.id}
		default:
			return false, fmt.Errorf("filter %q is not modelled by the stand-in", f.name)
		}
		found := false
		for _, h := range have {
			found = found || contains(f.values, h)
		}
		if !found {
			return false, nil
		}
	}
	return true, nil
}

// getRouteTable is dataSourceRouteTableRead by route_table_id or subnet_id: exactly one
// table, with its routes (the local route, inline routes, and aws_route resources) and
// associations.
func getRouteTable(c *Cloud, args resource.PropertyMap) (resource.PropertyMap, error) {
	if err := lookupArgs(args, "routeTableId", "subnetId"); err != nil {
		return nil, err
	}
	var found []routeTable
	for _, rt := range c.routeTables() {
		if id := str(args, "routeTableId"); id != "" && rt.id != id {
			continue
		}
		if subnet := str(args, "subnetId"); subnet != "" && !contains(rt.subnets, subnet) {
			continue
		}
		found = append(found, rt)
	}
	if len(found) != 1 {
		return nil, fmt.Errorf("query returned %d results: no matching EC2 Route Table found (or several)", len(found))
	}
	rt := found[0]
	var assocs []any
	for _, s := range rt.subnets {
		assocs = append(assocs, map[string]any{"subnetId": s, "routeTableId": rt.id, "main": false, "gatewayId": "",
			"routeTableAssociationId": "rtbassoc-0" + hexOf(16, rt.id, s)})
	}
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": rt.id, "routeTableId": rt.id, "vpcId": rt.vpcID, "ownerId": Account, "tags": rt.tags,
		"arn":    fmt.Sprintf("arn:aws:ec2:%s:%s:route-table/%s", c.Region(), Account, rt.id),
		"routes": c.routesOf(rt), "associations": assocs, "subnetId": str(args, "subnetId"), "gatewayId": "",
	}), nil
}

// routesOf lists a table's routes other than the local one, as the data source does.
func (c *Cloud) routesOf(rt routeTable) []any {
	routes := []any{}
	add := func(r resource.PropertyMap, dest4, dest6 string) {
		route := map[string]any{"cidrBlock": dest4, "ipv6CidrBlock": dest6}
		for _, k := range []string{"gatewayId", "natGatewayId", "egressOnlyGatewayId", "transitGatewayId", "networkInterfaceId",
			"vpcPeeringConnectionId", "vpcEndpointId", "carrierGatewayId", "localGatewayId", "coreNetworkArn", "instanceId", "destinationPrefixListId"} {
			route[k] = str(r, k)
		}
		routes = append(routes, route)
	}
	if table, ok := c.liveOfType(tRouteTable)[rt.id]; ok {
		for _, r := range objs(table, "routes") {
			add(r, str(r, "cidrBlock"), str(r, "ipv6CidrBlock"))
		}
	}
	var ids []string
	all := c.liveOfType(tRoute)
	for id, r := range all {
		if str(r, "routeTableId") == rt.id {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		add(all[id], str(all[id], "destinationCidrBlock"), str(all[id], "destinationIpv6CidrBlock"))
	}
	return routes
}

func tagsOf(m resource.PropertyMap) map[string]any {
	out := map[string]any{}
	for k, v := range obj(m, "tags") {
		if v = unwrap(v); v.IsString() {
			out[string(k)] = v.StringValue()
		}
	}
	return out
}

// NetworkSpec describes an existing VPC to seed: a team's shared network that a stack
// deploys into with vpcId.
type NetworkSpec struct {
	Name string // prefix of the seeded objects' names, which make their ids
	Cidr string // the VPC's block, a /16: public subnets are its /24s from .0, private its /22s from .64
	AZs  int    // public and private subnets, one each per AZ
	IPv6 bool   // an Amazon-provided /56, and a /64 in every subnet
}

// SharedNetwork is a seeded VPC's ids, subnets in AZ order.
type SharedNetwork struct {
	VpcID            string
	PublicSubnetIDs  []string
	PrivateSubnetIDs []string
	NatGatewayID     string
}

// SeedNetwork makes a VPC as a network team would: an internet gateway, public subnets
// whose route table sends 0.0.0.0/0 to it, and private subnets that reach out through a
// NAT gateway in the first public subnet. Its ids depend on spec only, so an example
// config can name them.
func (c *Cloud) SeedNetwork(spec NetworkSpec) (SharedNetwork, error) {
	var net SharedNetwork
	seed := func(typ, name string, in map[string]any) (string, error) {
		return c.Seed(tokens.Type(typ), spec.Name+"-"+name, in)
	}
	var err error
	if net.VpcID, err = seed(tVpc, "vpc", map[string]any{"cidrBlock": spec.Cidr, "enableDnsHostnames": true, "assignGeneratedIpv6CidrBlock": spec.IPv6}); err != nil {
		return net, err
	}
	if _, err = seed(tInternetGateway, "igw", map[string]any{"vpcId": net.VpcID}); err != nil {
		return net, err
	}
	vpcBlock, err := netip.ParsePrefix(spec.Cidr)
	if err != nil || vpcBlock.Bits() != 16 {
		return net, fmt.Errorf("seeding %s: cidr %q must be a /16", spec.Name, spec.Cidr)
	}
	octets := vpcBlock.Addr().As4()
	ipv6 := str(c.objectState(net.VpcID), "ipv6CidrBlock")
	for i, az := range zoneNames(c.Region())[:spec.AZs] {
		for _, tier := range []struct {
			list  *[]string
			name  string
			block string
			index int
		}{
			{&net.PublicSubnetIDs, "public", fmt.Sprintf("%d.%d.%d.0/24", octets[0], octets[1], i), i},
			{&net.PrivateSubnetIDs, "private", fmt.Sprintf("%d.%d.%d.0/22", octets[0], octets[1], 64+4*i), 128 + i},
		} {
			in := map[string]any{"vpcId": net.VpcID, "availabilityZone": az, "cidrBlock": tier.block}
			if ipv6 != "" {
				in["ipv6CidrBlock"] = nthIPv6Subnet(ipv6, tier.index)
			}
			id, err := seed(tSubnet, fmt.Sprintf("%s-%d", tier.name, i), in)
			if err != nil {
				return net, err
			}
			*tier.list = append(*tier.list, id)
		}
	}
	return net, c.seedRoutes(spec, &net)
}

// seedRoutes gives the seeded network its route tables: public to the internet gateway,
// private to a NAT gateway.
func (c *Cloud) seedRoutes(spec NetworkSpec, net *SharedNetwork) error {
	seed := func(typ, name string, in map[string]any) (string, error) {
		return c.Seed(tokens.Type(typ), spec.Name+"-"+name, in)
	}
	var igw string
	for id, g := range c.liveOfType(tInternetGateway) {
		if str(g, "vpcId") == net.VpcID {
			igw = id
		}
	}
	eip, err := seed("aws:ec2/eip:Eip", "nat-eip", map[string]any{"domain": "vpc"})
	if err != nil {
		return err
	}
	if net.NatGatewayID, err = seed(tNatGateway, "nat", map[string]any{"subnetId": net.PublicSubnetIDs[0], "allocationId": eip}); err != nil {
		return err
	}
	for _, tier := range []struct {
		name    string
		subnets []string
		target  map[string]any
	}{
		{"public", net.PublicSubnetIDs, map[string]any{"gatewayId": igw}},
		{"private", net.PrivateSubnetIDs, map[string]any{"natGatewayId": net.NatGatewayID}},
	} {
		rt, err := seed(tRouteTable, tier.name+"-rt", map[string]any{"vpcId": net.VpcID})
		if err != nil {
			return err
		}
		route := map[string]any{"routeTableId": rt, "destinationCidrBlock": "0.0.0.0/0"}
		for k, v := range tier.target {
			route[k] = v
		}
		if _, err := seed(tRoute, tier.name+"-default", route); err != nil {
			return err
		}
		for i, subnet := range tier.subnets {
			if _, err := seed(tRouteAssociation, fmt.Sprintf("%s-rta-%d", tier.name, i), map[string]any{"subnetId": subnet, "routeTableId": rt}); err != nil {
				return err
			}
		}
	}
	return nil
}

// nthIPv6Subnet is the index-th /64 of a /56.
func nthIPv6Subnet(vpcBlock string, index int) string {
	p := netip.MustParsePrefix(vpcBlock)
	b := p.Masked().Addr().As16()
	b[7] = byte(index)
	return netip.PrefixFrom(netip.AddrFrom16(b), 64).String()
}
