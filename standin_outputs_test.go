package main

// What the stand-in providers (standin_test.go) compute: per resource type the outputs
// AWS would return, the invokes the program makes, and the awsx components.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"google.golang.org/grpc"

	awsecr "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// standinAccount is the AWS account every ARN and registry lives in.
const standinAccount = "123456789012"

// outCtx is what an output function sees: the checked inputs and a deterministic source
// of ids for this URN and creation.
type outCtx struct {
	s          *standin
	urn        resource.URN
	in         resource.PropertyMap
	region     string
	generation int  // which Create of this URN: replacements get new ids
	preview    bool // values are discarded, only the keys matter
}

// hex returns n hex digits that are stable for this URN, creation and salt.
func (o *outCtx) hex(salt string, n int) string {
	return standinHex(n, string(o.urn), fmt.Sprint(o.generation), salt)
}

// digits returns n decimal digits that are stable for this URN, creation and salt.
func (o *outCtx) digits(salt string, n int) string {
	h := o.hex(salt, 2*n)
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte('0' + (h[2*i]*16+h[2*i+1])%10)
	}
	return b.String()
}

// ec2ID is an EC2-style id: prefix, "-0", 16 hex digits (vpc-0abc…).
func (o *outCtx) ec2ID(prefix string) string { return prefix + "-0" + o.hex(prefix, 16) }

func (o *outCtx) arn(service, rest string) string {
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, o.region, standinAccount, rest)
}

// lookup returns a live object's outputs by id, or nil during preview or if unknown.
func (o *outCtx) lookup(id string) resource.PropertyMap {
	if id == "" {
		return nil
	}
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	return o.s.objects[id]
}

// outputFunc returns the id and the computed outputs of a new object.
type outputFunc func(o *outCtx) (string, map[string]any)

// computeOutputs returns the id and computed outputs of a new object of the URN's type;
// types without an entry get an id and an ARN from the type token.
func (s *standin) computeOutputs(urn resource.URN, in resource.PropertyMap, generation int, preview bool) (string, resource.PropertyMap, error) {
	o := &outCtx{s: s, urn: urn, in: in, region: s.currentRegion(), generation: generation, preview: preview}
	fn, ok := standinOutputs[urn.Type()]
	if !ok {
		fn = genericOutputs
	}
	id, outs := fn(o)
	if id == "" && !preview {
		return "", nil, fmt.Errorf("no id computed for %s", urn.Type())
	}
	return id, resource.NewPropertyMapFromMap(outs), nil
}

// genericOutputs covers any other aws type: an id and an ARN named after the type.
func genericOutputs(o *outCtx) (string, map[string]any) {
	typ := o.urn.Type()
	name := string(typ.Name())
	kind := strings.ToLower(name[:1]) + name[1:]
	id := kind + "-" + o.hex("id", 17)
	service := strings.Split(string(typ.Module().Name()), "/")[0]
	return id, map[string]any{"arn": o.arn(service, kind+"/"+id)}
}

// standinOutputs is the stand-in's knowledge of AWS: what it computes per type.
var standinOutputs = map[tokens.Type]outputFunc{
	"aws:ec2/vpc:Vpc": func(o *outCtx) (string, map[string]any) {
		id := o.ec2ID("vpc")
		rtb := o.ec2ID("rtb")
		outs := map[string]any{
			"arn": o.arn("ec2", "vpc/"+id), "ownerId": standinAccount,
			"defaultSecurityGroupId": o.ec2ID("sg"), "defaultNetworkAclId": o.ec2ID("acl"),
			"mainRouteTableId": rtb, "defaultRouteTableId": rtb, "dhcpOptionsId": o.ec2ID("dopt"),
			"instanceTenancy": "default", "enableDnsSupport": true, "enableDnsHostnames": false,
			"ipv6CidrBlock": "", "ipv6AssociationId": "",
		}
		if propBool(o.in, "assignGeneratedIpv6CidrBlock") {
			// An Amazon-provided /56 from Amazon's 2600:1f00::/24 pool.
			h := o.hex("ipv6", 6)
			outs["ipv6CidrBlock"] = fmt.Sprintf("2600:1f18:%s:%s00::/56", h[:4], h[4:6])
			outs["ipv6AssociationId"] = o.ec2ID("vpc-cidr-assoc")
			outs["ipv6CidrBlockNetworkBorderGroup"] = o.region
		}
		return id, outs
	},
	"aws:ec2/subnet:Subnet": func(o *outCtx) (string, map[string]any) {
		id := o.ec2ID("subnet")
		outs := map[string]any{
			"arn": o.arn("ec2", "subnet/"+id), "ownerId": standinAccount,
			"availabilityZoneId":  standinZoneID(o.region, propStr(o.in, "availabilityZone")),
			"mapPublicIpOnLaunch": false, "assignIpv6AddressOnCreation": false, "ipv6Native": false,
			"enableDns64": false, "privateDnsHostnameTypeOnLaunch": "ip-name",
			"ipv6CidrBlockAssociationId": "",
		}
		if o.in.HasValue("ipv6CidrBlock") {
			outs["ipv6CidrBlockAssociationId"] = o.ec2ID("subnet-cidr-assoc")
		}
		return id, outs
	},
	"aws:ec2/internetGateway:InternetGateway": func(o *outCtx) (string, map[string]any) {
		id := o.ec2ID("igw")
		return id, map[string]any{"arn": o.arn("ec2", "internet-gateway/"+id), "ownerId": standinAccount}
	},
	"aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": func(o *outCtx) (string, map[string]any) {
		return o.ec2ID("eigw"), map[string]any{}
	},
	"aws:ec2/eip:Eip": func(o *outCtx) (string, map[string]any) {
		id := o.ec2ID("eipalloc")
		ip := standinPublicIPv4(o.hex("ip", 6))
		return id, map[string]any{
			"allocationId": id, "publicIp": ip, "publicDns": standinPublicDNS(o.region, ip),
			"arn": o.arn("ec2", "elastic-ip/"+id), "domain": "vpc", "networkBorderGroup": o.region,
			"publicIpv4Pool": "amazon", "associationId": "", "privateIp": "", "ptrRecord": "",
		}
	},
	"aws:ec2/natGateway:NatGateway": func(o *outCtx) (string, map[string]any) {
		id := o.ec2ID("nat")
		outs := map[string]any{
			"connectivityType": "public", "networkInterfaceId": o.ec2ID("eni"),
			"associationId": o.ec2ID("eipassoc"), "publicIp": "", "privateIp": "",
		}
		if eip := o.lookup(propStr(o.in, "allocationId")); eip != nil {
			outs["publicIp"] = propStr(eip, "publicIp")
		}
		if subnet := o.lookup(propStr(o.in, "subnetId")); subnet != nil {
			outs["privateIp"] = standinHostIn(propStr(subnet, "cidrBlock"), o.hex("privateIp", 8))
		}
		return id, outs
	},
	"aws:ec2/routeTable:RouteTable": func(o *outCtx) (string, map[string]any) {
		id := o.ec2ID("rtb")
		return id, map[string]any{"arn": o.arn("ec2", "route-table/"+id), "ownerId": standinAccount, "routes": []any{}, "propagatingVgws": []any{}}
	},
	"aws:ec2/route:Route": func(o *outCtx) (string, map[string]any) {
		// The real id is r-<route table id><CRC of the destination>.
		return "r-" + propStr(o.in, "routeTableId") + o.digits("id", 10), map[string]any{"state": "active", "origin": "CreateRoute", "instanceOwnerId": ""}
	},
	"aws:ec2/routeTableAssociation:RouteTableAssociation": func(o *outCtx) (string, map[string]any) {
		return o.ec2ID("rtbassoc"), map[string]any{}
	},
	"aws:ec2/securityGroup:SecurityGroup": func(o *outCtx) (string, map[string]any) {
		id := o.ec2ID("sg")
		// The real provider removes AWS's default allow-all egress rule: no rules at all.
		return id, map[string]any{
			"arn": o.arn("ec2", "security-group/"+id), "ownerId": standinAccount,
			"ingress": []any{}, "egress": []any{}, "revokeRulesOnDelete": false,
		}
	},
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": securityGroupRuleOutputs,
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":   securityGroupRuleOutputs,
	"aws:ec2/vpcEndpoint:VpcEndpoint": func(o *outCtx) (string, map[string]any) {
		id := o.ec2ID("vpce")
		outs := map[string]any{
			"arn": o.arn("ec2", "vpc-endpoint/"+id), "ownerId": standinAccount, "state": "available",
			"requesterManaged": false, "ipAddressType": "ipv4", "cidrBlocks": []any{}, "prefixListId": "",
			"dnsEntries": []any{}, "networkInterfaceIds": []any{},
		}
		service := propStr(o.in, "serviceName")
		if propStr(o.in, "vpcEndpointType") == "Gateway" {
			outs["prefixListId"] = "pl-" + o.hex("pl", 8)
		} else {
			short := strings.TrimPrefix(service, "com.amazonaws."+o.region+".")
			outs["dnsEntries"] = []any{map[string]any{
				"dnsName":      fmt.Sprintf("%s-%s.%s.%s.vpce.amazonaws.com", id, o.hex("dns", 8), short, o.region),
				"hostedZoneId": "Z7HUB22UULQXV",
			}}
			var enis []any
			for _, subnet := range propStrs(o.in, "subnetIds") {
				enis = append(enis, o.ec2ID("eni-"+subnet))
			}
			outs["networkInterfaceIds"] = enis
		}
		return id, outs
	},
	"aws:ec2/vpcEndpointService:VpcEndpointService": func(o *outCtx) (string, map[string]any) {
		id := "vpce-svc-0" + o.hex("id", 16)
		return id, map[string]any{
			"arn": o.arn("ec2", "vpc-endpoint-service/"+id), "serviceName": fmt.Sprintf("com.amazonaws.vpce.%s.%s", o.region, id),
			"serviceType": "Interface", "state": "Available", "privateDnsName": "", "managesVpcEndpoints": false,
			"baseEndpointDnsNames": []any{fmt.Sprintf("%s.%s.vpce.amazonaws.com", id, o.region)},
		}
	},
	"aws:lb/loadBalancer:LoadBalancer": func(o *outCtx) (string, map[string]any) {
		name := propStr(o.in, "name")
		lbType := propStr(o.in, "loadBalancerType")
		if lbType == "" {
			lbType = "application"
		}
		suffix := o.hex("lb", 16)
		var kind, dns, zone string
		switch lbType {
		case "network":
			kind, zone = "net", map[string]string{"us-east-1": "Z26RNL4JYFTOTI"}[o.region]
			dns = fmt.Sprintf("%s-%s.elb.%s.amazonaws.com", name, suffix, o.region)
		default:
			kind, zone = "app", map[string]string{"us-east-1": "Z35SXDOTRQ7X7K"}[o.region]
			dns = fmt.Sprintf("%s-%s.%s.elb.amazonaws.com", name, o.digits("dns", 10), o.region)
			if propBool(o.in, "internal") {
				dns = "internal-" + dns
			}
		}
		if zone == "" {
			zone = "Z" + strings.ToUpper(o.hex("zone", 13))
		}
		arnSuffix := fmt.Sprintf("%s/%s/%s", kind, name, suffix)
		arn := o.arn("elasticloadbalancing", "loadbalancer/"+arnSuffix)
		outs := map[string]any{
			"arn": arn, "arnSuffix": arnSuffix, "dnsName": dns, "zoneId": zone,
			"loadBalancerType": lbType, "internal": false, "ipAddressType": "ipv4", "vpcId": "",
		}
		// The VPC is the one of the subnets the load balancer is placed in.
		subnets := propStrs(o.in, "subnets")
		if v, ok := o.in["subnetMappings"]; ok && v.IsArray() {
			for _, m := range v.ArrayValue() {
				if m.IsObject() {
					subnets = append(subnets, propStr(m.ObjectValue(), "subnetId"))
				}
			}
		}
		for _, id := range subnets {
			if subnet := o.lookup(id); subnet != nil {
				outs["vpcId"] = propStr(subnet, "vpcId")
				break
			}
		}
		return arn, outs
	},
	"aws:lb/targetGroup:TargetGroup": func(o *outCtx) (string, map[string]any) {
		arnSuffix := fmt.Sprintf("targetgroup/%s/%s", propStr(o.in, "name"), o.hex("tg", 16))
		arn := o.arn("elasticloadbalancing", arnSuffix)
		return arn, map[string]any{"arn": arn, "arnSuffix": arnSuffix, "loadBalancerArns": []any{}, "targetType": "instance"}
	},
	"aws:lb/listener:Listener": func(o *outCtx) (string, map[string]any) {
		// listener/<net|app>/<lb name>/<lb id>/<listener id>
		arn := strings.Replace(propStr(o.in, "loadBalancerArn"), ":loadbalancer/", ":listener/", 1) + "/" + o.hex("listener", 16)
		return arn, map[string]any{"arn": arn}
	},
	"aws:lb/listenerRule:ListenerRule": func(o *outCtx) (string, map[string]any) {
		arn := strings.Replace(propStr(o.in, "listenerArn"), ":listener/", ":listener-rule/", 1) + "/" + o.hex("rule", 16)
		return arn, map[string]any{"arn": arn}
	},
	"aws:lb/targetGroupAttachment:TargetGroupAttachment": func(o *outCtx) (string, map[string]any) {
		return propStr(o.in, "targetGroupArn") + "-" + o.digits("id", 26), map[string]any{}
	},
	"aws:ecs/cluster:Cluster": func(o *outCtx) (string, map[string]any) {
		arn := o.arn("ecs", "cluster/"+propStr(o.in, "name"))
		return arn, map[string]any{"arn": arn, "settings": []any{map[string]any{"name": "containerInsights", "value": "disabled"}}}
	},
	"aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": func(o *outCtx) (string, map[string]any) {
		return propStr(o.in, "clusterName"), map[string]any{}
	},
	"aws:ecs/taskDefinition:TaskDefinition": func(o *outCtx) (string, map[string]any) {
		family := propStr(o.in, "family")
		revision := 0
		if !o.preview {
			// Every registration of a family is a new revision, as in ECS.
			o.s.mu.Lock()
			o.s.revisions[family]++
			revision = o.s.revisions[family]
			o.s.mu.Unlock()
		}
		base := o.arn("ecs", "task-definition/"+family)
		return family, map[string]any{"arn": fmt.Sprintf("%s:%d", base, revision), "arnWithoutRevision": base, "revision": revision}
	},
	"aws:ecs/service:Service": func(o *outCtx) (string, map[string]any) {
		cluster := propStr(o.in, "cluster")
		if i := strings.LastIndex(cluster, "cluster/"); i >= 0 {
			cluster = cluster[i+len("cluster/"):]
		}
		return o.arn("ecs", fmt.Sprintf("service/%s/%s", cluster, propStr(o.in, "name"))), map[string]any{
			"schedulingStrategy": "REPLICA", "platformVersion": "LATEST", "triggers": map[string]any{},
		}
	},
	"aws:iam/role:Role": func(o *outCtx) (string, map[string]any) {
		path := propStr(o.in, "path")
		if path == "" {
			path = "/"
		}
		name := propStr(o.in, "name")
		return name, map[string]any{
			"arn":      fmt.Sprintf("arn:aws:iam::%s:role%s%s", standinAccount, path, name),
			"uniqueId": "AROA" + strings.ToUpper(o.hex("uid", 17)), "createDate": "2024-01-01T00:00:00Z",
			"path": path, "maxSessionDuration": 3600,
		}
	},
	"aws:iam/rolePolicy:RolePolicy": func(o *outCtx) (string, map[string]any) {
		return propStr(o.in, "role") + ":" + propStr(o.in, "name"), map[string]any{}
	},
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment": func(o *outCtx) (string, map[string]any) {
		return propStr(o.in, "role") + "-" + o.digits("id", 26), map[string]any{}
	},
	"aws:cloudwatch/logGroup:LogGroup": func(o *outCtx) (string, map[string]any) {
		name := propStr(o.in, "name")
		return name, map[string]any{
			"arn": o.arn("logs", "log-group:"+name), "retentionInDays": 0,
			"logGroupClass": "STANDARD", "skipDestroy": false,
		}
	},
	"aws:appautoscaling/target:Target": func(o *outCtx) (string, map[string]any) {
		return propStr(o.in, "resourceId"), map[string]any{
			"arn": o.arn("application-autoscaling", "scalable-target/"+o.hex("id", 32)),
			"roleArn": fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"+
				"AWSServiceRoleForApplicationAutoScaling_ECSService", standinAccount),
		}
	},
	"aws:appautoscaling/policy:Policy": func(o *outCtx) (string, map[string]any) {
		name := propStr(o.in, "name")
		return name, map[string]any{
			"arn": o.arn("autoscaling", fmt.Sprintf("scalingPolicy:%s:resource/%s/%s:policyName/%s",
				standinUUID(o.hex("uuid", 32)), propStr(o.in, "serviceNamespace"), propStr(o.in, "resourceId"), name)),
			"alarmArns": []any{}, "policyType": "StepScaling",
		}
	},
	"aws:route53/record:Record": func(o *outCtx) (string, map[string]any) {
		name := strings.TrimSuffix(propStr(o.in, "name"), ".")
		return fmt.Sprintf("%s_%s_%s", propStr(o.in, "zoneId"), name, propStr(o.in, "type")), map[string]any{"fqdn": name}
	},
	"aws:acm/certificate:Certificate": func(o *outCtx) (string, map[string]any) {
		arn := o.arn("acm", "certificate/"+standinUUID(o.hex("uuid", 32)))
		var dvos []any
		for _, domain := range append([]string{propStr(o.in, "domainName")}, propStrs(o.in, "subjectAlternativeNames")...) {
			dvos = append(dvos, map[string]any{
				"domainName":          domain,
				"resourceRecordName":  fmt.Sprintf("_%s.%s.", o.hex("rr"+domain, 32), strings.TrimPrefix(domain, "*.")),
				"resourceRecordType":  "CNAME",
				"resourceRecordValue": fmt.Sprintf("_%s.%s.acm-validations.aws.", o.hex("rv"+domain, 32), o.hex("rvz"+domain, 10)),
			})
		}
		return arn, map[string]any{
			"arn": arn, "domainValidationOptions": dvos, "status": "PENDING_VALIDATION",
			"type": "AMAZON_ISSUED", "keyAlgorithm": "RSA_2048", "validationEmails": []any{},
		}
	},
	"aws:acm/certificateValidation:CertificateValidation": func(o *outCtx) (string, map[string]any) {
		return "2024-01-01 00:00:00 +0000 UTC", map[string]any{}
	},
	"aws:ecr/repository:Repository": func(o *outCtx) (string, map[string]any) {
		name := propStr(o.in, "name")
		return name, map[string]any{
			"arn": o.arn("ecr", "repository/"+name), "registryId": standinAccount,
			"repositoryUrl":      fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", standinAccount, o.region, name),
			"imageTagMutability": "MUTABLE",
		}
	},
}

func securityGroupRuleOutputs(o *outCtx) (string, map[string]any) {
	id := "sgr-0" + o.hex("sgr", 16)
	return id, map[string]any{"arn": o.arn("ec2", "security-group-rule/"+id), "securityGroupRuleId": id}
}

// standinReplaceOnChange lists, per type, the inputs AWS cannot change in place (the real
// provider's ForceNew properties) for the types the program uses; "*" means all. It is
// not exhaustive: a change of any other input is an in-place update.
var standinReplaceOnChange = map[tokens.Type][]string{
	"aws:ec2/vpc:Vpc":                                     {"cidrBlock", "instanceTenancy"},
	"aws:ec2/subnet:Subnet":                               {"vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId"},
	"aws:ec2/eip:Eip":                                     {"domain"},
	"aws:ec2/natGateway:NatGateway":                       {"subnetId", "allocationId", "connectivityType"},
	"aws:ec2/routeTable:RouteTable":                       {"vpcId"},
	"aws:ec2/route:Route":                                 {"routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock"},
	"aws:ec2/routeTableAssociation:RouteTableAssociation": {"subnetId", "gatewayId"},
	"aws:ec2/securityGroup:SecurityGroup":                 {"name", "namePrefix", "vpcId", "description"},
	"aws:ec2/vpcEndpoint:VpcEndpoint":                     {"vpcId", "serviceName", "vpcEndpointType"},
	"aws:lb/loadBalancer:LoadBalancer":                    {"name", "namePrefix", "internal", "loadBalancerType"},
	"aws:lb/targetGroup:TargetGroup":                      {"name", "namePrefix", "port", "protocol", "vpcId", "targetType"},
	"aws:lb/listener:Listener":                            {"loadBalancerArn"},
	"aws:lb/listenerRule:ListenerRule":                    {"listenerArn"},
	"aws:lb/targetGroupAttachment:TargetGroupAttachment":  {"*"},
	"aws:ecs/cluster:Cluster":                             {"name"},
	"aws:ecs/taskDefinition:TaskDefinition":               {"*"}, // registered revisions are immutable
	"aws:ecs/service:Service":                             {"name", "cluster", "launchType"},
	"aws:iam/role:Role":                                   {"name", "namePrefix", "path"},
	"aws:iam/rolePolicy:RolePolicy":                       {"name", "namePrefix", "role"},
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment":   {"*"},
	"aws:cloudwatch/logGroup:LogGroup":                    {"name", "namePrefix", "logGroupClass"},
	"aws:route53/record:Record":                           {"name", "zoneId", "type"},
	"aws:acm/certificate:Certificate":                     {"domainName", "subjectAlternativeNames", "validationMethod", "keyAlgorithm"},
	"aws:ecr/repository:Repository":                       {"name"},
}

func replacedKeys(typ tokens.Type, changed []string) []string {
	var out []string
	for _, k := range changed {
		for _, r := range standinReplaceOnChange[typ] {
			if r == "*" || r == k {
				out = append(out, k)
				break
			}
		}
	}
	return out
}

// invokes are the aws data sources the stand-in serves.
var standinInvokes = map[string]func(region string, args resource.PropertyMap) (resource.PropertyMap, error){
	"aws:index/getAvailabilityZones:getAvailabilityZones": getAvailabilityZones,
	"aws:index/getRegion:getRegion": func(region string, _ resource.PropertyMap) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{
			"name": region, "id": region, "description": region, "endpoint": "ec2." + region + ".amazonaws.com",
		}), nil
	},
	"aws:index/getCallerIdentity:getCallerIdentity": func(string, resource.PropertyMap) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": standinAccount, "id": standinAccount, "userId": "AIDASTANDIN0000000000",
			"arn": fmt.Sprintf("arn:aws:iam::%s:user/engine-test", standinAccount),
		}), nil
	},
	"aws:route53/getZone:getZone": getZone,
	"aws:index/getPartition:getPartition": func(string, resource.PropertyMap) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{
			"partition": "aws", "id": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws",
		}), nil
	},
}

// getZone finds a public hosted zone by name or id. The stand-in has every zone asked
// for; its id is derived from the name, as stable as a real zone's.
func getZone(_ string, args resource.PropertyMap) (resource.PropertyMap, error) {
	name, id := strings.TrimSuffix(propStr(args, "name"), "."), propStr(args, "zoneId")
	if name == "" && id == "" {
		return nil, fmt.Errorf("neither name nor zoneId given")
	}
	if id == "" {
		id = "Z" + strings.ToUpper(standinHex(20, "zone", name))
	}
	if name == "" {
		name = strings.ToLower(id) + ".example.com"
	}
	var servers []any
	for i, tld := range []string{"com", "net", "org", "co.uk"} {
		servers = append(servers, fmt.Sprintf("ns-%d.awsdns-%02d.%s", 100*i+7, 10+i, tld))
	}
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": id, "zoneId": id, "name": name, "arn": "arn:aws:route53:::hostedzone/" + id,
		"nameServers": servers, "primaryNameServer": servers[0], "privateZone": propBool(args, "privateZone"),
		"callerReference": standinHex(36, "caller", id), "comment": "", "resourceRecordSetCount": 2,
		"tags": map[string]any{}, "vpcId": "", "linkedServiceDescription": "", "linkedServicePrincipal": "",
	}), nil
}

// getAvailabilityZones offers six regular zones in us-east-1 (a to f) and three
// elsewhere, all "available" and "opt-in-not-required". It honours the exclusions and
// the filters on attributes it models; another filter is an error, not silently ignored.
func getAvailabilityZones(region string, args resource.PropertyMap) (resource.PropertyMap, error) {
	count := 3
	if region == "us-east-1" {
		count = 6
	}
	attrs := func(i int) map[string]string {
		name := fmt.Sprintf("%s%c", region, 'a'+i)
		return map[string]string{
			"zone-name": name, "zone-id": standinZoneID(region, name), "state": "available",
			"opt-in-status": "opt-in-not-required", "zone-type": "availability-zone", "region-name": region,
			"group-name": region,
		}
	}
	type filter struct {
		name   string
		values []string
	}
	var filters []filter
	if v, ok := args["filters"]; ok && v.IsArray() {
		for _, f := range v.ArrayValue() {
			if !f.IsObject() {
				continue
			}
			fl := filter{name: propStr(f.ObjectValue(), "name"), values: propStrs(f.ObjectValue(), "values")}
			if _, modelled := attrs(0)[fl.name]; !modelled {
				return nil, fmt.Errorf("filter %q is not modelled by the stand-in", fl.name)
			}
			filters = append(filters, fl)
		}
	}
	if state := propStr(args, "state"); state != "" {
		filters = append(filters, filter{name: "state", values: []string{state}})
	}
	excluded := map[string]bool{}
	for _, n := range append(propStrs(args, "excludeNames"), propStrs(args, "excludeZoneIds")...) {
		excluded[n] = true
	}

	var names, ids, groups []any
zones:
	for i := 0; i < count; i++ {
		a := attrs(i)
		if excluded[a["zone-name"]] || excluded[a["zone-id"]] {
			continue
		}
		for _, f := range filters {
			match := false
			for _, v := range f.values {
				match = match || v == a[f.name]
			}
			if !match {
				continue zones
			}
		}
		names = append(names, a["zone-name"])
		ids = append(ids, a["zone-id"])
		groups = append(groups, a["group-name"])
	}
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": region, "names": names, "zoneIds": ids, "groupNames": groups, "state": propStr(args, "state"),
	}), nil
}

// zoneID maps an AZ name to its zone id: us-east-1c → use1-az3.
func standinZoneID(region, zone string) string {
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
func standinPublicIPv4(h string) string {
	b, _ := hex.DecodeString(h)
	return netip.AddrFrom4([4]byte{44, 192 + b[0]%32, b[1], 1 + b[2]%254}).String()
}

func standinPublicDNS(region, ip string) string {
	host := "ec2-" + strings.ReplaceAll(ip, ".", "-")
	if region == "us-east-1" {
		return host + ".compute-1.amazonaws.com"
	}
	return host + "." + region + ".compute.amazonaws.com"
}

// hostIn returns a host address inside cidr, chosen by h (for a NAT gateway's private IP).
func standinHostIn(cidr, h string) string {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || !p.Addr().Is4() {
		return ""
	}
	b, _ := hex.DecodeString(h)
	n := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	size := uint32(1) << (32 - p.Bits())
	a := p.Masked().Addr().As4()
	base := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	host := base + 4 + n%(size-5) // AWS reserves the first four addresses and the last
	return netip.AddrFrom4([4]byte{byte(host >> 24), byte(host >> 16), byte(host >> 8), byte(host)}).String()
}

func standinUUID(h string) string {
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[:8], h[8:12], h[12:16], h[16:20], h[20:32])
}

// awsxComponent is an awsx component as the stand-in builds it.
type awsxComponent struct {
	pulumi.ResourceState
}

// constructAwsx builds the awsx components the program uses:
//   - awsx:ecr:Repository registers its aws:ecr/repository:Repository child (through the
//     aws stand-in, like the real component) and returns `url` and `repository`. The real
//     one also adds a lifecycle policy; the stand-in leaves it out.
//   - awsx:ecr:Image returns `imageUri` in digest form, <repositoryUrl>@sha256:<digest>.
//     The digest hashes the build context, the Dockerfile and the build inputs, so it
//     changes exactly when a rebuild would push a different image. It builds nothing, but
//     fails like a build would when the context or the Dockerfile is missing.
func constructAwsx(ctx context.Context, req *pulumirpc.ConstructRequest, engine *grpc.ClientConn) (*pulumirpc.ConstructResponse, error) {
	return provider.Construct(ctx, req, engine, func(ctx *pulumi.Context, typ, name string, inputs provider.ConstructInputs, options pulumi.ResourceOption) (*provider.ConstructResult, error) {
		comp := &awsxComponent{}
		if err := ctx.RegisterComponentResource(typ, name, comp, options); err != nil {
			return nil, fmt.Errorf("registering %s %s: %w", typ, name, err)
		}
		var state pulumi.Map
		switch typ {
		case "awsx:ecr:Repository":
			var args struct {
				Name               pulumi.StringPtrInput `pulumi:"name"`
				ForceDelete        pulumi.BoolPtrInput   `pulumi:"forceDelete"`
				ImageTagMutability pulumi.StringPtrInput `pulumi:"imageTagMutability"`
				Tags               pulumi.StringMapInput `pulumi:"tags"`
			}
			if err := inputs.CopyTo(&args); err != nil {
				return nil, fmt.Errorf("%s %s: reading inputs: %w", typ, name, err)
			}
			repo, err := awsecr.NewRepository(ctx, name, &awsecr.RepositoryArgs{
				Name: args.Name, ForceDelete: args.ForceDelete, ImageTagMutability: args.ImageTagMutability, Tags: args.Tags,
			}, pulumi.Parent(comp))
			if err != nil {
				return nil, fmt.Errorf("%s %s: creating the repository: %w", typ, name, err)
			}
			state = pulumi.Map{"url": repo.RepositoryUrl, "repository": repo}
		case "awsx:ecr:Image":
			var args struct {
				RepositoryUrl pulumi.StringInput    `pulumi:"repositoryUrl"`
				Context       pulumi.StringPtrInput `pulumi:"context"`
				Dockerfile    pulumi.StringPtrInput `pulumi:"dockerfile"`
				Platform      pulumi.StringPtrInput `pulumi:"platform"`
				Target        pulumi.StringPtrInput `pulumi:"target"`
				Args          pulumi.StringMapInput `pulumi:"args"`
			}
			if err := inputs.CopyTo(&args); err != nil {
				return nil, fmt.Errorf("%s %s: reading inputs: %w", typ, name, err)
			}
			if args.RepositoryUrl == nil {
				return nil, fmt.Errorf("%s %s: repositoryUrl is required", typ, name)
			}
			var optional []any
			for _, in := range []pulumi.Input{args.Context, args.Dockerfile, args.Platform, args.Target} {
				if in == nil {
					in = pulumi.StringPtr("")
				}
				optional = append(optional, in)
			}
			if args.Args == nil {
				args.Args = pulumi.StringMap{}
			}
			all := append([]any{args.RepositoryUrl, args.Args}, optional...)
			uri := pulumi.All(all...).ApplyT(func(v []any) (string, error) {
				deref := func(x any) string {
					if p, ok := x.(*string); ok && p != nil {
						return *p
					}
					s, _ := x.(string)
					return s
				}
				digest, err := buildDigest(deref(v[2]), deref(v[3]), deref(v[4]), deref(v[5]), v[1].(map[string]string))
				if err != nil {
					return "", fmt.Errorf("%s %s: %w", typ, name, err)
				}
				return fmt.Sprintf("%s@sha256:%s", v[0].(string), digest), nil
			}).(pulumi.StringOutput)
			state = pulumi.Map{"imageUri": uri}
		default:
			return nil, fmt.Errorf("component %s is not served by the stand-in; add it to constructAwsx in standin_outputs_test.go", typ)
		}
		if err := ctx.RegisterResourceOutputs(comp, state); err != nil {
			return nil, fmt.Errorf("%s %s: registering outputs: %w", typ, name, err)
		}
		return &provider.ConstructResult{URN: comp.URN(), State: state}, nil
	})
}

// buildDigest hashes what decides a built image: every file of the context (relative to
// the working directory, as for the real provider), the Dockerfile and the build inputs.
func buildDigest(contextDir, dockerfile, platform, target string, buildArgs map[string]string) (string, error) {
	if contextDir == "" {
		contextDir = "."
	}
	if dockerfile == "" {
		dockerfile = filepath.Join(contextDir, "Dockerfile")
	}
	if fi, err := os.Stat(contextDir); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("build context %q is not a directory (docker build would fail): %v", contextDir, err)
	}
	h := sha256.New()
	df, err := os.ReadFile(dockerfile)
	if err != nil {
		return "", fmt.Errorf("reading Dockerfile %q (docker build would fail): %w", dockerfile, err)
	}
	fmt.Fprintf(h, "dockerfile\x00%s\x00platform\x00%s\x00target\x00%s\x00", df, platform, target)
	keys := make([]string, 0, len(buildArgs))
	for k := range buildArgs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(h, "arg\x00%s=%s\x00", k, buildArgs[k])
	}
	err = filepath.WalkDir(contextDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(contextDir, path)
		fmt.Fprintf(h, "file\x00%s\x00%d\x00", filepath.ToSlash(rel), len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("reading build context %q: %w", contextDir, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
