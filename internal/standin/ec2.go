package standin

// EC2 and VPC resources (terraform-provider-aws internal/service/ec2).

import (
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"net/netip"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

func init() {
	register(map[tokens.Type]*model{
		"aws:ec2/vpc:Vpc": {
			tf: "aws_vpc", source: "internal/service/ec2/vpc_.go",
			forceNew: []string{"cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"},
			computed: []string{"cidrBlock", "enableDnsHostnames", "enableNetworkAddressUsageMetrics", "ipv6CidrBlock", "ipv6CidrBlockNetworkBorderGroup"},
			defaults: map[string]any{"enableDnsSupport": true, "instanceTenancy": "default"},
			tagged:   true,
			create:   createVpc,
			rules: []rule{{
				name: "resourceVPCCustomizeDiff",
				why:  "a tenancy change replaces the VPC unless it goes from dedicated to default",
				customize: func(_ *Cloud, state, news resource.PropertyMap, changed []string) []string {
					if contains(changed, "instanceTenancy") && !(str(state, "instanceTenancy") == "dedicated" && str(news, "instanceTenancy") == "default") {
						return []string{"instanceTenancy"}
					}
					return nil
				},
			}},
		},
		"aws:ec2/subnet:Subnet": {
			tf: "aws_subnet", source: "internal/service/ec2/vpc_subnet.go",
			// In v5 ipv6CidrBlock changes in place (disassociate, associate); the ForceNewIf
			// on it arrived in v6.
			forceNew: []string{"vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId", "ipv6Native", "outpostArn"},
			computed: []string{"availabilityZone", "availabilityZoneId", "privateDnsHostnameTypeOnLaunch"},
			// Its defaults are all false, which SDKv2 plans as unset: nothing to model.
			tagged: true,
			create: createSubnet,
		},
		"aws:ec2/internetGateway:InternetGateway": {
			tf: "aws_internet_gateway", source: "internal/service/ec2/vpc_internet_gateway.go",
			computed: []string{"vpcId"}, // attach and detach in place
			tagged:   true,
			create: func(o *op) (string, map[string]any, error) {
				id := o.ec2ID("igw")
				return id, map[string]any{"arn": o.arn("ec2", "internet-gateway/"+id), "ownerId": Account}, nil
			},
		},
		"aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": {
			tf: "aws_egress_only_internet_gateway", source: "internal/service/ec2/vpc_egress_only_internet_gateway.go",
			forceNew: []string{"vpcId"},
			tagged:   true,
			create:   func(o *op) (string, map[string]any, error) { return o.ec2ID("eigw"), map[string]any{}, nil },
		},
		"aws:ec2/eip:Eip": {
			tf: "aws_eip", source: "internal/service/ec2/ec2_eip.go",
			forceNew: []string{"address", "domain", "vpc", "networkBorderGroup", "publicIpv4Pool", "ipamPoolId"},
			computed: []string{"domain", "vpc", "networkBorderGroup", "publicIpv4Pool", "instance", "networkInterface"},
			tagged:   true,
			create: func(o *op) (string, map[string]any, error) {
				id := o.ec2ID("eipalloc")
				ip := publicIPv4(o.hex("ip", 6))
				return id, map[string]any{
					"allocationId": id, "publicIp": ip, "publicDns": publicDNS(o.region(), ip),
					"arn": o.arn("ec2", "elastic-ip/"+id), "domain": "vpc", "vpc": true, "networkBorderGroup": o.region(),
					"publicIpv4Pool": "amazon", "associationId": "", "privateIp": "", "ptrRecord": "", "networkInterface": "",
				}, nil
			},
		},
		"aws:ec2/natGateway:NatGateway": {
			tf: "aws_nat_gateway", source: "internal/service/ec2/vpc_nat_gateway.go",
			forceNew: []string{"subnetId", "allocationId", "connectivityType", "privateIp", "secondaryPrivateIpAddressCount"},
			computed: []string{"privateIp", "secondaryPrivateIpAddresses", "secondaryPrivateIpAddressCount"},
			sets:     []string{"secondaryAllocationIds", "secondaryPrivateIpAddresses"},
			defaults: map[string]any{"connectivityType": "public"},
			tagged:   true,
			create: func(o *op) (string, map[string]any, error) {
				id := o.ec2ID("nat")
				outs := map[string]any{"networkInterfaceId": o.ec2ID("eni"), "associationId": o.ec2ID("eipassoc"), "publicIp": "", "privateIp": ""}
				if eip := o.lookup(str(o.in, "allocationId")); eip != nil {
					outs["publicIp"] = str(eip, "publicIp")
				}
				if subnet := o.lookup(str(o.in, "subnetId")); subnet != nil {
					outs["privateIp"] = hostIn(str(subnet, "cidrBlock"), o.hex("privateIp", 8))
				}
				return id, outs, nil
			},
		},
		"aws:ec2/routeTable:RouteTable": {
			tf: "aws_route_table", source: "internal/service/ec2/vpc_route_table.go",
			forceNew: []string{"vpcId"},
			computed: []string{"routes", "propagatingVgws"}, // routes of separate aws_route resources show up here
			sets:     []string{"routes", "propagatingVgws"},
			tagged:   true,
			create: func(o *op) (string, map[string]any, error) {
				id := o.ec2ID("rtb")
				return id, map[string]any{"arn": o.arn("ec2", "route-table/"+id), "ownerId": Account, "routes": []any{}, "propagatingVgws": []any{}}, nil
			},
		},
		"aws:ec2/route:Route": {
			tf: "aws_route", source: "internal/service/ec2/vpc_route.go",
			// Destinations are ForceNew; targets change in place (ReplaceRoute).
			forceNew: []string{"routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"},
			computed: []string{"networkInterfaceId"},
			create: func(o *op) (string, map[string]any, error) {
				dest := str(o.in, "destinationCidrBlock") + str(o.in, "destinationIpv6CidrBlock") + str(o.in, "destinationPrefixListId")
				// routeCreateID: r-<route table id><crc32 of the destination>.
				return fmt.Sprintf("r-%s%d", str(o.in, "routeTableId"), crc32.ChecksumIEEE([]byte(dest))),
					map[string]any{"state": "active", "origin": "CreateRoute", "instanceOwnerId": "", "instanceId": ""}, nil
			},
		},
		"aws:ec2/routeTableAssociation:RouteTableAssociation": {
			tf: "aws_route_table_association", source: "internal/service/ec2/vpc_route_table_association.go",
			forceNew: []string{"subnetId", "gatewayId"}, // routeTableId changes in place (ReplaceRouteTableAssociation)
			create:   func(o *op) (string, map[string]any, error) { return o.ec2ID("rtbassoc"), map[string]any{}, nil },
		},
		"aws:ec2/securityGroup:SecurityGroup": {
			tf: "aws_security_group", source: "internal/service/ec2/vpc_security_group.go",
			forceNew: []string{"name", "namePrefix", "description", "vpcId"},
			// ConfigModeAttr sets: rules made by separate rule resources show up in ingress and
			// egress on refresh, and leaving them out of the program plans nothing.
			computed: []string{"name", "namePrefix", "vpcId", "ingress", "egress"},
			sets:     []string{"ingress", "egress"},
			defaults: map[string]any{"description": "Managed by Pulumi"}, // pulumi-aws's override of the provider's
			autoname: 255,
			tagged:   true,
			create: func(o *op) (string, map[string]any, error) {
				id := o.ec2ID("sg")
				// resourceSecurityGroupCreate revokes AWS's default allow-all egress rule.
				return id, map[string]any{"arn": o.arn("ec2", "security-group/"+id), "ownerId": Account, "ingress": []any{}, "egress": []any{}, "namePrefix": ""}, nil
			},
		},
		"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": securityGroupRuleModel("aws_vpc_security_group_ingress_rule"),
		"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":   securityGroupRuleModel("aws_vpc_security_group_egress_rule"),
		"aws:ec2/vpcEndpoint:VpcEndpoint": {
			tf: "aws_vpc_endpoint", source: "internal/service/ec2/vpc_endpoint.go",
			forceNew: []string{"serviceName", "vpcId", "vpcEndpointType"},
			computed: []string{"policy", "privateDnsEnabled", "ipAddressType", "dnsOptions", "routeTableIds", "securityGroupIds", "subnetIds", "subnetConfigurations"},
			sets:     []string{"routeTableIds", "securityGroupIds", "subnetIds", "subnetConfigurations"},
			defaults: map[string]any{"vpcEndpointType": "Gateway"},
			tagged:   true,
			create:   createVpcEndpoint,
			rules: []rule{{
				name: "verify.SuppressEquivalentPolicyDiffs", attr: "policy",
				why:  "an endpoint policy equal as JSON to the stored one plans no change",
				same: func(s, n resource.PropertyValue, _ resource.PropertyMap) bool { return equivalentPolicies(s, n) },
			}},
		},
		"aws:ec2/vpcEndpointService:VpcEndpointService": {
			tf: "aws_vpc_endpoint_service", source: "internal/service/ec2/vpc_endpoint_service.go",
			computed: []string{"allowedPrincipals", "privateDnsName", "supportedIpAddressTypes"},
			sets:     []string{"allowedPrincipals", "networkLoadBalancerArns", "gatewayLoadBalancerArns", "supportedIpAddressTypes"},
			tagged:   true,
			create: func(o *op) (string, map[string]any, error) {
				id := "vpce-svc-0" + o.hex("id", 16)
				return id, map[string]any{
					"arn": o.arn("ec2", "vpc-endpoint-service/"+id), "serviceName": fmt.Sprintf("com.amazonaws.vpce.%s.%s", o.region(), id),
					"serviceType": "Interface", "state": "Available", "privateDnsName": "", "managesVpcEndpoints": false,
					"baseEndpointDnsNames": []any{fmt.Sprintf("%s.%s.vpce.amazonaws.com", id, o.region())},
				}, nil
			},
		},
	})
	hooks["aws:ec2/internetGateway:InternetGateway"] = objectHook{
		// EC2 refuses to detach a gateway from a VPC that still maps public addresses.
		updated: func(c *Cloud, _ string, old, new resource.PropertyMap) error {
			from := str(old, "vpcId")
			if from == "" || from == str(new, "vpcId") {
				return nil
			}
			for id, nat := range c.liveOfType("aws:ec2/natGateway:NatGateway") {
				if subnet := c.objectState(str(nat, "subnetId")); subnet != nil && str(subnet, "vpcId") == from {
					return fmt.Errorf("DependencyViolation: Network %s has some mapped public address(es) (%s); unmap those addresses first", from, id)
				}
			}
			return nil
		},
	}
	hooks["aws:ec2/natGateway:NatGateway"] = objectHook{
		// AWS: an Elastic IP is associated with one thing at a time; a NAT gateway created
		// with an allocation another object holds fails with Resource.AlreadyAssociated.
		created: func(c *Cloud, id string, state resource.PropertyMap) error {
			return c.holdEIPs(id, "Resource.AlreadyAssociated: Elastic IP address [%s] is already associated", str(state, "allocationId"))
		},
		deleted: func(c *Cloud, id string, state resource.PropertyMap) { c.releaseEIPs(id, str(state, "allocationId")) },
	}
}

func createVpc(o *op) (string, map[string]any, error) {
	id := o.ec2ID("vpc")
	rtb := o.ec2ID("rtb")
	outs := map[string]any{
		"arn": o.arn("ec2", "vpc/"+id), "ownerId": Account,
		"defaultSecurityGroupId": o.ec2ID("sg"), "defaultNetworkAclId": o.ec2ID("acl"),
		"mainRouteTableId": rtb, "defaultRouteTableId": rtb, "dhcpOptionsId": o.ec2ID("dopt"),
		"enableDnsHostnames": false, "enableNetworkAddressUsageMetrics": false,
		"ipv6CidrBlock": "", "ipv6AssociationId": "", "assignGeneratedIpv6CidrBlock": false,
	}
	if !o.preview {
		if _, err := netip.ParsePrefix(str(o.in, "cidrBlock")); err != nil {
			return "", nil, fmt.Errorf("InvalidParameterValue: Value (%s) for parameter cidrBlock is invalid", str(o.in, "cidrBlock"))
		}
	}
	if boolean(o.in, "assignGeneratedIpv6CidrBlock") {
		// An Amazon-provided /56 from Amazon's 2600:1f00::/24 pool.
		h := o.hex("ipv6", 6)
		outs["ipv6CidrBlock"] = fmt.Sprintf("2600:1f18:%s:%s00::/56", h[:4], h[4:6])
		outs["ipv6AssociationId"] = o.ec2ID("vpc-cidr-assoc")
		outs["ipv6CidrBlockNetworkBorderGroup"] = o.region()
	}
	return id, outs, nil
}

// createSubnet makes a subnet as EC2 does: its blocks must lie inside the VPC's and may not
// overlap another subnet of the VPC (InvalidSubnet.Range, InvalidSubnet.Conflict), which
// is also why a subnet cannot be replaced create-before-delete with the same block.
func createSubnet(o *op) (string, map[string]any, error) {
	id := o.ec2ID("subnet")
	az := str(o.in, "availabilityZone")
	outs := map[string]any{
		"arn": o.arn("ec2", "subnet/"+id), "ownerId": Account,
		"availabilityZoneId":             zoneID(o.region(), az),
		"privateDnsHostnameTypeOnLaunch": "ip-name", "ipv6CidrBlockAssociationId": "",
	}
	if o.in.HasValue("ipv6CidrBlock") {
		outs["ipv6CidrBlockAssociationId"] = o.ec2ID("subnet-cidr-assoc")
	}
	if o.preview {
		return id, outs, nil
	}
	vpc := o.lookup(str(o.in, "vpcId"))
	if vpc == nil {
		return "", nil, fmt.Errorf("InvalidVpcID.NotFound: The vpc ID '%s' does not exist", str(o.in, "vpcId"))
	}
	if !strings.HasPrefix(az, o.region()) {
		return "", nil, fmt.Errorf("InvalidParameterValue: Value (%s) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: %s", az, strings.Join(zoneNames(o.region()), ", "))
	}
	for _, block := range []struct{ key, vpcKey string }{{"cidrBlock", "cidrBlock"}, {"ipv6CidrBlock", "ipv6CidrBlock"}} {
		cidr := str(o.in, block.key)
		if cidr == "" {
			continue
		}
		p, err := netip.ParsePrefix(cidr)
		vp, vErr := netip.ParsePrefix(str(vpc, block.vpcKey))
		if err != nil || vErr != nil || !vp.Contains(p.Addr()) || p.Bits() < vp.Bits() {
			return "", nil, fmt.Errorf("InvalidSubnet.Range: The CIDR '%s' is invalid for the VPC's %s %s", cidr, block.vpcKey, str(vpc, block.vpcKey))
		}
		for otherID, other := range o.c.liveOfType("aws:ec2/subnet:Subnet") {
			if str(other, "vpcId") != str(o.in, "vpcId") {
				continue
			}
			if ob, err := netip.ParsePrefix(str(other, block.key)); err == nil && ob.Overlaps(p) {
				return "", nil, fmt.Errorf("InvalidSubnet.Conflict: The CIDR '%s' conflicts with another subnet (%s, %s)", cidr, otherID, ob)
			}
		}
	}
	return id, outs, nil
}

func createVpcEndpoint(o *op) (string, map[string]any, error) {
	id := o.ec2ID("vpce")
	outs := map[string]any{
		"arn": o.arn("ec2", "vpc-endpoint/"+id), "ownerId": Account, "state": "available",
		"requesterManaged": false, "ipAddressType": "ipv4", "cidrBlocks": []any{}, "prefixListId": "",
		"dnsEntries": []any{}, "networkInterfaceIds": []any{}, "privateDnsEnabled": false,
		// AWS gives every endpoint a full-access policy unless one is set.
		"policy": `{"Statement":[{"Action":"*","Effect":"Allow","Principal":"*","Resource":"*"}],"Version":"2008-10-17"}`,
	}
	service := str(o.in, "serviceName")
	if str(o.in, "vpcEndpointType") == "Gateway" {
		outs["prefixListId"] = "pl-" + o.hex("pl", 8)
		outs["routeTableIds"] = []any{}
	} else {
		short := strings.TrimPrefix(service, "com.amazonaws."+o.region()+".")
		outs["dnsEntries"] = []any{map[string]any{
			"dnsName":      fmt.Sprintf("%s-%s.%s.%s.vpce.amazonaws.com", id, o.hex("dns", 8), short, o.region()),
			"hostedZoneId": "Z7HUB22UULQXV",
		}}
		var enis []any
		for _, subnet := range strs(o.in, "subnetIds") {
			enis = append(enis, o.ec2ID("eni-"+subnet))
		}
		outs["networkInterfaceIds"] = enis
	}
	return id, outs, nil
}

// securityGroupRuleModel is the Plugin Framework rule resources' model: state is the plan
// plus the rule id (Create does not read back), security_group_id RequiresReplace, and
// ModifyPlan replaces the rule when its kind of source changes.
func securityGroupRuleModel(tf string) *model {
	return &model{
		tf: tf, source: "internal/service/ec2/vpc_security_group_ingress_rule.go",
		forceNew: []string{"securityGroupId"},
		tagged:   true,
		create: func(o *op) (string, map[string]any, error) {
			id := "sgr-0" + o.hex("sgr", 16)
			return id, map[string]any{"arn": o.arn("ec2", "security-group-rule/"+id), "securityGroupRuleId": id}, nil
		},
		rules: []rule{
			{
				name: "securityGroupRuleResource.ModifyPlan",
				why:  "a rule whose kind of source changes (CIDR to security group, …) is replaced",
				customize: func(_ *Cloud, state, news resource.PropertyMap, _ []string) []string {
					if o, n := ruleSource(state), ruleSource(news); o != n {
						return dedupe([]string{o, n})
					}
					return nil
				},
			},
			{
				name: "ipProtocolType.StringSemanticEquals", attr: "ipProtocol",
				why: `"tcp" and "6", "-1" and "all" are the same protocol`,
				same: func(s, n resource.PropertyValue, _ resource.PropertyMap) bool {
					return protocolName(unwrap(s)) == protocolName(unwrap(n))
				},
			},
		},
	}
}

// ruleSource is sourceAttributeName: the first source attribute set.
func ruleSource(m resource.PropertyMap) string {
	for _, k := range []string{"cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"} {
		if m.HasValue(resource.PropertyKey(k)) && !isZero(m[resource.PropertyKey(k)]) {
			return k
		}
	}
	return ""
}

func protocolName(v resource.PropertyValue) string {
	if !v.IsString() {
		return ""
	}
	p := strings.ToLower(v.StringValue())
	if name, ok := map[string]string{"all": "-1", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}[p]; ok {
		return name
	}
	return p
}

// liveOfType returns the state of every live object of a type, by id.
func (c *Cloud) liveOfType(typ string) map[string]resource.PropertyMap {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]resource.PropertyMap{}
	for id, o := range c.objects {
		if string(o.urn.Type()) == typ {
			out[id] = o.state
		}
	}
	return out
}

// taken reports whether a live object of a type has this value of attr: AWS refuses a
// second load balancer, target group or log group of one name.
func (c *Cloud) taken(typ, attr, value string) bool {
	for _, other := range c.liveOfType(typ) {
		if str(other, attr) == value {
			return true
		}
	}
	return false
}

// holdEIPs associates Elastic IPs with holder, failing as AWS does when another live
// object holds one.
func (c *Cloud) holdEIPs(holder, conflict string, allocationIDs ...string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, a := range allocationIDs {
		if other, held := c.eipHolder[a]; held && other != holder {
			return fmt.Errorf(conflict, a)
		}
	}
	for _, a := range allocationIDs {
		if a == "" {
			continue
		}
		c.eipHolder[a] = holder
		if eip, ok := c.objects[a]; ok {
			put(eip.state, "associationId", "eipassoc-0"+hexOf(16, a, holder))
		}
	}
	return nil
}

func (c *Cloud) releaseEIPs(holder string, allocationIDs ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, a := range allocationIDs {
		c.releaseEIPLocked(holder, a)
	}
}

// releaseEIPLocked disassociates an Elastic IP from holder; c.mu is held.
func (c *Cloud) releaseEIPLocked(holder, allocationID string) {
	if c.eipHolder[allocationID] != holder {
		return
	}
	delete(c.eipHolder, allocationID)
	if eip, ok := c.objects[allocationID]; ok {
		for _, k := range []string{"associationId", "networkInterface", "instance"} {
			put(eip.state, k, "")
		}
	}
}

// eni is a network interface AWS creates and owns for a load balancer: one per subnet.
type eni struct {
	id, owner, description     string
	subnetID, vpcID, az        string
	privateIP, ipv6            string
	publicIP, allocationID     string
	interfaceType, requesterID string
}

func (e *eni) outputs(region string) resource.PropertyMap {
	m := resource.PropertyMap{}
	put(m, "id", e.id)
	put(m, "arn", fmt.Sprintf("arn:aws:ec2:%s:%s:network-interface/%s", region, Account, e.id))
	put(m, "description", e.description)
	put(m, "subnetId", e.subnetID)
	put(m, "vpcId", e.vpcID)
	put(m, "availabilityZone", e.az)
	put(m, "privateIp", e.privateIP)
	put(m, "privateIps", []any{e.privateIP})
	var v6 []any
	if e.ipv6 != "" {
		v6 = []any{e.ipv6}
	}
	put(m, "ipv6Addresses", v6)
	put(m, "interfaceType", e.interfaceType)
	put(m, "requesterId", e.requesterID)
	put(m, "ownerId", Account)
	put(m, "macAddress", "02:"+hexPairs(hexOf(10, e.id)))
	put(m, "privateDnsName", "ip-"+strings.ReplaceAll(e.privateIP, ".", "-")+"."+region+".compute.internal")
	put(m, "securityGroups", []any{})
	put(m, "tags", map[string]any{})
	var assoc []any
	if e.publicIP != "" {
		assoc = []any{map[string]any{
			"allocationId": e.allocationID, "associationId": "eipassoc-0" + hexOf(16, e.allocationID, e.owner),
			"publicIp": e.publicIP, "publicDnsName": publicDNS(region, e.publicIP), "ipOwnerId": Account,
			"carrierIp": "", "customerOwnedIp": "",
		}}
	}
	put(m, "associations", assoc)
	put(m, "attachments", []any{})
	put(m, "outpostArn", "")
	return m
}

func hexPairs(h string) string {
	var parts []string
	for i := 0; i+2 <= len(h); i += 2 {
		parts = append(parts, h[i:i+2])
	}
	return strings.Join(parts, ":")
}

// zoneID maps an AZ name to its zone id: us-east-1c → use1-az3.
func zoneID(region, zone string) string {
	if !strings.HasPrefix(zone, region) || len(zone) != len(region)+1 {
		return ""
	}
	parts := strings.Split(region, "-") // us, east, 1
	if len(parts) != 3 {
		return ""
	}
	return fmt.Sprintf("%s%c%s-az%d", parts[0], parts[1][0], parts[2], zone[len(zone)-1]-'a'+1)
}

// publicIPv4 is an address in 44.192.0.0/11, one of Amazon's EC2 ranges in us-east-1.
func publicIPv4(h string) string {
	b, _ := hex.DecodeString(h)
	return netip.AddrFrom4([4]byte{44, 192 + b[0]%32, b[1], 1 + b[2]%254}).String()
}

func publicDNS(region, ip string) string {
	host := "ec2-" + strings.ReplaceAll(ip, ".", "-")
	if region == "us-east-1" {
		return host + ".compute-1.amazonaws.com"
	}
	return host + "." + region + ".compute.amazonaws.com"
}

// hostIn returns a host address inside cidr chosen by h, past the four addresses AWS
// reserves at the start of every subnet and short of the last.
func hostIn(cidr, h string) string {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return ""
	}
	b, _ := hex.DecodeString(h)
	addr := p.Masked().Addr().AsSlice()
	hostBits := len(addr)*8 - p.Bits()
	if hostBits > 32 {
		hostBits = 32 // IPv6: vary the low 32 bits only
	}
	var n uint64
	for _, x := range b {
		n = n<<8 | uint64(x)
	}
	size := uint64(1) << hostBits
	host := 4 + n%(size-5)
	for i := len(addr) - 1; i >= 0 && host > 0; i-- {
		sum := uint64(addr[i]) + host&0xff
		addr[i] = byte(sum)
		host = host>>8 + sum>>8
	}
	a, _ := netip.AddrFromSlice(addr)
	return a.String()
}
