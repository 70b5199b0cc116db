package standin

// EC2 and VPC (terraform-provider-aws internal/service/ec2): the network's resources, the
// VPC's default security group and flow log, the Elastic IPs and the network interfaces AWS
// makes for load balancers, and the data sources that look them up (availability zones, an
// existing VPC's subnets and route tables, Elastic IPs, NAT gateways, network interfaces).
// SeedNetwork makes an existing VPC as a network team would.

import (
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"net/netip"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// The Pulumi type tokens of the EC2 and VPC models.
const (
	TypeVpc                       tokens.Type = "aws:ec2/vpc:Vpc"
	TypeSubnet                    tokens.Type = "aws:ec2/subnet:Subnet"
	TypeInternetGateway           tokens.Type = "aws:ec2/internetGateway:InternetGateway"
	TypeEgressOnlyInternetGateway tokens.Type = "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway"
	TypeEip                       tokens.Type = "aws:ec2/eip:Eip"
	TypeNatGateway                tokens.Type = "aws:ec2/natGateway:NatGateway"
	TypeRouteTable                tokens.Type = "aws:ec2/routeTable:RouteTable"
	TypeRoute                     tokens.Type = "aws:ec2/route:Route"
	TypeRouteTableAssociation     tokens.Type = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	TypeSecurityGroup             tokens.Type = "aws:ec2/securityGroup:SecurityGroup"
	TypeSecurityGroupIngressRule  tokens.Type = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	TypeSecurityGroupEgressRule   tokens.Type = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	TypeVpcEndpoint               tokens.Type = "aws:ec2/vpcEndpoint:VpcEndpoint"
	TypeVpcEndpointService        tokens.Type = "aws:ec2/vpcEndpointService:VpcEndpointService"
	TypeDefaultSecurityGroup      tokens.Type = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	TypeFlowLog                   tokens.Type = "aws:ec2/flowLog:FlowLog"
)

func init() {
	register(map[tokens.Type]*model{
		TypeVpc: {
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
		TypeSubnet: {
			tf: "aws_subnet", source: "internal/service/ec2/vpc_subnet.go",
			// In v5 ipv6CidrBlock changes in place (disassociate, associate); the ForceNewIf
			// on it arrived in v6.
			forceNew: []string{"vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId", "ipv6Native", "outpostArn"},
			computed: []string{"availabilityZone", "availabilityZoneId", "privateDnsHostnameTypeOnLaunch"},
			// Its defaults are all false, which SDKv2 plans as unset: nothing to model.
			tagged: true,
			create: createSubnet,
		},
		TypeInternetGateway: {
			tf: "aws_internet_gateway", source: "internal/service/ec2/vpc_internet_gateway.go",
			computed: []string{"vpcId"}, // attach and detach in place
			tagged:   true,
			create: func(o *op) (string, map[string]any, error) {
				id := o.ec2ID("igw")
				return id, map[string]any{"arn": o.arn("ec2", "internet-gateway/"+id), "ownerId": Account}, nil
			},
		},
		TypeEgressOnlyInternetGateway: {
			tf: "aws_egress_only_internet_gateway", source: "internal/service/ec2/vpc_egress_only_internet_gateway.go",
			forceNew: []string{"vpcId"},
			tagged:   true,
			create:   func(o *op) (string, map[string]any, error) { return o.ec2ID("eigw"), map[string]any{}, nil },
		},
		TypeEip: {
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
		TypeNatGateway: {
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
		TypeRouteTable: {
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
		TypeRoute: {
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
		TypeRouteTableAssociation: {
			tf: "aws_route_table_association", source: "internal/service/ec2/vpc_route_table_association.go",
			forceNew: []string{"subnetId", "gatewayId"}, // routeTableId changes in place (ReplaceRouteTableAssociation)
			create:   func(o *op) (string, map[string]any, error) { return o.ec2ID("rtbassoc"), map[string]any{}, nil },
		},
		TypeSecurityGroup: {
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
		TypeSecurityGroupIngressRule: securityGroupRuleModel("aws_vpc_security_group_ingress_rule"),
		TypeSecurityGroupEgressRule:  securityGroupRuleModel("aws_vpc_security_group_egress_rule"),
		TypeVpcEndpoint: {
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
		TypeVpcEndpointService: {
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
		TypeDefaultSecurityGroup: {
			tf: "aws_default_security_group", source: "internal/service/ec2/vpc_default_security_group.go",
			forceNew: []string{"vpcId"},
			computed: []string{"ingress", "egress"},
			sets:     []string{"ingress", "egress"},
			tagged:   true,
			// resourceDefaultSecurityGroupCreate adopts the VPC's default group and revokes
			// every rule the program does not list: EC2 made it with all traffic allowed
			// between members and all egress.
			create: func(o *op) (string, map[string]any, error) {
				vpc := o.lookup(str(o.in, "vpcId"))
				if vpc == nil && !o.preview {
					return "", nil, fmt.Errorf("InvalidVpcID.NotFound: The vpc ID '%s' does not exist", str(o.in, "vpcId"))
				}
				id := str(vpc, "defaultSecurityGroupId")
				return id, map[string]any{
					"arn": o.arn("ec2", "security-group/"+id), "name": "default", "description": "default VPC security group",
					"ownerId": Account, "ingress": []any{}, "egress": []any{}, "revokeRulesOnDelete": false,
				}, nil
			},
		},
		TypeFlowLog: {
			tf: "aws_flow_log", source: "internal/service/ec2/vpc_flow_log.go",
			// Update changes tags only: every argument the program sets is ForceNew.
			forceNew: []string{"vpcId", "trafficType", "logDestination", "logDestinationType", "iamRoleArn", "maxAggregationInterval", "logFormat"},
			computed: []string{"logFormat", "logDestination", "logGroupName"},
			defaults: map[string]any{"logDestinationType": "cloud-watch-logs", "maxAggregationInterval": 600},
			tagged:   true,
			create: func(o *op) (string, map[string]any, error) {
				if !o.preview && str(o.in, "logDestinationType") == "cloud-watch-logs" {
					role := str(o.in, "iamRoleArn")
					if role == "" {
						return "", nil, fmt.Errorf("InvalidParameter: DeliverLogsPermissionArn must be specified for cloud-watch-logs delivery")
					}
					// CreateFlowLogs checks the role's permissions to the log group and answers an
					// unsuccessful item, "Access Denied for LogDestination", when its policy does
					// not (yet) let it write there (VPC user guide, flow logs troubleshooting);
					// resourceLogFlowCreate reports unsuccessful items as the create's error.
					if dest := str(o.in, "logDestination"); !o.c.roleMayWriteLogs(role, dest) {
						return "", nil, fmt.Errorf("creating Flow Log (%s): Access Denied for LogDestination: %s. Please check LogDestination permission: the role %s has no policy that allows logs:CreateLogStream and logs:PutLogEvents there", str(o.in, "vpcId"), dest, role)
					}
				}
				id := "fl-0" + o.hex("fl", 16)
				return id, map[string]any{
					"arn":       o.arn("ec2", "vpc-flow-log/"+id),
					"logFormat": "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}",
				}, nil
			},
		},
	})
	registerInvokes(map[string]invokeFunc{
		"aws:index/getAvailabilityZones:getAvailabilityZones": getAvailabilityZones,
		"aws:ec2/getNetworkInterface:getNetworkInterface":     getNetworkInterface,
		"aws:ec2/getVpc:getVpc":                               getVpc,
		"aws:ec2/getSubnet:getSubnet":                         getSubnet,
		"aws:ec2/getRouteTables:getRouteTables":               getRouteTables,
		"aws:ec2/getRouteTable:getRouteTable":                 getRouteTable,
		"aws:ec2/getElasticIp:getElasticIp":                   getElasticIP,
		"aws:ec2/getEips:getEips": listOf(TypeEip, func(id string, s resource.PropertyMap) map[string]string {
			return map[string]string{"allocation-id": id, "public-ip": str(s, "publicIp"), "domain": "vpc"}
		}, func(ids []string, states []resource.PropertyMap) map[string]any {
			var pub []any
			for _, s := range states {
				pub = append(pub, str(s, "publicIp"))
			}
			return map[string]any{"allocationIds": anys(ids), "publicIps": pub}
		}),
		"aws:ec2/getVpcs:getVpcs": listOf(TypeVpc, func(id string, s resource.PropertyMap) map[string]string {
			return map[string]string{"vpc-id": id, "cidr": str(s, "cidrBlock"), "state": "available"}
		}, idsResult),
		"aws:ec2/getNatGateways:getNatGateways": func(c *Cloud, args resource.PropertyMap) (resource.PropertyMap, error) {
			return listOf(TypeNatGateway, func(id string, s resource.PropertyMap) map[string]string {
				return map[string]string{"nat-gateway-id": id, "subnet-id": str(s, "subnetId"), "state": c.natGatewayState(id)}
			}, idsResult)(c, args)
		},
		"aws:ec2/getNatGateway:getNatGateway": lookupByID(TypeNatGateway, "no matching EC2 NAT Gateway found"),
	})
	hooks[TypeInternetGateway] = objectHook{
		// EC2 refuses to detach a gateway from a VPC that still maps public addresses.
		updated: func(c *Cloud, _ string, old, new resource.PropertyMap) error {
			from := str(old, "vpcId")
			if from == "" || from == str(new, "vpcId") {
				return nil
			}
			for id, nat := range c.liveOfType(TypeNatGateway) {
				if subnet := c.objectState(str(nat, "subnetId")); subnet != nil && str(subnet, "vpcId") == from {
					return fmt.Errorf("DependencyViolation: Network %s has some mapped public address(es) (%s); unmap those addresses first", from, id)
				}
			}
			return nil
		},
	}
	hooks[TypeNatGateway] = objectHook{
		// AWS: an Elastic IP is associated with one thing at a time; a NAT gateway created
		// with an allocation another object holds fails with Resource.AlreadyAssociated.
		// The gateway's network interface, which EC2 creates and describes as "Interface
		// for NAT Gateway nat-…", holds the address, as DescribeAddresses shows it.
		created: func(c *Cloud, id string, state resource.PropertyMap) error {
			if err := c.holdEIPs(id, "Resource.AlreadyAssociated: Elastic IP address [%s] is already associated", str(state, "allocationId")); err != nil {
				return err
			}
			c.addNatInterface(id, state)
			return nil
		},
		deleted: func(c *Cloud, id string, state resource.PropertyMap) {
			c.releaseEIPs(id, str(state, "allocationId"))
			c.mu.Lock()
			delete(c.enis, str(state, "networkInterfaceId"))
			c.mu.Unlock()
		},
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
		for otherID, other := range o.c.liveOfType(TypeSubnet) {
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
				name: "securityGroupRuleResource.Read",
				why:  "AWS keeps an IPv6 network in its own spelling (lower case, shortest), which a refresh stores; Create and Update store the network as sent, and the attribute has no semantic equality, so another spelling plans an update after every refresh",
				refreshed: func(_ *Cloud, live resource.PropertyMap) {
					if v := str(live, "cidrIpv6"); v != "" {
						if p, err := netip.ParsePrefix(v); err == nil {
							put(live, "cidrIpv6", p.String())
						}
					}
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

// AssociateEIP associates an Elastic IP with an instance outside the stack.
func (c *Cloud) AssociateEIP(allocationID, instanceID string) error {
	if err := c.holdEIPs(instanceID, "Resource.AlreadyAssociated: %s", allocationID); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if eip, ok := c.objects[allocationID]; ok {
		put(eip.state, "instance", instanceID)
	}
	return nil
}

// addNatInterface records the network interface of a NAT gateway and puts it on the
// gateway's Elastic IP.
func (c *Cloud) addNatInterface(natID string, nat resource.PropertyMap) {
	subnet := c.objectState(str(nat, "subnetId"))
	e := &eni{
		id: str(nat, "networkInterfaceId"), owner: natID, description: "Interface for NAT Gateway " + natID,
		subnetID: str(nat, "subnetId"), vpcID: str(subnet, "vpcId"), az: str(subnet, "availabilityZone"),
		privateIP: str(nat, "privateIp"), interfaceType: "nat_gateway", requesterID: "AWS",
		allocationID: str(nat, "allocationId"),
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if eip, ok := c.objects[e.allocationID]; ok {
		e.publicIP = str(eip.state, "publicIp")
		put(eip.state, "networkInterface", e.id)
	}
	c.enis[e.id] = e
}

// eni is a network interface AWS creates and owns for a load balancer (one per subnet) or
// a NAT gateway.
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

// zoneNames are the region's regular AZs: six in us-east-1 (a to f), three elsewhere.
func zoneNames(region string) []string {
	count := 3
	if region == "us-east-1" {
		count = 6
	}
	var names []string
	for i := 0; i < count; i++ {
		names = append(names, fmt.Sprintf("%s%c", region, 'a'+i))
	}
	return names
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

// getAvailabilityZones honours the exclusions and the filters on attributes it models;
// another filter is an error, not silently ignored.
func getAvailabilityZones(c *Cloud, args resource.PropertyMap) (resource.PropertyMap, error) {
	region := c.Region()
	filters := filtersOf(args)
	if state := str(args, "state"); state != "" {
		filters = append(filters, filter{name: "state", values: []string{state}})
	}
	excluded := map[string]bool{}
	for _, n := range append(strs(args, "excludeNames"), strs(args, "excludeZoneIds")...) {
		excluded[n] = true
	}
	var names, ids, groups []any
	for _, name := range zoneNames(region) {
		attrs := map[string]string{
			"zone-name": name, "zone-id": zoneID(region, name), "state": "available",
			"opt-in-status": "opt-in-not-required", "zone-type": "availability-zone", "region-name": region, "group-name": region,
		}
		if excluded[name] || excluded[attrs["zone-id"]] {
			continue
		}
		ok, err := matches(filters, attrs)
		if err != nil {
			return nil, err
		}
		if ok {
			names, ids, groups = append(names, name), append(ids, attrs["zone-id"]), append(groups, region)
		}
	}
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": region, "names": names, "zoneIds": ids, "groupNames": groups, "state": str(args, "state"),
	}), nil
}

// getNetworkInterface is the aws_network_interface data source: exactly one interface
// must match the id and filters.
func getNetworkInterface(c *Cloud, args resource.PropertyMap) (resource.PropertyMap, error) {
	filters := filtersOf(args)
	id := str(args, "id")
	c.mu.Lock()
	var all []*eni
	for _, e := range c.enis {
		all = append(all, e)
	}
	c.mu.Unlock()
	sort.Slice(all, func(i, j int) bool { return all[i].id < all[j].id })
	var found []*eni
	for _, e := range all {
		if id != "" && e.id != id {
			continue
		}
		ok, err := matches(filters, map[string]string{
			"description": e.description, "subnet-id": e.subnetID, "vpc-id": e.vpcID, "availability-zone": e.az,
			"interface-type": e.interfaceType, "requester-id": e.requesterID, "network-interface-id": e.id,
			"private-ip-address": e.privateIP, "association.allocation-id": e.allocationID, "association.public-ip": e.publicIP,
		})
		if err != nil {
			return nil, err
		}
		if ok {
			found = append(found, e)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("no matching EC2 Network Interface found")
	case 1:
		return found[0].outputs(c.Region()), nil
	}
	return nil, fmt.Errorf("multiple EC2 Network Interfaces matched; use additional constraints to reduce matches to a single EC2 Network Interface")
}

// getElasticIP is the aws_eip data source by allocation id (dataSourceEIPRead): one
// address, "no matching EC2 EIP found", or the API's own error.
func getElasticIP(c *Cloud, args resource.PropertyMap) (resource.PropertyMap, error) {
	if err := c.authorize("ec2:DescribeAddresses"); err != nil {
		return nil, fmt.Errorf("reading EC2 EIP: %w", err)
	}
	id := str(args, "id")
	s := c.objectState(id)
	if s == nil || !strings.HasPrefix(id, "eipalloc-") {
		return nil, fmt.Errorf("no matching EC2 EIP found")
	}
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": id, "publicIp": str(s, "publicIp"), "publicDns": str(s, "publicDns"), "domain": str(s, "domain"),
		"associationId": str(s, "associationId"), "networkInterfaceId": str(s, "networkInterface"),
		"networkInterfaceOwnerId": Account, "instanceId": str(s, "instance"), "privateIp": "",
		"publicIpv4Pool": "amazon", "arn": str(s, "arn"), "tags": obj(s, "tags").Mappable(),
	}), nil
}

// getVpc is dataSourceVPCRead by id: exactly one VPC, "no matching EC2 VPC found"
// (tfresource.SingularDataSourceFindError of InvalidVpcID.NotFound or no match), or the
// API's own error wrapped as "reading EC2 VPC: …" (access denied, throttling).
func getVpc(c *Cloud, args resource.PropertyMap) (resource.PropertyMap, error) {
	if err := c.authorize("ec2:DescribeVpcs"); err != nil {
		return nil, fmt.Errorf("reading EC2 VPC: %w", err)
	}
	id, vpc, err := byID(c, TypeVpc, args, "no matching EC2 VPC found")
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
// Like getVpc, a subnet that is not there is "no matching EC2 Subnet found", any other
// failure the API's error, wrapped as "reading EC2 Subnet: …".
func getSubnet(c *Cloud, args resource.PropertyMap) (resource.PropertyMap, error) {
	if err := c.authorize("ec2:DescribeSubnets"); err != nil {
		return nil, fmt.Errorf("reading EC2 Subnet: %w", err)
	}
	id, s, err := byID(c, TypeSubnet, args, "no matching EC2 Subnet found")
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
	for _, nat := range c.liveOfType(TypeNatGateway) {
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
	for vpcID, vpc := range c.liveOfType(TypeVpc) {
		out = append(out, routeTable{id: str(vpc, "mainRouteTableId"), vpcID: vpcID, main: true, tags: map[string]any{}})
	}
	for id, rt := range c.liveOfType(TypeRouteTable) {
		out = append(out, routeTable{id: id, vpcID: str(rt, "vpcId"), tags: tagsOf(rt)})
	}
	assocs := c.liveOfType(TypeRouteTableAssociation)
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
	if err := c.authorize("ec2:DescribeRouteTables"); err != nil {
		return nil, fmt.Errorf("reading EC2 Route Tables: %w", err)
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
	if table, ok := c.liveOfType(TypeRouteTable)[rt.id]; ok {
		for _, r := range objs(table, "routes") {
			add(r, str(r, "cidrBlock"), str(r, "ipv6CidrBlock"))
		}
	}
	var ids []string
	all := c.liveOfType(TypeRoute)
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
	seed := func(typ tokens.Type, name string, in map[string]any) (string, error) {
		return c.Seed(typ, spec.Name+"-"+name, in)
	}
	var err error
	if net.VpcID, err = seed(TypeVpc, "vpc", map[string]any{"cidrBlock": spec.Cidr, "enableDnsHostnames": true, "assignGeneratedIpv6CidrBlock": spec.IPv6}); err != nil {
		return net, err
	}
	if _, err = seed(TypeInternetGateway, "igw", map[string]any{"vpcId": net.VpcID}); err != nil {
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
			id, err := seed(TypeSubnet, fmt.Sprintf("%s-%d", tier.name, i), in)
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
	seed := func(typ tokens.Type, name string, in map[string]any) (string, error) {
		return c.Seed(typ, spec.Name+"-"+name, in)
	}
	var igw string
	for id, g := range c.liveOfType(TypeInternetGateway) {
		if str(g, "vpcId") == net.VpcID {
			igw = id
		}
	}
	eip, err := seed(TypeEip, "nat-eip", map[string]any{"domain": "vpc"})
	if err != nil {
		return err
	}
	if net.NatGatewayID, err = seed(TypeNatGateway, "nat", map[string]any{"subnetId": net.PublicSubnetIDs[0], "allocationId": eip}); err != nil {
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
		rt, err := seed(TypeRouteTable, tier.name+"-rt", map[string]any{"vpcId": net.VpcID})
		if err != nil {
			return err
		}
		route := map[string]any{"routeTableId": rt, "destinationCidrBlock": "0.0.0.0/0"}
		for k, v := range tier.target {
			route[k] = v
		}
		if _, err := seed(TypeRoute, tier.name+"-default", route); err != nil {
			return err
		}
		for i, subnet := range tier.subnets {
			if _, err := seed(TypeRouteTableAssociation, fmt.Sprintf("%s-rta-%d", tier.name, i), map[string]any{"subnetId": subnet, "routeTableId": rt}); err != nil {
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

// SetNatGatewayState puts a NAT gateway in one of EC2's states (pending, available,
// deleting, deleted, failed), as DescribeNatGateways reports it: a gateway someone is
// deleting stays "deleting" for a while, and counts against the NAT-gateways-per-AZ quota
// until it is "deleted" (VPC quotas: "NAT gateways only count toward your quota in the
// pending, active, and deleting states").
func (c *Cloud) SetNatGatewayState(id, state string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.natStates[id] = state
}

// natGatewayState is a NAT gateway's state: what SetNatGatewayState set, else available.
func (c *Cloud) natGatewayState(id string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.natStates[id]; ok {
		return s
	}
	return "available"
}
